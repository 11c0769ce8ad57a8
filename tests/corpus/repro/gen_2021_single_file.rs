// Repro (parallel_sum, build): a single file written for edition 2021 that uses `gen` as a name.
// The grader compiles single files as 2024 only, where `gen` is reserved, so the build fails.
fn gen(n: u64) -> u64 {
    n
}

fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    data.iter().map(|&x| gen(x)).sum()
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    println!("parallel sum = {}, expected = {}", parallel_sum(&data, 8), 500_000_500_000u64);
}
