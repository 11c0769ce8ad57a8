//! Run: every planned test in its own harness process, under a timeout,
//! all of a grading's tests in one sandbox session.
//!
//! Tests run several at a time: most of a test's life is process start-up or,
//! for a deadlocked submission, waiting for its timeout, so overlapping them
//! keeps a grading short without making any test's verdict depend on another.
//! A test still running after a second only waits for its time limit, so it
//! stops counting against the tests at once: a deadlocked submission's
//! timeouts overlap, and a batch starts the next student beside them.
//! A hang, panic or crash costs the test it happened in and nothing else. Each
//! test gets its input on stdin and answers on file descriptor 3; the expected
//! answer stays here. This module only runs tests and decodes what came back;
//! `score` judges.

use std::borrow::Cow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use grader_protocol::{Mode, RaceCase, Record, Wire};

use crate::plan::{Check, PlannedTest};
use crate::process::protocol::Job;
use crate::process::session::SessionSpec;
use crate::process::{Finished, Session, SessionKind};

/// How many test processes run at once. Blocked or sleeping tests cost no
/// CPU, and a correct test needs milliseconds of it, so this can exceed the
/// number of cores without a correct test coming near its timeout. It is
/// also the most a grading ever has alive (its control group is sized for
/// this many tests at their own cap on threads).
pub const AT_ONCE: usize = 16;

/// A test still running after this long is waiting for its time limit (a
/// correct one needs milliseconds): it stops counting against the grading's
/// tests at once, so a hung submission's timeouts overlap instead of
/// queueing, up to [`AT_ONCE`] alive.
const STUCK_AFTER: Duration = Duration::from_secs(1);
/// How often the grading looks for stuck tests while tests remain to start.
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// Bytes of a test's result channel kept beyond twice its expected answer:
/// room for a panic message.
const CHANNEL_SPARE: usize = 64 * 1024;
/// A race test's record: a few distinct small answers and their schedules.
const RACE_CHANNEL: usize = 1 << 20;

pub struct Outcome {
    /// What the process did, or why it could not be started.
    pub process: std::result::Result<Finished, String>,
    /// Why the test could not run for a reason of the submission's own (its
    /// `src/main.rs` does not compile): the test fails with this message.
    pub not_run: Option<String>,
    /// The one record the harness wrote, when it could be read.
    pub record: Option<Record>,
}

pub struct RunSettings<'a> {
    pub harness: &'a Path,
    /// The harness built against shuttle; without it, schedule exploration
    /// falls back to more runs on real threads.
    pub race_harness: Option<&'a Path>,
    /// A library project's own program for the output test, or why it did not compile.
    pub program: Option<std::result::Result<&'a Path, &'a str>>,
    pub session: &'a Session,
    pub limits: TestLimits,
    /// How many tests run side by side, stuck ones aside.
    pub at_once: usize,
    /// Told once when every test has started and those still running are stuck.
    pub waiting: Option<&'a (dyn Fn() + Send + Sync)>,
}

/// The limits every test runs under.
#[derive(Clone)]
pub struct TestLimits {
    pub timeout: Duration,
    pub output_bytes: usize,
    pub output_limit: u64,
    /// Threads and processes alive at once in one test.
    pub tasks: u64,
    pub cpu_secs: u64,
    pub file_bytes: u64,
    /// Where no memory control group caps the grading, each test's address space.
    pub address_space: Option<u64>,
}

/// One test's limits, from the assignment's, with `timeout` as its time limit.
pub fn test_limits(limits: &crate::assignment::Limits, timeout: Duration, memory_capped: bool) -> TestLimits {
    TestLimits {
        timeout,
        output_bytes: limits.output_bytes,
        output_limit: limits.output_limit_bytes,
        tasks: limits.threads,
        cpu_secs: limits.cpu_secs,
        file_bytes: limits.file_bytes,
        address_space: (!memory_capped).then_some(limits.memory_bytes),
    }
}

/// Real-thread runs in place of a schedule exploration that cannot run.
pub const FALLBACK_REPEATS: u64 = 3;

pub fn run_tests(plan: &[PlannedTest], settings: &RunSettings) -> Vec<Outcome> {
    let outcomes: Vec<Mutex<Option<Outcome>>> = plan.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let lanes: Mutex<Vec<Arc<Lane>>> = Mutex::new(Vec::new());
    let (ended, lane_ended) = mpsc::channel::<()>();
    std::thread::scope(|scope| {
        // One lane runs one test after another, until none is left or it
        // was given a replacement while stuck.
        let start_lane = || {
            let lane = Arc::new(Lane::default());
            if let Ok(mut lanes) = lanes.lock() {
                lanes.push(Arc::clone(&lane));
            }
            // Told when the lane ends, even by a panic (which the scope then passes on).
            let guard = Ended(ended.clone());
            let (next, outcomes) = (&next, &outcomes);
            scope.spawn(move || {
                let _guard = guard;
                while !lane.replaced.load(Ordering::SeqCst) {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    if index >= plan.len() {
                        break;
                    }
                    lane.set_running(true);
                    let outcome = run_one(&plan[index], settings);
                    lane.set_running(false);
                    if let Ok(mut slot) = outcomes[index].lock() {
                        *slot = Some(outcome);
                    }
                }
            });
        };
        let first = settings.at_once.min(plan.len());
        for _ in 0..first {
            start_lane();
        }
        let mut live = first;
        let mut told = settings.waiting.is_none();
        while live > 0 {
            match lane_ended.recv_timeout(LOOK_EVERY) {
                Ok(()) => live -= 1,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            let lanes = lanes.lock().map(|lanes| lanes.clone()).unwrap_or_default();
            let running = lanes.iter().filter(|lane| lane.running_since().is_some()).count();
            let stuck: Vec<&Arc<Lane>> = lanes.iter().filter(|lane| lane.stuck()).collect();
            if next.load(Ordering::SeqCst) < plan.len() {
                let room = AT_ONCE.saturating_sub(running);
                for lane in stuck.into_iter().filter(|lane| !lane.replaced.load(Ordering::SeqCst)).take(room) {
                    lane.replaced.store(true, Ordering::SeqCst);
                    start_lane();
                    live += 1;
                }
            } else if !told && running > 0 && stuck.len() == running {
                told = true;
                if let Some(waiting) = settings.waiting {
                    waiting();
                }
            }
        }
    });
    outcomes
        .into_iter()
        .map(|slot| {
            slot.into_inner().ok().flatten().unwrap_or(Outcome {
                process: Err("the test was not run".to_string()),
                not_run: None,
                record: None,
            })
        })
        .collect()
}

/// Tells the grading that a lane has ended, when dropped.
struct Ended(mpsc::Sender<()>);

impl Drop for Ended {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

/// A thread running tests one after another.
#[derive(Default)]
struct Lane {
    /// When its current test started, while one runs.
    since: Mutex<Option<Instant>>,
    /// Another lane took its place while its test was stuck: it ends after that test.
    replaced: AtomicBool,
}

impl Lane {
    fn set_running(&self, running: bool) {
        if let Ok(mut since) = self.since.lock() {
            *since = running.then(Instant::now);
        }
    }

    fn running_since(&self) -> Option<Instant> {
        self.since.lock().ok().and_then(|since| *since)
    }

    fn stuck(&self) -> bool {
        self.running_since().is_some_and(|since| since.elapsed() >= STUCK_AFTER)
    }
}

/// How one test starts: which harness, in which mode, with what input.
struct Invocation<'a> {
    harness: &'a Path,
    mode: Mode,
    /// What follows the mode on stdin: a call's input is the planned case's
    /// own bytes, not a copy.
    input: Cow<'a, [u8]>,
    timeout: Duration,
    channel_bytes: usize,
}

fn invocation<'a>(test: &'a PlannedTest, settings: &RunSettings<'a>) -> Invocation<'a> {
    let ordinary = settings.limits.timeout;
    let race_case = |iterations: u64, pct_depth: u64, seed: u64, schedule: &str, timeout: Duration| {
        let case = test.case().map(|case| case.args.to_vec()).unwrap_or_default();
        let mut bytes = Vec::new();
        // Repetitions stop at half the time limit, so slow but correct code
        // is judged on the runs that fit rather than timed out.
        let budget_ms = (timeout / 2).as_millis() as u64;
        RaceCase { args: case, iterations, pct_depth, seed, schedule: schedule.to_string(), budget_ms }.put(&mut bytes);
        Cow::Owned(bytes)
    };
    match &test.check {
        Check::Program { .. } => Invocation {
            harness: settings.harness,
            mode: Mode::Program,
            input: Cow::Borrowed(&[]),
            timeout: ordinary,
            channel_bytes: CHANNEL_SPARE,
        },
        Check::Call(case) => Invocation {
            harness: settings.harness,
            mode: Mode::Call,
            input: Cow::Borrowed(&case.args),
            timeout: ordinary,
            channel_bytes: 2 * case.expected.len() + CHANNEL_SPARE,
        },
        Check::Explore { race, seed, replay, .. } => {
            let timeout = Duration::from_secs_f64(race.timeout_secs);
            match settings.race_harness {
                Some(harness) => Invocation {
                    harness,
                    mode: Mode::Explore,
                    input: race_case(race.schedules, race.pct_depth, *seed, replay.as_deref().unwrap_or_default(), timeout),
                    timeout,
                    channel_bytes: RACE_CHANNEL,
                },
                None => Invocation {
                    harness: settings.harness,
                    mode: Mode::Repeat,
                    input: race_case(race.repeats * FALLBACK_REPEATS, 0, 0, "", timeout),
                    timeout,
                    channel_bytes: RACE_CHANNEL,
                },
            }
        }
        Check::Repeat { race, .. } => Invocation {
            harness: settings.harness,
            mode: Mode::Repeat,
            input: race_case(race.repeats, 0, 0, "", Duration::from_secs_f64(race.timeout_secs)),
            timeout: Duration::from_secs_f64(race.timeout_secs),
            channel_bytes: RACE_CHANNEL,
        },
    }
}

fn run_one(test: &PlannedTest, settings: &RunSettings) -> Outcome {
    if let (Check::Program { .. }, Some(program)) = (&test.check, settings.program) {
        return match program {
            Ok(program) => run_program(program, settings),
            Err(why) => Outcome { process: Err(why.to_string()), not_run: Some(why.to_string()), record: None },
        };
    }
    let invocation = invocation(test, settings);
    // Real-thread repetitions start thousands of threads to check answers
    // only; every other test's threads are counted.
    let trace = invocation.mode != Mode::Repeat;
    // Every test of a harness is forked from one copy of it started once.
    let job = Job { fork_server: true, ..test_job(settings, invocation.harness, invocation.timeout, Some(invocation.channel_bytes), trace) };
    let mut mode = Vec::new();
    invocation.mode.put(&mut mode);
    match settings.session.run(job, &[&mode, &invocation.input]) {
        Ok(finished) => {
            tracing::debug!(test = %test.name, tasks = ?finished.tasks, cpu_ms = finished.cpu.as_millis() as u64, "ran");
            // A record cut short at the channel's cap is no record.
            let record = (finished.channel.dropped == 0).then(|| grader_protocol::decode(&finished.channel.bytes)).flatten();
            Outcome { process: Ok(finished), not_run: None, record }
        }
        Err(error) => Outcome { process: Err(format!("could not run the test: {error}")), not_run: None, record: None },
    }
}

/// One test's process: `program` under the test limits, with only what a
/// Rust program needs of an environment and nothing of the grader's.
fn test_job(settings: &RunSettings, program: &Path, timeout: Duration, channel_bytes: Option<usize>, trace: bool) -> Job {
    let limits = &settings.limits;
    Job {
        program: program.to_path_buf(),
        args: Vec::new(),
        env: vec![("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()), ("RUST_BACKTRACE".into(), "0".into())],
        cwd: "/".into(),
        timeout_ms: timeout.as_millis() as u64,
        output_bytes: limits.output_bytes,
        output_limit: Some(limits.output_limit),
        channel_bytes,
        trace,
        fork_server: false,
        // Real-thread repetitions, the untraced tests, run on every CPU: they
        // are there for threads that truly run at the same time.
        one_cpu: trace,
        tasks: Some(limits.tasks),
        address_space: limits.address_space,
        cpu_secs: Some(limits.cpu_secs),
        file_bytes: Some(limits.file_bytes),
    }
}

/// A library project's own program, run as it is: what it prints is the output test's.
fn run_program(program: &Path, settings: &RunSettings) -> Outcome {
    let job = test_job(settings, program, settings.limits.timeout, None, true);
    match settings.session.run(job, &[]) {
        Ok(finished) => Outcome { process: Ok(finished), not_run: None, record: None },
        Err(error) => Outcome { process: Err(format!("could not run the test: {error}")), not_run: None, record: None },
    }
}

/// The run session's sandbox: the harness binaries to read, and a private
/// /tmp of `tmp_bytes` as the only place to write.
pub fn session_spec(staged: &crate::stage::Staged, limits: &crate::assignment::Limits) -> SessionSpec {
    SessionSpec { kind: SessionKind::Run, read_only: vec![staged.binaries_dir()], writable: Vec::new(), tmp_bytes: limits.tmp_bytes }
}
