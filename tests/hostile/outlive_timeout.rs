// Starts processes in their own process group, which outlive the test unless
// the grader kills everything the test started, then hangs.
use std::os::unix::process::CommandExt;

fn parallel_sum(_data: &[u64], _chunks: usize) -> u64 {
    for _ in 0..3 {
        let _ = std::process::Command::new("sleep").arg("77.25").process_group(0).spawn();
    }
    let _ = std::process::Command::new("sh").arg("-c").arg("sleep 77.25 & sleep 77.25").process_group(0).spawn();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

fn main() {
    let _ = std::process::Command::new("sleep").arg("77.25").process_group(0).spawn();
    println!("{}", parallel_sum(&[1, 2, 3], 2));
}
