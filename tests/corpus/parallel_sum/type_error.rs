// Compile error (E0308): the piece count is declared u64 but chunks.max(1) is a usize.
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let pieces: u64 = chunks.max(1);
    let size = (data.len() as u64).div_ceil(pieces).max(1) as usize;
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(size)
            .map(|c| s.spawn(move || c.iter().sum::<u64>()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
