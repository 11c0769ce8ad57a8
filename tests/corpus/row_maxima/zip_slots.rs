// Correct: pre-sized output, iter_mut().zip() hands each scoped thread its own &mut slot and row.
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut out = vec![0; matrix.len()];
    thread::scope(|s| {
        for (slot, row) in out.iter_mut().zip(matrix) {
            s.spawn(move || {
                // i32::MIN is the identity for max, so an empty row stays at i32::MIN
                *slot = row.iter().copied().fold(i32::MIN, i32::max);
            });
        }
    });
    out
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
