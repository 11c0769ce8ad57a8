// Bug: ignores `workers` and spawns one scoped thread per job instead of a fixed pool.
use std::thread;

fn worker_pool(jobs: Vec<u32>, _workers: usize) -> Vec<(u32, u32)> {
    let mut results: Vec<(u32, u32)> = thread::scope(|s| {
        let handles: Vec<_> = jobs.iter().map(|&n| s.spawn(move || (n, n * n))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    results.sort();
    results
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
