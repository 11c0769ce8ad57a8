// Bug: the next-job index is read with load and bumped by a separate fetch_add, so two workers can take the same job.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let next_job = AtomicUsize::new(0);

    let mut results: Vec<(u32, u32)> = thread::scope(|s| {
        let handles: Vec<_> = (0..workers.max(1))
            .map(|_| {
                let (jobs, next_job) = (&jobs, &next_job);
                s.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let index = next_job.load(Ordering::SeqCst);
                        let Some(&n) = jobs.get(index) else { break };
                        next_job.fetch_add(1, Ordering::SeqCst);
                        done.push((n, n * n));
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().flat_map(|handle| handle.join().unwrap()).collect()
    });
    results.sort_unstable();
    results
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
