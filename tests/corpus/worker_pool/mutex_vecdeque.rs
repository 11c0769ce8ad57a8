// Correct: Arc<Mutex<VecDeque>> job queue, Arc<Mutex<Vec>> results, sorted after joining.
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(VecDeque::from(jobs)));
    let results = Arc::new(Mutex::new(Vec::new()));

    let handles: Vec<_> = (0..workers.max(1))
        .map(|_| {
            let queue = Arc::clone(&queue);
            let results = Arc::clone(&results);
            thread::spawn(move || loop {
                // the queue guard is a temporary, released at the end of this statement
                let next = queue.lock().unwrap().pop_front();
                let Some(n) = next else { break };
                let pair = (n, n * n);
                results.lock().unwrap().push(pair);
            })
        })
        .collect();

    for h in handles {
        h.join().unwrap();
    }

    let mut out = std::mem::take(&mut *results.lock().unwrap());
    out.sort_unstable();
    out
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    let result = worker_pool(jobs, 4);
    println!("{:?}", result);
}
