#[allow(unused_imports)] // needed once you write the function
use std::thread;

/// Sorts `data` ascending, in place, with a merge sort whose halves are
/// sorted on scoped threads. It spawns at most `max(threads, 1)` threads in
/// all: split the thread budget along with the slice (`threads == 0` counts
/// as 1).
#[allow(unused_variables)] // remove this line once you use the parameters
fn merge_sort(data: &mut [i32], threads: usize) {
    todo!("split the slice and the thread budget in two, sort the halves on scoped threads, then merge them")
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
