//! A pool whose workers look at the queue under one lock and wait under
//! another, so a notification can come in between and be missed. Correct all
//! the same: the wait has a timeout, and a worker that missed the
//! notification looks again when it expires. The done flag is set without
//! a notification at all: the timeout is how the workers find it.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

struct Queue {
    jobs: VecDeque<u32>,
    done: bool,
}

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Mutex::new(Queue { jobs: VecDeque::new(), done: false });
    let more = Condvar::new();
    let results = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| loop {
                let next = {
                    let mut queue = queue.lock().unwrap();
                    match queue.jobs.pop_front() {
                        Some(job) => Some(job),
                        None if queue.done => break,
                        None => None,
                    }
                };
                match next {
                    Some(job) => results.lock().unwrap().push((job, job * job)),
                    None => {
                        let queue = queue.lock().unwrap();
                        let (_queue, _) = more.wait_timeout(queue, Duration::from_millis(1)).unwrap();
                    }
                }
            });
        }
        for job in jobs {
            queue.lock().unwrap().jobs.push_back(job);
            more.notify_one();
        }
        queue.lock().unwrap().done = true;
    });
    let mut results = results.into_inner().unwrap();
    results.sort_unstable();
    results
}

fn main() {
    println!("{:?}", worker_pool((1..=10).collect(), 4));
}
