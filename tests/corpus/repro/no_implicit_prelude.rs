// Repro (parallel_sum, build): #![no_implicit_prelude] applies to the probe and wire modules the
// grader appends to the crate root, which name `std`, `Vec`, `Sized`, ... by their prelude names:
// the build fails and the message says `parallel_sum` is missing.
#![no_implicit_prelude]

use ::std::iter::Iterator;

fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    data.iter().sum()
}

fn main() {
    let data: ::std::vec::Vec<u64> = (1..=1_000_000).collect();
    ::std::println!("parallel sum = {}, expected = {}", parallel_sum(&data, 8), 500_000_500_000u64);
}
