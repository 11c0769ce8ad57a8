// Bug: shutdown wakes the idle workers with notify_one instead of notify_all, so all but one sleep forever and join hangs.
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::thread;

struct Queue {
    jobs: VecDeque<u32>,
    closed: bool,
}

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Mutex::new(Queue { jobs: VecDeque::new(), closed: false });
    let changed = Condvar::new();

    let mut results: Vec<(u32, u32)> = thread::scope(|s| {
        let handles: Vec<_> = (0..workers.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let mut state = queue.lock().unwrap();
                        while state.jobs.is_empty() && !state.closed {
                            state = changed.wait(state).unwrap();
                        }
                        let Some(n) = state.jobs.pop_front() else { break };
                        drop(state);
                        done.push((n, n * n));
                    }
                    done
                })
            })
            .collect();

        for n in jobs {
            queue.lock().unwrap().jobs.push_back(n);
            changed.notify_one();
        }
        queue.lock().unwrap().closed = true;
        changed.notify_one();
        handles.into_iter().flat_map(|handle| handle.join().unwrap()).collect()
    });
    results.sort_unstable();
    results
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
