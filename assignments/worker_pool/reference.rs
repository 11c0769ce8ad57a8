//! Reference solution for `worker_pool`.
//!
//! The jobs go into a `Mutex<VecDeque<u32>>` that lives on this function's
//! stack. A fixed number of scoped workers (at most `max(workers, 1)`, and
//! never more than there are jobs) repeatedly take one job from the front of
//! the queue, release the lock, square the job, and keep the pair in a local
//! buffer. Each worker hands its buffer back through its join handle, so the
//! results need no second lock; the merged list is sorted at the end.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::thread;

/// Runs every job on a fixed pool of worker threads and returns one
/// `(n, n * n)` pair per job, sorted ascending.
fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    if jobs.is_empty() {
        return Vec::new();
    }
    let job_count = jobs.len();
    let pool_size = workers.max(1).min(job_count);
    let queue = Mutex::new(VecDeque::from(jobs));

    let mut results = Vec::with_capacity(job_count);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..pool_size)
            .map(|_| {
                let queue = &queue;
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        // The guard is a temporary of this statement, so the
                        // lock is released before the job is processed.
                        let next = queue.lock().expect("queue lock poisoned").pop_front();
                        let Some(n) = next else { break };
                        done.push((n, n * n));
                    }
                    done
                })
            })
            .collect();

        for handle in handles {
            results.extend(handle.join().expect("a worker thread panicked"));
        }
    });

    results.sort_unstable();
    results
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    let result = worker_pool(jobs, 4);
    println!("{:?}", result);
}
