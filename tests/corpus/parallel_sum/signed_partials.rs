// Bug: the sums are kept as i64, which overflows once a sum passes i64::MAX though the u64 total still fits.
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);

    let total: i64 = thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(size)
            .map(|piece| s.spawn(move || piece.iter().map(|&value| value as i64).sum::<i64>()))
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).sum()
    });
    total as u64
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
