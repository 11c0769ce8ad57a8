// Correct: an edition-2021 file; its piece generator is called `gen`, which edition 2024 reserves,
// so it builds as 2021 only.
use std::thread;

/// Yields the (start, end) bounds of up to `pieces` near-equal pieces of `0..len`.
fn gen(len: usize, pieces: usize) -> impl Iterator<Item = (usize, usize)> {
    let pieces = pieces.max(1);
    let base = len / pieces;
    let extra = len % pieces;
    (0..pieces).scan(0, move |start, i| {
        let end = *start + base + usize::from(i < extra);
        let bounds = (*start, end);
        *start = end;
        Some(bounds)
    })
    .filter(|(start, end)| start < end)
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    thread::scope(|s| {
        let mut running = Vec::new();
        for (start, end) in gen(data.len(), chunks) {
            let slice = &data[start..end];
            running.push(s.spawn(move || slice.iter().sum::<u64>()));
        }
        running.into_iter().map(|t| t.join().unwrap()).sum()
    })
}

fn main() {
    let n = 1_000_000u64;
    let data: Vec<u64> = (1..=n).collect();
    let sum = parallel_sum(&data, 8);
    println!("parallel sum = {}, expected = {}", sum, n * (n + 1) / 2);
}
