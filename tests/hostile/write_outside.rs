// Writes outside the scratch folder: the host's /tmp, root's home, the
// grader's own scratch parent. None of it may appear on the host.
fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    for path in ["/tmp/grader_hostile_escaped", "/root/grader_hostile_escaped", "../../grader_hostile_escaped"] {
        let _ = std::fs::write(path, "escaped");
    }
    data.iter().sum()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3], 2));
}
