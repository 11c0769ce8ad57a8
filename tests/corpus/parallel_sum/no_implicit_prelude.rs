// Correct: written under #![no_implicit_prelude], so every name comes by its full path.
#![no_implicit_prelude]

use ::std::iter::Iterator;
use ::std::option::Option::Some;
use ::std::vec::Vec;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let pieces = ::std::cmp::max(chunks, 1);
    let len = data.len();
    ::std::thread::scope(|s| {
        let mut handles = Vec::new();
        let mut start = 0;
        for i in 0..pieces {
            // the first len % pieces pieces are one longer
            let size = len / pieces + if i < len % pieces { 1 } else { 0 };
            if size == 0 {
                break;
            }
            let part = &data[start..start + size];
            start += size;
            handles.push(s.spawn(move || part.iter().sum::<u64>()));
        }
        let mut total = 0;
        while let Some(handle) = handles.pop() {
            total += match handle.join() {
                ::std::result::Result::Ok(sum) => sum,
                ::std::result::Result::Err(_) => ::std::panic!("a summing thread panicked"),
            };
        }
        total
    })
}

fn main() {
    let n: u64 = 1_000_000;
    let data: Vec<u64> = (1..=n).collect();
    ::std::println!("parallel sum = {}, expected = {}", parallel_sum(&data, 8), n * (n + 1) / 2);
}
