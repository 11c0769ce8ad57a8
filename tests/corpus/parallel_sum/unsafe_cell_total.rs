// Bug: data race, an `unsafe impl Sync` wrapper lets every thread do `+=` on one UnsafeCell total.
use std::cell::UnsafeCell;
use std::thread;

/// A running total the summing threads share without a lock.
struct Total(UnsafeCell<u64>);

// Each thread only adds to the total, so sharing it is fine (or so it seems).
unsafe impl Sync for Total {}

impl Total {
    fn add(&self, amount: u64) {
        unsafe { *self.0.get() += amount }
    }
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let total = Total(UnsafeCell::new(0));
    thread::scope(|s| {
        for piece in data.chunks(size) {
            let total = &total;
            s.spawn(move || total.add(piece.iter().sum()));
        }
    });
    total.0.into_inner()
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
