// Bug: rows are cut into bands of len / 4 and only four bands run, so the rows left over after them are never processed.
use std::thread;

const BANDS: usize = 4;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut maxima = vec![i32::MIN; matrix.len()];
    if matrix.is_empty() {
        return maxima;
    }
    let bands = BANDS.min(matrix.len());
    let per_band = matrix.len() / bands;

    thread::scope(|s| {
        for (slots, rows) in maxima.chunks_mut(per_band).zip(matrix.chunks(per_band)).take(bands) {
            s.spawn(move || {
                for (slot, row) in slots.iter_mut().zip(rows) {
                    *slot = row.iter().copied().max().unwrap_or(i32::MIN);
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
