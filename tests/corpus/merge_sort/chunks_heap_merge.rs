// Correct: chunks_mut gives each scoped thread one chunk to sort; a k-way merge through a
// BinaryHeap then writes the chunks back in order.
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::thread;

fn merge_sort(data: &mut [i32], threads: usize) {
    if data.len() < 2 {
        return;
    }
    let chunk_len = data.len().div_ceil(threads.max(1));

    thread::scope(|s| {
        for chunk in data.chunks_mut(chunk_len) {
            s.spawn(move || chunk.sort_unstable());
        }
    });

    // The heap holds the next value of every chunk not yet used up, with its chunk number.
    let chunks: Vec<&[i32]> = data.chunks(chunk_len).collect();
    let mut next = vec![0; chunks.len()];
    let mut heap: BinaryHeap<Reverse<(i32, usize)>> =
        chunks.iter().enumerate().map(|(c, chunk)| Reverse((chunk[0], c))).collect();
    let mut sorted = Vec::with_capacity(data.len());
    while let Some(Reverse((value, c))) = heap.pop() {
        sorted.push(value);
        next[c] += 1;
        if let Some(&following) = chunks[c].get(next[c]) {
            heap.push(Reverse((following, c)));
        }
    }
    data.copy_from_slice(&sorted);
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
