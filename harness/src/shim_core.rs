//! `grader_core`: the `core` a submission's race build is compiled against
//! (`--extern core=libgrader_core.rlib`), so that `core::sync::atomic::…`
//! reaches shuttle's atomics just as `std::sync::atomic::…` does through
//! `grader_std`. Everything else is the real core, re-exported.

#![allow(clippy::all)]

pub use ::core::*;

pub mod sync {
    pub use ::core::sync::*;

    pub mod atomic {
        pub use ::core::sync::atomic::*;
        pub use shuttle::sync::atomic::{
            AtomicBool, AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicPtr, AtomicU8, AtomicU16,
            AtomicU32, AtomicU64, AtomicUsize, fence,
        };
    }
}
