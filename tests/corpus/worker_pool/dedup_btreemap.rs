// Bug: results are collected in a BTreeMap keyed by the job, so repeated jobs collapse into one pair.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(jobs));
    let squares = Arc::new(Mutex::new(BTreeMap::new()));

    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let queue = Arc::clone(&queue);
        let squares = Arc::clone(&squares);
        handles.push(thread::spawn(move || loop {
            let job = queue.lock().unwrap().pop();
            match job {
                Some(n) => {
                    squares.lock().unwrap().insert(n, n * n);
                }
                None => break,
            }
        }));
    }
    for h in handles {
        h.join().unwrap();
    }

    // a BTreeMap is already sorted by key, no need to sort
    let map = squares.lock().unwrap();
    map.iter().map(|(&n, &sq)| (n, sq)).collect()
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
