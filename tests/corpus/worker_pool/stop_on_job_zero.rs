// Bug: the jobs go down a channel followed by one 0 per worker, and a worker stops at the first 0
// it receives. A real job 0 stops a worker early and its pair (0, 0) is never made; with one
// worker every job after it is lost too.
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

const STOP: u32 = 0;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let workers = workers.max(1);
    let (job_tx, job_rx) = mpsc::channel::<u32>();
    let (pair_tx, pair_rx) = mpsc::channel();
    let job_rx = Arc::new(Mutex::new(job_rx));
    let mut handles = Vec::new();
    for _ in 0..workers {
        let job_rx = Arc::clone(&job_rx);
        let pair_tx = pair_tx.clone();
        handles.push(thread::spawn(move || loop {
            let job = job_rx.lock().unwrap().recv().unwrap_or(STOP);
            if job == STOP {
                break;
            }
            pair_tx.send((job, job * job)).unwrap();
        }));
    }
    drop(pair_tx);
    for job in jobs {
        job_tx.send(job).unwrap();
    }
    for _ in 0..workers {
        job_tx.send(STOP).unwrap();
    }
    for handle in handles {
        handle.join().unwrap();
    }
    let mut pairs: Vec<(u32, u32)> = pair_rx.iter().collect();
    pairs.sort_unstable();
    pairs
}

fn main() {
    println!("{:?}", worker_pool((1..=10).collect(), 4));
}
