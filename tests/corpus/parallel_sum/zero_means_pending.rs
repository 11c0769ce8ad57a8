// Bug: 0 marks a piece as not finished yet, so a piece that sums to 0 is waited for forever.
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    if data.is_empty() {
        return 0;
    }
    let size = data.len().div_ceil(chunks.max(1));
    let pieces: Vec<&[u64]> = data.chunks(size).collect();
    // One slot per piece; a slot stays 0 until its thread has stored the piece's sum.
    let partials: Vec<AtomicU64> = pieces.iter().map(|_| AtomicU64::new(0)).collect();

    thread::scope(|s| {
        for (piece, slot) in pieces.iter().zip(&partials) {
            s.spawn(move || slot.store(piece.iter().sum(), Ordering::Release));
        }
        // Add each partial as soon as it is ready, without waiting for the slowest thread.
        let mut total = 0;
        for slot in &partials {
            let partial = loop {
                let value = slot.load(Ordering::Acquire);
                if value != 0 {
                    break value;
                }
                thread::yield_now();
            };
            total += partial;
        }
        total
    })
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
