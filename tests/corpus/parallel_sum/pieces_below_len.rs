// Bug: "no more pieces than elements" is written .min(data.len() - 1), so a single element gives 0 pieces and a division by zero.
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    if data.is_empty() {
        return 0;
    }
    let pieces = chunks.max(1).min(data.len() - 1);
    let size = data.len().div_ceil(pieces);

    thread::scope(|s| {
        let mut handles = Vec::new();
        let mut start = 0;
        while start < data.len() {
            let end = (start + size).min(data.len());
            let piece = &data[start..end];
            handles.push(s.spawn(move || piece.iter().sum::<u64>()));
            start = end;
        }
        let mut total = 0;
        for handle in handles {
            total += handle.join().unwrap();
        }
        total
    })
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
