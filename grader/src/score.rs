//! Score: judge each test's outcome against the grader's own expected result,
//! and assemble the [`Report`].
//!
//! A test passes only when the harness reported the function's answer on its
//! result channel, the answer is right, and the process then ended normally;
//! every call also needs no more threads than the contract allows, as the
//! supervisor counted them, and a parallelism test needs enough of them too. A race test passes only when every answer it sent
//! back is right. Nothing else a test process says can earn points (see the
//! trust boundary in [`crate::process`]). Messages are written for the
//! student: what happened, in which setting, and what it points to.

use std::time::{Duration, Instant};

use grader_protocol::{FailureKind, RaceReport, Record};

use crate::assignment::{Assignment, Kind};
use crate::build::{Build, BuildOutcome};
use crate::plan::{Comparison, PlannedCase};
use crate::plan::{Check, PlannedTest, round_points};
use crate::process::{self, Exit, Finished, LimitHit};
use crate::report::{BuildReport, BuildStatus, Report, Status, TestReport, text};
use crate::run::Outcome;

/// Diffs longer than this are cut: the first differences say enough.
const DIFF_LINES: usize = 40;
const DIFF_DEADLINE: Duration = Duration::from_millis(50);

pub struct Grading<'a> {
    pub assignment: &'a Assignment,
    pub submission: String,
    pub seed: u64,
    pub build: &'a Build,
    pub plan: &'a [PlannedTest],
    /// One per planned test, in plan order; empty when the build failed.
    pub outcomes: Vec<Outcome>,
    pub started: Instant,
    /// Each test's time limit.
    pub timeout: Duration,
    pub notes: Vec<String>,
    /// Reasons for a person to look at the grading.
    pub review: Vec<String>,
}

pub fn score(grading: Grading) -> Report {
    let Grading { assignment, submission, seed, build, plan, outcomes, started, timeout, mut notes, review } = grading;
    // Calls are traced; a call without counts means this machine forbids tracing.
    let uncounted = plan.iter().zip(&outcomes).any(|(test, outcome)| {
        matches!(test.check, Check::Call(_)) && outcome.process.as_ref().is_ok_and(|finished| finished.tasks.is_none())
    });
    let (status, message) = match &build.outcome {
        BuildOutcome::Built { .. } => {
            if uncounted {
                notes.push(THREADS_NOT_COUNTED.to_string());
            }
            (BuildStatus::Ok, None)
        }
        BuildOutcome::Failed { message } => (BuildStatus::Failed, Some(message.clone())),
    };
    let replay = ReplayBase { assignment: &assignment.name, submission: &submission, seed };
    let mut outcomes = outcomes.into_iter();
    let tests: Vec<TestReport> = plan
        .iter()
        .map(|test| match (&build.outcome, outcomes.next()) {
            (BuildOutcome::Built { .. }, Some(outcome)) => judge(assignment, timeout, &replay, test, outcome),
            _ => skipped(test, "not run: the submission did not build"),
        })
        .map(|mut test: TestReport| {
            test.message = text::student_text(&test.message, text::MESSAGE_BYTES);
            test.diff = test.diff.as_deref().map(|diff| text::student_text(diff, text::DIFF_BYTES));
            test
        })
        .collect();
    let score: f64 = tests.iter().map(|test| test.score).sum();
    Report {
        assignment: assignment.name.clone(),
        title: assignment.spec.title.clone(),
        submission,
        seed,
        score: round_points(score),
        max_score: round_points(plan.iter().map(|test| test.max_score).sum()),
        duration_ms: started.elapsed().as_millis() as u64,
        grader_version: env!("CARGO_PKG_VERSION").to_string(),
        audience: crate::report::Audience::Student,
        build: BuildReport {
            status,
            log: text::student_text(&build.log, text::LOG_BYTES),
            message: message.as_deref().map(|message| text::student_text(message, text::MESSAGE_BYTES)),
            duration_ms: build.duration.as_millis() as u64,
            edition: build.edition.clone(),
        },
        tests,
        notes,
        review,
    }
}

const THREADS_NOT_COUNTED: &str = "Threads could not be counted on this system (the grader traces the tests with \
    ptrace, which it needs Linux for and which this machine forbids), so the parallelism tests were skipped; GitHub \
    Classroom and the course's grading machines count them.";

/// What one test's judgment comes to before it is put in a report.
struct Verdict {
    status: Status,
    message: String,
    diff: Option<String>,
    /// The shuttle schedule that shows a race, for the replay command.
    schedule: Option<String>,
    /// Whether the case's hint speaks to this failure; a correctness case's
    /// hint is about its answer, not about a thread count over the bound.
    case_hint: bool,
}

impl Verdict {
    fn new(status: Status, message: impl Into<String>) -> Verdict {
        Verdict { status, message: message.into(), diff: None, schedule: None, case_hint: true }
    }
}

fn judge(assignment: &Assignment, timeout: Duration, replay: &ReplayBase, test: &PlannedTest, outcome: Outcome) -> TestReport {
    let (verdict, duration, spawned) = match &outcome.process {
        Err(error) => {
            // A test the submission kept from running (its program does not
            // compile) failed; one the grader could not run crashed.
            let status = if outcome.not_run.is_some() { Status::Failed } else { Status::Crashed };
            (Verdict::new(status, error.clone()), Duration::ZERO, None)
        }
        Ok(finished) => {
            let spawned = finished.tasks.as_ref().map(|tasks| tasks.threads);
            let verdict = match &test.check {
                _ if finished.limit.is_some() => limit_verdict(finished.limit, &test.setting),
                Check::Call(case) => judge_call(assignment, timeout, test, case, finished, outcome.record.as_ref()),
                Check::Explore { case, race, .. } | Check::Repeat { case, race } => {
                    let timeout = Duration::from_secs_f64(race.timeout_secs);
                    judge_race(assignment, timeout, test, case, finished, outcome.record.as_ref())
                }
                Check::Program { expected_stdout } => {
                    judge_program(expected_stdout, timeout, finished, outcome.record.as_ref())
                }
            };
            (verdict, finished.duration, spawned)
        }
    };
    let mut verdict = verdict;
    if outcome.process.as_ref().is_ok_and(|finished| finished.left_processes) {
        verdict.message.push_str(" (it left processes running after it ended; the grader stopped them)");
    }
    let passed = verdict.status == Status::Passed;
    TestReport {
        name: test.name.clone(),
        kind: test.kind,
        visibility: test.visibility,
        threads: test.threads(),
        status: verdict.status,
        score: if passed { test.max_score } else { 0.0 },
        max_score: test.max_score,
        message: verdict.message,
        diff: verdict.diff,
        spawned_threads: spawned,
        duration_ms: duration.as_millis() as u64,
        hint: (!passed && verdict.case_hint && !test.hint.is_empty()).then(|| test.hint.clone()),
        input: test.case().map(|case| case.summary.clone()),
        replay: verdict.schedule.map(|schedule| replay_command(replay, test, &schedule)),
    }
}

/// Shuttle's "deadlock! blocked tasks: [main-thread (task main-thread(0), …), <unknown> (task main-thread(1), …)]"
/// as a sentence: "all 3 threads were waiting: the main thread, thread 1, thread 2".
fn blocked_threads(message: &str) -> String {
    let Some(list) = message.split_once("blocked tasks: [").map(|(_, list)| list) else {
        return message.to_string();
    };
    let mut names = Vec::new();
    for entry in list.split("), ").filter(|entry| entry.contains("(task ")) {
        let (name, task) = entry.split_once(" (task ").unwrap_or((entry, ""));
        let number = task.split_once('(').and_then(|(_, rest)| rest.split(')').next()).unwrap_or("?");
        names.push(match name.trim() {
            "main-thread" => "the main thread".to_string(),
            "<unknown>" => format!("thread {number}"),
            named => format!("thread '{named}'"),
        });
    }
    format!("all {} threads were waiting for each other: {}", names.len(), names.join(", "))
}

/// Where `grader replay` finds the submission again.
pub struct ReplayBase<'a> {
    pub assignment: &'a str,
    pub submission: &'a str,
    pub seed: u64,
}

fn replay_command(base: &ReplayBase, test: &PlannedTest, schedule: &str) -> String {
    // Shuttle wraps a long schedule every 76 characters; one word pastes
    // into any shell, and `grader replay` reads it the same way.
    let schedule: String = schedule.split_whitespace().collect();
    format!(
        "grader replay {} {} --test {} --seed {} --schedule {}",
        base.assignment,
        shell_word(base.submission),
        test.name,
        base.seed,
        shell_word(&schedule)
    )
}

fn shell_word(word: &str) -> String {
    if word.chars().all(|c| c.is_alphanumeric() || "-_./=:".contains(c)) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Race tests: every answer the schedules (or the real-thread runs) gave,
/// checked here, and the first failure the harness saw.
fn judge_race(
    assignment: &Assignment,
    timeout: Duration,
    test: &PlannedTest,
    case: &PlannedCase,
    finished: &Finished,
    record: Option<&Record>,
) -> Verdict {
    let function = &assignment.signature.function;
    let setting = &test.setting;
    let explore = matches!(test.check, Check::Explore { .. });
    if explore && matches!(finished.exit, Exit::TimedOut { .. }) {
        return Verdict::new(
            Status::Timeout,
            format!(
                "`{function}` did not finish within {} s under the controlled scheduler{setting}: a thread that \
                 loops without locking, sleeping or yielding never lets the others run (a spin loop?)",
                timeout.as_secs_f64()
            ),
        );
    }
    if let Some(verdict) = ended_abnormally(finished, timeout, function, setting) {
        return verdict;
    }
    let Some(Record::Race(report)) = record else {
        return match record {
            Some(Record::BadCase(message)) => {
                Verdict::new(Status::Crashed, format!("the grader could not run this race test: {message}"))
            }
            _ => Verdict::new(Status::Failed, format!("the process ended before the race test finished{setting}")),
        };
    };
    let real = report.answers.iter().all(|answer| answer.scheduler == "real threads")
        && report.failure.as_ref().is_none_or(|failure| failure.scheduler == "real threads");
    let spawned = finished.tasks.as_ref().map_or(0, |tasks| tasks.threads + tasks.processes);
    if explore && !real && spawned > 0 {
        return Verdict::new(
            Status::Skipped,
            "the code started real threads that the controlled scheduler does not see (a path to std the grader \
             could not redirect), so no schedules were explored",
        );
    }
    let runs = |count: u64| if real { format!("in {count} of {} runs on real threads{setting}", report.runs) } else { String::new() };
    if let Some(failure) = &report.failure {
        let schedule = (!failure.schedule.is_empty()).then(|| failure.schedule.clone());
        let under = if failure.scheduler == "real threads" {
            format!("on real threads{setting}")
        } else {
            format!("under a rare interleaving{setting}, found by the {} scheduler", failure.scheduler)
        };
        let message = match failure.kind {
            FailureKind::Panic => format!("`{function}` panicked {under}: {}", failure.message),
            FailureKind::Deadlock => format!("`{function}` deadlocked {under}: {}", blocked_threads(&failure.message)),
            FailureKind::Endless => {
                format!("`{function}` never finished {under}: it went past the step bound, an endless loop or a livelock?")
            }
            FailureKind::StaleSchedule => {
                return Verdict::new(
                    Status::Failed,
                    "this schedule does not fit the code: it changed since the grading that printed the replay \
                     command, so grade it again for a new one",
                );
            }
        };
        return Verdict { schedule, ..Verdict::new(Status::Failed, message) };
    }
    if let Some(verdict) = wrong_answers(assignment, case, report, &runs, setting) {
        return verdict;
    }
    if real {
        let fallback = if explore { " (the controlled scheduler could not run this code)" } else { "" };
        Verdict::new(Status::Passed, format!("{} runs on real threads{setting}, all right{fallback}", report.runs))
    } else {
        Verdict::new(
            Status::Passed,
            format!("no interleaving broke it in {} schedules{setting} (random and PCT)", report.runs),
        )
    }
}

/// The verdict on a race test's answers: None when every one of them is
/// right, and there was at least one.
fn wrong_answers(
    assignment: &Assignment,
    case: &PlannedCase,
    report: &RaceReport,
    runs: &dyn Fn(u64) -> String,
    setting: &str,
) -> Option<Verdict> {
    let function = &assignment.signature.function;
    if report.answers.is_empty() || report.runs == 0 {
        return Some(Verdict::new(Status::Failed, format!("no answer came back from the race test{setting}")));
    }
    let wrong: Vec<_> = report
        .answers
        .iter()
        .filter(|answer| !matches!(assignment.compare(&case.expected, &answer.value), Comparison::Same))
        .collect();
    let counted: u64 = report.answers.iter().map(|answer| answer.count).sum::<u64>() + report.unkept;
    if wrong.is_empty() && report.unkept == 0 && counted == report.runs {
        return None;
    }
    let wrong_runs = wrong.iter().map(|answer| answer.count).sum::<u64>() + report.unkept;
    let distinct = report.answers.len() as u64 + report.unkept.min(1);
    let Some(first) = wrong.first() else {
        return Some(Verdict::new(
            Status::Failed,
            format!("`{function}` returned more different answers than the grader keeps{setting}, so the result depends on timing"),
        ));
    };
    let under = if first.scheduler == "real threads" {
        runs(wrong_runs)
    } else {
        format!("under a rare interleaving{setting}, found by the {} scheduler", first.scheduler)
    };
    let mut verdict = Verdict::new(Status::Failed, format!("`{function}` returned a wrong answer {under}"));
    if distinct > 1 {
        verdict.message.push_str(&format!(
            "; {distinct} different answers came back for the same input, so the result depends on timing"
        ));
    }
    if let Comparison::Different { expected, actual } = assignment.compare(&case.expected, &first.value) {
        verdict.diff = Some(unified_diff(&expected.join("\n"), &actual.join("\n")));
    }
    verdict.schedule = (!first.schedule.is_empty()).then(|| first.schedule.clone());
    Some(verdict)
}

fn skipped(test: &PlannedTest, why: &str) -> TestReport {
    TestReport {
        name: test.name.clone(),
        kind: test.kind,
        visibility: test.visibility,
        threads: test.threads(),
        status: Status::Skipped,
        score: 0.0,
        max_score: test.max_score,
        message: why.to_string(),
        diff: None,
        spawned_threads: None,
        duration_ms: 0,
        hint: None,
        input: None,
        replay: None,
    }
}

fn judge_call(
    assignment: &Assignment,
    timeout: Duration,
    test: &PlannedTest,
    case: &PlannedCase,
    finished: &Finished,
    record: Option<&Record>,
) -> Verdict {
    let function = &assignment.signature.function;
    let setting = &test.setting;
    if let Some(verdict) = ended_abnormally(finished, timeout, function, setting) {
        return verdict;
    }
    let Some(record) = record else {
        return match finished.exit {
            Exit::Code(0) => Verdict::new(
                Status::Failed,
                format!("the process ended before `{function}` returned{setting}: does the code call std::process::exit?"),
            ),
            Exit::Code(code) => Verdict::new(
                Status::Failed,
                format!("the process exited with status {code} before `{function}` returned{setting}"),
            ),
            _ => Verdict::new(Status::Crashed, format!("`{function}` did not return{setting}")),
        };
    };
    match record {
        Record::Panicked(message) => {
            let setting = if setting.is_empty() { String::new() } else { format!(" ({})", setting.trim()) };
            Verdict::new(Status::Panicked, format!("{message}{setting}"))
        }
        Record::BadCase(message) => Verdict::new(Status::Crashed, format!("the grader could not run this case: {message}")),
        Record::NoMain | Record::Race(_) => Verdict::new(Status::Failed, "the test process answered the wrong question"),
        Record::Returned(answer) => {
            if finished.exit != Exit::Code(0) {
                return Verdict::new(
                    Status::Failed,
                    format!("`{function}` returned{setting}, but the process then ended with {}", describe_exit(finished.exit)),
                );
            }
            match assignment.compare(&case.expected, answer) {
                Comparison::Unreadable => Verdict::new(Status::Failed, "the answer could not be read back"),
                Comparison::Different { expected, actual } => Verdict {
                    diff: Some(unified_diff(&expected.join("\n"), &actual.join("\n"))),
                    ..Verdict::new(Status::Failed, format!("wrong answer{setting}"))
                },
                Comparison::Same if test.kind == Kind::Parallelism => judge_threads(case, finished, setting),
                Comparison::Same => over_thread_bound(case, finished, setting)
                    .unwrap_or_else(|| Verdict::new(Status::Passed, format!("right answer{setting}"))),
            }
        }
    }
}

/// The bound every counted call is held to, whatever its input: no more
/// threads than the contract allows. Only the parallelism tests also ask for
/// at least two ([`judge_threads`]).
fn over_thread_bound(case: &PlannedCase, finished: &Finished, setting: &str) -> Option<Verdict> {
    let spawned = finished.tasks.as_ref()?.threads;
    let most = case.bounds.at_most;
    (spawned > most).then(|| Verdict {
        case_hint: false,
        ..Verdict::new(
            Status::Failed,
            format!(
                "right answer{setting}, but it spawned {spawned} threads where at most {most} {} allowed: the limit holds \
                 for every input, small ones too, so start no more threads than that and share the work among them",
                if most == 1 { "is" } else { "are" }
            ),
        )
    })
}

/// The threads the supervisor counted against the contract's bounds.
fn judge_threads(case: &PlannedCase, finished: &Finished, setting: &str) -> Verdict {
    let Some(spawned) = finished.tasks.as_ref().map(|tasks| tasks.threads) else {
        return Verdict::new(Status::Skipped, "threads could not be counted on this system");
    };
    let bounds = case.bounds;
    let counted = format!("spawned {spawned} thread{}{setting}", if spawned == 1 { "" } else { "s" });
    if bounds.allows(spawned) {
        Verdict::new(Status::Passed, counted)
    } else if spawned < bounds.at_least {
        Verdict::new(Status::Failed, format!("{counted}: the work ran without splitting it across threads"))
    } else {
        Verdict::new(Status::Failed, format!("{counted}: at most {} are allowed", bounds.at_most))
    }
}

fn judge_program(expected: &str, timeout: Duration, finished: &Finished, record: Option<&Record>) -> Verdict {
    if let Some(verdict) = ended_abnormally(finished, timeout, "fn main", "") {
        return verdict;
    }
    if matches!(record, Some(Record::NoMain)) {
        return Verdict::new(Status::Failed, "there is no `fn main`: the output test runs the program's own main");
    }
    if let Some(panic) = panic_line(&finished.stderr.text()) {
        return Verdict::new(Status::Panicked, format!("the program panicked: {panic}"));
    }
    if let Exit::Code(code) = finished.exit
        && code != 0
    {
        return Verdict::new(Status::Failed, format!("the program exited with status {code}"));
    }
    let actual = normalize(&finished.stdout.text());
    let expected = normalize(expected);
    if actual == expected {
        Verdict::new(Status::Passed, "printed the expected output")
    } else {
        Verdict {
            diff: Some(unified_diff(&expected, &actual)),
            ..Verdict::new(Status::Failed, "the program printed something else than expected")
        }
    }
}

/// Timeouts and signals, the same for every kind of test.
fn ended_abnormally(finished: &Finished, timeout: Duration, what: &str, setting: &str) -> Option<Verdict> {
    match finished.exit {
        Exit::TimedOut { cpu } => {
            let limit = timeout.as_secs_f64();
            let cause = match cpu {
                Some(cpu) if cpu.as_secs_f64() < 0.2 * limit.max(1.0) => format!(
                    " It used {:.1} s of CPU: the threads were waiting, which points to a deadlock.",
                    cpu.as_secs_f64()
                ),
                Some(cpu) => format!(
                    " It used {:.1} s of CPU: something kept running, which points to an endless loop.",
                    cpu.as_secs_f64()
                ),
                None => String::new(),
            };
            let who = if what == "fn main" { "the program".to_string() } else { format!("`{what}`") };
            Some(Verdict::new(
                Status::Timeout,
                format!("{who} did not finish within {limit} s{setting}: a deadlock or an endless loop?{cause}"),
            ))
        }
        Exit::Signal(signal) => {
            let stderr = finished.stderr.text();
            let message = if stderr.contains("has overflowed its stack") {
                "crashed with a stack overflow: deep recursion, or a very large array on the stack?".to_string()
            } else if signal == libc::SIGSEGV {
                // Tests run without Rust's stack overflow message (see the
                // harness's `IGNORE_FAULTS`); safe code has no other way to segfault.
                format!(
                    "crashed{setting}: killed by SIGSEGV, which safe Rust gets only from a stack overflow: deep \
                     recursion, or a very large array on the stack?"
                )
            } else {
                format!("crashed{setting}: killed by {}", process::signal_name(signal))
            };
            Some(Verdict::new(Status::Crashed, message))
        }
        Exit::Code(_) => None,
    }
}

/// A test stopped at a resource limit: which one, and what it points to.
fn limit_verdict(limit: Option<LimitHit>, setting: &str) -> Verdict {
    let Some(limit) = limit else {
        return Verdict::new(Status::Limit, "stopped at a resource limit");
    };
    let bytes = |bytes: Option<u64>| bytes.map(|bytes| format!(" ({})", human_bytes(bytes))).unwrap_or_default();
    let (amount, why) = match limit {
        LimitHit::Memory(amount) => (
            bytes(amount),
            "the code asked for far more memory than the answer needs (a huge allocation, or a collection that \
             never stops growing?)",
        ),
        LimitHit::Threads(count) => (
            count.map(|count| format!(" ({count} threads and processes)")).unwrap_or_default(),
            "the code tried to start more threads than the grader allows; start a fixed number of threads, not one \
             per item",
        ),
        LimitHit::Output(amount) => (bytes(Some(amount)), "it printed without end (a print inside a loop?)"),
        LimitHit::Cpu(secs) => (
            secs.map(|secs| format!(" ({secs} s)")).unwrap_or_default(),
            "an endless loop, or far more work than the task needs?",
        ),
        LimitHit::FileSize(amount) => (bytes(amount), "the code wrote a very large file"),
    };
    Verdict::new(Status::Limit, format!("stopped at {}{amount}{setting}: {why}", limit.name()))
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        bytes if bytes >= 1 << 30 && bytes % (1 << 30) == 0 => format!("{} GiB", bytes >> 30),
        bytes if bytes >= 1 << 20 => format!("{} MiB", bytes >> 20),
        bytes => format!("{} KiB", bytes.div_ceil(1024)),
    }
}

fn describe_exit(exit: Exit) -> String {
    match exit {
        Exit::Code(code) => format!("status {code}"),
        Exit::Signal(signal) => process::signal_name(signal).to_string(),
        Exit::TimedOut { .. } => "a timeout".to_string(),
    }
}

/// The default panic hook's line: "thread 'main' panicked at src/main.rs:3:5:" and its message.
fn panic_line(stderr: &str) -> Option<String> {
    let mut lines = stderr.lines();
    let head = lines.find(|line| line.starts_with("thread '") && line.contains("panicked"))?;
    let message = lines.next().unwrap_or_default();
    Some(format!("{} {message}", head.trim_end_matches(':')).trim().to_string())
}

/// Trailing spaces and blank lines at the end are not worth points.
fn normalize(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_end().to_string()
}

pub fn unified_diff(expected: &str, actual: &str) -> String {
    let expected = format!("{expected}\n");
    let actual = format!("{actual}\n");
    // Answers of 20,000 lines that share few lines would take the exact
    // algorithm seconds; past the deadline it settles for a coarser diff.
    let diff = similar::TextDiff::configure().timeout(DIFF_DEADLINE).diff_lines(&expected, &actual);
    let text = diff.unified_diff().context_radius(2).header("expected", "actual").to_string();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= DIFF_LINES {
        return text;
    }
    format!("{}\n… {} more lines of diff\n", lines[..DIFF_LINES].join("\n"), lines.len() - DIFF_LINES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::Catalog;
    use crate::process::{Captured, Tasks};

    /// The report of `test` when the function returned the right answer after
    /// the supervisor counted `threads` threads.
    fn right_answer_with(assignment: &Assignment, test: &PlannedTest, threads: u64) -> TestReport {
        let case = test.case().expect("a call");
        let finished = Finished {
            exit: Exit::Code(0),
            stdout: Captured::default(),
            stderr: Captured::default(),
            channel: Captured::default(),
            duration: Duration::from_millis(3),
            cpu: Duration::from_millis(3),
            left_processes: false,
            limit: None,
            tasks: Some(Tasks { threads, processes: 0, peak: threads + 1 }),
        };
        let outcome = Outcome { process: Ok(finished), not_run: None, record: Some(Record::Returned(case.expected.to_vec())) };
        let replay = ReplayBase { assignment: &assignment.name, submission: "pool.rs", seed: 1 };
        judge(assignment, Duration::from_secs(5), &replay, test, outcome)
    }

    #[test]
    fn too_many_threads_fail_every_counted_call_and_too_few_only_the_parallelism_tests() {
        let assignment = Catalog::BuiltIn.load("worker_pool").unwrap();
        let plan = crate::plan::plan(&assignment, 1).unwrap();
        let named = |name: &str| plan.iter().find(|test| test.name == name).expect(name);
        let example = named("example/chapter");
        let few_jobs = named("correctness/job_zero/threads=2");
        let parallelism = named("parallelism/busy/threads=4");

        // A thread per job: 10 jobs on 4 workers, 7 on 2.
        let over = right_answer_with(&assignment, example, 10);
        assert_eq!(over.status, Status::Failed);
        assert!(over.message.contains("spawned 10 threads where at most 4 are allowed"), "{}", over.message);
        assert_eq!(over.hint, None, "the case's hint is about the answer, not the threads");
        assert_eq!(right_answer_with(&assignment, few_jobs, 7).status, Status::Failed);
        assert_eq!(right_answer_with(&assignment, parallelism, 5).status, Status::Failed);

        // No thread at all is judged by the parallelism tests alone.
        assert_eq!(right_answer_with(&assignment, example, 0).status, Status::Passed);
        assert_eq!(right_answer_with(&assignment, few_jobs, 2).status, Status::Passed);
        let sequential = right_answer_with(&assignment, parallelism, 0);
        assert_eq!(sequential.status, Status::Failed);
        assert!(sequential.hint.is_some());
        assert_eq!(right_answer_with(&assignment, parallelism, 4).status, Status::Passed);
    }

    #[test]
    fn a_long_schedule_prints_as_one_word_that_pastes_into_a_shell() {
        let assignment = Catalog::BuiltIn.load("worker_pool").unwrap();
        let plan = crate::plan::plan(&assignment, 1).unwrap();
        let race = plan.iter().find(|test| test.name == "race/small/threads=2").expect("a race test");
        let replay = ReplayBase { assignment: "worker_pool", submission: "my pool.rs", seed: 7 };
        // Shuttle's own form: hex wrapped at 76 characters.
        let command = replay_command(&replay, race, &format!("{}\n0200", "9".repeat(76)));
        assert_eq!(
            command,
            format!("grader replay worker_pool 'my pool.rs' --test race/small/threads=2 --seed 7 --schedule {}0200", "9".repeat(76))
        );
    }

    #[test]
    fn a_diff_shows_the_wrong_line_and_is_capped() {
        let diff = unified_diff("1\n2\n3", "1\n5\n3");
        assert!(diff.contains("-2") && diff.contains("+5"), "{diff}");
        let long_expected: Vec<String> = (0..500).map(|n| n.to_string()).collect();
        let long_actual: Vec<String> = (0..500).map(|n| (n * 2 + 1).to_string()).collect();
        let diff = unified_diff(&long_expected.join("\n"), &long_actual.join("\n"));
        assert!(diff.lines().count() <= DIFF_LINES + 1);
        assert!(diff.ends_with("more lines of diff\n"));
    }

    #[test]
    fn output_comparison_ignores_trailing_space_only() {
        assert_eq!(normalize("[7, 9, 8]  \n\n"), "[7, 9, 8]");
        assert_ne!(normalize("[7, 9, 8]"), normalize("[7,9,8]"));
    }

    #[test]
    fn names_the_blocked_threads_of_a_deadlock() {
        let message = "thread 'main' panicked at x.rs:1:1: deadlock! blocked tasks: [main-thread (task main-thread(0), \
                       pending future), <unknown> (task main-thread(1), pending future), worker (task main-thread(2), x)]";
        assert_eq!(
            blocked_threads(message),
            "all 3 threads were waiting for each other: the main thread, thread 1, thread 'worker'"
        );
    }

    #[test]
    fn finds_the_panic_in_a_programs_stderr() {
        let stderr = "thread 'main' panicked at src/main.rs:3:5:\nboom\nnote: run with `RUST_BACKTRACE=1`";
        assert_eq!(panic_line(stderr).unwrap(), "thread 'main' panicked at src/main.rs:3:5 boom");
    }
}
