// Bug: every row is split in two halves with a thread each, so it spawns 2 * rows threads (answer is right).
use std::thread;

fn half_max(part: &[i32]) -> i32 {
    part.iter().copied().fold(i32::MIN, i32::max)
}

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    thread::scope(|s| {
        let mut pairs = Vec::new();
        for row in matrix {
            let (left, right) = row.split_at(row.len() / 2);
            let a = s.spawn(move || half_max(left));
            let b = s.spawn(move || half_max(right));
            pairs.push((a, b));
        }
        pairs
            .into_iter()
            .map(|(a, b)| a.join().unwrap().max(b.join().unwrap()))
            .collect()
    })
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
