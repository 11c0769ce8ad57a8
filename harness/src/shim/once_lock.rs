//! std's `OnceLock` and `LazyLock` for the race build, which shuttle lacks:
//! std's would block the one OS thread that all of shuttle's threads share
//! when one of them waits for another's initialisation.

use std::cell::UnsafeCell;
use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::ops::{Deref, DerefMut};
use std::panic::{RefUnwindSafe, UnwindSafe};

use super::Once;

/// std's `OnceLock` on shuttle's `Once`: a thread that asks for the value
/// while another initialises it waits under the scheduler, where std's
/// would block the one OS thread. Reading it is a scheduling point, as
/// the atomic load of std's is. The value is kept in the cell itself, so
/// a `static` cell keeps it from one schedule to the next, as it would
/// from one call to the next, while shuttle's `Once` starts afresh in
/// each schedule.
pub struct OnceLock<T> {
    once: Once,
    /// Set once `value` holds a value.
    ready: shuttle::sync::atomic::AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
    owns: PhantomData<T>,
}

// SAFETY: as std's: the value is written once, by the one thread `once`
// lets through, and only read after `ready` says it is there.
unsafe impl<T: Sync + Send> Sync for OnceLock<T> {}
unsafe impl<T: Send> Send for OnceLock<T> {}
impl<T: RefUnwindSafe + UnwindSafe> RefUnwindSafe for OnceLock<T> {}
impl<T: UnwindSafe> UnwindSafe for OnceLock<T> {}

impl<T> OnceLock<T> {
    pub const fn new() -> OnceLock<T> {
        OnceLock {
            once: Once::new(),
            ready: shuttle::sync::atomic::AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            owns: PhantomData,
        }
    }

    pub fn get(&self) -> Option<&T> {
        // SAFETY: `ready` is set only after the value is written.
        self.ready.load(std::sync::atomic::Ordering::SeqCst).then(|| unsafe { (*self.value.get()).assume_init_ref() })
    }

    pub fn get_mut(&mut self) -> Option<&mut T> {
        // SAFETY: as in `get`, with the cell borrowed mutably.
        (*self.ready.get_mut()).then(|| unsafe { self.value.get_mut().assume_init_mut() })
    }

    pub fn set(&self, value: T) -> Result<(), T> {
        let mut value = Some(value);
        self.get_or_init(|| value.take().expect("the initialiser runs once"));
        match value {
            None => Ok(()),
            Some(value) => Err(value),
        }
    }

    pub fn get_or_init<F: FnOnce() -> T>(&self, f: F) -> &T {
        if let Some(value) = self.get() {
            return value;
        }
        // `call_once_force`: an initialiser that panicked leaves the cell
        // empty for the next one to try, as std's does.
        self.once.call_once_force(|_| {
            if !self.ready.load(std::sync::atomic::Ordering::SeqCst) {
                let value = f();
                // SAFETY: `once` lets one thread at a time here, and no
                // reader looks before `ready` is set.
                unsafe { (*self.value.get()).write(value) };
                self.ready.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        });
        self.get().expect("the cell was initialised")
    }

    /// Waits for another thread to initialise the cell. Shuttle has no
    /// wait that ends when a `Once` completes without running it, so the
    /// thread steps aside until then; a cell nobody sets is an endless loop.
    pub fn wait(&self) -> &T {
        loop {
            if let Some(value) = self.get() {
                return value;
            }
            crate::thread::yield_now();
        }
    }

    pub fn into_inner(mut self) -> Option<T> {
        self.take()
    }

    pub fn take(&mut self) -> Option<T> {
        if !std::mem::replace(self.ready.get_mut(), false) {
            return None;
        }
        self.once = Once::new();
        // SAFETY: the value was there, and `ready` now says it is gone.
        Some(unsafe { self.value.get_mut().assume_init_read() })
    }
}

impl<T> Drop for OnceLock<T> {
    fn drop(&mut self) {
        if *self.ready.get_mut() {
            // SAFETY: the value is there and is dropped once.
            unsafe { self.value.get_mut().assume_init_drop() };
        }
    }
}

impl<T> Default for OnceLock<T> {
    fn default() -> OnceLock<T> {
        OnceLock::new()
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for OnceLock<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut tuple = f.debug_tuple("OnceLock");
        match self.get() {
            Some(value) => tuple.field(value),
            None => tuple.field(&format_args!("<uninit>")),
        };
        tuple.finish()
    }
}

impl<T: Clone> Clone for OnceLock<T> {
    fn clone(&self) -> OnceLock<T> {
        let cell = OnceLock::new();
        if let Some(value) = self.get() {
            let _ = cell.set(value.clone());
        }
        cell
    }
}

impl<T> From<T> for OnceLock<T> {
    fn from(value: T) -> OnceLock<T> {
        let cell = OnceLock::new();
        let _ = cell.set(value);
        cell
    }
}

impl<T: PartialEq> PartialEq for OnceLock<T> {
    fn eq(&self, other: &OnceLock<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceLock<T> {}

/// std's `LazyLock`, on this module's `OnceLock`.
pub struct LazyLock<T, F = fn() -> T> {
    cell: OnceLock<T>,
    /// Taken by the one thread that initialises the value.
    init: UnsafeCell<Option<F>>,
}

// SAFETY: as std's: `init` is taken only inside the cell's `Once`.
unsafe impl<T: Sync + Send, F: Send> Sync for LazyLock<T, F> {}
impl<T: RefUnwindSafe + UnwindSafe, F: UnwindSafe> RefUnwindSafe for LazyLock<T, F> {}
impl<T: UnwindSafe, F: UnwindSafe> UnwindSafe for LazyLock<T, F> {}

impl<T, F: FnOnce() -> T> LazyLock<T, F> {
    pub const fn new(f: F) -> LazyLock<T, F> {
        LazyLock { cell: OnceLock::new(), init: UnsafeCell::new(Some(f)) }
    }

    pub fn force(this: &LazyLock<T, F>) -> &T {
        this.cell.get_or_init(|| {
            // SAFETY: only the cell's one initialising thread gets here.
            match unsafe { (*this.init.get()).take() } {
                Some(f) => f(),
                None => panic!("LazyLock instance has previously been poisoned"),
            }
        })
    }

    pub fn force_mut(this: &mut LazyLock<T, F>) -> &mut T {
        LazyLock::force(this);
        this.cell.get_mut().expect("the value was just initialised")
    }

    pub fn get(this: &LazyLock<T, F>) -> Option<&T> {
        this.cell.get()
    }

    pub fn get_mut(this: &mut LazyLock<T, F>) -> Option<&mut T> {
        this.cell.get_mut()
    }
}

impl<T, F: FnOnce() -> T> Deref for LazyLock<T, F> {
    type Target = T;
    fn deref(&self) -> &T {
        LazyLock::force(self)
    }
}

impl<T, F: FnOnce() -> T> DerefMut for LazyLock<T, F> {
    fn deref_mut(&mut self) -> &mut T {
        LazyLock::force_mut(self)
    }
}

impl<T: Default> Default for LazyLock<T> {
    fn default() -> LazyLock<T> {
        LazyLock::new(T::default)
    }
}

impl<T: std::fmt::Debug, F> std::fmt::Debug for LazyLock<T, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut tuple = f.debug_tuple("LazyLock");
        match self.cell.get() {
            Some(value) => tuple.field(value),
            None => tuple.field(&format_args!("<uninit>")),
        };
        tuple.finish()
    }
}
