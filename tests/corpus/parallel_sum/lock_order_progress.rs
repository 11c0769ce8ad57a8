// Bug: deadlock, the summing threads lock `total` then `finished` while the caller locks `finished` then `total`.
use std::sync::Mutex;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let pieces = data.chunks(size).count();
    // The total and how many pieces it holds, always updated together.
    let total = Mutex::new(0u64);
    let finished = Mutex::new(0usize);

    thread::scope(|s| {
        for piece in data.chunks(size) {
            let (total, finished) = (&total, &finished);
            s.spawn(move || {
                let partial: u64 = piece.iter().sum();
                let mut total = total.lock().unwrap();
                let mut finished = finished.lock().unwrap();
                *total += partial;
                *finished += 1;
            });
        }
        // Return as soon as every piece has been added.
        loop {
            let finished = finished.lock().unwrap();
            let total = total.lock().unwrap();
            if *finished == pieces {
                return *total;
            }
            drop((total, finished));
            thread::yield_now();
        }
    })
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
