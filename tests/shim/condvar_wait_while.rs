//! Workers add their sums under a lock and count themselves done, notifying
//! a condvar; the main thread waits with `wait_while` until all are done.
//! Correct.

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
        let progress = one_more.wait_while(progress.lock().unwrap(), |progress| progress.finished < pieces).unwrap();
        progress.total
    })
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
