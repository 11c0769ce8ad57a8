// Bug: a fixed pool only for many jobs; up to 64 jobs each get a scoped thread of their own,
// whatever `workers` says. The parallelism test's 2,000 jobs see the pool; the example's 10 jobs
// on 4 workers start 10 threads. The answers are always right.
use std::sync::Mutex;
use std::thread;

const FEW: usize = 64;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = if jobs.len() <= FEW {
        thread::scope(|s| {
            let handles: Vec<_> = jobs.iter().map(|&job| s.spawn(move || (job, job * job))).collect();
            handles.into_iter().map(|handle| handle.join().unwrap()).collect()
        })
    } else {
        let queue = Mutex::new(jobs);
        let done = Mutex::new(Vec::new());
        thread::scope(|s| {
            for _ in 0..workers.max(1) {
                s.spawn(|| {
                    while let Some(job) = queue.lock().unwrap().pop() {
                        done.lock().unwrap().push((job, job * job));
                    }
                });
            }
        });
        done.into_inner().unwrap()
    };
    pairs.sort();
    pairs
}

fn main() {
    println!("{:?}", worker_pool((1..=10).collect(), 4));
}
