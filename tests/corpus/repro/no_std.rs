// Repro (parallel_sum, build): a #![no_std] crate with `extern crate std;`. The appended wire
// module uses `Vec` from std's prelude, which a no_std crate does not have: the build fails and
// the message says `parallel_sum` is missing.
#![no_std]

extern crate std;

fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    data.iter().sum()
}

fn main() {
    let data: std::vec::Vec<u64> = (1..=1_000_000).collect();
    std::println!("parallel sum = {}, expected = {}", parallel_sum(&data, 8), 500_000_500_000u64);
}
