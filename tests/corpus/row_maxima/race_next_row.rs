// Race: a shared next-row counter read then written. One scoped thread per row claims a row number
// with next.load() and then next.store(row + 1) instead of fetch_add; two threads can claim the
// same row, and then a row nobody claimed is still None at the end and the expect() panics. The
// threads start one after another, so on real threads the claims almost never overlap.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    // None until some thread has done that row
    let slots: Mutex<Vec<Option<i32>>> = Mutex::new(vec![None; matrix.len()]);
    let next = AtomicUsize::new(0);

    thread::scope(|s| {
        for _ in 0..matrix.len() {
            s.spawn(|| {
                let i = next.load(Ordering::SeqCst);
                next.store(i + 1, Ordering::SeqCst);
                let best = matrix[i].iter().fold(i32::MIN, |m, &x| m.max(x));
                slots.lock().unwrap()[i] = Some(best);
            });
        }
    });

    slots
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|slot| slot.expect("every row has a thread"))
        .collect()
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
