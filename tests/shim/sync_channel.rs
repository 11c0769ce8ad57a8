//! The main thread hands each worker its piece through a rendezvous channel
//! (`sync_channel(0)`: a send waits for the matching receive), and the
//! workers send their sums back through one bounded channel of room 1,
//! whose `send` waits while it is full. Correct.

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let (send_sum, receive_sums) = mpsc::sync_channel::<u64>(1);
    thread::scope(|s| {
        let hand_outs: Vec<SyncSender<&[u64]>> = data
            .chunks(size)
            .map(|_| {
                let (hand_out, receive_piece): (SyncSender<&[u64]>, Receiver<&[u64]>) = mpsc::sync_channel(0);
                let send_sum = send_sum.clone();
                s.spawn(move || {
                    let piece = receive_piece.recv().expect("the main thread hands out a piece");
                    send_sum.send(piece.iter().sum()).expect("the main thread receives every sum");
                });
                hand_out
            })
            .collect();
        drop(send_sum);
        for (hand_out, piece) in hand_outs.iter().zip(data.chunks(size)) {
            hand_out.send(piece).expect("every worker takes its piece");
        }
        receive_sums.iter().sum()
    })
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
