//! Divide and conquer: each scoped thread halves its slice and opens a scope
//! of its own for the halves, so every thread but the last owns a nested
//! scope while its parent's scope is still open. Correct: every half's sum is
//! returned through `join`.

use std::thread;

fn sum(data: &[u64], depth: usize) -> u64 {
    if depth == 0 || data.len() < 2 {
        return data.iter().sum();
    }
    let (left, right) = data.split_at(data.len() / 2);
    thread::scope(|s| {
        let left = s.spawn(|| sum(left, depth - 1));
        let right = sum(right, depth - 1);
        left.join().expect("the left half panicked") + right
    })
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    // One level of halving per doubling of `chunks`: at most `chunks` threads.
    let depth = (usize::BITS - 1 - chunks.max(1).leading_zeros()) as usize;
    thread::scope(|s| s.spawn(|| sum(data, depth)).join().expect("the summing thread panicked"))
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
