// Bug: a worker checks that the queue of pieces is not empty under one lock and pops under a second,
// so when another worker takes the last piece in between, unwrap panics on None.
use std::sync::Mutex;
use std::thread;

fn merge_sort(data: &mut [i32], threads: usize) {
    let len = data.len();
    if len < 2 {
        return;
    }
    let workers = threads.max(1).min(len);
    // twice as many pieces as workers, so the work spreads out
    let piece_len = len.div_ceil(2 * workers);
    let queue: Mutex<Vec<&mut [i32]>> = Mutex::new(data.chunks_mut(piece_len).collect());

    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while !queue.lock().unwrap().is_empty() {
                    let piece = queue.lock().unwrap().pop().unwrap();
                    sort_piece(piece);
                }
            });
        }
    });

    let mut width = piece_len;
    while width < len {
        let mut start = 0;
        while start + width < len {
            let end = (start + 2 * width).min(len);
            merge(&mut data[start..end], width);
            start = end;
        }
        width *= 2;
    }
}

fn sort_piece(piece: &mut [i32]) {
    if piece.len() < 2 {
        return;
    }
    let mid = piece.len() / 2;
    sort_piece(&mut piece[..mid]);
    sort_piece(&mut piece[mid..]);
    merge(piece, mid);
}

fn merge(run: &mut [i32], mid: usize) {
    let mut out = Vec::with_capacity(run.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < run.len() {
        if run[j] < run[i] {
            out.push(run[j]);
            j += 1;
        } else {
            out.push(run[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&run[i..mid]);
    out.extend_from_slice(&run[j..]);
    run.copy_from_slice(&out);
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
