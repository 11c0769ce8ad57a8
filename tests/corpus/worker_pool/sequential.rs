// Bug: no worker threads at all; the queue is drained on the calling thread (right answer, not parallel).
use std::collections::VecDeque;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let _ = workers; // TODO: threads
    let mut queue: VecDeque<u32> = jobs.into();
    let mut results = Vec::new();
    while let Some(n) = queue.pop_front() {
        results.push((n, n * n));
    }
    results.sort();
    results
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
