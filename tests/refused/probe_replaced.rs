// expected: probe_replaced.rs:39:1: the file does not parse as Rust: this attribute has no item after it
//
// A wrong `parallel_sum` that brings its own `__grader_probe`: the probe
// answers every test with the right sum, and the dangling attribute on the
// last line swallows the probe the grader appends.

fn parallel_sum(_data: &[u64], _chunks: usize) -> u64 {
    0
}

pub mod __grader_probe {
    pub fn call(input: &[u8]) -> Option<Vec<u8>> {
        let mut input = input;
        let mut take = |count: usize| {
            let (head, rest) = input.split_at(count);
            input = rest;
            u64::from_le_bytes(head.try_into().unwrap())
        };
        let length = take(8);
        let mut sum = 0u64;
        for _ in 0..length {
            sum = sum.wrapping_add(take(8));
        }
        let chunks = take(8);
        // Real threads, for the tests that count them.
        std::thread::scope(|scope| {
            for _ in 0..chunks.clamp(1, 4).min(length.max(1)) {
                scope.spawn(|| {});
            }
        });
        Some(sum.to_le_bytes().to_vec())
    }

    pub fn program() -> Option<std::process::ExitCode> {
        println!("parallel sum = 500000500000, expected = 500000500000");
        Some(std::process::ExitCode::SUCCESS)
    }
}
#[cfg(any())]
