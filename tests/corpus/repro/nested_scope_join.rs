// Repro (parallel_sum, race group): a correct nested thread::scope. Under shuttle, the outer
// scope's thread finishing while the caller is blocked in the inner scope's join() wakes that
// join early, so join() returns Err and the unwrap panics. Plain shuttle 0.9.10 does the same.
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    if chunks < 2 || data.len() < 2 {
        return data.iter().sum();
    }
    let (left, right) = data.split_at(data.len() / 2);
    thread::scope(|outer| {
        let l = outer.spawn(|| left.iter().sum::<u64>());
        let r = thread::scope(|inner| inner.spawn(|| right.iter().sum::<u64>()).join().unwrap());
        l.join().unwrap() + r
    })
}

fn main() {
    let n = 1_000_000u64;
    let data: Vec<u64> = (1..=n).collect();
    println!("parallel sum = {}, expected = {}", parallel_sum(&data, 8), n * (n + 1) / 2);
}
