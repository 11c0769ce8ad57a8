// Compile error (E0308): the square is computed as u64 and pushed into a Vec<(u32, u32)>.
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(jobs));
    let results: Arc<Mutex<Vec<(u32, u32)>>> = Arc::new(Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let queue = Arc::clone(&queue);
        let results = Arc::clone(&results);
        handles.push(thread::spawn(move || loop {
            let job = queue.lock().unwrap().pop();
            let Some(n) = job else { break };
            // widen so the square cannot overflow
            let square = n as u64 * n as u64;
            results.lock().unwrap().push((n, square));
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
