//! Workers take pieces from a shared list and park with a timeout when it is
//! empty; the main thread unparks them after each piece, but sets the done
//! flag without unparking anyone: a worker finds it when its park times out.
//! Correct: a worker reads the flag before it looks at the list, so finding
//! the list empty after the flag was set means every piece was taken.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let pieces: Mutex<Vec<&[u64]>> = Mutex::new(Vec::new());
    let done = AtomicBool::new(false);
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        let workers: Vec<_> = (0..chunks.max(1))
            .map(|_| {
                s.spawn(|| loop {
                    let all_given = done.load(Ordering::SeqCst);
                    let piece = pieces.lock().unwrap().pop();
                    match piece {
                        Some(piece) => {
                            total.fetch_add(piece.iter().sum::<u64>(), Ordering::SeqCst);
                        }
                        None if all_given => break,
                        None => thread::park_timeout(Duration::from_millis(1)),
                    }
                })
            })
            .collect();
        for piece in data.chunks(size) {
            pieces.lock().unwrap().push(piece);
            workers.iter().for_each(|worker| worker.thread().unpark());
        }
        done.store(true, Ordering::SeqCst);
    });
    total.into_inner()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
