// Bug: the half sorted on the current thread keeps the whole budget, so each level down the right side spawns one more thread than allowed.
use std::thread;

fn merge_sort(data: &mut [i32], threads: usize) {
    sort(data, threads.max(1));
}

fn sort(data: &mut [i32], threads: usize) {
    if data.len() < 2 {
        return;
    }
    let mid = data.len() / 2;
    let (left, right) = data.split_at_mut(mid);
    if threads > 1 {
        thread::scope(|s| {
            s.spawn(|| sort(left, threads / 2));
            // meant to be threads - threads / 2
            sort(right, threads);
        });
    } else {
        sort(left, 1);
        sort(right, 1);
    }
    // merge from the back, with the right run copied out of the way
    let right_run = data[mid..].to_vec();
    let (mut i, mut r) = (mid, right_run.len());
    while r > 0 {
        if i > 0 && data[i - 1] > right_run[r - 1] {
            data[i + r - 1] = data[i - 1];
            i -= 1;
        } else {
            data[i + r - 1] = right_run[r - 1];
            r -= 1;
        }
    }
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
