#[allow(unused_imports)] // needed once you write the function
use std::{sync::Mutex, thread};

/// Squares every job on a fixed pool of at most `max(workers, 1)` threads
/// that pull from one shared queue, and returns one `(n, n * n)` pair per
/// job, sorted ascending.
#[allow(unused_variables)] // remove this line once you use the parameters
fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    todo!("share one job queue, let each worker loop until it is empty, then sort the pairs")
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    let result = worker_pool(jobs, 4);
    println!("{:?}", result);
}
