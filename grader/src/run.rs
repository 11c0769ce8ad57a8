//! Run: every planned test in its own harness process, under a timeout.
//!
//! Tests run several at a time: most of a test's life is process start-up or,
//! for a deadlocked submission, waiting for its timeout, so overlapping them
//! keeps a grading short without making any test's verdict depend on another.
//! A hang, panic or crash costs the test it happened in and nothing else. This
//! module only runs tests and decodes what the harness reported; `score`
//! judges.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::exercises::PlannedCase;
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
const RACE: u8 = b'X';

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
    /// What a race test found (or that it found nothing).
    Race(Finding),
    /// The harness could not run the case: a grader bug, never the student's.
    Internal(String),
}

/// The outcome of a race test, as harness/src/race.rs reports it.
pub struct Finding {
    pub kind: FindingKind,
    /// Which scheduler found it: "random", "PCT", "replay" or "real threads".
    pub scheduler: String,
    pub message: String,
    /// The shuttle schedule that shows it, for `grader replay`.
    pub schedule: String,
    /// The wrong answer, encoded, when there was one.
    pub answer: Vec<u8>,
    pub runs: u64,
    pub wrong: u64,
    /// Different answers seen across real-thread runs.
    pub distinct: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    Nothing,
    Panic,
    WrongAnswer,
    Deadlock,
    Endless,
    /// A replayed schedule that no longer fits the code.
    StaleSchedule,
}

pub struct RunSettings<'a> {
    pub harness: &'a Path,
    /// The harness built against shuttle; without it, schedule exploration
    /// falls back to more runs on real threads.
    pub race_harness: Option<&'a Path>,
    pub work_dir: &'a Path,
    pub limits: process::Limits,
}

/// One test's limits, from the assignment's, with `timeout` as its time limit.
pub fn test_limits(limits: &crate::assignment::Limits, timeout: Duration) -> process::Limits {
    process::Limits {
        output_limit: Some(limits.output_limit_bytes),
        memory_bytes: Some(limits.memory_bytes),
        tasks: Some(limits.threads),
        cpu_secs: Some(limits.cpu_secs),
        file_bytes: Some(limits.file_bytes),
        ..process::Limits::new(timeout, limits.output_bytes)
    }
}

/// Real-thread runs in place of a schedule exploration that cannot run.
pub const FALLBACK_REPEATS: u64 = 3;

pub fn run_tests(plan: &[PlannedTest], settings: &RunSettings) -> Result<Vec<Outcome>> {
    let cases = settings.work_dir.join("cases");
    std::fs::create_dir_all(&cases).context("cannot create the cases folder")?;
    let mut invocations = Vec::with_capacity(plan.len());
    for (index, test) in plan.iter().enumerate() {
        invocations.push(invocation(test, &cases.join(index.to_string()), settings)?);
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
                    let outcome = run_one(&invocations[index], settings);
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

/// How one test starts: which harness, in which mode, with which case file.
struct Invocation<'a> {
    harness: &'a Path,
    mode: &'static str,
    case_file: Option<PathBuf>,
    timeout: Duration,
    /// Where the race harness saves failing schedules: the one place it may write.
    writable: Option<PathBuf>,
}

/// Writes the test's case file (`<stem>.bin`) and says how to start it.
fn invocation<'a>(test: &PlannedTest, stem: &Path, settings: &RunSettings<'a>) -> Result<Invocation<'a>> {
    let case_file = stem.with_extension("bin");
    let write = |bytes: &[u8]| {
        std::fs::write(&case_file, bytes).with_context(|| format!("cannot write `{}`", case_file.display()))
    };
    let ordinary = settings.limits.timeout;
    Ok(match &test.check {
        Check::Program { .. } => {
            Invocation { harness: settings.harness, mode: "program", case_file: None, timeout: ordinary, writable: None }
        }
        Check::Call(case) => {
            write(&case.args)?;
            Invocation { harness: settings.harness, mode: "call", case_file: Some(case_file), timeout: ordinary, writable: None }
        }
        Check::Explore { case, race, seed, replay } => {
            let timeout = Duration::from_secs_f64(race.timeout_secs);
            match settings.race_harness {
                Some(harness) => {
                    let schedules = stem.with_extension("schedules");
                    std::fs::create_dir_all(&schedules).context("cannot create a schedules folder")?;
                    let schedule = replay.as_deref().unwrap_or_default();
                    write(&race_case(case, race.schedules, race.pct_depth, *seed, schedule, &schedules))?;
                    Invocation { harness, mode: "explore", case_file: Some(case_file), timeout, writable: Some(schedules) }
                }
                None => {
                    write(&race_case(case, race.repeats * FALLBACK_REPEATS, 0, 0, "", stem))?;
                    Invocation { harness: settings.harness, mode: "repeat", case_file: Some(case_file), timeout, writable: None }
                }
            }
        }
        Check::Repeat { case, race } => {
            write(&race_case(case, race.repeats, 0, 0, "", stem))?;
            let timeout = Duration::from_secs_f64(race.timeout_secs);
            Invocation { harness: settings.harness, mode: "repeat", case_file: Some(case_file), timeout, writable: None }
        }
    })
}

/// A race case file, in the order harness/src/race.rs reads it.
pub fn race_case(case: &PlannedCase, iterations: u64, pct_depth: u64, seed: u64, schedule: &str, schedule_dir: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    case.args.put(&mut bytes);
    case.expected.put(&mut bytes);
    iterations.put(&mut bytes);
    pct_depth.put(&mut bytes);
    seed.put(&mut bytes);
    schedule.to_string().put(&mut bytes);
    schedule_dir.display().to_string().put(&mut bytes);
    bytes
}

fn run_one(invocation: &Invocation, settings: &RunSettings) -> Outcome {
    let mut command = Command::new(invocation.harness);
    command.arg(invocation.mode);
    if let Some(case_file) = &invocation.case_file {
        command.arg(case_file);
    }
    // Only what a Rust program needs; nothing of the grader's environment.
    command.env_clear().env("PATH", "/usr/local/bin:/usr/bin:/bin").env("RUST_BACKTRACE", "0");
    command.current_dir(settings.work_dir);
    // The harness reads its binary and case file and writes nothing but its
    // private /tmp (and a race test's schedules folder).
    let sandbox = process::Sandbox {
        read_only: vec![settings.work_dir.to_path_buf()],
        writable: invocation.writable.iter().cloned().collect(),
        unprivileged: true,
    };
    let limits = process::Limits { timeout: invocation.timeout, sandbox: Some(sandbox), ..settings.limits.clone() };
    match process::run_with_timeout(command, &limits, true) {
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
        RACE => decode_finding(&payload).map_or_else(|| Event::Internal("an unreadable race report".into()), Event::Race),
        _ => Event::Internal(String::from_utf8_lossy(&payload).into_owned()),
    };
    Some(Record { event, spawned, peak })
}

fn decode_finding(mut bytes: &[u8]) -> Option<Finding> {
    let input = &mut bytes;
    let kind = match u8::take(input)? {
        0 => FindingKind::Nothing,
        1 => FindingKind::Panic,
        2 => FindingKind::WrongAnswer,
        3 => FindingKind::Deadlock,
        4 => FindingKind::Endless,
        _ => FindingKind::StaleSchedule,
    };
    Some(Finding {
        kind,
        scheduler: String::take(input)?,
        message: String::take(input)?,
        schedule: String::take(input)?,
        answer: Vec::take(input)?,
        runs: u64::take(input)?,
        wrong: u64::take(input)?,
        distinct: u64::take(input)?,
    })
}
