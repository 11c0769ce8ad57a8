// Bug: the pool size is workers.min(1) where workers.max(1) was meant: one worker at most, none when workers is 0.
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let (job_sender, job_receiver) = mpsc::channel::<u32>();
    let job_receiver = Arc::new(Mutex::new(job_receiver));
    let (result_sender, result_receiver) = mpsc::channel();

    for _ in 0..workers.min(1) {
        let job_receiver = Arc::clone(&job_receiver);
        let result_sender = result_sender.clone();
        thread::spawn(move || loop {
            let job = job_receiver.lock().unwrap().recv();
            let Ok(n) = job else { break };
            result_sender.send((n, n * n)).unwrap();
        });
    }
    drop(result_sender);

    for n in jobs {
        job_sender.send(n).unwrap();
    }
    drop(job_sender);

    let mut results: Vec<(u32, u32)> = result_receiver.iter().collect();
    results.sort_unstable();
    results
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
