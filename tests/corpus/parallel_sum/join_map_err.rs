// Correct: the threads' results travel as Result: join() errors and overflow become messages via map_err and ?.
use std::fmt;
use std::thread;

#[derive(Debug)]
enum SumError {
    WorkerPanicked(usize),
    Overflow,
}

impl fmt::Display for SumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SumError::WorkerPanicked(i) => write!(f, "the thread for piece {i} panicked"),
            SumError::Overflow => write!(f, "the sum does not fit in a u64"),
        }
    }
}

fn checked_sum(part: &[u64]) -> Result<u64, SumError> {
    part.iter().try_fold(0u64, |acc, &x| acc.checked_add(x).ok_or(SumError::Overflow))
}

fn try_parallel_sum(data: &[u64], chunks: usize) -> Result<u64, SumError> {
    let pieces = chunks.max(1).min(data.len());
    if pieces == 0 {
        return Ok(0);
    }
    let len = data.len().div_ceil(pieces);
    thread::scope(|s| {
        let handles: Vec<_> = data.chunks(len).map(|part| s.spawn(move || checked_sum(part))).collect();
        let mut total = 0u64;
        for (i, handle) in handles.into_iter().enumerate() {
            let part = handle.join().map_err(|_| SumError::WorkerPanicked(i))??;
            total = total.checked_add(part).ok_or(SumError::Overflow)?;
        }
        Ok(total)
    })
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    match try_parallel_sum(data, chunks) {
        Ok(total) => total,
        Err(e) => panic!("parallel_sum failed: {e}"),
    }
}

fn main() {
    let n = 1_000_000u64;
    let data: Vec<u64> = (1..=n).collect();
    let total = parallel_sum(&data, 8);
    println!("parallel sum = {total}, expected = {}", n * (n + 1) / 2);
}
