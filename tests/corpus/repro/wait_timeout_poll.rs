// Repro (worker_pool, race group): idle workers wait on a Condvar with wait_timeout, and the
// caller never notifies (the timeout is the polling). The shim's wait_timeout is shuttle's,
// which never times out: reported as a deadlock.
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let (inbox, bell) = (Mutex::new((Vec::new(), false)), Condvar::new());
    let mut out: Vec<(u32, u32)> = thread::scope(|s| {
        let crew: Vec<_> = (0..workers.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    let mut guard = inbox.lock().unwrap();
                    loop {
                        match guard.0.pop() {
                            Some(n) => done.push((n, n * n)),
                            None if guard.1 => return done,
                            None => guard = bell.wait_timeout(guard, Duration::from_millis(1)).unwrap().0,
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
