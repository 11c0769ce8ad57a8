//! The race modes of the harness.
//!
//! `explore` runs the student's function under shuttle's controlled
//! schedulers (the submission was compiled with `std::thread` and `std::sync`
//! redirected to shuttle, see shim.rs), first the random scheduler and then
//! PCT, and stops at the first schedule under which it panics, deadlocks,
//! runs past the step bound or returns a wrong answer; with a schedule given,
//! it replays exactly that one. `repeat` calls the function many times on real
//! threads and counts answers that are wrong or differ from run to run.
//!
//! Like `call`, these only report what happened on the result channel; the
//! expected answer comes from the grader in the case file.

use crate::wire::Wire;

/// What the grader sends for a race test.
pub struct RaceCase {
    pub args: Vec<u8>,
    pub expected: Vec<u8>,
    /// Iterations of each scheduler, or real-thread runs for `repeat`.
    pub iterations: u64,
    pub pct_depth: u64,
    pub seed: u64,
    /// Replay this schedule instead of exploring.
    pub schedule: String,
    /// Where shuttle writes the schedules of failing runs.
    pub schedule_dir: String,
}

impl RaceCase {
    pub fn read(path: &str) -> Option<RaceCase> {
        let bytes = std::fs::read(path).ok()?;
        let input = &mut bytes.as_slice();
        Some(RaceCase {
            args: Vec::take(input)?,
            expected: Vec::take(input)?,
            iterations: u64::take(input)?,
            pct_depth: u64::take(input)?,
            seed: u64::take(input)?,
            schedule: String::take(input)?,
            schedule_dir: String::take(input)?,
        })
    }
}

/// How a race run ended; the grader reads the same numbers.
pub const FOUND_NOTHING: u8 = 0;
pub const FOUND_PANIC: u8 = 1;
pub const FOUND_WRONG_ANSWER: u8 = 2;
pub const FOUND_DEADLOCK: u8 = 3;
pub const FOUND_ENDLESS: u8 = 4;
/// A replayed schedule that does not fit the code: it changed since.
pub const FOUND_STALE_SCHEDULE: u8 = 5;

/// What shuttle's replay scheduler says when a schedule does not fit the run.
const STALE_SCHEDULE: &[&str] = &[
    "invalid schedule",
    "schedule ended early",
    "scheduled task is not runnable",
    "next schedule step is",
];

/// What shuttle's PCT scheduler says of a run with no scheduling points at all.
#[cfg(grader_shuttle)]
const NO_CONCURRENCY: &str = "did not exercise any concurrency";

/// The marker of the panic the harness raises for a wrong answer under shuttle.
const WRONG_ANSWER: &str = "grader: wrong answer under this schedule";

/// One finding, encoded for the result channel.
pub struct Finding {
    pub kind: u8,
    pub scheduler: String,
    pub message: String,
    pub schedule: String,
    pub answer: Vec<u8>,
    /// Real-thread runs: how many ran, were wrong, and distinct answers seen.
    pub runs: u64,
    pub wrong: u64,
    pub distinct: u64,
}

impl Finding {
    pub fn nothing(scheduler: &str, runs: u64) -> Finding {
        Finding {
            kind: FOUND_NOTHING,
            scheduler: scheduler.to_string(),
            message: String::new(),
            schedule: String::new(),
            answer: Vec::new(),
            runs,
            wrong: 0,
            distinct: 1,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.kind.put(&mut out);
        self.scheduler.put(&mut out);
        self.message.put(&mut out);
        self.schedule.put(&mut out);
        self.answer.put(&mut out);
        self.runs.put(&mut out);
        self.wrong.put(&mut out);
        self.distinct.put(&mut out);
        out
    }
}

/// Calls the function `case.iterations` times on real threads.
pub fn repeat(case: &RaceCase, call: impl Fn(&[u8]) -> Option<Vec<u8>>, first_panic: impl Fn() -> Option<String>) -> Finding {
    let mut finding = Finding::nothing("real threads", 0);
    let mut answers: Vec<Vec<u8>> = Vec::new();
    for _ in 0..case.iterations {
        finding.runs += 1;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(&case.args))) {
            Ok(Some(answer)) => {
                if answer != case.expected {
                    finding.wrong += 1;
                    if finding.kind == FOUND_NOTHING {
                        finding.kind = FOUND_WRONG_ANSWER;
                        finding.answer = answer.clone();
                    }
                }
                if !answers.contains(&answer) && answers.len() < 16 {
                    answers.push(answer);
                }
            }
            Ok(None) => break,
            Err(_) => {
                finding.wrong += 1;
                if finding.kind == FOUND_NOTHING {
                    finding.kind = FOUND_PANIC;
                    finding.message = first_panic().unwrap_or_default();
                }
            }
        }
    }
    finding.distinct = answers.len() as u64;
    finding
}

#[cfg(grader_shuttle)]
pub fn explore(
    case: &RaceCase,
    call: fn(&[u8]) -> Option<Vec<u8>>,
    reset_panic: fn(),
    first_panic: fn() -> Option<String>,
    last_panic: fn() -> Option<String>,
) -> Finding {
    use std::sync::Arc;

    use shuttle::scheduler::{PctScheduler, RandomScheduler, ReplayScheduler};
    use shuttle::{Config, FailurePersistence, MaxSteps, Runner};

    let mut config = Config::new();
    // Student threads on shuttle's default 60 KiB stacks overflow on ordinary code.
    config.stack_size = 1024 * 1024;
    config.max_steps = MaxSteps::FailAfter(STEP_BOUND);
    config.failure_persistence = FailurePersistence::File(Some(case.schedule_dir.clone().into()));
    config.silence_warnings = true;

    let args = Arc::new(case.args.clone());
    let expected = Arc::new(case.expected.clone());
    let answer_seen: Arc<std::sync::Mutex<Vec<u8>>> = Arc::default();
    let test = {
        let answer_seen = Arc::clone(&answer_seen);
        move || {
            reset_panic();
            let answer = call(&args).expect("the case decodes");
            if answer != *expected {
                *answer_seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = answer;
                panic!("{WRONG_ANSWER}");
            }
        }
    };
    let iterations = case.iterations as usize;
    let attempts: Vec<(&str, Box<dyn FnOnce()>)> = if case.schedule.is_empty() {
        let (seed, depth) = (case.seed, case.pct_depth as usize);
        let (random_test, pct_test) = (test.clone(), test);
        let random_config = config.clone();
        vec![
            ("random", Box::new(move || {
                Runner::new(RandomScheduler::new_from_seed(seed, iterations), random_config).run(random_test);
            })),
            ("PCT", Box::new(move || {
                Runner::new(PctScheduler::new_from_seed(seed, depth, iterations), config).run(pct_test);
            })),
        ]
    } else {
        let schedule = case.schedule.clone();
        vec![("replay", Box::new(move || {
            Runner::new(ReplayScheduler::new_from_encoded(&schedule), config).run(test);
        }))]
    };
    let mut explored = 0;
    for (scheduler, attempt) in attempts {
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(attempt)).is_ok() {
            explored += iterations as u64;
            continue;
        }
        // The first panic is the root cause (a worker's, before main's unwrap
        // of its join), unless the run ended on a verdict of the grader's or
        // of shuttle's own, which always comes last.
        let last = last_panic().unwrap_or_default();
        let first = first_panic().unwrap_or_else(|| "a panic".to_string());
        let message = if [WRONG_ANSWER, "deadlock! blocked tasks", "max_steps", NO_CONCURRENCY].iter().any(|words| last.contains(words))
            || STALE_SCHEDULE.iter().any(|words| last.contains(words))
        {
            last
        } else {
            first
        };
        let kind = if scheduler == "replay" && STALE_SCHEDULE.iter().any(|words| message.contains(words)) {
            FOUND_STALE_SCHEDULE
        } else if message.contains(WRONG_ANSWER) {
            FOUND_WRONG_ANSWER
        } else if message.contains("deadlock! blocked tasks") {
            FOUND_DEADLOCK
        } else if message.contains("max_steps") || message.contains("exceeded") && message.contains("steps") {
            FOUND_ENDLESS
        } else {
            FOUND_PANIC
        };
        if message.contains(NO_CONCURRENCY) {
            // Code that never reaches a scheduling point (sequential code, or an
            // input it does not split) has no interleavings for PCT to choose
            // from; the random scheduler has already run it.
            continue;
        }
        let answer = answer_seen.lock().map(|answer| answer.clone()).unwrap_or_default();
        return Finding {
            kind,
            scheduler: scheduler.to_string(),
            message,
            schedule: newest_schedule(&case.schedule_dir).unwrap_or_else(|| case.schedule.clone()),
            answer,
            runs: explored,
            wrong: 1,
            distinct: 0,
        };
    }
    Finding::nothing("random and PCT", explored)
}

/// Steps (scheduling points) one run may take before it counts as an endless loop.
#[cfg(grader_shuttle)]
const STEP_BOUND: usize = 200_000;

/// The schedule shuttle wrote last: `scheduleNNN.txt` with the highest number.
#[cfg(grader_shuttle)]
fn newest_schedule(dir: &str) -> Option<String> {
    let newest = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "txt"))
        .max()?;
    // Shuttle wraps long schedules over lines; the replay command wants one word.
    Some(std::fs::read_to_string(newest).ok()?.split_whitespace().collect())
}
