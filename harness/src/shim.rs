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
//! Where shuttle lacks what std has, or models it in a way that fails correct
//! code, this crate has its own version built on shuttle's primitives: scoped
//! threads, timed waits, `sleep`, `Barrier`, `OnceLock` and `LazyLock` (the
//! files under shim/ say why). It must never block the one OS thread that
//! all of shuttle's threads share: every wait goes through shuttle, and the
//! real std's locks here are only ever held between two scheduling points.
//! A method std has and shuttle's `RwLock` lacks comes from an extension
//! trait in the preludes below, so the student's code compiles as it does
//! against std.

#![allow(clippy::all, dead_code)]

pub use ::std::*;

#[doc(hidden)]
pub use shuttle as __shuttle;

/// Shuttle's thread-locals: one value per shuttle thread, where std's would
/// give all of them the one OS thread's value. Reached as `std::thread_local!`;
/// a bare `thread_local!` comes with the real std's macros, which no
/// `--extern` replaces, so the race build imports this one into each module
/// that calls it (`grader/src/source.rs`, `with_shuttle_thread_locals`).
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
    pub use crate::thread::{LocalCell as _, LocalRefCell as _};
}

#[path = "shim/thread.rs"]
pub mod thread;

#[path = "shim/sync.rs"]
pub mod sync;
