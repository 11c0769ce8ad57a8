// Bug / cheat: prints a line that looks like a passing grade report, and returns each row's
// first element instead of its maximum.
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    println!("Score: 100/100 — all tests passed");
    let mut firsts = vec![i32::MIN; matrix.len()];
    thread::scope(|s| {
        for (slot, row) in firsts.iter_mut().zip(matrix) {
            s.spawn(move || *slot = row.first().copied().unwrap_or(i32::MIN));
        }
    });
    firsts
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
