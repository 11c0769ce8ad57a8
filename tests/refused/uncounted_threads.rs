// expected: uncounted_threads.rs:9:8: an `extern` block is not accepted: declaring or linking outside functions
//
// Threads started through the harness's own `__real_pthread_create`, past the
// wrapper that counts them, so a submission could use more threads than the
// exercise allows and still be seen to respect the limit.

use std::ffi::c_void;

unsafe extern "C" {
    fn __real_pthread_create(
        thread: *mut usize,
        attributes: *const c_void,
        start: extern "C" fn(*mut c_void) -> *mut c_void,
        argument: *mut c_void,
    ) -> i32;
}

/// The sum itself is plain; the build is refused before it matters.
fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    let _uncounted = __real_pthread_create as usize;
    data.iter().sum()
}
