// Asks for 64 GiB at once.
fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    let huge = vec![1u8; 64 << 30];
    huge.len() as u64 + data.iter().sum::<u64>()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3], 2));
}
