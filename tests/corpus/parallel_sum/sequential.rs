// Bug: never spawns a thread; the pieces are summed one after another (right sum, not parallel).
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let mut total = 0;
    for piece in data.chunks(size) {
        total += piece.iter().sum::<u64>();
    }
    total
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
