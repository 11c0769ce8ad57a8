// Bug: the next-piece counter is read under one lock and bumped under another, so two threads can take the same piece.
use std::sync::Mutex;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let threads = chunks.max(1);
    let size = data.len().div_ceil(threads).max(1);
    let pieces: Vec<&[u64]> = data.chunks(size).collect();
    let next_piece = Mutex::new(0usize);

    thread::scope(|s| {
        let handles: Vec<_> = (0..threads.min(pieces.len()))
            .map(|_| {
                let (pieces, next_piece) = (&pieces, &next_piece);
                s.spawn(move || {
                    let mut sum = 0;
                    loop {
                        let index = *next_piece.lock().unwrap();
                        let Some(piece) = pieces.get(index) else { break };
                        *next_piece.lock().unwrap() += 1;
                        sum += piece.iter().sum::<u64>();
                    }
                    sum
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).sum()
    })
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
