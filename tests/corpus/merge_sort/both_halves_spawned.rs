// Correct: scoped recursion that splits the budget; a split spawns a thread for each half and only waits and merges.
use std::thread;

fn merge_sort(data: &mut [i32], threads: usize) {
    // Never more threads than values: a thread with nothing to sort is wasted.
    let budget = threads.max(1).min(data.len());
    if budget == 1 {
        sort(data, 0);
    } else {
        sort(data, budget);
    }
}

/// Sorts `data`, spawning at most `spawn` threads below this call.
fn sort(data: &mut [i32], spawn: usize) {
    if data.len() < 2 {
        return;
    }
    let mid = data.len() / 2;
    let (left, right) = data.split_at_mut(mid);
    match spawn {
        0 => {
            sort(left, 0);
            sort(right, 0);
        }
        1 => {
            // one thread to hand out: it takes the left half, this thread the right
            thread::scope(|s| {
                s.spawn(|| sort(left, 0));
                sort(right, 0);
            });
        }
        _ => {
            // two threads for the halves, and what is left of the budget shared between them
            let rest = spawn - 2;
            let left_spawn = rest / 2;
            thread::scope(|s| {
                s.spawn(|| sort(left, left_spawn));
                s.spawn(|| sort(right, rest - left_spawn));
            });
        }
    }
    merge(data, mid);
}

/// Merges the sorted runs `data[..mid]` and `data[mid..]`.
fn merge(data: &mut [i32], mid: usize) {
    let mut merged = Vec::with_capacity(data.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < data.len() {
        if data[j] < data[i] {
            merged.push(data[j]);
            j += 1;
        } else {
            merged.push(data[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&data[i..mid]);
    merged.extend_from_slice(&data[j..]);
    data.copy_from_slice(&merged);
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
