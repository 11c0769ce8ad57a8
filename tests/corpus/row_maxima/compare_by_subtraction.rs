// Bug: values are compared by subtracting (value - best > 0), which overflows when a row holds both very large and very small values.
use std::thread;

fn row_max(row: &[i32]) -> i32 {
    let Some((&first, rest)) = row.split_first() else {
        return i32::MIN;
    };
    let mut best = first;
    for &value in rest {
        if value - best > 0 {
            best = value;
        }
    }
    best
}

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut maxima = vec![i32::MIN; matrix.len()];
    thread::scope(|s| {
        for (slot, row) in maxima.iter_mut().zip(matrix) {
            s.spawn(move || *slot = row_max(row));
        }
    });
    maxima
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
