//! condvar_wait_while.rs waiting once with `wait` where `wait_while` loops:
//! the first worker's notification wakes the main thread, which reads the
//! total before the others have added theirs.

use std::sync::{Condvar, Mutex};
use std::thread;

struct Progress {
    total: u64,
    finished: usize,
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let pieces = data.chunks(size).count();
    let progress = Mutex::new(Progress { total: 0, finished: 0 });
    let one_more = Condvar::new();
    thread::scope(|s| {
        for piece in data.chunks(size) {
            let (progress, one_more) = (&progress, &one_more);
            s.spawn(move || {
                let mut progress = progress.lock().unwrap();
                progress.total += piece.iter().sum::<u64>();
                progress.finished += 1;
                one_more.notify_all();
            });
        }
        let mut progress = progress.lock().unwrap();
        if progress.finished < pieces {
            progress = one_more.wait(progress).unwrap();
        }
        progress.total
    })
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
