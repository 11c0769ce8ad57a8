//! The `std` that a submission sees in its race build.
//!
//! The grader appends `use self::__grader_std as std;` to the submission's
//! crate root (and to each module that names `std` itself), which shadows
//! the real `std` for `use std::...` lines and inline `std::thread::scope`
//! paths alike. Threads, locks, channels and atomics come from shuttle, whose
//! scheduler then decides every interleaving; everything else, including what
//! shuttle lacks, such as `thread::available_parallelism`, is the real std.

pub use ::std::*;

pub mod thread {
    //! Shuttle's threads, with one difference it does not have on its own: as
    //! in std, a panic in a spawned thread comes back as `Err` from `join()`
    //! instead of failing the whole run, so a student who handles it is not
    //! told of a race.

    use std::panic::{AssertUnwindSafe, catch_unwind};

    pub use ::std::thread::*;
    pub use shuttle::thread::{
        AccessError, LocalKey, Thread, ThreadId, current, park, park_timeout, sleep, yield_now,
    };

    #[derive(Debug)]
    pub struct JoinHandle<T>(shuttle::thread::JoinHandle<Result<T>>);

    impl<T> JoinHandle<T> {
        pub fn join(self) -> Result<T> {
            self.0.join().and_then(|result| result)
        }

        pub fn thread(&self) -> &Thread {
            self.0.thread()
        }
    }

    #[track_caller]
    pub fn spawn<F, T>(f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        JoinHandle(shuttle::thread::spawn(move || catch_unwind(AssertUnwindSafe(f))))
    }

    #[derive(Debug, Default)]
    pub struct Builder(shuttle::thread::Builder);

    impl Builder {
        pub fn new() -> Builder {
            Builder(shuttle::thread::Builder::new())
        }

        pub fn name(self, name: String) -> Builder {
            Builder(self.0.name(name))
        }

        pub fn stack_size(self, size: usize) -> Builder {
            Builder(self.0.stack_size(size))
        }

        #[track_caller]
        pub fn spawn<F, T>(self, f: F) -> std::io::Result<JoinHandle<T>>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            self.0.spawn(move || catch_unwind(AssertUnwindSafe(f))).map(JoinHandle)
        }
    }

    #[repr(transparent)]
    #[derive(Debug)]
    pub struct Scope<'scope, 'env: 'scope>(shuttle::thread::Scope<'scope, 'env>);

    #[derive(Debug)]
    pub struct ScopedJoinHandle<'scope, T>(shuttle::thread::ScopedJoinHandle<'scope, Result<T>>);

    impl<'scope> Scope<'scope, '_> {
        #[track_caller]
        pub fn spawn<F, T>(&'scope self, f: F) -> ScopedJoinHandle<'scope, T>
        where
            F: FnOnce() -> T + Send + 'scope,
            T: Send + 'scope,
        {
            ScopedJoinHandle(self.0.spawn(move || catch_unwind(AssertUnwindSafe(f))))
        }
    }

    impl<T> ScopedJoinHandle<'_, T> {
        pub fn join(self) -> Result<T> {
            self.0.join().and_then(|result| result)
        }

        pub fn thread(&self) -> &Thread {
            self.0.thread()
        }

        pub fn is_finished(&self) -> bool {
            self.0.is_finished()
        }
    }

    pub fn scope<'env, F, T>(f: F) -> T
    where
        F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
    {
        shuttle::thread::scope(|inner| {
            // SAFETY: `Scope` is a transparent wrapper of shuttle's scope, so the
            // reference keeps the same layout and lifetime.
            let outer = unsafe { &*(inner as *const shuttle::thread::Scope<'_, 'env> as *const Scope<'_, 'env>) };
            f(outer)
        })
    }
}

pub mod sync {
    pub use ::std::sync::*;
    pub use shuttle::sync::{
        Barrier, BarrierWaitResult, Condvar, Mutex, MutexGuard, Once, OnceState, RwLock, RwLockReadGuard,
        RwLockWriteGuard, WaitTimeoutResult,
    };

    pub mod atomic {
        pub use ::std::sync::atomic::*;
        pub use shuttle::sync::atomic::{
            AtomicBool, AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicPtr, AtomicU8, AtomicU16,
            AtomicU32, AtomicU64, AtomicUsize, fence,
        };
    }

    pub mod mpsc {
        pub use ::std::sync::mpsc::*;
        pub use shuttle::sync::mpsc::{
            IntoIter, Iter, Receiver, Sender, SyncSender, TryIter, channel, sync_channel,
        };
    }
}
