// The classic shell fork bomb. The grader's task limit (512 per test) does
// stop it from growing, but the test then just waits for its timeout and is
// reported as a timeout, "a deadlock or an endless loop?", instead of as a
// test stopped at the process limit; and the machine spends the whole timeout
// forking.
fn parallel_sum(_data: &[u64], _chunks: usize) -> u64 {
    let _ = std::process::Command::new("sh").arg("-c").arg("bomb() { bomb | bomb & }; bomb; wait").status();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3], 2));
}
