// Correct: each worker adds its numbers into a thread_local! running total and hands that total back.
use std::cell::Cell;
use std::thread;

#[allow(dead_code)] mod summing {
    use std::cell::Cell;

    thread_local! {
        /// What the current thread has added up so far.
        pub static RUNNING: Cell<u64> = const { Cell::new(0) };
    }

    /// Adds `part` into this thread's running total.
    pub fn add_all(part: &[u64]) {
        RUNNING.with(|total| {
            for &x in part {
                total.set(total.get() + x);
            }
        });
    }

    /// Reads this thread's running total and resets it, for reuse.
    pub fn take() -> u64 {
        RUNNING.with(|total| total.replace(0))
    }

    /// Not used by the program: the number of values a piece should get.
    pub fn piece_len(len: usize, pieces: usize) -> usize {
        len.div_ceil(pieces.max(1)).max(1)
    }
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let piece = summing::piece_len(data.len(), chunks);
    let grand = Cell::new(0u64);
    thread::scope(|s| {
        let workers: Vec<_> = data
            .chunks(piece)
            .map(|part| {
                s.spawn(move || {
                    summing::add_all(part);
                    summing::take()
                })
            })
            .collect();
        for w in workers {
            grand.set(grand.get() + w.join().unwrap());
        }
    });
    grand.get()
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let got = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {got}, expected = {expected}");
}
