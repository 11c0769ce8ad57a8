// Bug: the size is "rounded up" as (len + 1) / chunks, right only when len % chunks is 0 or chunks - 1; take(chunks) then drops the rest.
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let pieces = chunks.max(1);
    // Round the piece size up, so that there are at most `pieces` pieces.
    let size = ((data.len() + 1) / pieces).max(1);

    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(size)
            .take(pieces)
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
