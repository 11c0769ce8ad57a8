//! The test plan: every test a grading runs, with its expected result already
//! computed by the grader.
//!
//! Built from the assignment's spec and the seed alone, before anything of the
//! student's runs, so the same seed always plans the same tests with the same
//! inputs. Each case marked `across_thread_counts` becomes one test per
//! thread count; a group's points are shared evenly by its tests.

use crate::assignment::{Assignment, Kind, RaceSettings, Visibility};
use crate::exercises::PlannedCase;
use crate::rng::Rng;

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

pub fn plan(assignment: &Assignment, seed: u64) -> Vec<PlannedTest> {
    let exercise = assignment.exercise;
    let label = if exercise.takes_thread_count() { "threads" } else { "rows" };
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
                let name = match count {
                    Some(count) => format!("{kind_name}/{}/{label}={count}", case.name),
                    None => format!("{kind_name}/{}", case.name),
                };
                let across = count.is_some();
                let count = count.unwrap_or(0);
                let planned = exercise.plan_case(&case.name, count, &mut Rng::for_case(seed, &case.name, count));
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
                    let real_name = name.replacen(&format!("/{}", case.name), &format!("/{}-real", case.name), 1);
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
    tests
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
    fn the_same_seed_plans_the_same_tests_and_points_add_up() {
        for assignment in Catalog::BuiltIn.load_all().unwrap() {
            let first = plan(&assignment, 42);
            let again = plan(&assignment, 42);
            let other = plan(&assignment, 43);
            let args = |tests: &[PlannedTest]| -> Vec<Vec<u8>> {
                tests
                    .iter()
                    .filter_map(|test| match &test.check {
                        Check::Program { .. } => None,
                        _ => test.case().map(|case| case.args.clone()),
                    })
                    .collect()
            };
            assert_eq!(args(&first), args(&again));
            assert_ne!(args(&first), args(&other));
            let total: f64 = first.iter().map(|test| test.max_score).sum();
            assert!((total - assignment.max_score()).abs() < 1e-9, "{total}");
            let names: std::collections::BTreeSet<_> = first.iter().map(|test| &test.name).collect();
            assert_eq!(names.len(), first.len(), "test names are unique");
            for count in [1, 2, 3, 4, 8, 16, 64] {
                assert!(first.iter().any(|test| test.name.ends_with(&format!("={count}"))));
            }
        }
    }
}
