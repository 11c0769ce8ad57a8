// Race: lock-order inversion. Workers keep the queue guard while they lock the results; the main
// thread, which helps with the jobs while it waits, holds the results guard while it locks the
// queue. When a worker holds the queue and main holds the results at the same moment, each waits
// for the other forever. Usually the workers have drained the queue before main gets there.
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
            loop {
                let mut q = queue.lock().unwrap();
                let Some(n) = q.pop() else { break };
                results.lock().unwrap().push((n, n * n));
            }
        }));
    }

    // the main thread would only be waiting, so it takes jobs too
    loop {
        let mut done = results.lock().unwrap();
        let Some(n) = queue.lock().unwrap().pop() else { break };
        done.push((n, n * n));
    }

    for handle in handles {
        handle.join().unwrap();
    }

    let mut pairs = results.lock().unwrap().clone();
    pairs.sort();
    pairs
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    let result = worker_pool(jobs, 4);
    println!("{:?}", result);
}
