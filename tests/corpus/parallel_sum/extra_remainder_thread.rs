// Bug: k threads for the equal pieces plus always one more for the leftover, i.e. chunks + 1 threads (sum is right).
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let k = chunks.max(1);
    let size = data.len() / k;
    let (body, leftover) = data.split_at(size * k);

    thread::scope(|s| {
        let mut handles = Vec::new();
        for i in 0..k {
            let part = &body[i * size..(i + 1) * size];
            handles.push(s.spawn(move || part.iter().sum::<u64>()));
        }
        // the elements that did not fit into the k equal pieces
        handles.push(s.spawn(move || leftover.iter().sum::<u64>()));
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
