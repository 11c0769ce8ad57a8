// Repro (worker_pool, race group): workers poll with recv_timeout while the Sender stays alive.
// The shim's recv_timeout is shuttle's, which never times out (a plain recv), so once the
// channel is empty every worker blocks for good: reported as a deadlock.
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let (tx, rx) = mpsc::channel();
    let (rx, sent, out) = (Mutex::new(rx), AtomicBool::new(false), Mutex::new(Vec::new()));
    thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| loop {
                let finished = sent.load(Ordering::Acquire);
                let next = rx.lock().unwrap().recv_timeout(Duration::from_millis(1));
                match next {
                    Ok(n) => out.lock().unwrap().push((n, n * n)),
                    Err(_) if finished => break,
                    Err(_) => {}
                }
            });
        }
        jobs.into_iter().for_each(|n| tx.send(n).unwrap());
        sent.store(true, Ordering::Release);
    });
    let mut out = out.into_inner().unwrap();
    out.sort();
    out
}

fn main() {
    println!("{:?}", worker_pool((1..=10).collect(), 4));
}
