// Correct: a fixed pool of scoped workers takes pieces (disjoint &mut ranges of the slice) from one
// shared queue and sorts them; the caller then merges the sorted pieces, doubling their width each pass.
use std::collections::VecDeque;
use std::sync::Mutex;
use std::thread;

/// Pieces per worker, so that a worker that finishes early finds more to do.
const PIECES_PER_WORKER: usize = 4;

fn merge_sort(data: &mut [i32], threads: usize) {
    let len = data.len();
    if len < 2 {
        return;
    }
    let budget = threads.max(1).min(len);
    let piece_len = len.div_ceil(budget * PIECES_PER_WORKER);
    let queue: Mutex<VecDeque<&mut [i32]>> = Mutex::new(data.chunks_mut(piece_len).collect());
    let workers = budget.min(queue.lock().unwrap().len());

    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    // the guard is dropped at the end of this statement, before the sorting
                    let piece = queue.lock().unwrap().pop_front();
                    match piece {
                        Some(piece) => insertion_merge_sort(piece),
                        None => break,
                    }
                }
            });
        }
    });

    let mut scratch = Vec::with_capacity(len);
    let mut width = piece_len;
    while width < len {
        let mut start = 0;
        while start + width < len {
            let end = (start + 2 * width).min(len);
            merge(&mut data[start..end], width, &mut scratch);
            start = end;
        }
        width *= 2;
    }
}

/// Merge sort down to runs of 8, which insertion sort finishes.
fn insertion_merge_sort(piece: &mut [i32]) {
    if piece.len() <= 8 {
        for i in 1..piece.len() {
            let mut j = i;
            while j > 0 && piece[j - 1] > piece[j] {
                piece.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let mid = piece.len() / 2;
    insertion_merge_sort(&mut piece[..mid]);
    insertion_merge_sort(&mut piece[mid..]);
    let mut scratch = Vec::with_capacity(piece.len());
    merge(piece, mid, &mut scratch);
}

/// Merges `run[..mid]` and `run[mid..]`, both sorted, through `scratch`.
fn merge(run: &mut [i32], mid: usize, scratch: &mut Vec<i32>) {
    scratch.clear();
    let (mut i, mut j) = (0, mid);
    while i < mid || j < run.len() {
        let take_left = j == run.len() || (i < mid && run[i] <= run[j]);
        if take_left {
            scratch.push(run[i]);
            i += 1;
        } else {
            scratch.push(run[j]);
            j += 1;
        }
    }
    run.copy_from_slice(scratch);
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
