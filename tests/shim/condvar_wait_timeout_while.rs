//! A pool whose workers wait with `wait_timeout_while` for a job or the done
//! flag, which is set without a notification: a worker finds it when its
//! wait times out. Correct.

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
                let queue = queue.lock().unwrap();
                let idle = |queue: &mut Queue| queue.jobs.is_empty() && !queue.done;
                let (mut queue, waited) = more.wait_timeout_while(queue, Duration::from_millis(1), idle).unwrap();
                match queue.jobs.pop_front() {
                    Some(job) => {
                        drop(queue);
                        results.lock().unwrap().push((job, job * job));
                    }
                    None if queue.done => break,
                    None => assert!(waited.timed_out(), "woken with nothing to do and no time-out"),
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
