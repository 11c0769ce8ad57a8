//! The main thread sleeps instead of waiting for the workers, and reads the
//! total when it wakes: a sleep orders nothing, so a worker that has not run
//! yet is missing from the answer.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        for piece in data.chunks(size) {
            let total = &total;
            s.spawn(move || {
                total.fetch_add(piece.iter().sum::<u64>(), Ordering::SeqCst);
            });
        }
        thread::sleep(Duration::from_millis(20));
        total.load(Ordering::SeqCst)
    })
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
