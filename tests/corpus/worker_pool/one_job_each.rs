// Bug: each worker pops a single job and then exits, so with more jobs than workers jobs are lost.
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(jobs));
    let results = Arc::new(Mutex::new(Vec::new()));

    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let queue = Arc::clone(&queue);
        let results = Arc::clone(&results);
        handles.push(thread::spawn(move || {
            let job = queue.lock().unwrap().pop();
            if let Some(n) = job {
                results.lock().unwrap().push((n, n * n));
            }
        }));
    }
    for h in handles {
        h.join().unwrap();
    }

    let mut out = results.lock().unwrap().clone();
    out.sort();
    out
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
