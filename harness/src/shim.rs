//! `grader_std`: the `std` a submission's race build is compiled against.
//!
//! The grader compiles the student's crate, unchanged, with
//! `--extern std=libgrader_std.rlib`, so every path to std resolves here:
//! the implicit `extern crate std`, the prelude, `std::…`, `::std::…`,
//! `extern crate std as x`, `use ::std as x`, glob imports and every module
//! at any depth, with no edit to the student's source. Threads, locks,
//! channels, atomics and thread-locals come from shuttle, whose scheduler
//! then decides every interleaving; everything else is the real std,
//! re-exported. (`core::sync` is redirected the same way, by `grader_core`.)
//!
//! Where shuttle lacks a method std has, an extension trait in the preludes
//! below supplies it, so the student's code compiles as it does against std.

#![allow(clippy::all, dead_code)]

pub use ::std::*;

#[doc(hidden)]
pub use shuttle as __shuttle;

/// Shuttle's thread-locals: one value per shuttle thread, where std's would
/// give all of them the one OS thread's value. A macro of this crate's own,
/// so that the implicit `#[macro_use] extern crate std` finds it.
#[macro_export]
macro_rules! thread_local {
    ($($body:tt)*) => { $crate::__shuttle::thread_local!($($body)*); };
}

/// The preludes of every edition: std's, and the extension traits.
pub mod prelude {
    pub use ::std::prelude::*;

    pub mod v1 {
        pub use crate::extensions::*;
        pub use ::std::prelude::v1::*;
    }
    pub mod rust_2015 {
        pub use crate::extensions::*;
        pub use ::std::prelude::rust_2015::*;
    }
    pub mod rust_2018 {
        pub use crate::extensions::*;
        pub use ::std::prelude::rust_2018::*;
    }
    pub mod rust_2021 {
        pub use crate::extensions::*;
        pub use ::std::prelude::rust_2021::*;
    }
    pub mod rust_2024 {
        pub use crate::extensions::*;
        pub use ::std::prelude::rust_2024::*;
    }
}

/// Methods std's types have and shuttle's lack, in scope everywhere through
/// the preludes (imported as `_`, so they name nothing in the student's code).
mod extensions {
    pub use crate::sync::IsPoisoned as _;
}

pub mod thread {
    //! Shuttle's threads, with what std has and shuttle does not: a panic in
    //! a spawned thread comes back as `Err` from `join()` instead of failing
    //! the whole run (so a student who handles it is not told of a race),
    //! `JoinHandle::is_finished`, and `Builder::spawn_scoped`.

    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    pub use ::std::thread::*;
    pub use shuttle::thread::{
        AccessError, LocalKey, Thread, ThreadId, current, park, park_timeout, sleep, yield_now,
    };

    /// Runs `f`, catching its panic, and marks `finished` when it is done.
    fn finishing<F: FnOnce() -> T, T>(f: F, finished: Arc<AtomicBool>) -> impl FnOnce() -> Result<T> {
        move || {
            let result = catch_unwind(AssertUnwindSafe(f));
            finished.store(true, Ordering::SeqCst);
            result
        }
    }

    #[derive(Debug)]
    pub struct JoinHandle<T> {
        handle: shuttle::thread::JoinHandle<Result<T>>,
        finished: Arc<AtomicBool>,
    }

    impl<T> JoinHandle<T> {
        pub fn join(self) -> Result<T> {
            self.handle.join().and_then(|result| result)
        }

        pub fn thread(&self) -> &Thread {
            self.handle.thread()
        }

        pub fn is_finished(&self) -> bool {
            self.finished.load(Ordering::SeqCst)
        }
    }

    #[track_caller]
    pub fn spawn<F, T>(f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let finished = Arc::new(AtomicBool::new(false));
        JoinHandle { handle: shuttle::thread::spawn(finishing(f, Arc::clone(&finished))), finished }
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
            let finished = Arc::new(AtomicBool::new(false));
            let handle = self.0.spawn(finishing(f, Arc::clone(&finished)))?;
            Ok(JoinHandle { handle, finished })
        }

        #[track_caller]
        pub fn spawn_scoped<'scope, 'env, F, T>(
            self,
            scope: &'scope Scope<'scope, 'env>,
            f: F,
        ) -> std::io::Result<ScopedJoinHandle<'scope, T>>
        where
            F: FnOnce() -> T + Send + 'scope,
            T: Send + 'scope,
        {
            // Shuttle's scoped threads take no name or stack size.
            Ok(scope.spawn(f))
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

    /// `is_poisoned`, which shuttle's locks lack: a lock whose holder
    /// panicked says so on `try_lock`. (A lock held by another thread at the
    /// moment of asking is taken as not poisoned.)
    pub trait IsPoisoned {
        fn is_poisoned(&self) -> bool;
    }

    impl<T: ?Sized> IsPoisoned for Mutex<T> {
        fn is_poisoned(&self) -> bool {
            matches!(self.try_lock(), Err(TryLockError::Poisoned(_)))
        }
    }

    impl<T: ?Sized> IsPoisoned for RwLock<T> {
        fn is_poisoned(&self) -> bool {
            matches!(self.try_read(), Err(TryLockError::Poisoned(_)))
        }
    }

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
