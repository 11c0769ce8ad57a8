//! The report: one value that says everything about a grading, and the
//! renderers that turn it into text.
//!
//! `score` builds a [`Report`]; each format is a file of its own here that
//! only renders it (human, JSON, GitHub Classroom, Gradescope, JUnit) and
//! never runs anything. What a student may see is decided once, by
//! [`Report::for_audience`], before any renderer runs; how student text is
//! made safe to show is decided once, in [`text`], which every renderer
//! calls.

mod classroom;
#[cfg(test)]
pub(crate) mod fixture;
mod gradescope;
mod human;
mod json;
mod junit;
mod markdown;
pub mod text;

use serde::{Deserialize, Serialize};

use crate::assignment::{Kind, Visibility};

pub use classroom::render as render_classroom;
pub use gradescope::{HiddenVisibility, render as render_gradescope};
pub use human::{case_of, render as render_human, render_check, render_replay};
pub use json::render as render_json;
pub use markdown::render as render_markdown;
pub use junit::render as render_junit;

#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// Why a person should look at this grading before its score is final:
    /// the grader could not check everything it should have. Empty when
    /// nothing needs a look.
    #[serde(default)]
    pub review: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildReport {
    pub status: BuildStatus,
    /// The compiler's diagnostics, with paths relative to the submission.
    pub log: String,
    /// What went wrong, in a sentence, when the build failed.
    pub message: Option<String>,
    pub duration_ms: u64,
    /// The Rust edition the submission was compiled as.
    #[serde(default)]
    pub edition: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BuildStatus {
    Ok,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// Threads the function really spawned, as the supervisor counted them.
    pub spawned_threads: Option<u64>,
    pub duration_ms: u64,
    pub hint: Option<String>,
    /// The test's input in a few words (staff only for hidden tests).
    pub input: Option<String>,
    /// For a race: the command that replays the failing schedule.
    pub replay: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Panicked,
    Timeout,
    Crashed,
    /// Stopped at a resource limit (memory, threads, output, CPU, file size).
    Limit,
    Skipped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
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

impl Report {
    /// The failed build as plain text, the sentence then the compiler's diagnostics,
    /// for the formats that carry one text per grading.
    pub fn build_failure(&self) -> Option<String> {
        (self.build.status == BuildStatus::Failed).then(|| {
            let message = self.build.message.as_deref().unwrap_or("The submission did not compile.");
            format!("{message}\n\n{}", self.build.log).trim_end().to_string()
        })
    }
}

impl TestReport {
    /// What happened, the diff where there is one, and the hint, as plain text
    /// for the formats that carry one text per test.
    pub fn explanation(&self) -> String {
        let mut text = self.message.clone();
        if let Some(input) = &self.input {
            text.push_str(&format!("\ninput: {input}"));
        }
        if let Some(diff) = &self.diff {
            text.push_str(&format!("\n{}", diff.trim_end()));
        }
        if let Some(hint) = &self.hint {
            text.push_str(&format!("\nhint: {hint}"));
        }
        if let Some(replay) = &self.replay {
            text.push_str(&format!("\nreplay: {replay}"));
        }
        text
    }
}

impl Status {
    /// The status as the JSON report spells it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Panicked => "panicked",
            Status::Timeout => "timeout",
            Status::Crashed => "crashed",
            Status::Limit => "limit",
            Status::Skipped => "skipped",
        }
    }
}

/// Points rounded for people: 12.5, 7.14, 100.
pub fn points(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded}") }
}
