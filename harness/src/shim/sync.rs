//! Shuttle's locks, channels and atomics, with this crate's own `Mutex`
//! (so that a timed condvar wait can give its lock back and take it
//! again), `Condvar` and `mpsc::Receiver` (whose timed waits may time
//! out), and `Barrier`, `OnceLock` and `LazyLock`, which shuttle lacks or
//! cannot make in a `static`: the real std's block the OS thread that all
//! of shuttle's threads share.

use std::ops::{Deref, DerefMut};
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::atomic::{AtomicBool as StdAtomicBool, AtomicUsize as StdAtomicUsize};
use std::time::Duration;

pub use ::std::sync::*;
pub use shuttle::sync::{Once, OnceState, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// `is_poisoned` for shuttle's `RwLock`, which lacks it: a lock whose
/// writer panicked says so on `try_read`. (A lock a writer holds at the
/// moment of asking is taken as not poisoned.)
pub trait IsPoisoned {
    fn is_poisoned(&self) -> bool;
}

impl<T: ?Sized> IsPoisoned for RwLock<T> {
    fn is_poisoned(&self) -> bool {
        matches!(self.try_read(), Err(TryLockError::Poisoned(_)))
    }
}

/// Shuttle's mutex, with std's whole API, and a guard that knows its
/// mutex so that [`Condvar::wait_timeout`] can let go of it and take it
/// again (shuttle keeps that to its own condvar). It keeps its own poison
/// flag, so `is_poisoned` is no scheduling point and is right even while
/// another thread holds the lock.
pub struct Mutex<T: ?Sized> {
    poisoned: StdAtomicBool,
    inner: shuttle::sync::Mutex<T>,
}

pub struct MutexGuard<'a, T: ?Sized + 'a> {
    lock: &'a Mutex<T>,
    inner: Option<shuttle::sync::MutexGuard<'a, T>>,
    /// Whether the thread was already panicking when it took the lock:
    /// only a panic that starts while the lock is held poisons it.
    panicking: bool,
}

impl<T> Mutex<T> {
    pub const fn new(value: T) -> Mutex<T> {
        Mutex { poisoned: StdAtomicBool::new(false), inner: shuttle::sync::Mutex::new(value) }
    }

    pub fn into_inner(self) -> LockResult<T> {
        self.inner.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        self.guard(self.inner.lock())
    }

    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>> {
        match self.inner.try_lock() {
            Ok(inner) => Ok(MutexGuard::new(self, inner)),
            Err(TryLockError::Poisoned(error)) => {
                Err(TryLockError::Poisoned(PoisonError::new(MutexGuard::new(self, error.into_inner()))))
            }
            Err(TryLockError::WouldBlock) => Err(TryLockError::WouldBlock),
        }
    }

    pub fn is_poisoned(&self) -> bool {
        self.poisoned.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn clear_poison(&self) {
        self.inner.clear_poison();
        self.poisoned.store(false, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn get_mut(&mut self) -> LockResult<&mut T> {
        self.inner.get_mut()
    }

    /// Shuttle's guard, or its poisoning, as this crate's.
    fn guard<'a>(&'a self, locked: LockResult<shuttle::sync::MutexGuard<'a, T>>) -> LockResult<MutexGuard<'a, T>> {
        match locked {
            Ok(inner) => Ok(MutexGuard::new(self, inner)),
            Err(error) => Err(PoisonError::new(MutexGuard::new(self, error.into_inner()))),
        }
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    fn new(lock: &'a Mutex<T>, inner: shuttle::sync::MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        MutexGuard { lock, inner: Some(inner), panicking: std::thread::panicking() }
    }

    /// Shuttle's guard, for shuttle's condvar, and the mutex to wrap it again.
    fn into_parts(mut self) -> (&'a Mutex<T>, shuttle::sync::MutexGuard<'a, T>) {
        let inner = self.inner.take().expect("a guard holds its lock until dropped");
        (self.lock, inner)
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if self.inner.is_some() && !self.panicking && std::thread::panicking() {
            self.lock.poisoned.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.inner.as_deref().expect("a guard holds its lock until dropped")
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.inner.as_deref_mut().expect("a guard holds its lock until dropped")
    }
}

impl<T: ?Sized + std::fmt::Debug> std::fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + std::fmt::Display> std::fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized + std::fmt::Debug> std::fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.inner, f)
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Mutex<T> {
        Mutex::new(value)
    }
}

impl<T: ?Sized> UnwindSafe for Mutex<T> {}
impl<T: ?Sized> RefUnwindSafe for Mutex<T> {}

/// Shuttle's condvar, with timed waits that can time out.
///
/// Shuttle's `wait_timeout` and `wait_timeout_while` never time out: a
/// pool whose workers wait with a timeout and then look at a done flag
/// (set without a notification) waits forever under it, and is called a
/// deadlock. Here a timed wait lets go of the lock, steps aside once and
/// takes the lock again, as a real timeout may expire before anything
/// comes; it says it timed out unless a notification came meanwhile. A
/// `wait` without a timeout is shuttle's, so a lost wakeup is still a
/// deadlock. (A timed waiter is not among the threads `notify_one` can
/// choose from; it sees every notification when it looks again.)
#[derive(Debug, Default)]
pub struct Condvar {
    inner: shuttle::sync::Condvar,
    /// Notifications so far, for a timed wait to tell whether one came.
    notifications: StdAtomicUsize,
}

#[derive(Debug, PartialEq, Eq, Copy, Clone)]
pub struct WaitTimeoutResult(bool);

impl WaitTimeoutResult {
    pub fn timed_out(&self) -> bool {
        self.0
    }
}

impl Condvar {
    pub const fn new() -> Condvar {
        Condvar { inner: shuttle::sync::Condvar::new(), notifications: StdAtomicUsize::new(0) }
    }

    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> LockResult<MutexGuard<'a, T>> {
        let (lock, inner) = guard.into_parts();
        lock.guard(self.inner.wait(inner))
    }

    pub fn wait_while<'a, T, F>(&self, mut guard: MutexGuard<'a, T>, mut condition: F) -> LockResult<MutexGuard<'a, T>>
    where
        F: FnMut(&mut T) -> bool,
    {
        while condition(&mut *guard) {
            guard = self.wait(guard)?;
        }
        Ok(guard)
    }

    pub fn wait_timeout<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        _duration: Duration,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        let lock = guard.lock;
        let seen = self.notifications();
        drop(guard);
        crate::thread::yield_now();
        let relocked = lock.lock();
        let timed_out = WaitTimeoutResult(self.notifications() == seen);
        match relocked {
            Ok(guard) => Ok((guard, timed_out)),
            Err(error) => Err(PoisonError::new((error.into_inner(), timed_out))),
        }
    }

    pub fn wait_timeout_while<'a, T, F>(
        &self,
        mut guard: MutexGuard<'a, T>,
        duration: Duration,
        mut condition: F,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)>
    where
        F: FnMut(&mut T) -> bool,
    {
        if condition(&mut *guard) {
            guard = match self.wait_timeout(guard, duration) {
                Ok((guard, _)) => guard,
                Err(error) => {
                    let (mut guard, _) = error.into_inner();
                    let timed_out = WaitTimeoutResult(condition(&mut *guard));
                    return Err(PoisonError::new((guard, timed_out)));
                }
            };
        }
        // As std's: it timed out if the condition still holds once the time is up.
        let timed_out = WaitTimeoutResult(condition(&mut *guard));
        Ok((guard, timed_out))
    }

    pub fn notify_one(&self) {
        self.inner.notify_one();
        self.notifications.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn notify_all(&self) {
        self.inner.notify_all();
        self.notifications.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn notifications(&self) -> usize {
        self.notifications.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// std's barrier, built as std builds it on this module's mutex and
/// condvar: shuttle's has no `const fn new`, so a `static` barrier would
/// not compile against it.
#[derive(Debug)]
pub struct Barrier {
    state: Mutex<BarrierState>,
    all_arrived: Condvar,
    threads: usize,
}

#[derive(Debug)]
struct BarrierState {
    arrived: usize,
    generation: usize,
}

#[derive(Debug)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    pub const fn new(threads: usize) -> Barrier {
        Barrier {
            state: Mutex::new(BarrierState { arrived: 0, generation: 0 }),
            all_arrived: Condvar::new(),
            threads,
        }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let generation = state.generation;
        state.arrived += 1;
        if state.arrived < self.threads {
            let _state = self
                .all_arrived
                .wait_while(state, |state| state.generation == generation)
                .unwrap_or_else(PoisonError::into_inner);
            BarrierWaitResult(false)
        } else {
            state.arrived = 0;
            state.generation = state.generation.wrapping_add(1);
            self.all_arrived.notify_all();
            BarrierWaitResult(true)
        }
    }
}

pub mod atomic {
    pub use ::std::sync::atomic::*;
    pub use shuttle::sync::atomic::{
        AtomicBool, AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicPtr, AtomicU8, AtomicU16,
        AtomicU32, AtomicU64, AtomicUsize, fence,
    };
}

#[path = "mpsc.rs"]
pub mod mpsc;

#[path = "once_lock.rs"]
mod once_lock;
pub use once_lock::{LazyLock, OnceLock};
