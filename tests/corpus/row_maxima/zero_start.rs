// Bug: the running maximum starts at 0, so all-negative rows give 0 and empty rows give 0, not i32::MIN.
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut maxima = vec![0; matrix.len()];
    thread::scope(|s| {
        for (m, row) in maxima.iter_mut().zip(matrix) {
            s.spawn(move || {
                *m = row.iter().fold(0, |best, &x| if x > best { x } else { best });
            });
        }
    });
    maxima
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
