// Bug: a correct merge sort that never spawns a thread; the budget is ignored.
fn merge_sort(data: &mut [i32], _threads: usize) {
    let mut buffer = vec![0; data.len()];
    sort(data, &mut buffer);
}

fn sort(data: &mut [i32], buffer: &mut [i32]) {
    let len = data.len();
    if len < 2 {
        return;
    }
    let mid = len / 2;
    sort(&mut data[..mid], &mut buffer[..mid]);
    sort(&mut data[mid..], &mut buffer[mid..]);
    let (mut i, mut j) = (0, mid);
    for slot in buffer.iter_mut() {
        if j >= len || (i < mid && data[i] <= data[j]) {
            *slot = data[i];
            i += 1;
        } else {
            *slot = data[j];
            j += 1;
        }
    }
    data.copy_from_slice(buffer);
}

fn main() {
    let mut values = [38, -4, 17, 0, 91, -62, 5, 17, -9, 44, 3, -27, 70, 12, -4, 8];
    merge_sort(&mut values, 4);
    println!("{:?}", values);
}
