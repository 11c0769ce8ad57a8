// Bug: the results go into a BTreeSet so that they come out sorted, which merges repeated jobs into one pair.
use std::collections::{BTreeSet, VecDeque};
use std::sync::Mutex;
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Mutex::new(VecDeque::from(jobs));
    let results = Mutex::new(BTreeSet::new());

    thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| loop {
                let next = queue.lock().unwrap().pop_front();
                let Some(n) = next else { break };
                results.lock().unwrap().insert((n, n * n));
            });
        }
    });

    // A BTreeSet iterates in order, so no sort is needed.
    results.into_inner().unwrap().into_iter().collect()
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
