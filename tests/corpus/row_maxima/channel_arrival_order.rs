// Bug: each row's thread sends its maximum over a channel, and the maxima are collected in arrival order, not row order.
use std::sync::mpsc;
use std::thread;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let (sender, receiver) = mpsc::channel();
    thread::scope(|s| {
        for row in matrix {
            let sender = sender.clone();
            s.spawn(move || {
                let best = row.iter().copied().max().unwrap_or(i32::MIN);
                sender.send(best).unwrap();
            });
        }
    });
    drop(sender);
    receiver.iter().collect()
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
