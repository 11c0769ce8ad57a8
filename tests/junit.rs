//! The JUnit report read by real consumers: `xmllint` checks every file
//! against `tests/junit/junit.xsd` (the rules of Jenkins' `junit-10.xsd`),
//! and Python's `junitparser` counts each file's cases the way a CI job does
//! and gates on them (`tests/junit/gate.py`). Five gradings: full marks,
//! points lost, a build failure, nothing to grade (an empty folder) and a
//! panic message full of characters XML forbids.
//!
//! `.ci/run` installs both tools. Elsewhere a missing tool skips its test
//! with a line saying so; under `CI=true` it fails the test instead.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use support::{grade_json, grader, repo};

const SEED: &str = "7";

/// A submission, how it is graded, and what its JUnit file must say.
struct Case {
    label: &'static str,
    /// None: an empty folder, which has nothing to grade.
    path: Option<&'static str>,
    extra: &'static [&'static str],
    /// Whether a gate that fails on failures and errors lets it through.
    passes_the_gate: bool,
}

const CASES: [Case; 5] = [
    Case { label: "full", path: Some("assignments/parallel_sum/reference.rs"), extra: &[], passes_the_gate: true },
    Case { label: "partial", path: Some("tests/corpus/parallel_sum/remainder_dropped.rs"), extra: &[], passes_the_gate: false },
    Case { label: "build-failure", path: Some("tests/corpus/parallel_sum/type_error.rs"), extra: &[], passes_the_gate: false },
    Case { label: "nothing-to-grade", path: None, extra: &[], passes_the_gate: false },
    Case {
        label: "forbidden-characters",
        path: Some("tests/hostile/panic_with_control_text.rs"),
        extra: &["--only", "example,output"],
        passes_the_gate: false,
    },
];

/// One case graded as JUnit into a file, with its exit status and, where
/// there is something to grade, the same grading as JSON.
struct Graded {
    case: &'static Case,
    file: PathBuf,
    code: Option<i32>,
    json: Option<Value>,
}

fn graded() -> &'static [Graded] {
    static GRADED: OnceLock<(tempfile::TempDir, Vec<Graded>)> = OnceLock::new();
    let (_, graded) = GRADED.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let empty = dir.path().join("empty-project");
        std::fs::create_dir(&empty).expect("an empty folder");
        let graded = std::thread::scope(|scope| {
            let gradings: Vec<_> = CASES
                .iter()
                .map(|case| {
                    let submission = case.path.map_or(empty.clone(), |path| repo().join(path));
                    let file = dir.path().join(format!("{}.xml", case.label));
                    scope.spawn(move || grade(case, &submission, file))
                })
                .collect();
            gradings.into_iter().map(|grading| grading.join().expect("a grading")).collect()
        });
        (dir, graded)
    });
    graded
}

fn grade(case: &'static Case, submission: &Path, file: PathBuf) -> Graded {
    let submission_arg = submission.to_str().expect("UTF-8 path");
    let mut args = vec!["grade", "parallel_sum", submission_arg, "--seed", SEED, "--audience", "staff"];
    args.extend_from_slice(case.extra);
    let mut junit_args = args.clone();
    junit_args.extend(["--format", "junit", "--output", file.to_str().expect("UTF-8 path")]);
    let output = grader(&junit_args);
    assert!(file.exists(), "{}: no JUnit file; stderr: {}", case.label, String::from_utf8_lossy(&output.stderr));
    let json = case.path.map(|_| grade_json("parallel_sum", submission, &args[3..]).report);
    Graded { case, file, code: output.status.code(), json }
}

/// Whether `program` runs here (`probe` is a cheap command line of it).
/// Missing, it skips the test, but fails it under CI=true, where `.ci/run`
/// installed it.
fn consumer_available(program: &str, probe: &[&str]) -> bool {
    let works = Command::new(program).args(probe).output().is_ok_and(|output| output.status.success());
    if !works {
        let how = "install libxml2-utils (xmllint) and `pip install junitparser`, as .ci/run does";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true and `{program} {}` fails: {how}", probe.join(" "));
        eprintln!("SKIPPED: `{program} {}` fails here: {how}", probe.join(" "));
    }
    works
}

fn schema() -> PathBuf {
    repo().join("tests/junit/junit.xsd")
}

/// `xmllint --schema` on `files`: whether all validate, and what it said.
fn validate(files: &[&Path]) -> (bool, String) {
    let output = Command::new("xmllint").arg("--noout").arg("--schema").arg(schema()).args(files).output().expect("xmllint runs");
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn every_junit_file_validates_against_the_schema() {
    if !consumer_available("xmllint", &["--version"]) {
        return;
    }
    let files: Vec<&Path> = graded().iter().map(|graded| graded.file.as_path()).collect();
    let (valid, said) = validate(&files);
    assert!(valid, "{said}");
    assert_eq!(said.matches(" validates").count(), CASES.len(), "{said}");

    // The schema is not a rubber stamp: what quick-junit wrote before, it refuses.
    let dir = tempfile::tempdir().expect("a scratch folder");
    let refused = [
        ("skipped-on-root.xml", r#"<testsuites skipped="0"><testsuite name="a" tests="0" failures="0" errors="0"/></testsuites>"#),
        (
            "case-properties.xml",
            r#"<testsuite name="a" tests="1" failures="0" errors="0"><testcase name="t"><properties/></testcase></testsuite>"#,
        ),
    ];
    for (name, xml) in refused {
        let file = dir.path().join(name);
        std::fs::write(&file, xml).expect("a scratch file");
        let (valid, said) = validate(&[&file]);
        assert!(!valid, "{name} should not validate: {said}");
    }
}

/// What `tests/junit/gate.py` counted in `file`, and whether it let it through.
fn gate(file: &Path) -> (Value, bool) {
    let output = Command::new("python3").arg(repo().join("tests/junit/gate.py")).arg(file).output().expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let counted = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!("junitparser could not read {}: {error}\n{}", file.display(), String::from_utf8_lossy(&output.stderr))
    });
    (counted, output.status.success())
}

#[test]
fn junitparser_counts_what_each_grading_came_to_and_the_gate_follows() {
    if !consumer_available("python3", &["-c", "import junitparser"]) {
        return;
    }
    for graded in graded() {
        let label = graded.case.label;
        let (counted, passed) = gate(&graded.file);
        assert_eq!(passed, graded.case.passes_the_gate, "{label}: the gate's verdict: {counted}");
        let count = |field: &str| counted[field].as_u64().unwrap_or_else(|| panic!("{label}: no {field} in {counted}"));
        // The suite's own counts agree with its cases.
        assert_eq!((count("suite_failures"), count("suite_errors")), (count("failures"), count("errors")), "{label}");
        let cases = counted["cases"].as_array().expect("cases");
        assert!(cases.iter().all(|case| case["classname"] == "parallel_sum"), "{label}: {counted}");
        match &graded.json {
            Some(json) if json["build"]["status"] == "ok" => {
                let tests = json["tests"].as_array().expect("tests");
                let with = |statuses: &[&str]| tests.iter().filter(|test| statuses.contains(&test["status"].as_str().unwrap_or(""))).count() as u64;
                assert_eq!(count("tests"), tests.len() as u64, "{label}");
                assert_eq!(count("passed"), with(&["passed"]), "{label}");
                assert_eq!(count("failures"), with(&["failed"]), "{label}");
                assert_eq!(count("errors"), with(&["panicked", "timeout", "crashed", "limit"]), "{label}");
                assert_eq!(count("skipped"), with(&["skipped"]), "{label}");
                let names: Vec<&Value> = cases.iter().map(|case| &case["name"]).collect();
                let expected: Vec<&Value> = tests.iter().map(|test| &test["name"]).collect();
                assert_eq!(names, expected, "{label}: named as in every other report");
            }
            // A failed build, or nothing to build: one `build` case in error, with the reason.
            _ => {
                assert_eq!((count("tests"), count("errors")), (1, 1), "{label}: {counted}");
                assert_eq!(cases[0]["name"], "build", "{label}");
                let message = cases[0]["message"].as_str().unwrap_or_default();
                let reason = if graded.json.is_some() { "E0308" } else { "has no src/main.rs or src/lib.rs" };
                assert!(message.contains(reason), "{label}: {message}");
            }
        }
    }
    let nothing = graded().iter().find(|graded| graded.json.is_none()).expect("the nothing-to-grade case");
    assert_eq!(nothing.code, Some(2), "nothing to grade still exits 2");
    let forged = graded().iter().find(|graded| graded.case.label == "forbidden-characters").expect("the forged case");
    let (counted, _) = gate(&forged.file);
    assert!(counted.to_string().contains(r"\\u{fffe}"), "U+FFFE shown as its escape: {counted}");
}

#[test]
fn each_case_carries_its_failure_or_error_with_the_diff() {
    for graded in graded() {
        let label = graded.case.label;
        let xml = std::fs::read_to_string(&graded.file).expect("a JUnit file");
        let document = roxmltree::Document::parse(&xml).unwrap_or_else(|error| panic!("{label}: not XML: {error}"));
        let suite = document.descendants().find(|node| node.has_tag_name("testsuite")).expect("a <testsuite>");
        assert_eq!(suite.attribute("name"), Some("parallel_sum"));
        let Some(json) = graded.json.as_ref().filter(|json| json["build"]["status"] == "ok") else { continue };
        let cases: Vec<_> = suite.children().filter(|node| node.has_tag_name("testcase")).collect();
        for (testcase, test) in cases.iter().zip(json["tests"].as_array().expect("tests")) {
            let problem = testcase.children().find(|node| node.has_tag_name("failure") || node.has_tag_name("error"));
            match test["status"].as_str().unwrap_or("") {
                "passed" | "skipped" => assert!(problem.is_none(), "{label}: {}", test["name"]),
                status => {
                    let problem = problem.unwrap_or_else(|| panic!("{label}: {} has no <failure> or <error>", test["name"]));
                    let tag = if status == "failed" { "failure" } else { "error" };
                    assert_eq!(problem.tag_name().name(), tag, "{label}: {}", test["name"]);
                    let message = test["message"].as_str().unwrap_or_default();
                    // A parser reads each line break in an attribute as a space; the
                    // element's text keeps the message as it is.
                    assert_eq!(problem.attribute("message"), Some(message.replace('\n', " ").as_str()), "{label}");
                    let text = problem.text().unwrap_or_default();
                    assert!(text.starts_with(message), "{label}: {text}");
                    if let Some(diff) = test["diff"].as_str() {
                        assert!(text.contains(diff.lines().last().unwrap_or_default()), "{label}: {text}");
                    }
                }
            }
        }
    }
}
