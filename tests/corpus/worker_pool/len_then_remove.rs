// Bug: check-then-act across two locks, the length is read under one lock and remove(len - 1) runs under another.
use std::sync::Mutex;
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Mutex::new(jobs);
    let results = Mutex::new(Vec::new());

    thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| loop {
                let remaining = queue.lock().unwrap().len();
                if remaining == 0 {
                    break;
                }
                let n = queue.lock().unwrap().remove(remaining - 1);
                results.lock().unwrap().push((n, n * n));
            });
        }
    });

    let mut out = results.into_inner().unwrap();
    out.sort_unstable();
    out
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
