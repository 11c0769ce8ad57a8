//! The pool of condvar_wait_timeout.rs with `wait` in place of `wait_timeout`,
//! and a notification for the done flag: a real lost wakeup, rare on real
//! threads. A worker that found the queue empty takes the lock again to wait;
//! the last job's or the done flag's notification can come in between, and
//! then nothing wakes it.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::thread;

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
                        let _queue = more.wait(queue).unwrap();
                    }
                }
            });
        }
        for job in jobs {
            queue.lock().unwrap().jobs.push_back(job);
            more.notify_one();
        }
        queue.lock().unwrap().done = true;
        more.notify_all();
    });
    let mut results = results.into_inner().unwrap();
    results.sort_unstable();
    results
}

fn main() {
    println!("{:?}", worker_pool((1..=10).collect(), 4));
}
