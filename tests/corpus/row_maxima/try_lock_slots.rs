// Bug: a row's maximum is stored only if try_lock on the shared slots succeeds, so a busy lock leaves that row at i32::MIN.
use std::sync::Mutex;
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let maxima = Mutex::new(vec![i32::MIN; matrix.len()]);

    thread::scope(|s| {
        for (index, row) in matrix.iter().enumerate() {
            let maxima = &maxima;
            s.spawn(move || {
                let best = row.iter().copied().max().unwrap_or(i32::MIN);
                // Every thread writes a different slot, so the lock is almost never busy.
                if let Ok(mut slots) = maxima.try_lock() {
                    slots[index] = best;
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
