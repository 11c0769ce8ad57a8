// My submission for parallel_sum.
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    if data.is_empty() {
        return 0;
    }
    let pieces = if chunks == 0 { 1 } else { chunks };
    // round up so the leftover elements still land in some chunk
    let size = data.len().div_ceil(pieces);

    thread::scope(|s| {
        let mut handles = Vec::new();
        for chunk in data.chunks(size) {
            handles.push(s.spawn(move || {
                let mut sum = 0;
                for x in chunk {
                    sum += x;
                }
                sum
            }));
        }

        let mut total = 0;
        for h in handles {
            total += h.join().unwrap();
        }
        total
    })
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let got = parallel_sum(&data, 8);
    let want: u64 = 1_000_000 * 1_000_001 / 2;
    println!("parallel sum = {}, expected = {}", got, want);
}
