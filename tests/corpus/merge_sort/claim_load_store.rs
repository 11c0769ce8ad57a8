// Bug: chunk numbers are claimed with a load then a store on a shared counter, so two threads can sort the same chunk and a later one stays unsorted.
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

fn merge_sort(data: &mut [i32], threads: usize) {
    let len = data.len();
    if len < 2 {
        return;
    }
    // at least two values a chunk: a thread for a single value is not worth it
    let chunks = threads.max(1).min(len / 2);
    let chunk_len = len.div_ceil(chunks);
    {
        let pieces: Vec<Mutex<&mut [i32]>> = data.chunks_mut(chunk_len).map(Mutex::new).collect();
        let next = AtomicUsize::new(0);
        thread::scope(|s| {
            for _ in 0..pieces.len() {
                s.spawn(|| {
                    // take the next chunk nobody has taken yet
                    let mine = next.load(Ordering::SeqCst);
                    next.store(mine + 1, Ordering::SeqCst);
                    pieces[mine].lock().unwrap().sort_unstable();
                });
            }
        });
    }

    // merge neighbouring sorted chunks, doubling their width each pass
    let mut merged = Vec::with_capacity(len);
    let mut width = chunk_len;
    while width < len {
        for start in (0..len).step_by(2 * width) {
            let mid = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            merged.clear();
            let (mut i, mut j) = (start, mid);
            while i < mid || j < end {
                if j == end || (i < mid && data[i] <= data[j]) {
                    merged.push(data[i]);
                    i += 1;
                } else {
                    merged.push(data[j]);
                    j += 1;
                }
            }
            data[start..end].copy_from_slice(&merged);
        }
        width *= 2;
    }
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
