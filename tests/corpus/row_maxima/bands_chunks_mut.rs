// Correct: the rows are cut into 4 bands; chunks_mut gives each scoped thread the output band it fills.
use std::thread;

const BANDS: usize = 4;

fn row_max(row: &[i32]) -> i32 {
    row.iter().copied().max().unwrap_or(i32::MIN)
}

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut out = vec![i32::MIN; matrix.len()];
    if matrix.is_empty() {
        return out;
    }
    let band = matrix.len().div_ceil(BANDS);
    thread::scope(|s| {
        for (slots, rows) in out.chunks_mut(band).zip(matrix.chunks(band)) {
            s.spawn(move || {
                for (slot, row) in slots.iter_mut().zip(rows) {
                    *slot = row_max(row);
                }
            });
        }
    });
    out
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
