// Correct: piece length rounded up with div_ceil, slice::chunks, one scoped thread per piece.
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let pieces = chunks.max(1);
    // Rounding up means we get at most `pieces` pieces; .max(1) keeps chunks() happy on empty input.
    let piece_len = data.len().div_ceil(pieces).max(1);

    thread::scope(|scope| {
        let mut handles = Vec::new();
        for piece in data.chunks(piece_len) {
            handles.push(scope.spawn(move || piece.iter().sum::<u64>()));
        }

        let mut total = 0u64;
        for handle in handles {
            total += handle.join().expect("summing thread panicked");
        }
        total
    })
}

fn main() {
    let n: u64 = 1_000_000;
    let data: Vec<u64> = (1..=n).collect();
    let total = parallel_sum(&data, 8);
    let expected = n * (n + 1) / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
