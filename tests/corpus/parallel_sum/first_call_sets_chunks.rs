// Correct: the chunk count is set once per program, by the first call, and
// kept in a static; each test runs in a fresh process, so each test's call
// is the first.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

static CHUNKS: AtomicUsize = AtomicUsize::new(0);

fn configured_chunks(asked: usize) -> usize {
    match CHUNKS.compare_exchange(0, asked.max(1), Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => asked.max(1),
        Err(first) => first,
    }
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let chunks = configured_chunks(chunks);
    let size = data.len().div_ceil(chunks).max(1);
    thread::scope(|scope| {
        let parts: Vec<_> = data.chunks(size).map(|part| scope.spawn(move || part.iter().sum::<u64>())).collect();
        parts.into_iter().map(|part| part.join().unwrap()).sum()
    })
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let expected = data.iter().sum::<u64>();
    println!("parallel sum = {}, expected = {expected}", parallel_sum(&data, 8));
}
