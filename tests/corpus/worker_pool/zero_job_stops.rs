// Bug: job 0 doubles as the "queue is empty" signal, so a worker that pops a real 0 stops and (0, 0) is lost.
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(jobs));
    let results = Arc::new(Mutex::new(Vec::new()));

    let handles: Vec<_> = (0..workers.max(1))
        .map(|_| {
            let queue = Arc::clone(&queue);
            let results = Arc::clone(&results);
            thread::spawn(move || loop {
                let n = queue.lock().unwrap().pop().unwrap_or(0);
                if n == 0 {
                    break; // nothing left to do
                }
                results.lock().unwrap().push((n, n * n));
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }

    let mut out = std::mem::take(&mut *results.lock().unwrap());
    out.sort_unstable();
    out
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
