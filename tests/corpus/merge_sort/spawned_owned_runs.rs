// Correct: 'static threads from thread::spawn each sort their own copy of a piece and send it back over
// a channel with its number; the caller puts the runs back in order and merges them two by two.
use std::sync::mpsc;
use std::thread;

fn merge_sort(data: &mut [i32], threads: usize) {
    if data.len() < 2 {
        return;
    }
    let pieces = threads.max(1).min(data.len());
    let base = data.len() / pieces;
    let extra = data.len() % pieces;

    let (sender, receiver) = mpsc::channel::<(usize, Vec<i32>)>();
    let mut handles = Vec::new();
    let mut start = 0;
    for number in 0..pieces {
        let end = start + base + usize::from(number < extra);
        let mut run = data[start..end].to_vec();
        let sender = sender.clone();
        handles.push(thread::spawn(move || {
            run.sort();
            sender.send((number, run)).expect("the caller is still receiving");
        }));
        start = end;
    }
    drop(sender);

    // Runs arrive in whatever order the threads finish; each goes back to its own place.
    let mut runs: Vec<Vec<i32>> = vec![Vec::new(); pieces];
    for (number, run) in receiver {
        runs[number] = run;
    }
    for handle in handles {
        handle.join().expect("a sorting thread panicked");
    }

    while runs.len() > 1 {
        let mut paired = Vec::with_capacity(runs.len().div_ceil(2));
        let mut left_over = runs.into_iter();
        while let Some(first) = left_over.next() {
            match left_over.next() {
                Some(second) => paired.push(merge(&first, &second)),
                None => paired.push(first),
            }
        }
        runs = paired;
    }
    data.copy_from_slice(&runs[0]);
}

fn merge(a: &[i32], b: &[i32]) -> Vec<i32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if b[j] < a[i] {
            out.push(b[j]);
            j += 1;
        } else {
            out.push(a[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
