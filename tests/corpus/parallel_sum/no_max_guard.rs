// Bug: no `.max(1)` on chunks, so chunks == 0 divides by zero in div_ceil and panics.
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks);
    thread::scope(|s| {
        // size can be 0 for empty data, chunks(0) would panic
        let handles: Vec<_> = data
            .chunks(size.max(1))
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
