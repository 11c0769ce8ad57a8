// Repro (worker_pool, race group): idle workers poll with park_timeout and nobody unparks them.
// The shim's park_timeout is shuttle's, a plain park that never times out: reported as a deadlock.
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let inbox = Mutex::new((Vec::new(), false));
    let mut out: Vec<(u32, u32)> = thread::scope(|s| {
        let crew: Vec<_> = (0..workers.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let (job, closed) = {
                            let mut inbox = inbox.lock().unwrap();
                            (inbox.0.pop(), inbox.1)
                        };
                        match job {
                            Some(n) => done.push((n, n * n)),
                            None if closed => return done,
                            None => thread::park_timeout(Duration::from_millis(1)),
                        }
                    }
                })
            })
            .collect();
        inbox.lock().unwrap().0.extend(jobs);
        inbox.lock().unwrap().1 = true;
        crew.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    out.sort();
    out
}

fn main() {
    println!("{:?}", worker_pool((1..=10).collect(), 4));
}
