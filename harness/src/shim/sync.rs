//! Shuttle's locks, condvars, channels and atomics in place of std's, and
//! `is_poisoned`, which shuttle's locks lack.

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
