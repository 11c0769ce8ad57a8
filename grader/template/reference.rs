//! The reference solution of NAME: the grader's expected answers are this
//! function's answers, so it must be right for every input the spec makes.

use std::thread;

fn NAME(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    thread::scope(|scope| {
        let handles: Vec<_> = data.chunks(size).map(|piece| scope.spawn(move || piece.iter().map(|x| x * x).sum::<u64>())).collect();
        handles.into_iter().map(|handle| handle.join().expect("a piece's thread ends normally")).sum()
    })
}

fn main() {
    let data: Vec<u64> = (1..=1000).collect();
    println!("sum of squares = {}", NAME(&data, 4));
}
