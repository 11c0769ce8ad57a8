//! Reference solution for `parallel_sum`.
//!
//! The slice is cut into `k = min(max(chunks, 1), data.len())` contiguous
//! index ranges whose lengths differ by at most one (the first
//! `data.len() % k` ranges get one extra element). Every range is summed on
//! its own scoped thread, and the partial sums are added up after joining.

use std::ops::Range;
use std::thread;

/// Half-open index range of piece `index` when `len` items are spread over
/// `pieces` pieces as evenly as possible.
fn piece_range(len: usize, pieces: usize, index: usize) -> Range<usize> {
    let base = len / pieces;
    let extra = len % pieces;
    let start = index * base + index.min(extra);
    let size = base + usize::from(index < extra);
    start..start + size
}

/// Sums `data` using at most `max(chunks, 1)` scoped threads, one per
/// contiguous piece.
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    if data.is_empty() {
        return 0;
    }
    // Never ask for more pieces than there are elements: no empty threads.
    let pieces = chunks.max(1).min(data.len());

    thread::scope(|scope| {
        let workers: Vec<_> = (0..pieces)
            .map(|index| {
                let part = &data[piece_range(data.len(), pieces, index)];
                scope.spawn(move || part.iter().sum::<u64>())
            })
            .collect();

        let mut total = 0u64;
        for worker in workers {
            total += worker.join().expect("a summing thread panicked");
        }
        total
    })
}

fn main() {
    let n: u64 = 1_000_000;
    let numbers: Vec<u64> = (1..=n).collect();
    let total = parallel_sum(&numbers, 8);
    let expected = n * (n + 1) / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
