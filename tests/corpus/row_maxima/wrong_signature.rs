// Wrong signature: returns Vec<Option<i32>> (None for an empty row) instead of Vec<i32>.
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<Option<i32>> {
    let mut out = vec![None; matrix.len()];
    thread::scope(|s| {
        for (slot, row) in out.iter_mut().zip(matrix) {
            s.spawn(move || *slot = row.iter().copied().max());
        }
    });
    out
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    let maxima: Vec<i32> = row_maxima(&matrix).into_iter().flatten().collect();
    println!("{:?}", maxima);
}
