// Race: results dropped when try_lock is busy. To "never block" on the results, a worker pushes
// its pair only if results.try_lock() succeeds; when another worker holds the results lock at that
// moment (or was preempted while holding it) the pair is silently lost. With short jobs the workers
// rarely meet at the results lock, so most runs are right.
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
            thread::spawn(move || {
                loop {
                    let job = queue.lock().unwrap().pop_front();
                    let Some(n) = job else { break };
                    let pair = (n, n * n);
                    // try_lock so a worker never sits waiting on another one
                    if let Ok(mut done) = results.try_lock() {
                        done.push(pair);
                    }
                }
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
