// Correct: as many bands as the machine has cores (at least 2); the scope itself returns the
// answer, built by joining the band handles in order and chaining their maxima.
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    if matrix.is_empty() {
        return Vec::new();
    }
    let cores = thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let bands = cores.max(2).min(matrix.len());
    let band_len = matrix.len().div_ceil(bands);

    thread::scope(|s| {
        let handles: Vec<_> = matrix
            .chunks(band_len)
            .map(|band| {
                s.spawn(move || {
                    band.iter()
                        .map(|row| row.iter().copied().max().unwrap_or(i32::MIN))
                        .collect::<Vec<i32>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    })
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
