// Correct: Cargo project on edition 2021. The data helper is named `gen`, a reserved
// keyword since edition 2024, so this only builds when compiled as 2021.
use std::thread;

fn gen(n: u64) -> Vec<u64> {
    (1..=n).collect()
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let k = chunks.max(1);
    let len = data.len();
    thread::scope(|s| {
        let mut handles = Vec::new();
        for i in 0..k {
            // piece i covers [i*len/k, (i+1)*len/k)
            let lo = i * len / k;
            let hi = (i + 1) * len / k;
            if lo == hi {
                continue;
            }
            let part = &data[lo..hi];
            handles.push(s.spawn(move || part.iter().fold(0u64, |a, &b| a + b)));
        }
        let mut total = 0;
        for h in handles {
            total += h.join().unwrap();
        }
        total
    })
}

fn main() {
    let n = 1_000_000;
    let data = gen(n);
    let total = parallel_sum(&data, 8);
    println!("parallel sum = {}, expected = {}", total, n * (n + 1) / 2);
}
