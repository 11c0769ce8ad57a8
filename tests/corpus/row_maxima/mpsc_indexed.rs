// Correct: band threads send (row index, maximum) over an mpsc channel; the caller writes each
// maximum into its row's slot, so finish order does not matter.
use std::sync::mpsc;
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut out = vec![i32::MIN; matrix.len()];
    let per_band = matrix.len().div_ceil(5).max(1);
    let (tx, rx) = mpsc::channel::<(usize, i32)>();

    thread::scope(|s| {
        for (band, rows) in matrix.chunks(per_band).enumerate() {
            let tx = tx.clone();
            s.spawn(move || {
                for (k, row) in rows.iter().enumerate() {
                    let max = row.iter().copied().max().unwrap_or(i32::MIN);
                    tx.send((band * per_band + k, max)).unwrap();
                }
            });
        }
        drop(tx);
        for (row, max) in rx {
            out[row] = max;
        }
    });
    out
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
