// Bug: the maximum is computed recursively, one stack frame per element; a 100,000-long row
// overflows the 2 MiB stack of the spawned thread (debug build) and the process aborts.
use std::thread;

fn max_of(row: &[i32]) -> i32 {
    match row.split_first() {
        None => i32::MIN,
        Some((&first, rest)) => first.max(max_of(rest)),
    }
}

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut maxima = vec![i32::MIN; matrix.len()];
    thread::scope(|s| {
        for (m, row) in maxima.iter_mut().zip(matrix) {
            s.spawn(move || *m = max_of(row));
        }
    });
    maxima
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
