// Bug: spawns `workers` threads without a .max(1) guard, so workers == 0 runs no worker and returns [].
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(jobs));
    let results = Arc::new(Mutex::new(Vec::new()));

    let mut handles = Vec::new();
    for _ in 0..workers {
        let queue = Arc::clone(&queue);
        let results = Arc::clone(&results);
        handles.push(thread::spawn(move || {
            loop {
                let job = queue.lock().unwrap().pop();
                match job {
                    Some(n) => results.lock().unwrap().push((n, n * n)),
                    None => break,
                }
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
