// Correct: one OnceLock<i32> per row; up to four scoped threads take every fourth row (a stride)
// and set those rows' cells, which are read out in row order afterwards.
use std::sync::OnceLock;
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let cells: Vec<OnceLock<i32>> = matrix.iter().map(|_| OnceLock::new()).collect();
    let threads = matrix.len().min(4);

    thread::scope(|s| {
        for first in 0..threads {
            let cells = &cells;
            s.spawn(move || {
                for i in (first..matrix.len()).step_by(threads) {
                    let best = matrix[i].iter().fold(i32::MIN, |a, &b| a.max(b));
                    cells[i].set(best).expect("each row belongs to one thread");
                }
            });
        }
    });

    cells.into_iter().map(|cell| cell.into_inner().expect("every row was done")).collect()
}

fn main() {
    let m = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&m));
}
