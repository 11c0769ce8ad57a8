// Correct: the data is copied once into an Arc<[u64]>; 'static threads from thread::spawn each
// get a clone of the Arc and their own index range, moved in.
use std::sync::Arc;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let shared: Arc<[u64]> = Arc::from(data);
    let parts = chunks.max(1).min(shared.len());
    let mut handles = Vec::with_capacity(parts);
    for k in 0..parts {
        let numbers = Arc::clone(&shared);
        let range = (k * numbers.len() / parts)..((k + 1) * numbers.len() / parts);
        handles.push(thread::spawn(move || numbers[range].iter().sum::<u64>()));
    }
    handles.into_iter().map(|h| h.join().expect("worker panicked")).sum()
}

fn main() {
    let n: u64 = 1_000_000;
    let data: Vec<u64> = (1..=n).collect();
    let total = parallel_sum(&data, 8);
    println!("parallel sum = {total}, expected = {}", n * (n + 1) / 2);
}
