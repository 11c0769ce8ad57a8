// Bug: only a budget of exactly 1 stops the splitting, so with 0 threads the budget never runs out and every split spawns a thread.
use std::thread;

fn merge_sort(data: &mut [i32], threads: usize) {
    if threads == 1 || data.len() < 2 {
        data.sort();
        return;
    }
    // the calling thread waits for one root thread, which shares out the rest
    let budget = threads.min(data.len());
    thread::scope(|s| {
        s.spawn(|| sort(data, budget));
    });
}

/// Sorts `data` on this thread and `budget - 1` threads spawned below it.
fn sort(data: &mut [i32], budget: usize) {
    if budget == 1 || data.len() < 2 {
        data.sort();
        return;
    }
    let left_budget = budget / 2;
    let mid = data.len() / 2;
    {
        let (left, right) = data.split_at_mut(mid);
        thread::scope(|s| {
            s.spawn(|| sort(left, left_budget));
            sort(right, budget - left_budget);
        });
    }
    let mut merged = Vec::with_capacity(data.len());
    let (mut i, mut j) = (0, mid);
    while i < mid || j < data.len() {
        if j == data.len() || (i < mid && data[i] <= data[j]) {
            merged.push(data[i]);
            i += 1;
        } else {
            merged.push(data[j]);
            j += 1;
        }
    }
    data.copy_from_slice(&merged);
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
