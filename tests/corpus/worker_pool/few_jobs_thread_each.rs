// Bug: eight jobs or fewer get a thread each, so a short job list starts more threads than `workers`.
use std::collections::VecDeque;
use std::sync::Mutex;
use std::thread;

/// Below this many jobs a shared queue is not worth setting up.
const FEW_JOBS: usize = 8;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let mut results: Vec<(u32, u32)> = if jobs.len() <= FEW_JOBS {
        thread::scope(|s| {
            let handles: Vec<_> = jobs.iter().map(|&n| s.spawn(move || (n, n * n))).collect();
            handles.into_iter().map(|handle| handle.join().unwrap()).collect()
        })
    } else {
        let queue = Mutex::new(VecDeque::from(jobs));
        thread::scope(|s| {
            let handles: Vec<_> = (0..workers.max(1))
                .map(|_| {
                    s.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let next = queue.lock().unwrap().pop_front();
                            let Some(n) = next else { break };
                            done.push((n, n * n));
                        }
                        done
                    })
                })
                .collect();
            handles.into_iter().flat_map(|handle| handle.join().unwrap()).collect()
        })
    };
    results.sort_unstable();
    results
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
