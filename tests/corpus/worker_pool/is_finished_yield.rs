// Correct: 'static workers claim job indices with fetch_add and store each square in its own
// atomic slot; the caller polls JoinHandle::is_finished, yielding, before it joins them.
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::thread;

struct Board {
    jobs: Vec<u32>,
    squares: Vec<AtomicU32>,
    next: AtomicUsize,
}

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let squares = jobs.iter().map(|_| AtomicU32::new(0)).collect();
    let board = Arc::new(Board { jobs, squares, next: AtomicUsize::new(0) });

    let handles: Vec<thread::JoinHandle<()>> = (0..workers.max(1))
        .map(|_| {
            let board = Arc::clone(&board);
            thread::spawn(move || {
                loop {
                    let i = board.next.fetch_add(1, Ordering::Relaxed);
                    let Some(&n) = board.jobs.get(i) else { break };
                    board.squares[i].store(n * n, Ordering::Release);
                }
            })
        })
        .collect();

    while !handles.iter().all(|h| h.is_finished()) {
        thread::yield_now();
    }
    for h in handles {
        h.join().expect("a worker panicked");
    }

    let mut pairs: Vec<(u32, u32)> =
        board.jobs.iter().zip(&board.squares).map(|(&n, sq)| (n, sq.load(Ordering::Acquire))).collect();
    pairs.sort_unstable();
    pairs
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
