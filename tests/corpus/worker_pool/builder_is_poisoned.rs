// Correct: named workers from thread::Builder (io::Result passed up with ?), and a check of
// Mutex::is_poisoned before the results are taken out of their Arc<Mutex<..>>.
use std::io;
use std::{thread, sync::{Arc, Mutex}};

type Shared<T> = Arc<Mutex<T>>;

fn start_workers(
    count: usize,
    queue: &Shared<Vec<u32>>,
    results: &Shared<Vec<(u32, u32)>>,
) -> io::Result<Vec<thread::JoinHandle<()>>> {
    let mut handles = Vec::with_capacity(count);
    for id in 0..count {
        let queue = Arc::clone(queue);
        let results = Arc::clone(results);
        let handle = thread::Builder::new().name(format!("pool-worker-{id}")).spawn(move || {
            loop {
                let job = queue.lock().unwrap().pop();
                match job {
                    Some(n) => results.lock().unwrap().push((n, n * n)),
                    None => break,
                }
            }
        })?;
        handles.push(handle);
    }
    Ok(handles)
}

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(jobs));
    let results = Arc::new(Mutex::new(Vec::new()));

    let handles = start_workers(workers.max(1), &queue, &results).expect("could not start the workers");
    for handle in handles {
        let name = handle.thread().name().unwrap_or("worker").to_string();
        if handle.join().is_err() {
            panic!("{name} panicked");
        }
    }

    assert!(!results.is_poisoned(), "a worker panicked while holding the results");
    let mut pairs = match Arc::try_unwrap(results) {
        Ok(mutex) => mutex.into_inner().unwrap(),
        Err(shared) => shared.lock().unwrap().clone(),
    };
    pairs.sort();
    pairs
}

fn main() {
    let result = worker_pool((1..=10).collect(), 4);
    println!("{:?}", result);
}
