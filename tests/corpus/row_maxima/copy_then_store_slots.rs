// Bug: the lock is split in two, a thread copies all slots out under one lock and stores the copy back under another, undoing other rows.
use std::sync::Mutex;
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let maxima = Mutex::new(vec![i32::MIN; matrix.len()]);

    thread::scope(|s| {
        for (index, row) in matrix.iter().enumerate() {
            let maxima = &maxima;
            s.spawn(move || {
                let best = row.iter().copied().max().unwrap_or(i32::MIN);
                // Keep the lock only for the copy and for the store.
                let mut updated = maxima.lock().unwrap().clone();
                updated[index] = best;
                *maxima.lock().unwrap() = updated;
            });
        }
    });

    maxima.into_inner().unwrap()
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
