// Correct: the output is halved again and again with split_at_mut (rows with split_at) until a
// band fits its thread budget; every band gets one scoped thread and its own &mut window.
use std::thread::{self, Scope};

/// At most this many threads, however tall the matrix.
const THREAD_BUDGET: usize = 8;

fn row_max(row: &[i32]) -> i32 {
    row.iter().copied().max().unwrap_or(i32::MIN)
}

fn spawn_bands<'scope>(
    s: &'scope Scope<'scope, '_>,
    out: &'scope mut [i32],
    rows: &'scope [Vec<i32>],
    budget: usize,
) {
    if budget <= 1 || out.len() <= 1 {
        s.spawn(move || {
            for (slot, row) in out.iter_mut().zip(rows) {
                *slot = row_max(row);
            }
        });
        return;
    }
    let mid = out.len() / 2;
    let (left_out, right_out) = out.split_at_mut(mid);
    let (left_rows, right_rows) = rows.split_at(mid);
    spawn_bands(s, left_out, left_rows, budget / 2);
    spawn_bands(s, right_out, right_rows, budget - budget / 2);
}

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut out = vec![i32::MIN; matrix.len()];
    if !matrix.is_empty() {
        thread::scope(|s| spawn_bands(s, &mut out, matrix, THREAD_BUDGET));
    }
    out
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
