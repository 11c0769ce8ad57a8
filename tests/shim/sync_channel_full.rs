//! The workers of sync_channel.rs send their sums into a channel of room 1
//! that the main thread only reads after the scope has joined them: the
//! second send waits for room that never comes.

use std::sync::mpsc;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let (send_sum, receive_sums) = mpsc::sync_channel::<u64>(1);
    thread::scope(|s| {
        for piece in data.chunks(size) {
            let send_sum = send_sum.clone();
            s.spawn(move || send_sum.send(piece.iter().sum()).expect("the receiver is alive"));
        }
    });
    drop(send_sum);
    receive_sums.iter().sum()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
