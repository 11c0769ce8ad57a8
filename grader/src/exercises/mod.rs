//! The few lines of Rust each exercise needs beyond its spec: its case
//! generator and its expected-answer function.
//!
//! An exercise states its input and answer types once (the [`Contract`] trait)
//! and the rest of the grader sees it only through the type-erased [`Exercise`]
//! trait: encoded arguments to send, an encoded expected answer, and a
//! comparison. Expected answers are computed here, in the grader's own process,
//! never by anything the student's code can reach. Each exercise also names
//! the classes of input its spec's `covers:` may claim (zeros, one element,
//! …) with a test of membership, so that a claim is checked against the inputs
//! the generator really makes. Adding an exercise means a module here, one
//! line in [`find`], and a folder under `assignments/`.

mod parallel_sum;
mod row_maxima;
mod worker_pool;

use std::fmt::Debug;

use grader_protocol::{Wire, decode};

use crate::rng::Rng;

/// How many threads a correct submission may spawn for one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ThreadBounds {
    pub at_least: u64,
    pub at_most: u64,
}

impl ThreadBounds {
    /// Parallel when there is something to split (`at_least` 2 when both the
    /// thread count and the number of items are 2 or more), never more threads
    /// than the thread count allows (at least one).
    pub fn for_pool(threads: usize, items: usize) -> ThreadBounds {
        let at_least = if threads >= 2 && items >= 2 { 2 } else { 0 };
        ThreadBounds { at_least, at_most: threads.max(1) as u64 }
    }

    pub fn allows(&self, spawned: u64) -> bool {
        (self.at_least..=self.at_most).contains(&spawned)
    }
}

/// A class of inputs a spec's `covers:` may name, and the test of whether an
/// input belongs to it.
pub struct InputClass<I> {
    /// As the spec writes it: `zeros`, `one element`, `len % chunks == chunks - 1`.
    pub name: &'static str,
    pub holds: fn(&I) -> bool,
}

/// One generated case, ready to send and to judge.
#[derive(Clone)]
pub struct PlannedCase {
    /// The function's arguments, encoded in order.
    pub args: Vec<u8>,
    /// The expected answer, encoded.
    pub expected: Vec<u8>,
    /// The thread count the function is given, if it takes one.
    pub threads: Option<usize>,
    pub bounds: ThreadBounds,
    /// The input in a few words, for staff reports.
    pub summary: String,
}

pub enum Comparison {
    Same,
    Different { expected: Vec<String>, actual: Vec<String> },
    /// The harness sent back bytes that are not an answer of the right type.
    Unreadable,
}

/// An exercise as the grader sees it.
pub trait Exercise: Sync {
    fn case_names(&self) -> &'static [&'static str];
    /// Whether the function takes a thread count; otherwise the spec's thread
    /// counts stand for sizes (row counts).
    fn takes_thread_count(&self) -> bool;
    fn plan_case(&self, case: &str, count: usize, rng: &mut Rng) -> PlannedCase;
    /// The names a spec's `covers:` may use.
    fn input_class_names(&self) -> Vec<&'static str>;
    /// The classes that the input of `case` at `count` belongs to.
    fn input_classes(&self, case: &str, count: usize, rng: &mut Rng) -> Vec<&'static str>;
    fn compare(&self, expected: &[u8], actual: &[u8]) -> Comparison;
}

/// An exercise as its author writes it: typed input and answer.
pub trait Contract: Sync {
    /// The function's arguments, in order.
    type Input: Wire + Debug + 'static;
    type Output: Wire + Debug + PartialEq;
    /// The case names a spec may use.
    const CASES: &'static [&'static str];
    const TAKES_THREAD_COUNT: bool;
    /// The classes of input a case may claim to cover.
    const INPUT_CLASSES: &'static [InputClass<Self::Input>];
    /// The input of `case`; `count` is the thread count (or, for exercises
    /// without one, the size the spec's thread counts stand for).
    fn generate(case: &str, count: usize, rng: &mut Rng) -> Self::Input;
    fn expected_answer(input: &Self::Input) -> Self::Output;
    fn threads_given(input: &Self::Input) -> Option<usize>;
    fn allowed_threads(input: &Self::Input) -> ThreadBounds;
    fn describe(input: &Self::Input) -> String;
    /// The answer one item a line, so that a diff points at the wrong item.
    fn answer_lines(answer: &Self::Output) -> Vec<String>;
}

struct Typed<C>(std::marker::PhantomData<C>);

impl<C: Contract> Exercise for Typed<C> {
    fn case_names(&self) -> &'static [&'static str] {
        C::CASES
    }

    fn takes_thread_count(&self) -> bool {
        C::TAKES_THREAD_COUNT
    }

    fn plan_case(&self, case: &str, count: usize, rng: &mut Rng) -> PlannedCase {
        let input = C::generate(case, count, rng);
        let mut args = Vec::new();
        input.put(&mut args);
        let mut expected = Vec::new();
        C::expected_answer(&input).put(&mut expected);
        PlannedCase {
            args,
            expected,
            threads: C::threads_given(&input),
            bounds: C::allowed_threads(&input),
            summary: C::describe(&input),
        }
    }

    fn input_class_names(&self) -> Vec<&'static str> {
        C::INPUT_CLASSES.iter().map(|class| class.name).collect()
    }

    fn input_classes(&self, case: &str, count: usize, rng: &mut Rng) -> Vec<&'static str> {
        let input = C::generate(case, count, rng);
        C::INPUT_CLASSES.iter().filter(|class| (class.holds)(&input)).map(|class| class.name).collect()
    }

    fn compare(&self, expected: &[u8], actual: &[u8]) -> Comparison {
        let (Some(expected), Some(actual)) = (decode::<C::Output>(expected), decode::<C::Output>(actual)) else {
            return Comparison::Unreadable;
        };
        if expected == actual {
            Comparison::Same
        } else {
            Comparison::Different { expected: C::answer_lines(&expected), actual: C::answer_lines(&actual) }
        }
    }
}

pub fn find(name: &str) -> Option<&'static dyn Exercise> {
    match name {
        "parallel_sum" => Some(&Typed::<parallel_sum::ParallelSum>(std::marker::PhantomData)),
        "worker_pool" => Some(&Typed::<worker_pool::WorkerPool>(std::marker::PhantomData)),
        "row_maxima" => Some(&Typed::<row_maxima::RowMaxima>(std::marker::PhantomData)),
        _ => None,
    }
}

/// A list shortened for a one-line summary: `[3, 9, 12, … 4,997 more]`.
fn preview<T: Debug>(items: &[T]) -> String {
    const SHOWN: usize = 6;
    let shown: Vec<String> = items.iter().take(SHOWN).map(|item| format!("{item:?}")).collect();
    if items.len() > SHOWN {
        format!("[{}, … {} more]", shown.join(", "), items.len() - SHOWN)
    } else {
        format!("[{}]", shown.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_bounds() {
        assert_eq!(ThreadBounds::for_pool(0, 10), ThreadBounds { at_least: 0, at_most: 1 });
        assert_eq!(ThreadBounds::for_pool(8, 1), ThreadBounds { at_least: 0, at_most: 8 });
        assert_eq!(ThreadBounds::for_pool(8, 100), ThreadBounds { at_least: 2, at_most: 8 });
        assert!(!ThreadBounds::for_pool(4, 100).allows(1));
        assert!(!ThreadBounds::for_pool(4, 100).allows(5));
        assert!(ThreadBounds::for_pool(4, 100).allows(4));
    }

    #[test]
    fn every_case_of_every_exercise_plans_and_judges_its_own_answer_right() {
        for name in ["parallel_sum", "worker_pool", "row_maxima"] {
            let exercise = find(name).unwrap();
            for case in exercise.case_names() {
                for count in [0, 1, 2, 3, 64] {
                    let planned = exercise.plan_case(case, count, &mut Rng::for_case(5, case, count));
                    assert!(matches!(exercise.compare(&planned.expected, &planned.expected), Comparison::Same));
                    assert!(matches!(exercise.compare(&planned.expected, b"x"), Comparison::Unreadable));
                }
            }
        }
    }
}
