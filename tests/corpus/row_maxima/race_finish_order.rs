// Race: results pushed in finish order. A few scoped workers take row numbers from a shared counter
// (fetch_add, which is fine) and push each row's maximum into a Mutex<Vec<i32>> when they are done
// with it, so the output follows the order in which rows finish, not row order. The first worker
// usually gets through a short matrix before the others start, so small runs are nearly always
// in order; when two workers overlap, a later row can be pushed before an earlier one.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let workers = matrix.len().min(4);
    let next_row = AtomicUsize::new(0);
    let maxima = Mutex::new(Vec::with_capacity(matrix.len()));

    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next_row.fetch_add(1, Ordering::SeqCst);
                    let Some(row) = matrix.get(i) else { break };
                    let best = row.iter().copied().max().unwrap_or(i32::MIN);
                    // rows are handed out in order, so they come back in order
                    maxima.lock().unwrap().push(best);
                }
            });
        }
    });

    maxima.into_inner().unwrap()
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
