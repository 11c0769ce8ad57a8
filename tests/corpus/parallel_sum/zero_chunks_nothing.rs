// Bug: chunks == 0 is read as "no pieces to sum" and returns 0, instead of behaving as 1.
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    if chunks == 0 || data.is_empty() {
        return 0;
    }
    let size = data.len().div_ceil(chunks);
    let mut partials = vec![0u64; data.len().div_ceil(size)];

    thread::scope(|s| {
        for (partial, piece) in partials.iter_mut().zip(data.chunks(size)) {
            s.spawn(move || *partial = piece.iter().sum());
        }
    });
    partials.iter().sum()
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
