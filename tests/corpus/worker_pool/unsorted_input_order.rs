// Bug: results are written back in the order the jobs were given and never sorted. The example's
// jobs 1..=10 are already ascending so it looks right there, but shuffled jobs come back unsorted.
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let count = jobs.len();
    // queue of (position, job) so each result can go back into its own slot
    let queue = Arc::new(Mutex::new(jobs.into_iter().enumerate().collect::<Vec<_>>()));
    let slots = Arc::new(Mutex::new(vec![(0u32, 0u32); count]));

    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let queue = Arc::clone(&queue);
        let slots = Arc::clone(&slots);
        handles.push(thread::spawn(move || loop {
            let next = queue.lock().unwrap().pop();
            let Some((i, n)) = next else { break };
            slots.lock().unwrap()[i] = (n, n * n);
        }));
    }
    for h in handles {
        h.join().unwrap();
    }

    let out = slots.lock().unwrap().clone();
    out
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
