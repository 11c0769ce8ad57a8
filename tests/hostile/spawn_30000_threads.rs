// Starts 30,000 threads that all stay alive.
fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    let handles: Vec<_> = (0..30_000)
        .map(|_| std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_secs(2))))
        .collect();
    for handle in handles {
        let _ = handle.join();
    }
    data.iter().sum()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3], 2));
}
