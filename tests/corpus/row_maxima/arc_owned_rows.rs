// Correct: the matrix is cloned into an Arc once; 'static threads get a clone of the Arc and a
// row range, and return their maxima through join, which the caller appends in order.
use std::ops::Range;
use std::sync::Arc;
use std::thread::{self, JoinHandle};

const GROUPS: usize = 4;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let shared = Arc::new(matrix.to_vec());
    let groups = GROUPS.min(shared.len());
    let handles: Vec<JoinHandle<Vec<i32>>> = (0..groups)
        .map(|g| {
            let rows: Range<usize> = g * shared.len() / groups..(g + 1) * shared.len() / groups;
            let shared = Arc::clone(&shared);
            thread::spawn(move || {
                shared[rows].iter().map(|row| row.iter().max().copied().unwrap_or(i32::MIN)).collect()
            })
        })
        .collect();

    let mut maxima = Vec::with_capacity(matrix.len());
    for handle in handles {
        maxima.extend(handle.join().expect("a row group panicked"));
    }
    maxima
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    let maxima = row_maxima(&matrix);
    println!("{:?}", maxima);
}
