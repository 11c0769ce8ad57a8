// Bug: lost update, compare_exchange on the total is tried once and a failed exchange is ignored.
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let total = AtomicU64::new(0);

    thread::scope(|s| {
        for piece in data.chunks(size) {
            let total = &total;
            s.spawn(move || {
                let partial: u64 = piece.iter().sum();
                let seen = total.load(Ordering::Acquire);
                // Only write if nobody changed the total since we read it.
                let _ = total.compare_exchange(seen, seen + partial, Ordering::AcqRel, Ordering::Acquire);
            });
        }
    });

    total.load(Ordering::Acquire)
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
