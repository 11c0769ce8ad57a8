//! rwlock.rs with the total read under the read lock and written back under
//! the write lock: two steps, so an update made in between is lost.

use std::sync::RwLock;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let total = RwLock::new(0u64);
    thread::scope(|s| {
        for piece in data.chunks(size) {
            let total = &total;
            s.spawn(move || {
                let seen = *total.read().unwrap();
                *total.write().unwrap() = seen + piece.iter().sum::<u64>();
            });
        }
    });
    total.into_inner().unwrap()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
