//! The pool of recv_timeout.rs, with workers that stop at their first
//! time-out as if it meant there were no more jobs: a time-out only says
//! that nothing came for a while. If every worker stops before the last job
//! is sent, that job is never done.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let (send_job, receive_job) = mpsc::channel::<u32>();
    let receive_job = Mutex::new(receive_job);
    let results = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| loop {
                let next = receive_job.lock().unwrap().recv_timeout(Duration::from_millis(1));
                match next {
                    Ok(job) => results.lock().unwrap().push((job, job * job)),
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                }
            });
        }
        for job in jobs {
            send_job.send(job).unwrap();
        }
    });
    drop(send_job);
    let mut results = results.into_inner().unwrap();
    results.sort_unstable();
    results
}

fn main() {
    println!("{:?}", worker_pool((1..=10).collect(), 4));
}
