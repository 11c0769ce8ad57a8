// Correct: named, scoped band threads from Builder::spawn_scoped; a failed spawn is an io::Error
// passed up with ?, and each band writes its chunks_mut slice.
use std::io;
use std::thread;

/// The most band threads, however tall the matrix.
const MAX_BANDS: usize = 8;

fn maxima_into(slots: &mut [i32], rows: &[Vec<i32>]) {
    for (slot, row) in slots.iter_mut().zip(rows) {
        *slot = row.iter().copied().reduce(i32::max).unwrap_or(i32::MIN);
    }
}

fn try_row_maxima(matrix: &[Vec<i32>]) -> io::Result<Vec<i32>> {
    let mut maxima = vec![i32::MIN; matrix.len()];
    let band_rows = matrix.len().div_ceil(MAX_BANDS).max(1);
    thread::scope(|s| -> io::Result<()> {
        let bands = maxima.chunks_mut(band_rows).zip(matrix.chunks(band_rows));
        for (band, (slots, rows)) in bands.enumerate() {
            thread::Builder::new()
                .name(format!("band-{band}"))
                .spawn_scoped(s, move || maxima_into(slots, rows))?;
        }
        Ok(())
    })?;
    Ok(maxima)
}

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    try_row_maxima(matrix).expect("could not start a band thread")
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
