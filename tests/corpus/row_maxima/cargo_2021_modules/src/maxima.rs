//! Row maxima on scoped threads, at most eight of them.

use std::thread;

fn largest(row: &[i32]) -> i32 {
    row.iter().fold(i32::MIN, |best, &x| if x > best { x } else { best })
}

/// The maximum of every row, in row order; an empty row gives `i32::MIN`.
pub fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut maxima = vec![i32::MIN; matrix.len()];
    let per_thread = matrix.len().div_ceil(8).max(1);
    thread::scope(|s| {
        let mut free = maxima.as_mut_slice();
        for rows in matrix.chunks(per_thread) {
            let (mine, rest) = free.split_at_mut(rows.len());
            free = rest;
            s.spawn(move || {
                for (slot, row) in mine.iter_mut().zip(rows) {
                    *slot = largest(row);
                }
            });
        }
    });
    maxima
}
