//! Each thread writes its piece's sum into its own slot and waits at a
//! barrier; the leader, once all have arrived, adds the slots up. Correct.
//! (It also waits once at a `static` barrier of one, which needs std's
//! `const fn new`, and asks for the machine's parallelism.)

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Barrier;
use std::thread;

static ALONE: Barrier = Barrier::new(1);

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    assert!(ALONE.wait().is_leader(), "a barrier of one always has a leader");
    let cores = thread::available_parallelism().map_or(1, |cores| cores.get());
    let size = data.len().div_ceil(chunks.max(1).min(cores * 64)).max(1);
    let pieces: Vec<&[u64]> = data.chunks(size).collect();
    let slots: Vec<AtomicU64> = pieces.iter().map(|_| AtomicU64::new(0)).collect();
    let all_written = Barrier::new(pieces.len());
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        for (index, piece) in pieces.iter().enumerate() {
            let (slots, all_written, total) = (&slots, &all_written, &total);
            s.spawn(move || {
                slots[index].store(piece.iter().sum(), Ordering::SeqCst);
                if all_written.wait().is_leader() {
                    let sum = slots.iter().map(|slot| slot.load(Ordering::SeqCst)).sum();
                    total.store(sum, Ordering::SeqCst);
                }
            });
        }
    });
    total.into_inner()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
