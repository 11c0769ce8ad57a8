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
//! Assignments are data ([`assignment`]): a case's arguments come from the
//! spec's generators ([`cases`]) as typed values ([`values`]), and expected
//! answers from the instructor's reference ([`oracle`]). Every child process
//! goes through [`process`].
//! [`check`] is the student's self-check around one grading; [`batch`] runs
//! many gradings for a whole class and writes its gradebook.

pub mod assignment;
pub mod author;
pub mod batch;
pub mod build;
pub mod cases;
pub mod check;
pub mod link;
pub mod oracle;
pub mod plan;
pub mod prebuilt;
pub mod process;
pub mod report;
pub mod rng;
pub mod run;
pub mod score;
pub mod shuttle_deps;
pub mod source;
pub mod stage;
pub mod submission;
pub mod values;

use std::time::{Duration, Instant};

use anyhow::Result;

use assignment::Assignment;
use build::BuildOutcome;
use report::Report;
use submission::Submission;

/// `print!` for the grader's own output. A reader that stops reading
/// (`grader grade … | head`) ends the output quietly, where `print!` would
/// panic; any other failure to write is said on stderr and ends the grader
/// with exit code 2.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::write_stdout(format_args!($($arg)*))
    };
}

/// `println!` for the grader's own output, as [`out!`].
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

#[doc(hidden)]
pub fn write_stdout(text: std::fmt::Arguments) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(error) => {
            eprintln!("error: cannot write to stdout: {error}");
            std::process::exit(2);
        }
    }
}

#[derive(Default)]
pub struct Options {
    /// Reproduce an earlier grading; a fresh seed is drawn without it.
    pub seed: Option<u64>,
    /// Overrides the spec's per-test time limit.
    pub timeout_secs: Option<f64>,
    /// Run only the tests of these kinds; empty runs them all.
    pub only: Vec<assignment::Kind>,
    /// How many tests run side by side; `run::AT_ONCE` without it. A batch
    /// grading several students at once gives each a share.
    pub tests_at_once: Option<usize>,
    /// Called once when the grading has nothing left to do but wait for
    /// hung tests to reach their time limit: a batch then starts the next
    /// student instead of leaving a core idle.
    pub waiting: Option<std::sync::Arc<dyn Fn() + Send + Sync>>,
}

/// One race test's failing schedule, as a report's replay command gives it.
pub struct Replay {
    pub test: String,
    pub schedule: String,
}

/// Grades one submission. An error here is the grader's or the caller's
/// (a scratch folder that cannot be made, rustc missing), never the
/// submission's: whatever the submission does ends up in the report.
pub fn grade(assignment: &Assignment, submission: &Submission, options: &Options) -> Result<Report> {
    grade_plan(assignment, submission, options, None)
}

/// Runs one race test under a recorded schedule: the same way of failing,
/// every time, on the student's own machine.
pub fn replay(assignment: &Assignment, submission: &Submission, options: &Options, replay: &Replay) -> Result<Report> {
    grade_plan(assignment, submission, options, Some(replay))
}

fn grade_plan(assignment: &Assignment, submission: &Submission, options: &Options, replay: Option<&Replay>) -> Result<Report> {
    let started = Instant::now();
    let seed = options.seed.unwrap_or_else(rng::Rng::fresh_seed);
    let limits = &assignment.spec.limits;
    let timeout = Duration::from_secs_f64(options.timeout_secs.unwrap_or(limits.timeout_secs));
    // Whether the race build is needed is known from the spec alone.
    let races = replay.is_some()
        || (assignment.spec.groups.iter().any(|group| group.kind == assignment::Kind::Race && !group.cases.is_empty())
            && (options.only.is_empty() || options.only.contains(&assignment::Kind::Race)));
    let plan_tests = || -> Result<Vec<plan::PlannedTest>> {
        let planning = Instant::now();
        let plan = planned(assignment, seed, options)?;
        tracing::debug!(ms = planning.elapsed().as_millis() as u64, "planned");
        match replay {
            Some(replay) => only_replayed(plan, replay),
            None => Ok(plan),
        }
    };
    // One budget for every process of this grading, builds and tests alike.
    let budget = process::session::Budget::new(limits.grading_memory_bytes, limits.grading_tasks);
    let build_it = || -> Result<(stage::Staged, build::Build)> {
        let staged = stage::stage(submission, &assignment.signature, races)?;
        let build = build::build(&staged, &assignment.signature, assignment.reference.as_deref(), limits, &budget)?;
        Ok((staged, build))
    };
    // The plan (inputs and the reference's answers) is made while the
    // submission builds: neither needs the other. A replay names its test,
    // so that name is checked before anything is built.
    let (plan, (staged, build)) = if replay.is_some() {
        let plan = plan_tests()?;
        (plan, build_it()?)
    } else {
        std::thread::scope(|scope| -> Result<_> {
            let planning = scope.spawn(plan_tests);
            let built = build_it();
            let plan = planning.join().map_err(|_| anyhow::anyhow!("the grader failed while planning the tests"))??;
            Ok((plan, built?))
        })?
    };
    tracing::debug!(ms = build.duration.as_millis() as u64, "built");
    let mut notes = process::sandbox_notes();
    notes.extend(build.note.clone());
    let mut review = Vec::new();
    let unsafe_uses = source::unsafe_uses(submission);
    if !unsafe_uses.is_empty() {
        review.push(format!(
            "it uses `unsafe`, behind which a data race is invisible to the race tests: {}",
            unsafe_uses.join("; ")
        ));
    }
    let outcomes = match &build.outcome {
        BuildOutcome::Built { harness, race, program } => {
            if let Some(Err(why)) = race {
                notes.push(format!(
                    "The race tests ran on real threads only ({} times as many runs): {why}.",
                    run::FALLBACK_REPEATS
                ));
                review.push(format!(
                    "its race tests could not run under the controlled scheduler, and real threads rarely show a \
                     race: {why}"
                ));
            }
            let session = process::Session::start(&run::session_spec(&staged, limits), std::sync::Arc::clone(&budget))?;
            let settings = run::RunSettings {
                harness,
                race_harness: race.as_ref().and_then(|race| race.as_deref().ok()),
                program: program.as_ref().map(|program| program.as_deref().map_err(String::as_str)),
                session: &session,
                limits: run::test_limits(limits, timeout, budget.caps_memory()),
                at_once: options.tests_at_once.unwrap_or(run::AT_ONCE).clamp(1, run::AT_ONCE),
                waiting: options.waiting.as_deref(),
            };
            run::run_tests(&plan, &settings)
        }
        BuildOutcome::Failed { .. } => Vec::new(),
    };
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        cpu_ms = process::cpu_used().as_millis() as u64,
        tests = plan.len(),
        "ran"
    );
    Ok(score::score(score::Grading {
        assignment,
        submission: submission.origin.display().to_string(),
        seed,
        build: &build,
        plan: &plan,
        outcomes,
        started,
        timeout,
        notes,
        review,
    }))
}

/// The tests a grading with `options` runs: the seed's plan, its race tests
/// held to `--timeout`, and only the kinds `--only` names.
fn planned(assignment: &Assignment, seed: u64, options: &Options) -> Result<Vec<plan::PlannedTest>> {
    let mut plan = plan::plan_shared(assignment, seed)?;
    if let Some(secs) = options.timeout_secs {
        for test in &mut plan {
            if let plan::Check::Explore { race, .. } | plan::Check::Repeat { race, .. } = &mut test.check {
                race.timeout_secs = race.timeout_secs.min(secs);
            }
        }
    }
    if !options.only.is_empty() {
        plan.retain(|test| options.only.contains(&test.kind));
    }
    Ok(plan)
}

/// The report for a submission there is nothing to grade in (a folder
/// without `src/main.rs`, a file that is not Rust source): graded as a build
/// that failed for `reason`, every test unrun and worth nothing. Platforms
/// that record a grade (GitHub Classroom, Gradescope) and CI jobs that read
/// JUnit then get a zero with the reason, rather than nothing.
pub fn nothing_to_grade(assignment: &Assignment, submission: &str, reason: &str, options: &Options) -> Result<Report> {
    let started = Instant::now();
    let seed = options.seed.unwrap_or_else(rng::Rng::fresh_seed);
    let plan = planned(assignment, seed, options)?;
    let build = build::Build {
        // The reason names the student's files: their text, shown inert.
        outcome: BuildOutcome::Failed {
            message: format!("There is nothing to grade: {}.", report::text::student_text(reason, report::text::MESSAGE_BYTES)),
        },
        log: String::new(),
        duration: Duration::ZERO,
        edition: String::new(),
        note: None,
    };
    Ok(score::score(score::Grading {
        assignment,
        submission: submission.to_string(),
        seed,
        build: &build,
        plan: &plan,
        outcomes: Vec::new(),
        started,
        timeout: Duration::from_secs_f64(options.timeout_secs.unwrap_or(assignment.spec.limits.timeout_secs)),
        notes: Vec::new(),
        review: Vec::new(),
    }))
}

/// The one race test a replay runs, with the schedule to follow.
fn only_replayed(plan: Vec<plan::PlannedTest>, replay: &Replay) -> Result<Vec<plan::PlannedTest>> {
    let names: Vec<String> = plan
        .iter()
        .filter(|test| matches!(test.check, plan::Check::Explore { .. }))
        .map(|test| test.name.clone())
        .collect();
    let Some(mut test) = plan.into_iter().find(|test| test.name == replay.test) else {
        anyhow::bail!("no race test is called `{}`: replay one of {}", replay.test, names.join(", "));
    };
    match &mut test.check {
        plan::Check::Explore { replay: schedule, .. } => *schedule = Some(replay.schedule.clone()),
        _ => anyhow::bail!("`{}` is not a schedule test: replay one of {}", replay.test, names.join(", ")),
    }
    Ok(vec![test])
}
