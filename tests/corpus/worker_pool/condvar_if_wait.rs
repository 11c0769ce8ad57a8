// Bug: the condvar wait is an `if`, not a loop, so a worker woken after another took the job unwraps an empty queue.
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let pool = workers.max(1);
    // `None` tells one worker to stop.
    let queue: Mutex<VecDeque<Option<u32>>> = Mutex::new(VecDeque::new());
    let job_ready = Condvar::new();

    let mut results: Vec<(u32, u32)> = thread::scope(|s| {
        let handles: Vec<_> = (0..pool)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let mut waiting = queue.lock().unwrap();
                        if waiting.is_empty() {
                            waiting = job_ready.wait(waiting).unwrap();
                        }
                        let next = waiting.pop_front().expect("woken up for a job");
                        drop(waiting);
                        let Some(n) = next else { break };
                        done.push((n, n * n));
                    }
                    done
                })
            })
            .collect();

        for n in jobs {
            queue.lock().unwrap().push_back(Some(n));
            job_ready.notify_one();
        }
        for _ in 0..pool {
            queue.lock().unwrap().push_back(None);
            job_ready.notify_one();
        }
        handles.into_iter().flat_map(|handle| handle.join().unwrap()).collect()
    });
    results.sort_unstable();
    results
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
