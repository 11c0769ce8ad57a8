//! The race modes of the harness.
//!
//! `explore` runs the student's function under shuttle's controlled
//! schedulers (the submission was compiled with `std::thread` and `std::sync`
//! redirected to shuttle, see shim.rs), first the random scheduler and then
//! PCT, recording every distinct answer with the schedule that first produced
//! it, and stops early only at a panic, a deadlock or a run past the step
//! bound; with a schedule given, it replays exactly that one. `repeat` calls
//! the function many times on real threads and counts its distinct answers.
//!
//! The harness does not know the expected answer and judges nothing: the
//! grader checks every answer it is sent. Schedules are recorded by wrapping
//! the scheduler, not written to files, so a race test writes nothing.

use grader_protocol::{Failure, FailureKind, RaceCase, RaceReport};

/// What shuttle's replay scheduler says when a schedule does not fit the run.
#[cfg(feature = "shuttle")]
const STALE_SCHEDULE: &[&str] = &[
    "invalid schedule",
    "schedule ended early",
    "scheduled task is not runnable",
    "next schedule step is",
];

/// What shuttle's PCT scheduler says of a run with no scheduling points at all.
#[cfg(feature = "shuttle")]
const NO_CONCURRENCY: &str = "did not exercise any concurrency";

/// Calls the function `case.iterations` times on real threads, or as many
/// times as fit in `case.budget_ms`.
pub fn repeat(case: &RaceCase, call: impl Fn(&[u8]) -> Option<Vec<u8>>, first_panic: impl Fn() -> Option<String>) -> RaceReport {
    let mut report = RaceReport::default();
    let started = std::time::Instant::now();
    let budget = std::time::Duration::from_millis(case.budget_ms);
    for _ in 0..case.iterations {
        if case.budget_ms > 0 && report.runs > 0 && started.elapsed() >= budget {
            break;
        }
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(&case.args))) {
            Ok(Some(answer)) => report.count(answer, "real threads", String::new),
            Ok(None) => break,
            Err(_) => {
                report.failure = Some(Failure {
                    kind: FailureKind::Panic,
                    scheduler: "real threads".to_string(),
                    message: first_panic().unwrap_or_default(),
                    schedule: String::new(),
                });
                break;
            }
        }
    }
    report
}

#[cfg(feature = "shuttle")]
pub use explore::explore;

#[cfg(feature = "shuttle")]
mod explore {
    use std::sync::{Arc, Mutex};

    use shuttle::scheduler::{PctScheduler, RandomScheduler, ReplayScheduler, Schedule, Scheduler, Task, TaskId};
    use shuttle::{Config, FailurePersistence, MaxSteps, Runner};
    use shuttle_engine::scheduler::serialization::serialize_schedule;

    use super::{Failure, FailureKind, NO_CONCURRENCY, RaceCase, RaceReport, STALE_SCHEDULE};
    use crate::Call;

    /// Steps (scheduling points) one run may take before it counts as an endless loop.
    const STEP_BOUND: usize = 200_000;

    /// One exploration's state, shared by the test closure and the scheduler.
    struct Exploration {
        scheduler: &'static str,
        /// The schedule of the run under way.
        current: Schedule,
        /// The answer of the run under way, once the function returned.
        answer: Option<Vec<u8>>,
        report: RaceReport,
    }

    impl Exploration {
        /// The run under way is over: count its answer with its whole schedule.
        fn complete(&mut self) {
            if let Some(answer) = self.answer.take() {
                let schedule = &self.current;
                self.report.count(answer, self.scheduler, || serialize_schedule(schedule));
            }
        }
    }

    /// A scheduler that records every decision of the one it wraps, so each
    /// run's schedule is known even when the run passes.
    struct Recording<S> {
        inner: S,
        shared: Arc<Mutex<Exploration>>,
    }

    impl<S: Scheduler> Scheduler for Recording<S> {
        fn new_execution(&mut self) -> Option<Schedule> {
            let schedule = self.inner.new_execution();
            if let Ok(mut shared) = self.shared.lock() {
                shared.complete();
                shared.current = schedule.clone().unwrap_or_default();
            }
            schedule
        }

        fn next_task(&mut self, runnable: &[&Task], current: Option<TaskId>, is_yielding: bool) -> Option<TaskId> {
            let next = self.inner.next_task(runnable, current, is_yielding)?;
            if let Ok(mut shared) = self.shared.lock() {
                shared.current.push_task(next);
            }
            Some(next)
        }

        fn next_u64(&mut self) -> u64 {
            if let Ok(mut shared) = self.shared.lock() {
                shared.current.push_random();
            }
            self.inner.next_u64()
        }
    }

    pub fn explore(
        case: &RaceCase,
        call: Call,
        reset_panic: fn(),
        first_panic: fn() -> Option<String>,
        last_panic: fn() -> Option<String>,
    ) -> RaceReport {
        let mut config = Config::new();
        // Student threads on shuttle's default 60 KiB stacks overflow on ordinary code.
        config.stack_size = 1024 * 1024;
        config.max_steps = MaxSteps::FailAfter(STEP_BOUND);
        config.failure_persistence = FailurePersistence::None;
        config.silence_warnings = true;

        let iterations = case.iterations as usize;
        let schedulers: Vec<(&'static str, Box<dyn Scheduler + Send>)> = if case.schedule.is_empty() {
            vec![
                ("random", Box::new(RandomScheduler::new_from_seed(case.seed, iterations))),
                ("PCT", Box::new(PctScheduler::new_from_seed(case.seed, case.pct_depth as usize, iterations))),
            ]
        } else {
            vec![("replay", Box::new(ReplayScheduler::new_from_encoded(&case.schedule)))]
        };
        let mut report = RaceReport::default();
        for (scheduler, inner) in schedulers {
            let shared = Arc::new(Mutex::new(Exploration {
                scheduler,
                current: Schedule::default(),
                answer: None,
                report: std::mem::take(&mut report),
            }));
            let test = {
                let shared = Arc::clone(&shared);
                let args = case.args.clone();
                move || {
                    reset_panic();
                    let answer = call(&args).expect("the case decodes");
                    if let Ok(mut shared) = shared.lock() {
                        shared.answer = Some(answer);
                    }
                }
            };
            let recording = Recording { inner, shared: Arc::clone(&shared) };
            let config = config.clone();
            let explored = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                Runner::new(recording, config).run(test);
            }));
            let mut shared = match shared.lock() {
                Ok(shared) => shared,
                Err(poisoned) => poisoned.into_inner(),
            };
            report = std::mem::take(&mut shared.report);
            if explored.is_ok() {
                continue;
            }
            // The first panic is the root cause (a worker's, before main's
            // unwrap of its join), unless the run ended on a verdict of
            // shuttle's own, which always comes last.
            let last = last_panic().unwrap_or_default();
            let first = first_panic().unwrap_or_else(|| "a panic".to_string());
            let shuttles = ["deadlock! blocked tasks", "max_steps", NO_CONCURRENCY];
            let message = if shuttles.iter().chain(STALE_SCHEDULE).any(|words| last.contains(words)) { last } else { first };
            if message.contains(NO_CONCURRENCY) {
                // Code that never reaches a scheduling point (sequential code,
                // or an input it does not split) has no interleavings for PCT
                // to choose from; the random scheduler has already run it.
                continue;
            }
            let kind = if scheduler == "replay" && STALE_SCHEDULE.iter().any(|words| message.contains(words)) {
                FailureKind::StaleSchedule
            } else if message.contains("deadlock! blocked tasks") {
                FailureKind::Deadlock
            } else if message.contains("max_steps") || message.contains("exceeded") && message.contains("steps") {
                FailureKind::Endless
            } else {
                FailureKind::Panic
            };
            report.failure = Some(Failure {
                kind,
                scheduler: scheduler.to_string(),
                message,
                schedule: serialize_schedule(&shared.current),
            });
            break;
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn case(iterations: u64, budget_ms: u64) -> RaceCase {
        RaceCase { args: vec![5], iterations, pct_depth: 0, seed: 0, schedule: String::new(), budget_ms }
    }

    #[test]
    fn repeat_counts_every_distinct_answer_of_its_runs() {
        let runs = Cell::new(0u8);
        let call = |args: &[u8]| {
            runs.set(runs.get() + 1);
            // A lost update, once in three runs.
            Some(vec![if runs.get().is_multiple_of(3) { args[0] - 1 } else { args[0] }])
        };
        let report = repeat(&case(30, 0), call, || None);
        assert_eq!(report.runs, 30);
        assert_eq!(report.failure, None);
        let counts: Vec<(Vec<u8>, u64, &str)> =
            report.answers.iter().map(|answer| (answer.value.clone(), answer.count, answer.scheduler.as_str())).collect();
        assert_eq!(counts, [(vec![5], 20, "real threads"), (vec![4], 10, "real threads")]);
    }

    #[test]
    fn repeat_stops_at_the_first_panic_with_its_message() {
        let runs = Cell::new(0);
        let call = |_: &[u8]| {
            runs.set(runs.get() + 1);
            if runs.get() == 4 { panic!("the fourth run") } else { Some(vec![1]) }
        };
        let report = repeat(&case(100, 0), call, || Some("thread 'worker' panicked: the fourth run".into()));
        assert_eq!((report.runs, runs.get()), (3, 4));
        let failure = report.failure.expect("the panic is the failure");
        assert_eq!(failure.kind, FailureKind::Panic);
        assert_eq!(failure.scheduler, "real threads");
        assert_eq!(failure.message, "thread 'worker' panicked: the fourth run");
    }

    #[test]
    fn repeat_stops_at_arguments_that_do_not_decode() {
        let report = repeat(&case(10, 0), |_: &[u8]| None, || None);
        assert_eq!(report, RaceReport::default());
    }

    #[test]
    fn repeat_stops_once_its_time_budget_is_spent_but_runs_at_least_once() {
        let slow = |_: &[u8]| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            Some(vec![0])
        };
        let report = repeat(&case(1000, 1), slow, || None);
        assert_eq!(report.runs, 1);
        assert_eq!(report.answers[0].count, 1);
    }
}
