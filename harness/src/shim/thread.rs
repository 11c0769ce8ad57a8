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
