// Correct: 'static workers park while the queue is empty; the caller unparks one worker per job
// it queues, and every worker once more after it has closed the queue.
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

#[derive(Default)]
struct Shared {
    queue: Mutex<VecDeque<u32>>,
    closed: AtomicBool,
    results: Mutex<Vec<(u32, u32)>>,
}

fn work(shared: &Shared) {
    loop {
        // the flag is read before the queue: once it is up, nothing more will be queued
        let closed = shared.closed.load(Ordering::Acquire);
        let job = shared.queue.lock().unwrap().pop_front();
        match job {
            Some(n) => shared.results.lock().unwrap().push((n, n * n)),
            None if closed => return,
            // an unpark that came early leaves a token, so this returns at once
            None => thread::park(),
        }
    }
}

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let shared = Arc::new(Shared::default());
    let handles: Vec<_> = (0..workers.max(1))
        .map(|_| {
            let shared = Arc::clone(&shared);
            thread::spawn(move || work(&shared))
        })
        .collect();

    for (i, n) in jobs.into_iter().enumerate() {
        shared.queue.lock().unwrap().push_back(n);
        handles[i % handles.len()].thread().unpark();
    }
    shared.closed.store(true, Ordering::Release);
    for h in &handles {
        h.thread().unpark();
    }
    for h in handles {
        h.join().unwrap();
    }

    let mut results = std::mem::take(&mut *shared.results.lock().unwrap());
    results.sort();
    results
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    let result = worker_pool(jobs, 4);
    println!("{:?}", result);
}
