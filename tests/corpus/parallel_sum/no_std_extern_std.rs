// Correct: a #![no_std] crate that links std explicitly (extern crate std) for its threads and vectors.
#![no_std]

extern crate std;

use core::ops::Range;
use std::thread;
use std::vec::Vec;

/// Piece `i` of `pieces` over `0..len`, sizes differing by at most one.
fn piece(len: usize, pieces: usize, i: usize) -> Range<usize> {
    (len * i / pieces)..(len * (i + 1) / pieces)
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let pieces = chunks.clamp(1, data.len().max(1));
    thread::scope(|s| {
        let handles: Vec<_> = (0..pieces)
            .map(|i| &data[piece(data.len(), pieces, i)])
            .filter(|part| !part.is_empty())
            .map(|part| s.spawn(move || part.iter().copied().sum::<u64>()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn main() {
    let n = 1_000_000u64;
    let data: Vec<u64> = (1..=n).collect();
    let total = parallel_sum(&data, 8);
    std::println!("parallel sum = {}, expected = {}", total, n * (n + 1) / 2);
}
