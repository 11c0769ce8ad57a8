//! grader: an autograder for the std::thread exercises `parallel_sum`,
//! `worker_pool` and `row_maxima`.
//!
//! One grading is a straight pipeline, one module a stage, each handing a
//! typed value to the next:
//!
//! submission ([`submission::Submission`]) → [`stage`] ([`stage::Staged`]) →
//! [`build`] ([`build::Build`]) → [`run`] (a list of [`run::Outcome`]) →
//! [`score`] ([`report::Report`]) → [`report`] (text).
//!
//! Assignments are data ([`assignment`]); the few lines of Rust each exercise
//! needs are in [`exercises`]; every child process goes through [`process`].

pub mod assignment;
pub mod build;
pub mod exercises;
pub mod plan;
pub mod process;
pub mod report;
pub mod rng;
pub mod run;
pub mod score;
pub mod stage;
pub mod submission;
#[path = "../../harness/src/wire.rs"]
pub mod wire;

use std::time::{Duration, Instant};

use anyhow::Result;

use assignment::Assignment;
use build::BuildOutcome;
use report::Report;
use submission::Submission;

pub struct Options {
    /// Reproduce an earlier grading; a fresh seed is drawn without it.
    pub seed: Option<u64>,
    /// Overrides the spec's per-test time limit.
    pub timeout_secs: Option<f64>,
}

/// Grades one submission. An error here is the grader's or the caller's
/// (a scratch folder that cannot be made, rustc missing), never the
/// submission's: whatever the submission does ends up in the report.
pub fn grade(assignment: &Assignment, submission: &Submission, options: &Options) -> Result<Report> {
    let started = Instant::now();
    let seed = options.seed.unwrap_or_else(rng::Rng::fresh_seed);
    let limits = &assignment.spec.limits;
    let timeout = Duration::from_secs_f64(options.timeout_secs.unwrap_or(limits.timeout_secs));

    let staged = stage::stage(submission, &assignment.signature)?;
    let build = build::build(&staged, &assignment.signature, limits)?;
    tracing::debug!(ms = build.duration.as_millis() as u64, "built");
    let plan = plan::plan(assignment, seed);
    let outcomes = match &build.outcome {
        BuildOutcome::Built { harness, .. } => {
            let settings = run::RunSettings {
                harness,
                work_dir: &staged.grader_dir(),
                limits: process::Limits { timeout, output_bytes: limits.output_bytes },
            };
            run::run_tests(&plan, &settings)?
        }
        BuildOutcome::Failed { .. } => Vec::new(),
    };
    tracing::debug!(ms = started.elapsed().as_millis() as u64, tests = plan.len(), "ran");
    Ok(score::score(score::Grading {
        assignment,
        submission: submission.origin.display().to_string(),
        seed,
        build: &build,
        plan: &plan,
        outcomes,
        started,
        timeout,
        notes: Vec::new(),
    }))
}
