// Bug: the pool size is workers.clamp(1, jobs.len()), which panics when there are no jobs (the minimum is above the maximum).
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    // At least one worker, and no idle ones.
    let pool = workers.clamp(1, jobs.len());
    let queue = Arc::new(Mutex::new(jobs));
    let results = Arc::new(Mutex::new(Vec::new()));

    let mut handles = Vec::with_capacity(pool);
    for _ in 0..pool {
        let queue = Arc::clone(&queue);
        let results = Arc::clone(&results);
        handles.push(thread::spawn(move || loop {
            let job = queue.lock().unwrap().pop();
            let Some(n) = job else { break };
            results.lock().unwrap().push((n, n * n));
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }

    let mut out = Arc::try_unwrap(results).unwrap().into_inner().unwrap();
    out.sort_unstable();
    out
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
