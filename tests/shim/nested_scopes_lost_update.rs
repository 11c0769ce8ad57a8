//! The divide and conquer of nested_scopes.rs, with a bug of the same shape:
//! every leaf adds its sum to one shared total with a load and then a store,
//! so two leaves in different nested scopes can lose one's update.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

fn add_halves(data: &[u64], depth: usize, total: &AtomicU64) {
    if depth == 0 || data.len() < 2 {
        let seen = total.load(Ordering::SeqCst);
        total.store(seen + data.iter().sum::<u64>(), Ordering::SeqCst);
        return;
    }
    let (left, right) = data.split_at(data.len() / 2);
    thread::scope(|s| {
        s.spawn(|| add_halves(left, depth - 1, total));
        add_halves(right, depth - 1, total);
    });
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let depth = (usize::BITS - 1 - chunks.max(1).leading_zeros()) as usize;
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        s.spawn(|| add_halves(data, depth, &total));
    });
    total.into_inner()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
