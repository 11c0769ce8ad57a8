//! `grader_protocol`: what the grader and a test process say to each other,
//! written once for both sides.
//!
//! [`Wire`] is the byte format of every value that crosses: a function's
//! arguments and answer, and the [`Mode`], [`RaceCase`] and [`Record`] around
//! them. The grader depends on this crate as any crate does; each test
//! program gets the same sources compiled once per machine
//! (grader/src/prebuilt.rs), linked into the harness and into the probe the
//! grader appends to the student's crate. So the two sides cannot drift
//! apart, and no copy of the format is written twice.
//!
//! It holds types and their encodings only: nothing here runs student code
//! or judges an answer.

mod record;
mod wire;

pub use record::{Answer, Failure, FailureKind, KEPT_ANSWERS, Mode, RaceCase, RaceReport, Record};
pub use wire::{Wire, decode, encode};
