// Correct: Cargo project. Scoped workers share a Mutex<Vec<u32>> queue by reference (no Arc);
// each worker returns its own results from join, then everything is merged and sorted.
use std::sync::Mutex;
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Mutex::new(jobs);
    let queue = &queue;

    let mut all = thread::scope(|s| {
        let handles: Vec<_> = (0..workers.max(1))
            .map(|_| {
                s.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let job = queue.lock().unwrap().pop();
                        match job {
                            Some(n) => mine.push((n, n * n)),
                            None => break mine,
                        }
                    }
                })
            })
            .collect();

        let mut merged = Vec::new();
        for h in handles {
            merged.extend(h.join().unwrap());
        }
        merged
    });

    all.sort();
    all
}

fn main() {
    let result = worker_pool((1..=10).collect(), 4);
    println!("{:?}", result);
}
