// Missing function: the pool is implemented, but under the name `run_pool`, so `worker_pool` does not exist.
use std::sync::{Arc, Mutex};
use std::thread;

fn run_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(jobs));
    let results = Arc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = (0..workers.max(1))
        .map(|_| {
            let queue = Arc::clone(&queue);
            let results = Arc::clone(&results);
            thread::spawn(move || loop {
                let job = queue.lock().unwrap().pop();
                let Some(n) = job else { break };
                results.lock().unwrap().push((n, n * n));
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let mut out = results.lock().unwrap().clone();
    out.sort();
    out
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", run_pool(jobs, 4));
}
