// Bug: deadlock. The function locks the results before starting the workers and keeps the guard
// while joining them, so the first worker that tries to push a result blocks forever.
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(jobs));
    let results: Arc<Mutex<Vec<(u32, u32)>>> = Arc::new(Mutex::new(Vec::new()));

    // grab the results now so nobody else can read them before we are done
    let mut finished = results.lock().unwrap();

    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let queue = Arc::clone(&queue);
        let results = Arc::clone(&results);
        handles.push(thread::spawn(move || loop {
            let job = queue.lock().unwrap().pop();
            match job {
                Some(n) => results.lock().unwrap().push((n, n * n)),
                None => break,
            }
        }));
    }
    for h in handles {
        h.join().unwrap();
    }

    finished.sort();
    finished.clone()
}

fn main() {
    let result = worker_pool((1..=10).collect(), 4);
    println!("{:?}", result);
}
