//! Reference solution for `row_maxima`.
//!
//! The output vector is allocated up front with one slot per row. Rows are
//! grouped into a few contiguous bands (at most `MAX_BANDS`, never more than
//! there are rows, and at least two whenever there are two rows or more).
//! `split_at_mut` peels off a disjoint `&mut [i32]` window of the output for
//! each band, and a scoped thread fills that window from the matching rows.
//! Because the windows never overlap, no lock or atomic is needed.

use std::thread;

/// Upper bound on the number of threads, so a tall matrix does not get one
/// thread per row.
const MAX_BANDS: usize = 8;

/// Largest value of a row, or `i32::MIN` when the row is empty.
fn row_max(row: &[i32]) -> i32 {
    row.iter().fold(i32::MIN, |best, &value| best.max(value))
}

/// Returns the maximum of every row of `matrix`, in row order.
fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut maxima = vec![i32::MIN; matrix.len()];
    if matrix.is_empty() {
        return maxima;
    }
    let bands = matrix.len().min(MAX_BANDS);

    thread::scope(|scope| {
        let mut slots_left: &mut [i32] = &mut maxima;
        let mut rows_left: &[Vec<i32>] = matrix;
        for band in 0..bands {
            // Spread the rows evenly: each band takes its fair share of what
            // is left, rounded up.
            let take = rows_left.len().div_ceil(bands - band);
            let (slots, slots_rest) = std::mem::take(&mut slots_left).split_at_mut(take);
            let (rows, rows_rest) = rows_left.split_at(take);
            slots_left = slots_rest;
            rows_left = rows_rest;

            scope.spawn(move || {
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
