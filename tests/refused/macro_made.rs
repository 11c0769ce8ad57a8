// expected: macro_made.rs:9:18: `#[unsafe(no_mangle)]` is not accepted
//
// The exported symbol is made by a macro: syn sees the macro's body only as
// tokens, and the grader looks at those too.

macro_rules! exported {
    ($name:ident) => {
        #[allow(non_snake_case)]
        #[unsafe(no_mangle)]
        pub extern "C" fn $name() -> usize {
            0
        }
    };
}

exported!(sysconf);

/// The sum itself is plain; the build is refused before it matters.
fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    data.iter().sum()
}
