//! barrier.rs without the barrier: the first thread adds the slots up as
//! soon as it has written its own, and misses the slots not written yet.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let pieces: Vec<&[u64]> = data.chunks(size).collect();
    let slots: Vec<AtomicU64> = pieces.iter().map(|_| AtomicU64::new(0)).collect();
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        for (index, piece) in pieces.iter().enumerate() {
            let (slots, total) = (&slots, &total);
            s.spawn(move || {
                slots[index].store(piece.iter().sum(), Ordering::SeqCst);
                if index == 0 {
                    let sum = slots.iter().map(|slot| slot.load(Ordering::SeqCst)).sum();
                    total.store(sum, Ordering::SeqCst);
                }
            });
        }
    });
    total.into_inner()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
