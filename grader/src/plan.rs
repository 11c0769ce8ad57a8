//! The test plan: every test a grading runs, with its expected result already
//! computed by the grader.
//!
//! Built from the assignment's spec and the seed alone, before anything of the
//! student's runs, so the same seed always plans the same tests with the same
//! inputs. Each case marked `across_thread_counts` becomes one test per
//! thread count; a group's points are shared evenly by its tests. The
//! arguments come from the case's generators ([`crate::cases`]), the expected
//! answers from the reference solution ([`crate::oracle`]), and the thread
//! bounds from the spec's thread rule.

use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};

use crate::assignment::{AtMost, Assignment, CaseSpec, Group, Kind, RaceSettings, Visibility};
use crate::cases::{Made, Making};
use crate::rng::Rng;
use crate::values::{Compare, Signature, Type, Value};

#[derive(Clone)]
pub struct PlannedTest {
    /// `correctness/remainder/threads=8`, `output/program`, …
    pub name: String,
    pub kind: Kind,
    pub visibility: Visibility,
    pub max_score: f64,
    pub hint: String,
    /// " with 8 threads", " on 8 rows" or nothing: the setting messages refer to.
    pub setting: String,
    pub check: Check,
}

#[derive(Clone)]
pub enum Check {
    /// Call the function once with a generated case.
    Call(PlannedCase),
    /// Run the program's `fn main` and compare what it prints.
    Program { expected_stdout: String },
    /// Call the function under shuttle's schedulers, looking for an
    /// interleaving that breaks it.
    Explore { case: PlannedCase, race: RaceSettings, seed: u64, replay: Option<String> },
    /// Call the function many times on real threads.
    Repeat { case: PlannedCase, race: RaceSettings },
}

impl PlannedTest {
    pub fn case(&self) -> Option<&PlannedCase> {
        match &self.check {
            Check::Call(case) | Check::Explore { case, .. } | Check::Repeat { case, .. } => Some(case),
            Check::Program { .. } => None,
        }
    }

    pub fn threads(&self) -> Option<usize> {
        self.case().and_then(|case| case.threads)
    }
}

/// How many threads a correct submission may spawn for one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ThreadBounds {
    pub at_least: u64,
    pub at_most: u64,
}

impl ThreadBounds {
    pub fn allows(&self, spawned: u64) -> bool {
        (self.at_least..=self.at_most).contains(&spawned)
    }
}

/// One generated case, ready to send and to judge.
#[derive(Clone)]
pub struct PlannedCase {
    /// The function's arguments, encoded in order; shared, not copied, by
    /// the tests and the gradings that use the same case.
    pub args: Arc<[u8]>,
    /// The expected answer, encoded: the reference solution's.
    pub expected: Arc<[u8]>,
    /// The thread count the function is given, if it takes one.
    pub threads: Option<usize>,
    pub bounds: ThreadBounds,
    /// The input in a few words, for staff reports.
    pub summary: String,
}

pub enum Comparison {
    Same,
    Different { expected: Vec<String>, actual: Vec<String> },
    /// The test sent back bytes that are not an answer of the right type.
    Unreadable,
}

impl Assignment {
    /// An answer against the expected one, as the spec compares them, with
    /// both one item a line where they differ.
    pub fn compare(&self, expected: &[u8], actual: &[u8]) -> Comparison {
        let ty = self.signature.answer();
        let (Some(expected), Some(actual)) = (Value::decode(&ty, expected), Value::decode(&ty, actual)) else {
            return Comparison::Unreadable;
        };
        if self.spec.answer.same(&expected, &actual) {
            return Comparison::Same;
        }
        // Shown as compared: a multiset or sorted answer in sorted order.
        let shown = |value: &Value| match self.spec.answer {
            Compare::Exact => value.clone(),
            Compare::Multiset => value.as_multiset(),
            Compare::Sorted => value.sorted(),
        };
        let (expected, actual) = (shown(&expected), shown(&actual));
        Comparison::Different { expected: answer_lines(&self.signature, &expected), actual: answer_lines(&self.signature, &actual) }
    }

    /// How test names and messages call the thread counts.
    pub fn count_label(&self) -> &str {
        self.spec.threads.as_ref().and_then(|rule| rule.label.as_deref()).unwrap_or("threads")
    }
}

/// An answer one item a line; an answer of several parts (the returned value
/// and each `&mut` argument) part by part, each under its name.
fn answer_lines(signature: &Signature, answer: &Value) -> Vec<String> {
    let parts = signature.answer_parts();
    match answer {
        Value::Tuple(values) if parts.len() > 1 => parts
            .iter()
            .zip(values)
            .flat_map(|(part, value)| std::iter::once(format!("{part}:")).chain(value.lines().into_iter().map(|line| format!("  {line}"))))
            .collect(),
        value => value.lines(),
    }
}

/// The names of the tests `assignment` plans, in order, without making any input.
pub fn names(assignment: &Assignment) -> Vec<String> {
    let mut names = Vec::new();
    for group in &assignment.spec.groups {
        let kind = kind_name(group.kind);
        if group.kind == Kind::Output {
            names.push(format!("{kind}/program"));
        }
        for case in &group.cases {
            let mut real = Vec::new();
            for count in assignment.spec.counts_of(group, case) {
                let name = test_name(assignment, group, case, count);
                if group.kind == Kind::Race {
                    real.push(real_thread_name(&name, case));
                }
                names.push(name);
            }
            names.append(&mut real);
        }
    }
    names
}

fn test_name(assignment: &Assignment, group: &Group, case: &CaseSpec, count: Option<usize>) -> String {
    let kind = kind_name(group.kind);
    match count {
        Some(count) => format!("{kind}/{}/{}={count}", case.name, assignment.count_label()),
        None => format!("{kind}/{}", case.name),
    }
}

fn real_thread_name(name: &str, case: &CaseSpec) -> String {
    name.replacen(&format!("/{}", case.name), &format!("/{}-real", case.name), 1)
}

/// A case's arguments at one thread count, made and encoded, with what the
/// thread rule allows for them.
fn make_case(assignment: &Assignment, case: &CaseSpec, seed: u64, count: usize) -> Result<PlannedCase> {
    let signature = &assignment.signature;
    let mut rng = Rng::for_case(seed, &case.name, count);
    let mut making = Making { rng: &mut rng, threads: count };
    // The arguments as one tuple, encoded field by field as they are made.
    let mut args = Vec::new();
    let made: Vec<Made> = signature
        .params
        .iter()
        .zip(&case.gens)
        .map(|(param, generator)| {
            generator.make_encoded(&param.ty, &mut making, &mut args).with_context(|| format!("argument `{}`", param.name))
        })
        .collect::<Result<_>>()?;
    let named = |name: &Option<String>| name.as_ref().and_then(|name| signature.param(name)).map(|(index, _)| &made[index]);
    let rule = assignment.spec.threads.as_ref();
    let given = rule.and_then(|rule| named(&rule.count)).and_then(|made| made.int).map(|count| count.max(0) as usize);
    let items = rule.and_then(|rule| named(&rule.shared)).and_then(|made| made.items);
    let bounds = match rule {
        None => ThreadBounds { at_least: 0, at_most: u64::MAX },
        Some(rule) => {
            // What the threads share, and how many may share it: parallel
            // (at least 2) when both are 2 or more.
            let share = given.or(items).unwrap_or(0);
            let at_least = if share >= 2 && items.unwrap_or(share) >= 2 { 2 } else { 0 };
            let at_most = match rule.at_most {
                AtMost::Given => given.unwrap_or(1).max(1) as u64,
                AtMost::Items => items.unwrap_or(1).max(1) as u64,
                AtMost::Any => u64::MAX,
            };
            ThreadBounds { at_least, at_most }
        }
    };
    let summary = signature
        .params
        .iter()
        .zip(&made)
        .map(|(param, made)| format!("{}: {}", param.name, made.summary))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(PlannedCase { args: args.into(), expected: Arc::from([]), threads: given, bounds, summary })
}

/// The plan of `assignment` at `seed`, made once for all the gradings that
/// share them: every student of a batch gets the same inputs, so the inputs
/// are generated and the reference asked once, not once a student. Only the
/// last plan is kept; its inputs are shared, never copied, by the gradings.
pub fn plan_shared(assignment: &Assignment, seed: u64) -> Result<Vec<PlannedTest>> {
    type Key = (String, String, Option<String>, u64);
    static LAST: Mutex<Option<(Key, Vec<PlannedTest>)>> = Mutex::new(None);
    let key: Key = (assignment.name.clone(), assignment.spec_text.clone(), assignment.reference.clone(), seed);
    // Held while planning, so that parallel gradings wait for one plan
    // instead of each making its own.
    let mut last = LAST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((known, tests)) = last.as_ref()
        && *known == key
    {
        return Ok(tests.clone());
    }
    let tests = plan(assignment, seed)?;
    *last = Some((key, tests.clone()));
    Ok(tests)
}

pub fn plan(assignment: &Assignment, seed: u64) -> Result<Vec<PlannedTest>> {
    let label = assignment.count_label().to_string();
    let mut tests = Vec::new();
    for group in &assignment.spec.groups {
        let first = tests.len();
        let kind_name = kind_name(group.kind);
        if group.kind == Kind::Output {
            tests.push(PlannedTest {
                name: format!("{kind_name}/program"),
                kind: group.kind,
                visibility: group.visibility,
                max_score: 0.0,
                hint: group.hint.clone().unwrap_or_default(),
                setting: String::new(),
                check: Check::Program { expected_stdout: group.expected_stdout.clone().unwrap_or_default() },
            });
        }
        for case in &group.cases {
            // A race case's real-thread tests follow all of its schedule tests.
            let mut real_thread_tests = Vec::new();
            for count in assignment.spec.counts_of(group, case) {
                let name = test_name(assignment, group, case, count);
                let across = count.is_some();
                let count = count.unwrap_or(0);
                let planned = make_case(assignment, case, seed, count)
                    .with_context(|| format!("the spec's case `{}` cannot make its input (with {count} {label})", case.name))?;
                let setting = match planned.threads {
                    Some(1) => " with 1 thread".to_string(),
                    Some(threads) => format!(" with {threads} threads"),
                    None if across && count == 1 => format!(" on 1 {}", label.trim_end_matches('s')),
                    None if across => format!(" on {count} {label}"),
                    None => String::new(),
                };
                let test = |name: String, check: Check| PlannedTest {
                    name,
                    kind: group.kind,
                    visibility: group.visibility,
                    max_score: 0.0,
                    hint: case.hint.clone(),
                    setting: setting.clone(),
                    check,
                };
                if group.kind == Kind::Race {
                    // The same small case twice: under shuttle's schedulers, and
                    // repeated on real threads.
                    let race = group.race.clone().unwrap_or_default();
                    let repeat = Check::Repeat { case: planned.clone(), race: race.clone() };
                    let real_name = real_thread_name(&name, case);
                    tests.push(test(name, Check::Explore { case: planned, race, seed, replay: None }));
                    real_thread_tests.push(test(real_name, repeat));
                } else {
                    tests.push(test(name, Check::Call(planned)));
                }
            }
            tests.append(&mut real_thread_tests);
        }
        // Rounded shares, the last test taking what rounding left over, so the
        // tests' points add up to the group's exactly.
        let count = tests.len() - first;
        let share = round_points(group.points / count.max(1) as f64);
        for (index, test) in tests[first..].iter_mut().enumerate() {
            test.max_score = if index + 1 == count { round_points(group.points - share * (count - 1) as f64) } else { share };
        }
    }
    expect_the_references_answers(assignment, &mut tests)?;
    Ok(tests)
}

/// Fills in every case's expected answer: the reference solution's, asked
/// once for all of them.
fn expect_the_references_answers(assignment: &Assignment, tests: &mut [PlannedTest]) -> Result<()> {
    let reference = assignment.reference.as_deref().with_context(|| {
        format!("the assignment `{}` has no reference.rs: the grader's expected answers are its answers", assignment.name)
    })?;
    let cases: Vec<Arc<[u8]>> = tests.iter().filter_map(|test| test.case()).map(|case| Arc::clone(&case.args)).collect();
    let answers = crate::oracle::answers(reference, &assignment.signature, &cases)?;
    let mut answers = answers.into_iter();
    for test in tests.iter_mut() {
        if let Check::Call(case) | Check::Explore { case, .. } | Check::Repeat { case, .. } = &mut test.check {
            case.expected = answers.next().context("an answer for every case")?.into();
            // A reference that answers something else than the signature says is the spec's fault.
            if Value::decode(&assignment.signature.answer(), &case.expected).is_none() {
                anyhow::bail!("the reference solution's answer to `{}` is not a {}", test.name, type_name(&assignment.signature.answer()));
            }
        }
    }
    Ok(())
}

fn type_name(ty: &Type) -> String {
    ty.rust()
}

/// Points to four decimals: enough for any split, short enough to read.
pub fn round_points(points: f64) -> f64 {
    (points * 10_000.0).round() / 10_000.0
}

pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Example => "example",
        Kind::Correctness => "correctness",
        Kind::Parallelism => "parallelism",
        Kind::Output => "output",
        Kind::Race => "race",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::Catalog;

    #[test]
    fn gradings_at_one_seed_share_one_plan_and_a_new_seed_plans_again() {
        let assignment = Catalog::BuiltIn.load("parallel_sum").unwrap();
        let inputs = |tests: &[PlannedTest]| -> Vec<Arc<[u8]>> { tests.iter().filter_map(PlannedTest::case).map(|case| Arc::clone(&case.args)).collect() };
        let first = inputs(&plan_shared(&assignment, 7).unwrap());
        let again = inputs(&plan_shared(&assignment, 7).unwrap());
        // The same bytes in memory: the second grading made nothing.
        assert!(first.iter().zip(&again).all(|(one, other)| Arc::ptr_eq(one, other)));
        let other = inputs(&plan_shared(&assignment, 8).unwrap());
        assert_ne!(first, other);
        assert_eq!(first, inputs(&plan(&assignment, 7).unwrap()), "a shared plan is the plan");
    }

    #[test]
    fn the_same_seed_plans_the_same_tests_and_points_add_up() {
        for assignment in Catalog::BuiltIn.load_all().unwrap() {
            let first = plan(&assignment, 42).unwrap();
            let again = plan(&assignment, 42).unwrap();
            let other = plan(&assignment, 43).unwrap();
            let args = |tests: &[PlannedTest]| -> Vec<Vec<u8>> {
                tests
                    .iter()
                    .filter_map(|test| match &test.check {
                        Check::Program { .. } => None,
                        _ => test.case().map(|case| case.args.to_vec()),
                    })
                    .collect()
            };
            assert_eq!(args(&first), args(&again));
            assert_ne!(args(&first), args(&other));
            let total: f64 = first.iter().map(|test| test.max_score).sum();
            assert!((total - assignment.max_score()).abs() < 1e-9, "{total}");
            let names: std::collections::BTreeSet<_> = first.iter().map(|test| &test.name).collect();
            assert_eq!(names.len(), first.len(), "test names are unique");
            assert_eq!(super::names(&assignment), first.iter().map(|test| test.name.clone()).collect::<Vec<_>>());
            // Every expected answer is the reference's, and decodes as the signature's answer.
            assert!(first.iter().filter_map(PlannedTest::case).all(|case| !case.expected.is_empty() || assignment.signature.returns.is_none()));
            for count in [1, 2, 3, 4, 8, 16, 64] {
                assert!(first.iter().any(|test| test.name.ends_with(&format!("={count}"))));
            }
        }
    }
}
