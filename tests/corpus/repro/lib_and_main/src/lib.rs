// Repro (parallel_sum, output): src/lib.rs defines the function, src/main.rs prints with it. The
// grader grades the library, which has no `fn main`, so the output test fails.
pub fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    data.iter().sum()
}
