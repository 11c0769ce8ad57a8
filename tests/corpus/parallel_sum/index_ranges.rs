// Correct: explicit index ranges; the first len % k pieces get one extra element each.
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let len = data.len();
    // at least one piece, and never more pieces than elements
    let k = chunks.max(1).min(len.max(1));
    let base = len / k;
    let extra = len % k;

    std::thread::scope(|s| {
        let mut handles = Vec::with_capacity(k);
        let mut start = 0;
        for i in 0..k {
            let size = if i < extra { base + 1 } else { base };
            let part = &data[start..start + size];
            start += size;
            handles.push(s.spawn(move || {
                let mut acc = 0u64;
                for &x in part {
                    acc += x;
                }
                acc
            }));
        }
        assert_eq!(start, len);
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let got = parallel_sum(&data, 8);
    let n = data.len() as u64;
    println!("parallel sum = {}, expected = {}", got, n * (n + 1) / 2);
}
