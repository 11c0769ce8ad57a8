// Tries to compile a file from outside the submission into itself.
const SECRET: &str = include_str!("/tmp/grader_sandbox_secret.txt");

fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    println!("{SECRET}");
    data.iter().sum()
}

fn main() {
    println!("{SECRET}");
}
