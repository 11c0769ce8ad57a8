// Bug: each piece checks its numbers with a helper that expects them to be positive, as the
// chapter's 1..=1_000_000 are, and panics at the first 0 it meets. Random hidden values are
// almost never 0, so only an input that holds a 0 on purpose shows it.
use std::thread;

fn positive(value: u64) -> u64 {
    assert!(value > 0, "the numbers to sum start at 1");
    value
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    thread::scope(|s| {
        let partials: Vec<_> = data.chunks(size).map(|piece| s.spawn(move || piece.iter().map(|&value| positive(value)).sum::<u64>())).collect();
        partials.into_iter().map(|partial| partial.join().unwrap()).sum()
    })
}

fn main() {
    let numbers: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&numbers, 8);
    println!("parallel sum = {total}, expected = {}", 1_000_000u64 * 1_000_001 / 2);
}
