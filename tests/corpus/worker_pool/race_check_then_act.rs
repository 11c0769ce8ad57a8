// Race: check-then-act on the queue. A worker checks that the queue is not empty and then locks it
// a second time to pop; when another worker takes the last job in between, pop() gives None and the
// unwrap() panics, so join().unwrap() panics in the caller. On real threads the first worker
// usually drains a short queue before the others start, so the example nearly always passes.
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
            // keep going while there is work left
            while !queue.lock().unwrap().is_empty() {
                let n = queue.lock().unwrap().pop().unwrap();
                results.lock().unwrap().push((n, n * n));
            }
        }));
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
