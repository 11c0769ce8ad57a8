// Correct: recursive divide and conquer, each scoped thread opens its own nested scope for the left half.

/// Sums `part` using exactly `threads` threads in all: this one, plus one
/// spawned for the left half of the budget while this thread takes the right.
fn sum_with(part: &[u64], threads: usize) -> u64 {
    if threads <= 1 || part.len() <= 1 {
        return part.iter().sum();
    }
    let left_threads = threads / 2;
    // cut where the thread budget is cut, so every thread gets a fair share
    let mid = part.len() * left_threads / threads;
    let (left, right) = part.split_at(mid);
    ::std::thread::scope(|inner| {
        let left_sum = inner.spawn(move || sum_with(left, left_threads));
        let right_sum = sum_with(right, threads - left_threads);
        left_sum.join().expect("left half panicked") + right_sum
    })
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let threads = chunks.max(1).min(data.len());
    if threads == 0 {
        return 0;
    }
    // The calling thread only waits; the whole tree of threads hangs off one root thread.
    ::std::thread::scope(|outer| outer.spawn(|| sum_with(data, threads)).join().expect("root panicked"))
}

fn main() {
    let n: u64 = 1_000_000;
    let data: Vec<u64> = (1..=n).collect();
    let total = parallel_sum(&data, 8);
    println!("parallel sum = {}, expected = {}", total, n * (n + 1) / 2);
}
