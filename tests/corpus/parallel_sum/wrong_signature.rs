// Wrong signature: takes &[u32] and a u32 chunk count instead of &[u64] and usize.
use std::thread;

fn parallel_sum(data: &[u32], chunks: u32) -> u64 {
    let size = data.len().div_ceil(chunks.max(1) as usize).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(size)
            .map(|c| s.spawn(move || c.iter().map(|&x| x as u64).sum::<u64>()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn main() {
    let data: Vec<u32> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
