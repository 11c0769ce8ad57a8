// Bug: the maximum is taken over neighbouring pairs (windows(2)), so a row of one value has no pair and gives i32::MIN.
use std::thread;

fn row_max(row: &[i32]) -> i32 {
    row.windows(2).map(|pair| pair[0].max(pair[1])).max().unwrap_or(i32::MIN)
}

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    thread::scope(|s| {
        let handles: Vec<_> = matrix.iter().map(|row| s.spawn(move || row_max(row))).collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    })
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
