// Bug: always four band threads, even for fewer than four rows, so empty bands get threads too (more threads than rows).
use std::thread;

const BANDS: usize = 4;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let rows = matrix.len();
    let mut maxima = vec![i32::MIN; rows];

    thread::scope(|s| {
        let mut slots_left: &mut [i32] = &mut maxima;
        let mut start = 0;
        for band in 0..BANDS {
            let end = (band + 1) * rows / BANDS;
            let (slots, rest) = std::mem::take(&mut slots_left).split_at_mut(end - start);
            slots_left = rest;
            let band_rows = &matrix[start..end];
            start = end;
            s.spawn(move || {
                for (slot, row) in slots.iter_mut().zip(band_rows) {
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
