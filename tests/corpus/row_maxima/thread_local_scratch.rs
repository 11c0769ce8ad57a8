// Correct: each band's thread gathers its maxima in a thread_local! scratch buffer, then copies
// the buffer into its chunks_mut slice of the output.
use std::cell::RefCell;
use std::thread;

thread_local! {
    static SCRATCH: RefCell<Vec<i32>> = const { RefCell::new(Vec::new()) };
}

fn fill_band(slots: &mut [i32], rows: &[Vec<i32>]) {
    SCRATCH.with_borrow_mut(|scratch| {
        scratch.clear();
        scratch.extend(rows.iter().map(|row| row.iter().copied().max().unwrap_or(i32::MIN)));
        slots.copy_from_slice(scratch);
    });
}

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut result = vec![0; matrix.len()];
    let bands = matrix.len().clamp(1, 6);
    let rows_per_band = matrix.len().div_ceil(bands).max(1);
    thread::scope(|s| {
        for (slots, rows) in result.chunks_mut(rows_per_band).zip(matrix.chunks(rows_per_band)) {
            s.spawn(move || fill_band(slots, rows));
        }
    });
    result
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
