//! Every submission in tests/corpus gets the verdict tests/corpus/verdicts.yaml
//! says it should, graded end to end through the `grader` binary.

mod support;

use std::collections::BTreeMap;

use serde::Deserialize;
use support::{grade_json, repo};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectation {
    path: String,
    assignment: String,
    #[allow(dead_code)]
    why: Option<String>,
    /// A bug the grader cannot catch, named in these words among the README's
    /// limits: the entry checks the README, not the grading.
    #[serde(default)]
    documented_limit: Option<String>,
    /// The grading must be marked for a person to look at; the points are not checked.
    #[serde(default)]
    review: bool,
    exit: i32,
    #[serde(default)]
    build: String,
    #[serde(default)]
    pass: Vec<String>,
    #[serde(default)]
    fail: BTreeMap<String, String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    build_log: Vec<String>,
    /// A logic race: checked 20 times over by tests/race.rs.
    #[serde(default)]
    #[allow(dead_code)]
    race_bug: bool,
}

/// Shorter than the specs' 5 s so the deadlocked submissions do not dominate the
/// suite; a correct submission's slowest test takes a few milliseconds.
const TIMEOUT: &str = "2";
const SEED: &str = "20261127";

fn check(expectation: &Expectation) -> Vec<String> {
    check_at(expectation, SEED)
}

fn check_at(expectation: &Expectation, seed: &str) -> Vec<String> {
    if let Some(limit) = &expectation.documented_limit {
        return support::readme_limit_named(limit).err().map(|why| format!("{}: {why}", expectation.path)).into_iter().collect();
    }
    let path = repo().join("tests/corpus").join(&expectation.path);
    let graded = grade_json(&expectation.assignment, &path, &["--seed", seed, "--timeout", TIMEOUT, "--audience", "staff"]);
    let mut problems = Vec::new();
    let mut expect = |ok: bool, what: String| {
        if !ok {
            problems.push(format!("{} (seed {seed}): {what}", expectation.path));
        }
    };
    let review = graded.report["review"].as_array().map_or(0, Vec::len);
    if expectation.review {
        expect(review > 0, "it is not marked for review".to_string());
        return problems;
    }
    // A correct submission needs no person to look at it.
    if expectation.exit == 0 {
        expect(review == 0, format!("a correct submission is marked for review: {}", graded.report["review"]));
    }
    expect(graded.code == expectation.exit, format!("exit {} instead of {}", graded.code, expectation.exit));
    let build = graded.report["build"]["status"].as_str().unwrap_or_default();
    expect(build == expectation.build, format!("build {build} instead of {}", expectation.build));
    let full = graded.report["score"] == graded.report["max_score"];
    expect(full == (expectation.exit == 0), format!("score {} of {}", graded.report["score"], graded.report["max_score"]));
    for group in &expectation.pass {
        let statuses = graded.statuses_in(group);
        expect(!statuses.is_empty() && statuses.iter().all(|status| status == "passed"), format!("{group}: {statuses:?}"));
    }
    for (group, status) in &expectation.fail {
        let statuses = graded.statuses_in(group);
        expect(statuses.contains(status), format!("{group} has no {status}: {statuses:?}"));
    }
    let build_text = format!(
        "{} {}",
        graded.report["build"]["message"].as_str().unwrap_or_default(),
        graded.report["build"]["log"].as_str().unwrap_or_default()
    );
    if let Some(message) = &expectation.message {
        let messages: Vec<&str> = graded.tests().iter().filter_map(|test| test["message"].as_str()).collect();
        let found = build_text.contains(message.as_str()) || messages.iter().any(|text| text.contains(message.as_str()));
        expect(found, format!("no message contains {message:?}"));
    }
    for needle in &expectation.build_log {
        expect(build_text.contains(needle.as_str()), format!("the build log lacks {needle:?}"));
    }
    if build == "failed" {
        let statuses: Vec<String> = graded.tests().iter().map(|test| test["status"].as_str().unwrap_or_default().to_string()).collect();
        expect(statuses.iter().all(|status| status == "skipped"), format!("a failed build still ran tests: {statuses:?}"));
        expect(graded.report["score"] == 0.0, "a failed build scored points".to_string());
    }
    problems
}

#[test]
fn every_corpus_submission_gets_its_expected_verdict() {
    let text = std::fs::read_to_string(repo().join("tests/corpus/verdicts.yaml")).expect("the verdicts file");
    let expectations: Vec<Expectation> = serde_norway::from_str(&text).expect("the verdicts file parses");
    assert!(expectations.len() >= 25, "the corpus holds at least 25 submissions");
    for assignment in support::assignments() {
        assert!(expectations.iter().any(|e| e.assignment == assignment && e.exit == 0));
        assert!(expectations.iter().any(|e| e.assignment == assignment && e.exit == 1));
    }

    let problems = support::in_parallel(&expectations, check);
    assert!(problems.is_empty(), "{} wrong verdicts:\n{}", problems.len(), problems.join("\n"));
}

/// Opt-in, slow: every submission graded at 20 fresh seeds (or
/// `GRADER_CORPUS_SEEDS` of them), each time with the verdict it should get.
/// `cargo test -p grader --release --test corpus -- --ignored` runs it.
#[test]
#[ignore]
fn every_corpus_submission_is_graded_right_at_fresh_seeds() {
    let text = std::fs::read_to_string(repo().join("tests/corpus/verdicts.yaml")).expect("the verdicts file");
    let expectations: Vec<Expectation> = serde_norway::from_str(&text).expect("the verdicts file parses");
    let count: u64 = std::env::var("GRADER_CORPUS_SEEDS").ok().and_then(|count| count.parse().ok()).unwrap_or(20);
    let first = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |since| since.as_secs());
    eprintln!("seeds {first} to {}", first + count - 1);
    let runs: Vec<(&Expectation, String)> =
        expectations.iter().flat_map(|expectation| (first..first + count).map(move |seed| (expectation, seed.to_string()))).collect();
    let problems = support::in_parallel(&runs, |(expectation, seed)| check_at(expectation, seed));
    assert!(problems.is_empty(), "{} wrong verdicts in {} gradings:\n{}", problems.len(), runs.len(), problems.join("\n"));
}
