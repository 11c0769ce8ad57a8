// Correct: glob-imported std::sync; the caller feeds jobs through a bounded sync_channel while
// 'static workers share its receiver as Arc<Mutex<Receiver>>; pairs return on a second channel.
use std::sync::*;
use std::thread;

/// How many jobs may wait in the channel before the feeder blocks.
const BACKLOG: usize = 8;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let (job_tx, job_rx) = mpsc::sync_channel::<u32>(BACKLOG);
    let (pair_tx, pair_rx) = mpsc::channel::<(u32, u32)>();
    let job_rx = Arc::new(Mutex::new(job_rx));

    let workers: Vec<_> = (0..workers.max(1))
        .map(|_| {
            let job_rx = Arc::clone(&job_rx);
            let pair_tx = pair_tx.clone();
            thread::spawn(move || {
                while let Ok(n) = job_rx.lock().unwrap().recv() {
                    pair_tx.send((n, n * n)).unwrap();
                }
            })
        })
        .collect();
    drop(pair_tx);

    // blocks whenever BACKLOG jobs are waiting, until a worker takes one
    for n in jobs {
        job_tx.send(n).expect("a worker is still receiving");
    }
    drop(job_tx);

    let mut pairs: Vec<(u32, u32)> = pair_rx.iter().collect();
    for w in workers {
        w.join().unwrap();
    }
    pairs.sort();
    pairs
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    let result = worker_pool(jobs, 4);
    println!("{:?}", result);
}
