// Correct: a generic run_pool helper (any item, any result, any Fn) does the pooling;
// worker_pool is a thin wrapper that squares and sorts.
use std::collections::VecDeque;
use std::sync::Mutex;
use std::thread;

/// Applies `work` to every item on `workers` scoped threads sharing one queue.
/// The results come back in no particular order.
fn run_pool<T, R, F>(items: Vec<T>, workers: usize, work: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let queue = Mutex::new(VecDeque::from(items));
    let results = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| {
                loop {
                    let item = queue.lock().unwrap().pop_front();
                    match item {
                        Some(item) => {
                            let r = work(item);
                            results.lock().unwrap().push(r);
                        }
                        None => break,
                    }
                }
            });
        }
    });
    results.into_inner().unwrap()
}

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let mut pairs = run_pool(jobs, workers, |n| (n, n * n));
    pairs.sort();
    pairs
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    let result = worker_pool(jobs, 4);
    println!("{:?}", result);
}
