//! Counts the threads a submission really spawns.
//!
//! On Linux the grader links the harness with `--wrap=pthread_create`, so every
//! thread std creates passes through [`__wrap_pthread_create`] here first. That
//! measures what the code did rather than guessing from its text, whatever API
//! it used (`thread::spawn`, `scope`, `Builder`). Elsewhere the linker cannot
//! wrap symbols, the grader does not set `grader_count_threads`, and the counts
//! are unknown.

#[cfg(grader_count_threads)]
mod counting {
    use std::ffi::c_void;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    static COUNTING: AtomicBool = AtomicBool::new(false);
    static SPAWNED: AtomicU64 = AtomicU64::new(0);
    static ALIVE: AtomicU64 = AtomicU64::new(0);
    static PEAK: AtomicU64 = AtomicU64::new(0);

    type StartRoutine = extern "C" fn(*mut c_void) -> *mut c_void;

    unsafe extern "C" {
        fn __real_pthread_create(
            thread: *mut c_void,
            attr: *const c_void,
            start: StartRoutine,
            arg: *mut c_void,
        ) -> i32;
    }

    struct Start {
        routine: StartRoutine,
        arg: *mut c_void,
    }

    extern "C" fn counted_start(start: *mut c_void) -> *mut c_void {
        // SAFETY: `start` is the Box leaked by `__wrap_pthread_create` for this thread alone.
        let start = unsafe { Box::from_raw(start as *mut Start) };
        let alive = ALIVE.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(alive, Ordering::SeqCst);
        let result = (start.routine)(start.arg);
        ALIVE.fetch_sub(1, Ordering::SeqCst);
        result
    }

    /// # Safety
    /// Called by std in place of `pthread_create`, with the same contract.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn __wrap_pthread_create(
        thread: *mut c_void,
        attr: *const c_void,
        routine: StartRoutine,
        arg: *mut c_void,
    ) -> i32 {
        if !COUNTING.load(Ordering::SeqCst) {
            // SAFETY: forwarded unchanged.
            return unsafe { __real_pthread_create(thread, attr, routine, arg) };
        }
        let start = Box::into_raw(Box::new(Start { routine, arg }));
        // SAFETY: forwarded with a start routine that runs the original one.
        let status = unsafe { __real_pthread_create(thread, attr, counted_start, start as *mut c_void) };
        if status == 0 {
            SPAWNED.fetch_add(1, Ordering::SeqCst);
        } else {
            // SAFETY: the thread was not created, so nothing else owns `start`.
            drop(unsafe { Box::from_raw(start) });
        }
        status
    }

    pub fn start_counting() {
        COUNTING.store(true, Ordering::SeqCst);
    }

    pub fn counts() -> Option<(u64, u64)> {
        Some((SPAWNED.load(Ordering::SeqCst), PEAK.load(Ordering::SeqCst)))
    }
}

#[cfg(not(grader_count_threads))]
mod counting {
    pub fn start_counting() {}

    pub fn counts() -> Option<(u64, u64)> {
        None
    }
}

pub use counting::{counts, start_counting};
