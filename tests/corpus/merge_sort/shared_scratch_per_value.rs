// Bug: every merge after a join goes through one shared scratch buffer that is locked anew for each value,
// so two merges running at once overwrite each other's saved left run.
use std::sync::Mutex;
use std::thread;

fn merge_sort(data: &mut [i32], threads: usize) {
    let budget = threads.max(1).min(data.len());
    // one buffer for the whole sort instead of one for every merge
    let scratch = Mutex::new(Vec::with_capacity(data.len()));
    if budget <= 1 {
        sort_alone(data);
    } else {
        thread::scope(|s| {
            s.spawn(|| sort(data, budget, &scratch));
        });
    }
}

/// Sorts `data` on this thread and `budget - 1` more.
fn sort(data: &mut [i32], budget: usize, scratch: &Mutex<Vec<i32>>) {
    if budget <= 1 {
        sort_alone(data);
        return;
    }
    let half = budget / 2;
    let mid = data.len() * half / budget;
    {
        let (left, right) = data.split_at_mut(mid);
        thread::scope(|s| {
            s.spawn(|| sort(left, half, scratch));
            sort(right, budget - half, scratch);
        });
    }
    // save the left run in the shared buffer, then merge it with the right run in place
    {
        let mut saved = scratch.lock().unwrap();
        saved.clear();
        saved.extend_from_slice(&data[..mid]);
    }
    let (mut i, mut j, mut k) = (0, mid, 0);
    while i < mid {
        let left = scratch.lock().unwrap()[i];
        if j < data.len() && data[j] < left {
            data[k] = data[j];
            j += 1;
        } else {
            data[k] = left;
            i += 1;
        }
        k += 1;
    }
}

/// A sequential merge sort with a buffer of its own.
fn sort_alone(data: &mut [i32]) {
    if data.len() < 2 {
        return;
    }
    let mid = data.len() / 2;
    sort_alone(&mut data[..mid]);
    sort_alone(&mut data[mid..]);
    let left = data[..mid].to_vec();
    let (mut i, mut j, mut k) = (0, mid, 0);
    while i < mid {
        if j < data.len() && data[j] < left[i] {
            data[k] = data[j];
            j += 1;
        } else {
            data[k] = left[i];
            i += 1;
        }
        k += 1;
    }
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
