// Bug: finished rows are counted with Relaxed instead of joining, so a slot may be read before its (Relaxed) store is visible.
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let slots: Arc<Vec<AtomicI32>> = Arc::new(matrix.iter().map(|_| AtomicI32::new(i32::MIN)).collect());
    let finished = Arc::new(AtomicUsize::new(0));

    for (index, row) in matrix.iter().enumerate() {
        let row = row.clone();
        let slots = Arc::clone(&slots);
        let finished = Arc::clone(&finished);
        thread::spawn(move || {
            let best = row.iter().copied().max().unwrap_or(i32::MIN);
            slots[index].store(best, Ordering::Relaxed);
            finished.fetch_add(1, Ordering::Relaxed);
        });
    }

    // No handles to keep: wait until every row has been counted.
    while finished.load(Ordering::Relaxed) < matrix.len() {
        thread::yield_now();
    }
    slots.iter().map(|slot| slot.load(Ordering::Relaxed)).collect()
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
