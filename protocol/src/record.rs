//! What a test process and the grader say to each other: the mode and race
//! case the grader sends on the process's stdin, and the one record the
//! harness writes on its result channel (file descriptor 3).
//!
//! A record is a claim made by a process that links student code, so it
//! carries nothing the grader would have to believe to give points: answers,
//! which the grader compares with expected values that never leave the
//! grader, and failures (a panic, a deadlock), which only ever cost points.
//! Thread counts are not in it: the supervisor observes them.

use crate::wire::Wire;

/// What a test process is to do. It comes first on stdin, not on the command
/// line, where the student's code could read it in `/proc/self/cmdline` or
/// `std::env::args` and behave differently when it is being watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Call the function once with the arguments that follow.
    Call,
    /// Run the program's own `fn main`.
    Program,
    /// Explore schedules under shuttle with the [`RaceCase`] that follows.
    Explore,
    /// Call the function again and again on real threads ([`RaceCase`]).
    Repeat,
}

impl Wire for Mode {
    fn put(&self, out: &mut Vec<u8>) {
        let tag: u8 = match self {
            Mode::Call => b'c',
            Mode::Program => b'p',
            Mode::Explore => b'e',
            Mode::Repeat => b'r',
        };
        tag.put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        Some(match u8::take(input)? {
            b'c' => Mode::Call,
            b'p' => Mode::Program,
            b'e' => Mode::Explore,
            b'r' => Mode::Repeat,
            _ => return None,
        })
    }
}

/// How a race run ended when it did not simply return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    Panic,
    Deadlock,
    /// Past the step bound: an endless loop or a livelock.
    Endless,
    /// A replayed schedule that does not fit the code: it changed since.
    StaleSchedule,
}

/// One distinct answer seen across a race test's runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub value: Vec<u8>,
    /// Runs that returned it.
    pub count: u64,
    /// The scheduler of its first run: "random", "PCT", "replay" or "real threads".
    pub scheduler: String,
    /// The schedule of its first run, for `grader replay`; empty on real threads.
    pub schedule: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub kind: FailureKind,
    pub scheduler: String,
    pub message: String,
    pub schedule: String,
}

/// What a race test saw: every distinct answer, and the first failure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RaceReport {
    /// Runs that returned an answer.
    pub runs: u64,
    pub answers: Vec<Answer>,
    /// Runs whose answer was none of the kept ones (past [`KEPT_ANSWERS`]).
    pub unkept: u64,
    pub failure: Option<Failure>,
}

/// Distinct answers a race report keeps; a run with yet another one is counted in `unkept`.
pub const KEPT_ANSWERS: usize = 16;

impl RaceReport {
    /// Counts one run's answer, keeping it with `schedule` if it is new and
    /// there is room for it.
    pub fn count(&mut self, value: Vec<u8>, scheduler: &str, schedule: impl FnOnce() -> String) {
        self.runs += 1;
        if let Some(seen) = self.answers.iter_mut().find(|seen| seen.value == value) {
            seen.count += 1;
        } else if self.answers.len() < KEPT_ANSWERS {
            self.answers.push(Answer { value, count: 1, scheduler: scheduler.to_string(), schedule: schedule() });
        } else {
            self.unkept += 1;
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// The function returned this answer, encoded.
    Returned(Vec<u8>),
    /// The function panicked with this message.
    Panicked(String),
    /// The program test found no `fn main`.
    NoMain,
    /// The harness could not read its case: a grader bug, never the student's.
    BadCase(String),
    Race(RaceReport),
}

/// What the grader sends a race test on its stdin.
#[derive(Debug, Clone, PartialEq)]
pub struct RaceCase {
    /// The function's arguments, encoded.
    pub args: Vec<u8>,
    /// Runs of each scheduler, or real-thread runs.
    pub iterations: u64,
    pub pct_depth: u64,
    pub seed: u64,
    /// Replay this schedule instead of exploring.
    pub schedule: String,
    /// Real-thread runs stop once this many milliseconds have passed, short
    /// of `iterations` if need be, so that correct code that is slow to run
    /// (polling with timeouts, say) finishes within the test's time limit. 0: no limit.
    pub budget_ms: u64,
}

impl Wire for FailureKind {
    fn put(&self, out: &mut Vec<u8>) {
        let tag: u8 = match self {
            FailureKind::Panic => 1,
            FailureKind::Deadlock => 2,
            FailureKind::Endless => 3,
            FailureKind::StaleSchedule => 4,
        };
        tag.put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        Some(match u8::take(input)? {
            1 => FailureKind::Panic,
            2 => FailureKind::Deadlock,
            3 => FailureKind::Endless,
            4 => FailureKind::StaleSchedule,
            _ => return None,
        })
    }
}

impl Wire for Answer {
    fn put(&self, out: &mut Vec<u8>) {
        self.value.put(out);
        self.count.put(out);
        self.scheduler.put(out);
        self.schedule.put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        Some(Answer { value: Vec::take(input)?, count: u64::take(input)?, scheduler: String::take(input)?, schedule: String::take(input)? })
    }
}

impl Wire for Failure {
    fn put(&self, out: &mut Vec<u8>) {
        self.kind.put(out);
        self.scheduler.put(out);
        self.message.put(out);
        self.schedule.put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        Some(Failure {
            kind: FailureKind::take(input)?,
            scheduler: String::take(input)?,
            message: String::take(input)?,
            schedule: String::take(input)?,
        })
    }
}

impl Wire for RaceReport {
    fn put(&self, out: &mut Vec<u8>) {
        self.runs.put(out);
        self.answers.put(out);
        self.unkept.put(out);
        self.failure.put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        Some(RaceReport {
            runs: u64::take(input)?,
            answers: Vec::take(input)?,
            unkept: u64::take(input)?,
            // Spelled out: `Option` has a `take` of its own.
            failure: <Option<Failure> as Wire>::take(input)?,
        })
    }
}

impl Wire for Record {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Record::Returned(answer) => {
                b'R'.put(out);
                answer.put(out);
            }
            Record::Panicked(message) => {
                b'P'.put(out);
                message.put(out);
            }
            Record::NoMain => b'N'.put(out),
            Record::BadCase(why) => {
                b'I'.put(out);
                why.put(out);
            }
            Record::Race(report) => {
                b'X'.put(out);
                report.put(out);
            }
        }
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        Some(match u8::take(input)? {
            b'R' => Record::Returned(Vec::take(input)?),
            b'P' => Record::Panicked(String::take(input)?),
            b'N' => Record::NoMain,
            b'I' => Record::BadCase(String::take(input)?),
            b'X' => Record::Race(RaceReport::take(input)?),
            _ => return None,
        })
    }
}

impl Wire for RaceCase {
    fn put(&self, out: &mut Vec<u8>) {
        self.args.put(out);
        self.iterations.put(out);
        self.pct_depth.put(out);
        self.seed.put(out);
        self.schedule.put(out);
        self.budget_ms.put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        Some(RaceCase {
            args: Vec::take(input)?,
            iterations: u64::take(input)?,
            pct_depth: u64::take(input)?,
            seed: u64::take(input)?,
            schedule: String::take(input)?,
            budget_ms: u64::take(input)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::tests::round_trips as round_trip;
    use crate::wire::{decode, encode};

    fn failure(kind: FailureKind) -> Failure {
        Failure { kind, scheduler: "PCT".into(), message: "deadlock! blocked tasks: [main]".into(), schedule: "91a2".into() }
    }

    fn race_report() -> RaceReport {
        RaceReport {
            runs: 2000,
            answers: vec![
                Answer { value: vec![1, 0, 0, 0], count: 1999, scheduler: "random".into(), schedule: "0f".into() },
                Answer { value: vec![], count: 1, scheduler: "real threads".into(), schedule: String::new() },
            ],
            unkept: 3,
            failure: Some(failure(FailureKind::Endless)),
        }
    }

    #[test]
    fn every_mode_round_trips_as_one_letter() {
        for (mode, letter) in [(Mode::Call, b'c'), (Mode::Program, b'p'), (Mode::Explore, b'e'), (Mode::Repeat, b'r')] {
            assert_eq!(encode(&mode), [letter]);
            round_trip(mode);
        }
        assert_eq!(decode::<Mode>(b"x"), None);
    }

    #[test]
    fn every_failure_kind_round_trips() {
        for kind in [FailureKind::Panic, FailureKind::Deadlock, FailureKind::Endless, FailureKind::StaleSchedule] {
            round_trip(kind);
            round_trip(failure(kind));
        }
        assert_eq!(decode::<FailureKind>(&[0]), None);
        assert_eq!(decode::<FailureKind>(&[5]), None);
    }

    #[test]
    fn answers_and_race_reports_round_trip() {
        for answer in race_report().answers {
            round_trip(answer);
        }
        round_trip(race_report());
        round_trip(RaceReport { failure: None, ..race_report() });
        round_trip(RaceReport::default());
    }

    #[test]
    fn every_record_round_trips() {
        for record in [
            Record::Returned(vec![7, 0, 0, 0, 0, 0, 0, 0]),
            Record::Returned(Vec::new()),
            Record::Panicked("thread 'main' panicked at src/main.rs:3:5: attempt to add with overflow".into()),
            Record::NoMain,
            Record::BadCase("the case does not match the contract".into()),
            Record::Race(race_report()),
        ] {
            round_trip(record);
        }
        assert_eq!(decode::<Record>(b"Z"), None);
    }

    #[test]
    fn race_cases_round_trip() {
        let exploring = RaceCase { args: vec![1, 2, 3], iterations: 1000, pct_depth: 3, seed: u64::MAX, schedule: String::new(), budget_ms: 0 };
        round_trip(exploring);
        round_trip(RaceCase { args: Vec::new(), iterations: 0, pct_depth: 0, seed: 0, schedule: "9102".into(), budget_ms: 5000 });
    }

    #[test]
    fn a_report_keeps_each_distinct_answer_once_up_to_its_limit() {
        let mut report = RaceReport::default();
        report.count(vec![1], "random", || "a".into());
        report.count(vec![1], "random", || unreachable!("a seen answer keeps its first schedule"));
        report.count(vec![2], "PCT", || "b".into());
        assert_eq!(report.runs, 3);
        assert_eq!(report.answers.len(), 2);
        assert_eq!((report.answers[0].count, report.answers[0].schedule.as_str()), (2, "a"));
        assert_eq!((report.answers[1].scheduler.as_str(), report.answers[1].schedule.as_str()), ("PCT", "b"));
        for value in 0..KEPT_ANSWERS as u8 + 5 {
            report.count(vec![100 + value], "random", String::new);
        }
        assert_eq!(report.answers.len(), KEPT_ANSWERS);
        assert_eq!(report.unkept, 7);
        assert_eq!(report.runs, 3 + KEPT_ANSWERS as u64 + 5);
    }
}
