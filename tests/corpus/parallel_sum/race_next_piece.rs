// Race: a shared "next piece" counter read then written. Each scoped thread claims a piece number
// with next.load() followed by next.store(mine + 1) instead of fetch_add, so two threads can claim
// the same piece: that piece is summed twice and the last piece never. Threads are started one
// after another and claim right away, so on real threads the claims almost never overlap.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    if data.is_empty() {
        return 0;
    }
    let size = data.len().div_ceil(chunks.max(1));
    let pieces: Vec<&[u64]> = data.chunks(size).collect();
    let next = AtomicUsize::new(0);

    thread::scope(|s| {
        let mut handles = Vec::new();
        for _ in 0..pieces.len() {
            let pieces = &pieces;
            let next = &next;
            handles.push(s.spawn(move || {
                // take the next piece nobody has taken yet
                let mine = next.load(Ordering::SeqCst);
                next.store(mine + 1, Ordering::SeqCst);
                pieces[mine].iter().sum::<u64>()
            }));
        }
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected: u64 = 1_000_000 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
