// Bug: the comparator's arguments are swapped, so the results come back in descending order.
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(jobs.into_iter().collect::<VecDeque<u32>>()));
    let results = Arc::new(Mutex::new(Vec::new()));

    let handles: Vec<_> = (0..workers.max(1))
        .map(|_| {
            let (queue, results) = (Arc::clone(&queue), Arc::clone(&results));
            thread::spawn(move || {
                while let Some(n) = { let job = queue.lock().unwrap().pop_front(); job } {
                    results.lock().unwrap().push((n, n * n));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }

    let mut out = Arc::try_unwrap(results).unwrap().into_inner().unwrap();
    out.sort_by(|a, b| b.cmp(a));
    out
}

fn main() {
    let result = worker_pool((1..=10).collect(), 4);
    println!("{:?}", result);
}
