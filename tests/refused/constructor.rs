// expected: constructor.rs:8:10: `#[unsafe(link_section = …)]` is not accepted
//
// A function placed in `.init_array` runs before the harness's `main`, where
// it could replace what the harness relies on.

static BEFORE_MAIN_RAN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[unsafe(link_section = ".init_array")]
#[used]
static BEFORE_MAIN: extern "C" fn() = before_main;

extern "C" fn before_main() {
    BEFORE_MAIN_RAN.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// The sum itself is plain; the build is refused before it matters.
fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    data.iter().sum()
}
