// Bug: `.iter().max().unwrap()` panics on an empty row instead of giving i32::MIN.
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut maxima = vec![i32::MIN; matrix.len()];
    thread::scope(|s| {
        for (m, row) in maxima.iter_mut().zip(matrix.iter()) {
            s.spawn(move || {
                *m = *row.iter().max().unwrap();
            });
        }
    });
    maxima
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
