//! Run: every planned test in its own harness process, under a timeout.
//!
//! Tests run several at a time: most of a test's life is process start-up or,
//! for a deadlocked submission, waiting for its timeout, so overlapping them
//! keeps a grading short without making any test's verdict depend on another.
//! A hang, panic or crash costs the test it happened in and nothing else. This
//! module only runs tests and decodes what the harness reported; `score`
//! judges.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

use crate::plan::{Check, PlannedTest};
use crate::process::{self, Finished};
use crate::wire::Wire;

/// How many test processes run at once. Blocked or sleeping tests cost no
/// CPU, and a correct test needs milliseconds of it, so this can exceed the
/// number of cores without a correct test coming near its timeout.
const AT_ONCE: usize = 16;

/// The harness's record tags (see harness/src/main.rs).
const RETURNED: u8 = b'R';
const PANICKED: u8 = b'P';
const NO_MAIN: u8 = b'N';

pub struct Outcome {
    /// What the process did, or why it could not be started.
    pub process: std::result::Result<Finished, String>,
    pub record: Option<Record>,
}

/// What the harness reported on its result channel.
pub struct Record {
    pub event: Event,
    /// Threads the function spawned, and the most alive at once; None where
    /// they cannot be counted.
    pub spawned: Option<u64>,
    pub peak: Option<u64>,
}

pub enum Event {
    Returned(Vec<u8>),
    Panicked(String),
    NoMain,
    /// The harness could not run the case: a grader bug, never the student's.
    Internal(String),
}

pub struct RunSettings<'a> {
    pub harness: &'a Path,
    pub work_dir: &'a Path,
    pub limits: process::Limits,
}

pub fn run_tests(plan: &[PlannedTest], settings: &RunSettings) -> Result<Vec<Outcome>> {
    let cases = settings.work_dir.join("cases");
    std::fs::create_dir_all(&cases).context("cannot create the cases folder")?;
    let mut case_files = Vec::with_capacity(plan.len());
    for (index, test) in plan.iter().enumerate() {
        case_files.push(match &test.check {
            Check::Call(case) => {
                let path = cases.join(format!("{index}.bin"));
                std::fs::write(&path, &case.args).with_context(|| format!("cannot write `{}`", path.display()))?;
                Some(path)
            }
            Check::Program { .. } => None,
        });
    }

    let outcomes: Vec<Mutex<Option<Outcome>>> = plan.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE.min(plan.len()) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    if index >= plan.len() {
                        break;
                    }
                    let outcome = run_one(case_files[index].as_deref(), settings);
                    if let Ok(mut slot) = outcomes[index].lock() {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });
    Ok(outcomes
        .into_iter()
        .map(|slot| {
            slot.into_inner().ok().flatten().unwrap_or(Outcome {
                process: Err("the test was not run".to_string()),
                record: None,
            })
        })
        .collect())
}

fn run_one(case_file: Option<&Path>, settings: &RunSettings) -> Outcome {
    let mut command = Command::new(settings.harness);
    match case_file {
        Some(path) => command.arg("call").arg(path),
        None => command.arg("program"),
    };
    // Only what a Rust program needs; nothing of the grader's environment.
    command.env_clear().env("PATH", "/usr/local/bin:/usr/bin:/bin").env("RUST_BACKTRACE", "0");
    command.current_dir(settings.work_dir);
    match process::run_with_timeout(command, &settings.limits, true) {
        Ok(finished) => {
            let record = decode_record(&finished.channel);
            Outcome { process: Ok(finished), record }
        }
        Err(error) => Outcome { process: Err(format!("could not start the test: {error}")), record: None },
    }
}

fn decode_record(mut bytes: &[u8]) -> Option<Record> {
    let input = &mut bytes;
    let tag = u8::take(input)?;
    let known = |count: u64| (count != u64::MAX).then_some(count);
    let spawned = known(u64::take(input)?);
    let peak = known(u64::take(input)?);
    let payload = Vec::<u8>::take(input)?;
    let event = match tag {
        RETURNED => Event::Returned(payload),
        PANICKED => Event::Panicked(String::from_utf8_lossy(&payload).into_owned()),
        NO_MAIN => Event::NoMain,
        _ => Event::Internal(String::from_utf8_lossy(&payload).into_owned()),
    };
    Some(Record { event, spawned, peak })
}
