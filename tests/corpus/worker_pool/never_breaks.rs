// Bug: endless loop. A worker that finds the queue empty naps and tries again instead of
// stopping, so no worker ever finishes and the joins never return.
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(jobs));
    let results = Arc::new(Mutex::new(Vec::new()));

    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let queue = Arc::clone(&queue);
        let results = Arc::clone(&results);
        handles.push(thread::spawn(move || loop {
            let job = queue.lock().unwrap().pop();
            if let Some(n) = job {
                results.lock().unwrap().push((n, n * n));
            } else {
                // queue empty right now: wait a little, more work might show up
                thread::sleep(Duration::from_millis(10));
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
