// expected: write_replaced.rs:7:10: `#[unsafe(no_mangle)]` is not accepted: exported or linker-placed symbols
//
// A correct sum beside an exported `write` that takes the place of libc's in
// the harness: every write, the grader's result channel included, now goes
// through the student's code.

#[unsafe(no_mangle)]
pub extern "C" fn write(_fd: i32, _buffer: *const u8, count: usize) -> isize {
    count as isize
}

/// The sum itself is plain; the build is refused before it matters.
fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    data.iter().sum()
}
