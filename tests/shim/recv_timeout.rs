//! A pool whose workers share one receiver and poll it with `recv_timeout`
//! until a done flag is set; the sender lives until every worker has
//! stopped, so `recv` would wait forever. Correct: a worker reads the flag
//! before it waits, so a time-out after the flag was set means every job
//! was sent before the wait and the channel was empty during it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let (send_job, receive_job) = mpsc::channel::<u32>();
    let receive_job = Mutex::new(receive_job);
    let done = AtomicBool::new(false);
    let results = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| loop {
                let all_sent = done.load(Ordering::SeqCst);
                let next = receive_job.lock().unwrap().recv_timeout(Duration::from_millis(1));
                match next {
                    Ok(job) => results.lock().unwrap().push((job, job * job)),
                    Err(RecvTimeoutError::Timeout) if all_sent => break,
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            });
        }
        for job in jobs {
            send_job.send(job).unwrap();
        }
        done.store(true, Ordering::SeqCst);
    });
    drop(send_job);
    let mut results = results.into_inner().unwrap();
    results.sort_unstable();
    results
}

fn main() {
    println!("{:?}", worker_pool((1..=10).collect(), 4));
}
