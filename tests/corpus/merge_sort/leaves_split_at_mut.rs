// Correct: split_at_mut peels off one leaf per thread of the budget; each leaf is merge-sorted on its own
// scoped thread, then the calling thread merges neighbouring runs until one is left.
use std::thread;

fn merge_sort(data: &mut [i32], threads: usize) {
    let len = data.len();
    if len < 2 {
        return;
    }
    let leaves = threads.max(1).min(len);

    // leaf i covers bounds[i]..bounds[i + 1]; the first len % leaves leaves get one value more
    let mut bounds = vec![0];
    for i in 0..leaves {
        let size = len / leaves + usize::from(i < len % leaves);
        bounds.push(bounds[i] + size);
    }

    thread::scope(|s| {
        let mut rest: &mut [i32] = data;
        for i in 0..leaves {
            let (leaf, tail) = rest.split_at_mut(bounds[i + 1] - bounds[i]);
            rest = tail;
            s.spawn(move || bottom_up_sort(leaf));
        }
    });

    // merge runs pairwise: [a, b, c] becomes [a+b, c], then [a+b+c]
    let mut scratch = vec![0; len];
    while bounds.len() > 2 {
        let mut merged_bounds = vec![0];
        let mut run = 0;
        while run + 1 < bounds.len() {
            let start = bounds[run];
            if run + 2 < bounds.len() {
                let (mid, end) = (bounds[run + 1], bounds[run + 2]);
                merge_into(&data[start..mid], &data[mid..end], &mut scratch[start..end]);
                data[start..end].copy_from_slice(&scratch[start..end]);
                merged_bounds.push(end);
            } else {
                merged_bounds.push(bounds[run + 1]);
            }
            run += 2;
        }
        bounds = merged_bounds;
    }
}

/// A merge sort without recursion: runs of 1, then 2, 4, ... values are merged in turn.
fn bottom_up_sort(leaf: &mut [i32]) {
    let len = leaf.len();
    let mut scratch = vec![0; len];
    let mut width = 1;
    while width < len {
        let mut start = 0;
        while start + width < len {
            let mid = start + width;
            let end = (start + 2 * width).min(len);
            merge_into(&leaf[start..mid], &leaf[mid..end], &mut scratch[start..end]);
            leaf[start..end].copy_from_slice(&scratch[start..end]);
            start = end;
        }
        width *= 2;
    }
}

/// Writes the merge of two sorted runs into `out`, which is exactly as long as both.
fn merge_into(a: &[i32], b: &[i32], out: &mut [i32]) {
    let mut a = a.iter().copied().peekable();
    let mut b = b.iter().copied().peekable();
    for slot in out.iter_mut() {
        // a run that is used up peeks None, and the other one supplies the rest
        *slot = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if y < x => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        }
        .expect("out is as long as both runs together");
    }
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
