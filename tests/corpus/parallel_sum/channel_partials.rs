// Correct: each scoped thread sends its partial sum over an mpsc channel; main adds them up.
use std::sync::mpsc;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    if data.is_empty() {
        return 0;
    }
    let size = data.len().div_ceil(chunks.max(1));
    let (tx, rx) = mpsc::channel::<u64>();

    thread::scope(|s| {
        for part in data.chunks(size) {
            let tx = tx.clone();
            s.spawn(move || {
                let partial: u64 = part.iter().sum();
                tx.send(partial).unwrap();
            });
        }
    });

    // drop our own sender so the receiver iterator ends
    drop(tx);
    rx.iter().sum()
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected: u64 = 1_000_000 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
