// Correct: a fixed crew of scoped threads claims piece numbers from a shared counter (fetch_add)
// and adds each piece's sum into one atomic total.
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    if data.is_empty() {
        return 0;
    }
    let pieces = chunks.max(1).min(data.len());
    // more pieces than threads, so a fast thread can take a second one
    let piece_len = data.len().div_ceil(pieces * 4);
    let piece_count = data.len().div_ceil(piece_len);

    let next_piece = AtomicUsize::new(0);
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..pieces {
            s.spawn(|| {
                loop {
                    // Relaxed is enough: the counter only has to hand each number out once.
                    let i = next_piece.fetch_add(1, Ordering::Relaxed);
                    if i >= piece_count {
                        break;
                    }
                    let start = i * piece_len;
                    let end = (start + piece_len).min(data.len());
                    let part: u64 = data[start..end].iter().sum();
                    total.fetch_add(part, Ordering::AcqRel);
                }
            });
        }
    });
    // the scope joined every thread, so every addition is visible here
    total.load(Ordering::Acquire)
}

fn main() {
    let n = 1_000_000u64;
    let v: Vec<u64> = (1..=n).collect();
    println!("parallel sum = {}, expected = {}", parallel_sum(&v, 8), n * (n + 1) / 2);
}
