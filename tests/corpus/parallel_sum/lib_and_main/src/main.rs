use chunked_sum::{parallel_sum, triangle};

fn main() {
    let n = 1_000_000;
    let data: Vec<u64> = (1..=n).collect();
    println!("parallel sum = {}, expected = {}", parallel_sum(&data, 8), triangle(n));
}
