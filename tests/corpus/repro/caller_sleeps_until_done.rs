// Repro (parallel_sum, race group): the caller waits for a counter with thread::sleep. The shim's
// sleep is a bare context switch that PCT does not deprioritize, so PCT's first run (oldest task
// first) keeps picking the sleeping caller and passes the 200,000-step bound.
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let total = AtomicU64::new(0);
    let running = AtomicUsize::new(data.chunks(size).count());
    thread::scope(|s| {
        for piece in data.chunks(size) {
            let (total, running) = (&total, &running);
            s.spawn(move || {
                total.fetch_add(piece.iter().sum(), Ordering::Relaxed);
                running.fetch_sub(1, Ordering::Release);
            });
        }
        while running.load(Ordering::Acquire) > 0 {
            thread::sleep(Duration::from_millis(1));
        }
    });
    total.into_inner()
}

fn main() {
    let n = 1_000_000u64;
    let data: Vec<u64> = (1..=n).collect();
    println!("parallel sum = {}, expected = {}", parallel_sum(&data, 8), n * (n + 1) / 2);
}
