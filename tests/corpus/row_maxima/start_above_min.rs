// Bug: a row's running maximum starts at i32::MIN + 1, so a row whose maximum is i32::MIN reports i32::MIN + 1.
use std::thread;

/// i32::MIN is kept for empty rows, so a real row's maximum starts just above it.
fn row_max(row: &[i32]) -> i32 {
    if row.is_empty() {
        return i32::MIN;
    }
    row.iter().fold(i32::MIN + 1, |best, &value| best.max(value))
}

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut maxima = vec![i32::MIN; matrix.len()];
    // At most four threads, each with a band of rows.
    let band = matrix.len().div_ceil(4).max(1);
    thread::scope(|s| {
        for (slots, rows) in maxima.chunks_mut(band).zip(matrix.chunks(band)) {
            s.spawn(move || {
                for (slot, row) in slots.iter_mut().zip(rows) {
                    *slot = row_max(row);
                }
            });
        }
    });
    maxima
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
