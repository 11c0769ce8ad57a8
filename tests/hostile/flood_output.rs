// Writes 4 GiB to stdout and 4 GiB to stderr at the same time.
use std::io::Write;

fn flood(mut out: impl Write) {
    let block = vec![b'x'; 1 << 20];
    for _ in 0..4096 {
        if out.write_all(&block).is_err() {
            return;
        }
    }
}

fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    let errors = std::thread::spawn(|| flood(std::io::stderr()));
    flood(std::io::stdout());
    let _ = errors.join();
    data.iter().sum()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3], 2));
}
