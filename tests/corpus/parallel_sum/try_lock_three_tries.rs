// Bug: a thread adds its partial only if try_lock succeeds within three tries, so a busy lock drops a piece.
use std::sync::Mutex;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let total = Mutex::new(0u64);

    thread::scope(|s| {
        for piece in data.chunks(size) {
            let total = &total;
            s.spawn(move || {
                let partial: u64 = piece.iter().sum();
                // Never block on the total: try a few times, yielding in between.
                for _ in 0..3 {
                    if let Ok(mut total) = total.try_lock() {
                        *total += partial;
                        break;
                    }
                    thread::yield_now();
                }
            });
        }
    });

    total.into_inner().unwrap()
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
