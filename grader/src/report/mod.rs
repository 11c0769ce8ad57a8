//! The report: one value that says everything about a grading, and the
//! renderers that turn it into text.
//!
//! `score` builds a [`Report`]; each format is a file of its own here that
//! only renders it (human, JSON). What a student may see is decided once, by
//! [`Report::for_audience`], before any renderer runs.

mod human;
mod json;

use serde::Serialize;

use crate::assignment::{Kind, Visibility};

pub use human::render as render_human;
pub use json::render as render_json;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub assignment: String,
    pub title: String,
    pub submission: String,
    pub seed: u64,
    pub score: f64,
    pub max_score: f64,
    pub duration_ms: u64,
    pub grader_version: String,
    pub audience: Audience,
    pub build: BuildReport,
    pub tests: Vec<TestReport>,
    /// Things about the grading itself worth knowing: a limit that could not
    /// be applied, a measurement that was not available.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BuildReport {
    pub status: BuildStatus,
    /// The compiler's diagnostics, with paths relative to the submission.
    pub log: String,
    /// What went wrong, in a sentence, when the build failed.
    pub message: Option<String>,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BuildStatus {
    Ok,
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    pub name: String,
    pub kind: Kind,
    pub visibility: Visibility,
    /// The thread count the function was given, if it takes one.
    pub threads: Option<usize>,
    pub status: Status,
    pub score: f64,
    pub max_score: f64,
    pub message: String,
    /// Expected against actual, as a unified diff.
    pub diff: Option<String>,
    /// Threads the function really spawned, as counted by the harness.
    pub spawned_threads: Option<u64>,
    pub duration_ms: u64,
    pub hint: Option<String>,
    /// The test's input in a few words (staff only for hidden tests).
    pub input: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Panicked,
    Timeout,
    Crashed,
    Skipped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Hidden tests show their name, result and hint, not their input or diff.
    Student,
    /// Everything.
    Staff,
}

impl Report {
    pub fn full_marks(&self) -> bool {
        self.build.status == BuildStatus::Ok && self.tests.iter().all(|test| test.status == Status::Passed)
    }

    /// The report as `audience` may see it.
    pub fn for_audience(mut self, audience: Audience) -> Report {
        self.audience = audience;
        if audience == Audience::Student {
            for test in &mut self.tests {
                if test.visibility == Visibility::Hidden {
                    test.diff = None;
                    test.input = None;
                }
            }
        }
        self
    }
}

/// Points rounded for people: 12.5, 7.14, 100.
pub fn points(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded}") }
}
