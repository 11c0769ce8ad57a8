// Correct: the function lives in the library (src/lib.rs); src/main.rs is a thin binary that calls it.
//! Summing a slice on scoped threads.

use std::thread;

/// The sum of `data`, cut into at most `chunks` contiguous pieces, each summed on its own thread.
pub fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1));
    if size == 0 {
        return 0;
    }
    thread::scope(|s| {
        data.chunks(size)
            .map(|piece| s.spawn(move || piece.iter().sum::<u64>()))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|handle| handle.join().expect("a piece's thread panicked"))
            .sum()
    })
}

/// The sum of 1..=n by Gauss's formula.
pub fn triangle(n: u64) -> u64 {
    n * (n + 1) / 2
}
