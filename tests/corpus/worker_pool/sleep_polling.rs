// Correct: idle workers sleep a millisecond and look at the queue again, until the caller has
// set a done flag; each worker returns its own pairs through join.
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue: Mutex<Vec<u32>> = Mutex::new(Vec::new());
    let no_more_jobs = AtomicBool::new(false);

    thread::scope(|s| {
        let crew: Vec<_> = (0..workers.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        // look at the flag first: if it was set, the queue already holds every job
                        let closing = no_more_jobs.load(Ordering::Acquire);
                        let job = queue.lock().unwrap().pop();
                        match job {
                            Some(n) => mine.push((n, n * n)),
                            None if closing => return mine,
                            None => thread::sleep(Duration::from_millis(1)),
                        }
                    }
                })
            })
            .collect();

        for batch in jobs.chunks(64) {
            queue.lock().unwrap().extend_from_slice(batch);
        }
        no_more_jobs.store(true, Ordering::Release);

        let mut all: Vec<(u32, u32)> = crew.into_iter().flat_map(|h| h.join().unwrap()).collect();
        all.sort();
        all
    })
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    let result = worker_pool(jobs, 4);
    println!("{:?}", result);
}
