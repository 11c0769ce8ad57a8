//! Shuttle's threads, with what std has and shuttle does not, or does
//! differently:
//!
//! - a panic in a spawned thread comes back as `Err` from `join()`
//!   instead of failing the whole run, so a student who handles it is not
//!   told of a race; `JoinHandle::is_finished`; `Builder::spawn_scoped`;
//! - `scope`, of this module's own making on shuttle's spawn and join (see
//!   [`scope`] for shuttle's fault);
//! - `sleep` and `park_timeout`, which shuttle does not let the scheduler
//!   treat as a thread stepping aside (see [`sleep`]).
//!
//! Shuttle does not model time, so a timed wait here is a wait that may
//! end at any scheduling point after it starts: the thread steps aside
//! once, as a real timeout may expire before anything arrives, and code
//! that polls is never taken for a deadlock.

use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex as StdMutex, PoisonError};
use std::time::Duration;

pub use ::std::thread::*;
pub use shuttle::thread::{AccessError, LocalKey, Thread, ThreadId, current, park, yield_now};

/// What a spawned thread leaves for whoever joins it. The std mutex is
/// taken only between scheduling points, so it never waits.
struct Packet<T> {
    result: StdMutex<Option<Result<T>>>,
    finished: AtomicBool,
    /// A scoped thread's scope, told here of a panic nobody joined.
    unhandled_panic: Option<Arc<AtomicBool>>,
}

impl<T> Packet<T> {
    fn new(unhandled_panic: Option<Arc<AtomicBool>>) -> Arc<Packet<T>> {
        Arc::new(Packet { result: StdMutex::new(None), finished: AtomicBool::new(false), unhandled_panic })
    }

    /// The thread's body: runs `f`, catching its panic, and keeps what it gave.
    fn run<F: FnOnce() -> T + Send>(self: Arc<Self>, f: F) -> impl FnOnce() + Send
    where
        T: Send,
    {
        move || {
            let result = catch_unwind(AssertUnwindSafe(f));
            *self.result.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
            self.finished.store(true, Ordering::SeqCst);
        }
    }

    fn take(&self) -> Result<T> {
        let result = self.result.lock().unwrap_or_else(PoisonError::into_inner).take();
        // Shuttle drops a thread that never ran when it tears an execution down.
        result.unwrap_or_else(|| Err(Box::new("the thread ended without a result")))
    }
}

impl<T> Drop for Packet<T> {
    fn drop(&mut self) {
        let result = self.result.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let (Some(Err(_)), Some(flag)) = (result, &self.unhandled_panic) {
            flag.store(true, Ordering::SeqCst);
        }
    }
}

pub struct JoinHandle<T> {
    handle: shuttle::thread::JoinHandle<()>,
    packet: Arc<Packet<T>>,
}

impl<T> JoinHandle<T> {
    pub fn join(self) -> Result<T> {
        let _ = self.handle.join();
        self.packet.take()
    }

    pub fn thread(&self) -> &Thread {
        self.handle.thread()
    }

    pub fn is_finished(&self) -> bool {
        self.packet.finished.load(Ordering::SeqCst)
    }
}

impl<T> std::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinHandle").finish_non_exhaustive()
    }
}

#[track_caller]
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Builder::new().spawn(f).expect("failed to spawn thread")
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
        let packet = Packet::new(None);
        let handle = self.0.spawn(Arc::clone(&packet).run(f))?;
        Ok(JoinHandle { handle, packet })
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
        let packet = Packet::new(Some(Arc::clone(&scope.unhandled_panic)));
        let body: Box<dyn FnOnce() + Send + 'scope> = Box::new(Arc::clone(&packet).run(f));
        // SAFETY: the thread borrows from 'scope, which outlives it: `scope`
        // joins every thread spawned in it before it returns or unwinds.
        let body: Box<dyn FnOnce() + Send + 'static> = unsafe { std::mem::transmute(body) };
        let handle = self.0.spawn(body)?;
        let thread = handle.thread().clone();
        scope.unjoined.add(handle);
        Ok(ScopedJoinHandle { unjoined: &scope.unjoined, thread, packet })
    }
}

/// A scope of this module's own, on shuttle's spawn and join.
///
/// Shuttle's `scope` is wrong for nested scopes: the last of a scope's
/// threads to finish makes the scope's owner runnable again, whatever
/// that thread is blocked on by then. In divide and conquer the owner is
/// by then inside a nested scope of its own, blocked in `join` on a
/// thread of that scope, or waiting for that scope to end; it wakes
/// early, `join` returns `Err` with no result (a correct solution
/// "panics under a rare interleaving"), or the nested scope returns while
/// its threads still borrow from it. Here the owner joins each thread it
/// did not join itself, so it only ever wakes for the thread it waits on.
pub struct Scope<'scope, 'env: 'scope> {
    unjoined: Unjoined,
    /// Whether a thread panicked and nobody joined it: `scope` then panics, as std's does.
    unhandled_panic: Arc<AtomicBool>,
    scope: PhantomData<&'scope mut &'scope ()>,
    env: PhantomData<&'env mut &'env ()>,
}

impl<'scope> Scope<'scope, '_> {
    #[track_caller]
    pub fn spawn<F, T>(&'scope self, f: F) -> ScopedJoinHandle<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        Builder::new().spawn_scoped(self, f).expect("failed to spawn thread")
    }
}

/// The threads spawned in a scope that nobody has joined yet.
struct Unjoined(StdMutex<Vec<shuttle::thread::JoinHandle<()>>>);

impl Unjoined {
    fn add(&self, handle: shuttle::thread::JoinHandle<()>) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(handle);
    }

    /// The handle of `thread`, or of the first thread when `None`, taken out of the list.
    fn take(&self, thread: Option<ThreadId>) -> Option<shuttle::thread::JoinHandle<()>> {
        let mut unjoined = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let position = match thread {
            Some(id) => unjoined.iter().position(|handle| handle.thread().id() == id)?,
            None if unjoined.is_empty() => return None,
            None => 0,
        };
        Some(unjoined.remove(position))
    }
}

impl std::fmt::Debug for Scope<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scope").finish_non_exhaustive()
    }
}

pub struct ScopedJoinHandle<'scope, T> {
    unjoined: &'scope Unjoined,
    thread: Thread,
    packet: Arc<Packet<T>>,
}

impl<T> ScopedJoinHandle<'_, T> {
    pub fn join(self) -> Result<T> {
        if let Some(handle) = self.unjoined.take(Some(self.thread.id())) {
            let _ = handle.join();
        }
        self.packet.take()
    }

    pub fn thread(&self) -> &Thread {
        &self.thread
    }

    pub fn is_finished(&self) -> bool {
        self.packet.finished.load(Ordering::SeqCst)
    }
}

impl<T> std::fmt::Debug for ScopedJoinHandle<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScopedJoinHandle").finish_non_exhaustive()
    }
}

pub fn scope<'env, F, T>(f: F) -> T
where
    F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
{
    let scope = Scope {
        unjoined: Unjoined(StdMutex::new(Vec::new())),
        unhandled_panic: Arc::new(AtomicBool::new(false)),
        scope: PhantomData,
        env: PhantomData,
    };
    let result = catch_unwind(AssertUnwindSafe(|| f(&scope)));
    // A thread joined here may spawn more into the scope before it ends.
    while let Some(handle) = scope.unjoined.take(None) {
        let _ = handle.join();
    }
    match result {
        Err(payload) => resume_unwind(payload),
        Ok(_) if scope.unhandled_panic.load(Ordering::SeqCst) => panic!("a scoped thread panicked"),
        Ok(value) => value,
    }
}

/// Shuttle does not model time, and its `sleep` is a bare context switch
/// that does not tell the scheduler the thread is stepping aside: PCT
/// then keeps running the sleeper's loop, starving the thread it waits
/// for, and reports a livelock where `yield_now` passes. A sleep is a
/// thread stepping aside, so it is a `yield_now` here.
pub fn sleep(_duration: Duration) {
    yield_now();
}

#[deprecated(note = "replaced by `std::thread::sleep`")]
pub fn sleep_ms(_ms: u32) {
    yield_now();
}

/// Shuttle's `park_timeout` never times out: a thread that only ever
/// parks with a timeout waits forever when no `unpark` comes, and all
/// of them waiting is called a deadlock. Here the timeout may expire at
/// the first scheduling point: the thread steps aside, then takes the
/// token if an `unpark` left one (unparking itself first makes `park`
/// return at once either way).
pub fn park_timeout(_duration: Duration) {
    yield_now();
    current().unpark();
    park();
}

#[deprecated(note = "replaced by `std::thread::park_timeout`")]
pub fn park_timeout_ms(_ms: u32) {
    park_timeout(Duration::ZERO);
}

/// `LocalKey<Cell<T>>`'s shortcuts std has (`get`, `set`, `take`, `replace`)
/// and shuttle's `LocalKey` lacks, through `with`.
pub trait LocalCell<T> {
    fn get(&'static self) -> T
    where
        T: Copy;
    fn set(&'static self, value: T);
    fn take(&'static self) -> T
    where
        T: Default;
    fn replace(&'static self, value: T) -> T;
}

impl<T: 'static> LocalCell<T> for LocalKey<std::cell::Cell<T>> {
    fn get(&'static self) -> T
    where
        T: Copy,
    {
        self.with(std::cell::Cell::get)
    }
    fn set(&'static self, value: T) {
        self.with(|cell| cell.set(value))
    }
    fn take(&'static self) -> T
    where
        T: Default,
    {
        self.with(std::cell::Cell::take)
    }
    fn replace(&'static self, value: T) -> T {
        self.with(|cell| cell.replace(value))
    }
}

/// `LocalKey<RefCell<T>>`'s shortcuts std has (`with_borrow`,
/// `with_borrow_mut`, `set`, `take`, `replace`) and shuttle's lacks.
pub trait LocalRefCell<T> {
    fn with_borrow<F: FnOnce(&T) -> R, R>(&'static self, f: F) -> R;
    fn with_borrow_mut<F: FnOnce(&mut T) -> R, R>(&'static self, f: F) -> R;
    fn set(&'static self, value: T);
    fn take(&'static self) -> T
    where
        T: Default;
    fn replace(&'static self, value: T) -> T;
}

impl<T: 'static> LocalRefCell<T> for LocalKey<std::cell::RefCell<T>> {
    fn with_borrow<F: FnOnce(&T) -> R, R>(&'static self, f: F) -> R {
        self.with(|cell| f(&cell.borrow()))
    }
    fn with_borrow_mut<F: FnOnce(&mut T) -> R, R>(&'static self, f: F) -> R {
        self.with(|cell| f(&mut cell.borrow_mut()))
    }
    fn set(&'static self, value: T) {
        self.with(|cell| *cell.borrow_mut() = value)
    }
    fn take(&'static self) -> T
    where
        T: Default,
    {
        self.with(|cell| cell.take())
    }
    fn replace(&'static self, value: T) -> T {
        self.with(|cell| cell.replace(value))
    }
}
