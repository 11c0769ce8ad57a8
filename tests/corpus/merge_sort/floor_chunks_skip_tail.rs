// Bug: the chunk length is len / threads rounded down and only `threads` chunks are sorted, so the len % threads values after them are merged in unsorted.
use std::thread;

fn merge_sort(data: &mut [i32], threads: usize) {
    let len = data.len();
    if len < 2 {
        return;
    }
    let chunks = threads.max(1).min(len);
    let chunk_len = len / chunks;

    thread::scope(|s| {
        for chunk in data.chunks_exact_mut(chunk_len).take(chunks) {
            s.spawn(move || chunk.sort());
        }
    });

    // merge runs of chunk_len values, then twice that, until one run is left
    let mut width = chunk_len;
    while width < len {
        let mut start = 0;
        while start + width < len {
            let end = (start + 2 * width).min(len);
            let mut run = Vec::with_capacity(end - start);
            let (mut i, mut j) = (start, start + width);
            while i < start + width || j < end {
                if j == end || (i < start + width && data[i] <= data[j]) {
                    run.push(data[i]);
                    i += 1;
                } else {
                    run.push(data[j]);
                    j += 1;
                }
            }
            data[start..end].copy_from_slice(&run);
            start = end;
        }
        width *= 2;
    }
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
