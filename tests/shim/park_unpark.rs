//! The workers park until the main thread has handed every one its piece,
//! then sum it; the main thread unparks each after the hand-out. Correct:
//! `park` may return early, so each parks in a loop on its own flag, and an
//! unpark that comes before the park leaves a token behind.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let pieces: Vec<&[u64]> = data.chunks(size).collect();
    let handed: Vec<(Mutex<&[u64]>, AtomicBool)> = pieces.iter().map(|_| (Mutex::new(&[][..]), AtomicBool::new(false))).collect();
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        let workers: Vec<_> = handed
            .iter()
            .map(|(piece, ready)| {
                let total = &total;
                s.spawn(move || {
                    while !ready.load(Ordering::SeqCst) {
                        thread::park();
                    }
                    total.fetch_add(piece.lock().unwrap().iter().sum::<u64>(), Ordering::SeqCst);
                })
            })
            .collect();
        for ((slot, ready), piece) in handed.iter().zip(&pieces) {
            *slot.lock().unwrap() = piece;
            ready.store(true, Ordering::SeqCst);
        }
        for worker in &workers {
            worker.thread().unpark();
        }
    });
    total.into_inner()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
