// Correct: workers file their partial sums, meet at a Barrier, and the barrier's leader
// adds them up into a OnceLock the caller reads.
use std::sync::{Barrier, Mutex, OnceLock};
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let workers = chunks.max(1).min(data.len());
    if workers == 0 {
        return 0;
    }
    let per_worker = data.len().div_ceil(workers);
    let pieces: Vec<&[u64]> = data.chunks(per_worker).collect();

    let partials = Mutex::new(Vec::with_capacity(pieces.len()));
    let everyone_done = Barrier::new(pieces.len());
    let answer = OnceLock::new();

    thread::scope(|s| {
        for piece in &pieces {
            let (partials, everyone_done, answer) = (&partials, &everyone_done, &answer);
            s.spawn(move || {
                let mine: u64 = piece.iter().sum();
                partials.lock().unwrap().push(mine);
                // exactly one thread is the leader, and it wakes up after every push
                if everyone_done.wait().is_leader() {
                    let total = partials.lock().unwrap().iter().sum::<u64>();
                    answer.set(total).expect("only the leader sets the answer");
                }
            });
        }
    });

    *answer.get().expect("the leader always sets the answer")
}

fn main() {
    let limit = 1_000_000u64;
    let data: Vec<u64> = (1..=limit).collect();
    let total = parallel_sum(&data, 8);
    let expected = limit * (limit + 1) / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
