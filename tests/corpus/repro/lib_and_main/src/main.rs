fn main() {
    let n = 1_000_000u64;
    let data: Vec<u64> = (1..=n).collect();
    println!("parallel sum = {}, expected = {}", summer::parallel_sum(&data, 8), n * (n + 1) / 2);
}
