// Bug: an empty row's maximum falls back to unwrap_or_default(), which is 0, not i32::MIN.
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut maxima = vec![0; matrix.len()];
    thread::scope(|s| {
        for (slot, row) in maxima.iter_mut().zip(matrix) {
            s.spawn(move || *slot = row.iter().copied().max().unwrap_or_default());
        }
    });
    maxima
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
