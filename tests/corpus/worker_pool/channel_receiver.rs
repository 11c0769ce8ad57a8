// Correct: jobs travel through an mpsc channel whose Receiver is shared as Arc<Mutex<Receiver>>;
// results come back on a second channel.
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let (job_tx, job_rx) = mpsc::channel::<u32>();
    let (res_tx, res_rx) = mpsc::channel::<(u32, u32)>();

    for n in jobs {
        job_tx.send(n).unwrap();
    }
    // no more jobs: once the channel is drained recv() returns Err
    drop(job_tx);

    let job_rx: Arc<Mutex<Receiver<u32>>> = Arc::new(Mutex::new(job_rx));
    let mut pool = Vec::new();
    for _ in 0..workers.max(1) {
        let rx = Arc::clone(&job_rx);
        let tx = res_tx.clone();
        pool.push(thread::spawn(move || {
            loop {
                let msg = rx.lock().unwrap().recv();
                match msg {
                    Ok(n) => tx.send((n, n * n)).unwrap(),
                    Err(_) => break,
                }
            }
        }));
    }
    drop(res_tx);

    let mut results: Vec<(u32, u32)> = res_rx.iter().collect();
    for w in pool {
        w.join().unwrap();
    }
    results.sort();
    results
}

fn main() {
    let result = worker_pool((1..=10).collect(), 4);
    println!("{:?}", result);
}
