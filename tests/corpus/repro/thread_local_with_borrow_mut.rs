// Repro (parallel_sum, review): LocalKey::with_borrow_mut (std since 1.73) is missing from
// shuttle's LocalKey, so the race build does not compile, the race tests fall back to real
// threads and the grading is marked for review. (Cell's LocalKey::get/set/take/replace likewise.)
use std::cell::RefCell;
use std::thread;

thread_local! {
    static SEEN: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(size)
            .map(|piece| s.spawn(move || SEEN.with_borrow_mut(|seen| {
                seen.extend_from_slice(piece);
                seen.iter().sum::<u64>()
            })))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn main() {
    let n = 1_000_000u64;
    let data: Vec<u64> = (1..=n).collect();
    println!("parallel sum = {}, expected = {}", parallel_sum(&data, 8), n * (n + 1) / 2);
}
