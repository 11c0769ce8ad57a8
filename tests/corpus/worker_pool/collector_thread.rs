// Bug: besides the workers it spawns a separate collector thread for the results, so it uses
// workers + 1 threads (the answer itself is right).
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Arc::new(Mutex::new(jobs));
    let (tx, rx) = mpsc::channel::<(u32, u32)>();

    // collector: gathers and sorts everything the workers send
    let collector = thread::spawn(move || {
        let mut all: Vec<(u32, u32)> = rx.into_iter().collect();
        all.sort();
        all
    });

    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let queue = Arc::clone(&queue);
        let tx = tx.clone();
        handles.push(thread::spawn(move || loop {
            let job = queue.lock().unwrap().pop();
            match job {
                Some(n) => tx.send((n, n * n)).unwrap(),
                None => break,
            }
        }));
    }
    drop(tx);
    for h in handles {
        h.join().unwrap();
    }
    collector.join().unwrap()
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
