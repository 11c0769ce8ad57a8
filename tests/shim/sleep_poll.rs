//! The main thread waits for the workers by polling a counter, sleeping
//! between looks. Correct (if wasteful): it reads the total only once every
//! worker has counted itself done.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let total = AtomicU64::new(0);
    let finished = AtomicUsize::new(0);
    let pieces = data.chunks(size).count();
    thread::scope(|s| {
        for piece in data.chunks(size) {
            let (total, finished) = (&total, &finished);
            s.spawn(move || {
                total.fetch_add(piece.iter().sum::<u64>(), Ordering::SeqCst);
                finished.fetch_add(1, Ordering::SeqCst);
            });
        }
        while finished.load(Ordering::SeqCst) < pieces {
            thread::sleep(Duration::from_millis(1));
        }
        total.load(Ordering::SeqCst)
    })
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
