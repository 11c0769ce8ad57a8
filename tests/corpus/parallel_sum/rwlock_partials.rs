// Correct: each scoped thread writes its partial sum into its own index of an RwLock<Vec<u64>>;
// the caller reads the table once all threads are done.
use std::sync::RwLock;
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let count = chunks.max(1).min(data.len());
    if count == 0 {
        return 0;
    }
    let table = RwLock::new(vec![0u64; count]);
    let step = data.len() / count;
    let extra = data.len() % count;

    thread::scope(|s| {
        let mut from = 0;
        for slot in 0..count {
            let to = from + step + if slot < extra { 1 } else { 0 };
            let piece = &data[from..to];
            let table = &table;
            s.spawn(move || {
                let sum: u64 = piece.iter().sum();
                table.write().unwrap()[slot] = sum;
            });
            from = to;
        }
    });

    let partials = table.read().unwrap();
    partials.iter().sum()
}

fn main() {
    let n = 1_000_000u64;
    let data: Vec<u64> = (1..=n).collect();
    let got = parallel_sum(&data, 8);
    println!("parallel sum = {}, expected = {}", got, n * (n + 1) / 2);
}
