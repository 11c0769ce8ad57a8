// expected: inline_asm.rs:9:20: `asm!` is not accepted: assembly could interfere
//
// Inline assembly could make system calls the harness never sees.

/// The sum itself is plain; the build is refused before it matters.
fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    // SAFETY: an empty instruction.
    unsafe {
        std::arch::asm!("nop");
    }
    data.iter().sum()
}
