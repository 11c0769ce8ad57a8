// Bug: plain iterator chain on the calling thread, no threads at all (right answer, not parallel).
fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    matrix
        .iter()
        .map(|row| row.iter().copied().max().unwrap_or(i32::MIN))
        .collect()
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
