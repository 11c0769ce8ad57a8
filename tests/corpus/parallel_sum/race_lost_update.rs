// Race: lost update. Every scoped thread adds its partial sum to a shared AtomicU64 with a separate
// load and store instead of fetch_add; two threads that finish together both read the old total
// and the second store overwrites the first, so a piece goes missing from the sum. The pieces
// rarely finish at the same instant, so an ordinary run almost always prints the right sum.
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    if data.is_empty() {
        return 0;
    }
    let size = data.len().div_ceil(chunks.max(1));
    let total = AtomicU64::new(0);

    thread::scope(|s| {
        for part in data.chunks(size) {
            let total = &total;
            s.spawn(move || {
                let partial: u64 = part.iter().sum();
                let so_far = total.load(Ordering::Relaxed);
                total.store(so_far + partial, Ordering::Relaxed);
            });
        }
    });

    total.load(Ordering::Relaxed)
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected: u64 = 1_000_000 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
