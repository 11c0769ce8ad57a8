// Correct: each scoped thread publishes its partial sum into a shared AtomicU64 with a compare_exchange retry loop.
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::thread;

/// Adds `amount` to `cell` without losing a concurrent update.
fn add_into(cell: &AtomicU64, amount: u64) {
    let mut seen = cell.load(SeqCst);
    loop {
        match cell.compare_exchange(seen, seen + amount, SeqCst, SeqCst) {
            Ok(_) => return,
            // someone else got there first: retry from the value they left
            Err(now) => seen = now,
        }
    }
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let n = chunks.max(1);
    let size = (data.len() + n - 1) / n;
    let total = AtomicU64::new(0);
    if size == 0 {
        return 0;
    }
    thread::scope(|scope| {
        for slice in data.chunks(size) {
            let total = &total;
            scope.spawn(move || add_into(total, slice.iter().sum()));
        }
    });
    total.into_inner()
}

fn main() {
    let n: u64 = 1_000_000;
    let numbers: Vec<u64> = (1..=n).collect();
    let sum = parallel_sum(&numbers, 8);
    println!("parallel sum = {sum}, expected = {}", n * (n + 1) / 2);
}
