// Bug: the barrier waits for `chunks` threads, but a short slice makes fewer pieces, so the threads wait forever.
use std::sync::{Barrier, Mutex};
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let pieces = chunks.max(1);
    let size = data.len().div_ceil(pieces).max(1);
    let partials = Mutex::new(Vec::with_capacity(pieces));
    let total = Mutex::new(0u64);
    let all_pushed = Barrier::new(pieces);

    thread::scope(|s| {
        for piece in data.chunks(size) {
            let (partials, total, all_pushed) = (&partials, &total, &all_pushed);
            s.spawn(move || {
                partials.lock().unwrap().push(piece.iter().sum::<u64>());
                // Once every thread has pushed its partial, one of them adds them up.
                if all_pushed.wait().is_leader() {
                    *total.lock().unwrap() = partials.lock().unwrap().iter().sum();
                }
            });
        }
    });

    total.into_inner().unwrap()
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
