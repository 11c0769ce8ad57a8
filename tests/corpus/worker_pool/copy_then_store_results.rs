// Bug: the lock is split in two, a worker copies the results out under one lock and stores the extended copy under another.
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(VecDeque::from(jobs)));
    let results: Arc<Mutex<Vec<(u32, u32)>>> = Arc::new(Mutex::new(Vec::new()));

    let handles: Vec<_> = (0..workers.max(1))
        .map(|_| {
            let queue = Arc::clone(&queue);
            let results = Arc::clone(&results);
            thread::spawn(move || loop {
                let next = queue.lock().unwrap().pop_front();
                let Some(n) = next else { break };
                // Hold the results lock only to read and to write, not while pushing.
                let mut updated = results.lock().unwrap().clone();
                updated.push((n, n * n));
                *results.lock().unwrap() = updated;
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }

    let mut out = results.lock().unwrap().clone();
    out.sort_unstable();
    out
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
