// Correct: the pool size is capped per machine by a LazyLock computed once from
// thread::available_parallelism; results come back over an mpsc channel.
use std::collections::VecDeque;
use std::num::NonZeroUsize;
use std::sync::mpsc;
use std::sync::{LazyLock, Mutex};
use std::thread;

/// No point in more workers than a few per core; never fewer than 2.
static POOL_CAP: LazyLock<usize> = LazyLock::new(|| {
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    (cores * 4).max(2)
});

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let size = workers.max(1).min(*POOL_CAP).min(jobs.len().max(1));
    let queue = Mutex::new(VecDeque::from(jobs));
    let (tx, rx) = mpsc::channel();

    thread::scope(|s| {
        for _ in 0..size {
            let tx = tx.clone();
            let queue = &queue;
            s.spawn(move || {
                while let Some(n) = {
                    let next = queue.lock().unwrap().pop_front();
                    next
                } {
                    tx.send((n, n * n)).unwrap();
                }
            });
        }
    });
    drop(tx);

    let mut results: Vec<(u32, u32)> = rx.iter().collect();
    results.sort_unstable();
    results
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
