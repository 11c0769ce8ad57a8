// Bug: off by one in the merge: once the right run is used up, the rest of the left run is copied up to len - 1, so its largest value is lost.
use std::thread;

fn merge_sort(data: &mut [i32], threads: usize) {
    let budget = threads.max(1).min(data.len());
    if budget > 1 {
        thread::scope(|s| {
            s.spawn(|| sort(data, budget));
        });
    } else {
        sort(data, 1);
    }
}

fn sort(data: &mut [i32], budget: usize) {
    if data.len() < 2 {
        return;
    }
    let mid = data.len() / 2;
    let left_budget = budget / 2;
    {
        let (left, right) = data.split_at_mut(mid);
        if budget > 1 {
            thread::scope(|s| {
                s.spawn(|| sort(left, left_budget));
                sort(right, budget - left_budget);
            });
        } else {
            sort(left, 1);
            sort(right, 1);
        }
    }
    merge(data, mid);
}

fn merge(data: &mut [i32], mid: usize) {
    let left = data[..mid].to_vec();
    let right = data[mid..].to_vec();
    let (mut i, mut j, mut k) = (0, 0, 0);
    while i < left.len() && j < right.len() {
        if left[i] <= right[j] {
            data[k] = left[i];
            i += 1;
        } else {
            data[k] = right[j];
            j += 1;
        }
        k += 1;
    }
    while i < left.len() - 1 {
        data[k] = left[i];
        i += 1;
        k += 1;
    }
    while j < right.len() {
        data[k] = right[j];
        j += 1;
        k += 1;
    }
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
