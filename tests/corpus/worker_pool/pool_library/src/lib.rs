// Correct function, but submitted as a library crate: src/lib.rs only, no fn main, so the
// output check has nothing to run.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

/// Squares every job on a fixed pool of `workers` threads (at least one).
/// The shared queue is the job list plus an atomic cursor: taking a job is one fetch_add.
pub fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let jobs = Arc::new(jobs);
    let cursor = Arc::new(AtomicUsize::new(0));
    let results = Arc::new(Mutex::new(Vec::with_capacity(jobs.len())));

    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let jobs = Arc::clone(&jobs);
        let cursor = Arc::clone(&cursor);
        let results = Arc::clone(&results);
        handles.push(thread::spawn(move || {
            loop {
                let i = cursor.fetch_add(1, Ordering::Relaxed);
                let Some(&n) = jobs.get(i) else { break };
                results.lock().unwrap().push((n, n * n));
            }
        }));
    }
    for h in handles {
        h.join().expect("worker panicked");
    }

    let mut out = results.lock().unwrap().clone();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::worker_pool;

    #[test]
    fn chapter_example() {
        let got = worker_pool((1..=10).collect(), 4);
        let want: Vec<(u32, u32)> = (1..=10).map(|n| (n, n * n)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn repeats_and_zero_workers() {
        assert_eq!(worker_pool(vec![3, 3, 1], 0), vec![(1, 1), (3, 9), (3, 9)]);
    }
}
