//! Workers read a shared scale under a read lock and add their piece's sum
//! to the total under the write lock, in one locked step. Correct.

use std::sync::RwLock;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let scale = RwLock::new(1u64);
    let total = RwLock::new(0u64);
    thread::scope(|s| {
        for piece in data.chunks(size) {
            let (scale, total) = (&scale, &total);
            s.spawn(move || {
                let sum = piece.iter().sum::<u64>() * *scale.read().unwrap();
                *total.write().unwrap() += sum;
            });
        }
    });
    assert!(!total.is_poisoned());
    let total = *total.read().unwrap();
    total
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
