//! once_lock.rs's first cell filled by hand: look with `get`, and if it is
//! empty compute the value and `set` it. Two threads can both find it empty
//! and both compute, and the count of initialisations, part of the answer,
//! is off.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let initialised = AtomicU64::new(0);
    let zero: OnceLock<u64> = OnceLock::new();
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        for piece in data.chunks(size) {
            let (initialised, zero, total) = (&initialised, &zero, &total);
            s.spawn(move || {
                if zero.get().is_none() {
                    initialised.fetch_add(1, Ordering::SeqCst);
                    let _ = zero.set(0);
                }
                total.fetch_add(piece.iter().sum::<u64>() + zero.get().unwrap(), Ordering::SeqCst);
            });
        }
    });
    let inits = initialised.load(Ordering::SeqCst);
    total.load(Ordering::SeqCst) + inits.saturating_sub(1)
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
