//! Reference solution for `merge_sort`.
//!
//! The thread budget is `min(max(threads, 1), data.len())`. The calling
//! thread spawns one root thread and waits for it; a thread whose share of
//! the budget is 2 or more cuts its part of the slice where the budget is cut,
//! spawns one scoped thread for the left part with the left share, sorts the
//! right part itself with the rest, and merges the two sorted parts once the
//! left one is done. A share of 1 is sorted by a sequential merge sort. Every
//! thread but the root is spawned by a split, and a budget of `b` makes
//! `b - 1` splits, so exactly `b` threads are spawned. One scratch buffer as
//! long as the data is cut up the same way, so each thread merges through its
//! own disjoint part of it and no lock is needed.

use std::thread;

/// Sorts `data` ascending in place, on at most `max(threads, 1)` spawned threads.
fn merge_sort(data: &mut [i32], threads: usize) {
    // No thread is given less than one value, so none of them is idle.
    let budget = threads.max(1).min(data.len());
    let mut scratch = vec![0; data.len()];
    if budget <= 1 {
        sort_sequential(data, &mut scratch);
        return;
    }
    // The calling thread only waits: the contract counts the threads spawned,
    // and a budget of 2 should mean two threads sorting, not one.
    thread::scope(|scope| {
        scope.spawn(|| sort_with_budget(data, &mut scratch, budget));
    });
}

/// Sorts `data` on the current thread and `budget - 1` threads it spawns.
/// `scratch` is as long as `data`; `budget` is at most `data.len()`.
fn sort_with_budget(data: &mut [i32], scratch: &mut [i32], budget: usize) {
    if budget <= 1 {
        sort_sequential(data, scratch);
        return;
    }
    let left_budget = budget / 2;
    // Cut the values where the budget is cut, so that every thread gets about
    // the same number of them, and each side at least as many as its budget.
    let mid = data.len() * left_budget / budget;
    {
        let (left, right) = data.split_at_mut(mid);
        let (left_scratch, right_scratch) = scratch.split_at_mut(mid);
        thread::scope(|scope| {
            scope.spawn(|| sort_with_budget(left, left_scratch, left_budget));
            sort_with_budget(right, right_scratch, budget - left_budget);
        });
    }
    merge(data, mid, scratch);
}

/// A top-down merge sort on the current thread.
fn sort_sequential(data: &mut [i32], scratch: &mut [i32]) {
    if data.len() < 2 {
        return;
    }
    let mid = data.len() / 2;
    {
        let (left, right) = data.split_at_mut(mid);
        let (left_scratch, right_scratch) = scratch.split_at_mut(mid);
        sort_sequential(left, left_scratch);
        sort_sequential(right, right_scratch);
    }
    merge(data, mid, scratch);
}

/// Merges the sorted runs `data[..mid]` and `data[mid..]` into one sorted
/// run, through `scratch`, which is as long as `data`.
fn merge(data: &mut [i32], mid: usize, scratch: &mut [i32]) {
    scratch.copy_from_slice(data);
    let (left, right) = scratch.split_at(mid);
    let (mut i, mut j) = (0, 0);
    for slot in data.iter_mut() {
        // Take from the left run unless the right one's next value is smaller.
        if j == right.len() || (i < left.len() && left[i] <= right[j]) {
            *slot = left[i];
            i += 1;
        } else {
            *slot = right[j];
            j += 1;
        }
    }
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
