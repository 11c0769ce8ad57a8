// Correct: Cargo project. One scoped thread per row returns that row's maximum through its
// join handle; the handles are joined in row order.
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    thread::scope(|s| {
        let handles: Vec<_> = matrix
            .iter()
            .map(|row| s.spawn(move || row.iter().max().copied()))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap_or(i32::MIN))
            .collect()
    })
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
