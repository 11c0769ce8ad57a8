#[allow(unused_imports)] // needed once you write the function
use std::thread;

/// Adds up every element of `data`, splitting the work into at most
/// `max(chunks, 1)` contiguous pieces that are each summed on their own
/// scoped thread (`thread::scope`).
#[allow(unused_variables)] // remove this line once you use the parameters
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    todo!("split `data` into pieces, sum each piece on a scoped thread, then add the partial sums")
}

fn main() {
    let n: u64 = 1_000_000;
    let numbers: Vec<u64> = (1..=n).collect();
    let total = parallel_sum(&numbers, 8);
    let expected = n * (n + 1) / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
