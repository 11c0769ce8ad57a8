// Bug: chunks_exact instead of chunks, so the short last piece is never summed.
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);

    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks_exact(size)
            .map(|piece| s.spawn(move || piece.iter().sum::<u64>()))
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).sum()
    })
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
