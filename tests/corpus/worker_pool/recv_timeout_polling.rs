// Correct: workers poll the job channel with recv_timeout and leave once the caller has raised
// its all-sent flag and the channel is drained; the sender itself stays alive to the end.
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

const POLL: Duration = Duration::from_millis(1);

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let (job_tx, job_rx) = mpsc::channel::<u32>();
    let job_rx = Mutex::new(job_rx);
    let all_sent = AtomicBool::new(false);
    let results = Mutex::new(Vec::with_capacity(jobs.len()));

    thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| {
                loop {
                    // Read the flag before waiting: if it was already up, every job was in
                    // the channel, so a timeout then means the channel is really empty.
                    let finished = all_sent.load(Ordering::Acquire);
                    let next = job_rx.lock().unwrap().recv_timeout(POLL);
                    match next {
                        Ok(n) => results.lock().unwrap().push((n, n * n)),
                        Err(RecvTimeoutError::Timeout) if finished => break,
                        Err(RecvTimeoutError::Timeout) => continue,
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
            });
        }
        for n in jobs {
            job_tx.send(n).expect("the receiver lives as long as the scope");
        }
        all_sent.store(true, Ordering::Release);
    });

    let mut pairs = results.into_inner().unwrap();
    pairs.sort_unstable();
    pairs
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
