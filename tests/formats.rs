//! The formats that carry a grading elsewhere (GitHub Classroom and
//! Gradescope; JUnit has `tests/junit.rs`), decoded and checked field by
//! field, and the student's self-check, `grader check`, run inside each
//! starter project.
//!
//! Each format is checked on a full-marks, a partial and a zero-score
//! submission, graded with the same seed as a `--format json` grading whose
//! scores they must agree with.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;
use support::{Graded, grade_json, grader, grader_command, repo};

const SEED: &str = "7";

/// A submission to grade in every format, and what its grading comes to.
struct Case {
    path: &'static str,
    /// The Classroom status of the whole run.
    status: &'static str,
}

const FULL: Case = Case { path: "assignments/parallel_sum/reference.rs", status: "pass" };
const PARTIAL: Case = Case { path: "tests/corpus/parallel_sum/remainder_dropped.rs", status: "fail" };
const ZERO: Case = Case { path: "tests/corpus/parallel_sum/type_error.rs", status: "error" };

const CASES: [&Case; 3] = [&FULL, &PARTIAL, &ZERO];

/// Each case's JSON report, graded once for all the tests here that compare with it.
fn json_reports() -> &'static [Graded] {
    static REPORTS: OnceLock<Vec<Graded>> = OnceLock::new();
    REPORTS.get_or_init(|| {
        std::thread::scope(|scope| {
            let gradings: Vec<_> = CASES
                .iter()
                .map(|case| scope.spawn(|| grade_json("parallel_sum", Path::new(case.path), &["--seed", SEED])))
                .collect();
            gradings.into_iter().map(|grading| grading.join().expect("a JSON grading")).collect()
        })
    })
}

/// Runs `check` on each case at once (each grading takes about a second),
/// with the case's JSON report to compare against.
fn for_each_case(check: impl Fn(&Case, &Graded) + Sync) {
    std::thread::scope(|scope| {
        for (case, graded) in CASES.into_iter().zip(json_reports()) {
            let check = &check;
            scope.spawn(move || check(case, graded));
        }
    });
}

fn stdout_of(args: &[&str]) -> String {
    let output = grader(args);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn score_of(graded: &Graded) -> f64 {
    graded.report["score"].as_f64().expect("a score")
}

#[test]
fn classroom_results_add_up_as_the_reporter_adds_them() {
    for_each_case(|case, graded| {
        let step_output = tempfile::NamedTempFile::new().unwrap();
        let output = grader_command()
            .args(["grade", "parallel_sum", case.path, "--seed", SEED, "--format", "classroom"])
            .env("GITHUB_OUTPUT", step_output.path())
            .output()
            .unwrap();
        let printed = String::from_utf8(output.stdout).unwrap();
        assert_eq!(output.status.code(), Some(graded.code), "{}", case.path);
        // The step's `result` output is the same base64 as printed, on a line of its own.
        let step = std::fs::read_to_string(step_output.path()).unwrap();
        assert_eq!(step, format!("result={}\n", printed.trim_end()), "{}", case.path);

        // What the reporter does: base64 → UTF-8 → JSON.
        let json = base64::engine::general_purpose::STANDARD.decode(printed.trim_end()).expect("base64");
        let results: Value = serde_json::from_slice(&json).expect("JSON");
        assert_eq!(results["version"], 1);
        assert_eq!(results["status"], case.status, "{}", case.path);
        assert_eq!(results["max_score"], graded.report["max_score"]);
        let tests = results["tests"].as_array().unwrap();
        for test in tests {
            for field in ["name", "message", "test_code", "filename"] {
                assert!(test[field].is_string(), "{} lacks {field}", test["name"]);
            }
            assert!(["pass", "fail", "error"].contains(&test["status"].as_str().unwrap()), "{test}");
            assert!(test["score"].is_number() && test["line_no"].is_u64() && test["duration"].is_u64(), "{test}");
            assert_eq!(test["filename"], case.path);
            assert!(test["test_code"].as_str().unwrap().starts_with("grader grade parallel_sum"));
        }
        // The reporter's points: tests[].score added left to right, in doubles.
        let points = tests.iter().fold(0.0, |sum, test| sum + test["score"].as_f64().unwrap());
        assert_eq!(points, score_of(graded), "{}", case.path);
        match case.status {
            "pass" => assert_eq!(points, 100.0),
            "fail" => assert!(points > 0.0 && points < 100.0, "{points}"),
            _ => {
                assert_eq!(points, 0.0);
                assert_eq!(tests[0]["name"], "build");
                assert!(tests[0]["message"].as_str().unwrap().contains("E0308"), "{}", tests[0]);
            }
        }
        if case.status != "error" {
            assert_eq!(tests.len(), graded.tests().len());
        }
    });
}

#[test]
fn gradescope_results_follow_the_autograder_format() {
    let dir = tempfile::tempdir().unwrap();
    for_each_case(|case, graded| {
        let file = dir.path().join(format!("{}.json", case.status));
        let file_arg = file.to_str().unwrap();
        let output = grader(&[
            "grade", "parallel_sum", case.path, "--seed", SEED, "--format", "gradescope", "--gradescope-hidden", "hidden",
            "--output", file_arg,
        ]);
        assert!(output.stdout.is_empty(), "--output writes the file only");
        let results: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).expect("JSON");
        assert_eq!(results["score"].as_f64(), Some(score_of(graded)));
        assert!(results["execution_time"].is_u64());
        assert!(results["output"].as_str().unwrap().contains("points"));
        let tests = results["tests"].as_array().unwrap();
        assert_eq!(tests.len(), graded.tests().len());
        for (test, json) in tests.iter().zip(graded.tests()) {
            assert_eq!(test["name"], json["name"]);
            assert_eq!(test["score"], json["score"]);
            assert_eq!(test["max_score"], json["max_score"]);
            assert!(test["output"].is_string());
            let passed = json["status"] == "passed";
            assert_eq!(test["status"], if passed { "passed" } else { "failed" });
            let visibility = if json["visibility"] == "hidden" { "hidden" } else { "visible" };
            assert_eq!(test["visibility"], visibility, "{}", test["name"]);
        }
        if case.status == "error" {
            assert!(results["output"].as_str().unwrap().contains("E0308"));
        }
    });
}

#[test]
fn gradescope_shows_hidden_tests_after_the_due_date_by_default() {
    let text = stdout_of(&["grade", "parallel_sum", PARTIAL.path, "--seed", SEED, "--format", "gradescope"]);
    let results: Value = serde_json::from_str(&text).unwrap();
    let visibilities: Vec<&str> = results["tests"].as_array().unwrap().iter().map(|test| test["visibility"].as_str().unwrap()).collect();
    assert!(visibilities.contains(&"after_due_date") && visibilities.contains(&"visible"), "{visibilities:?}");
    assert!(!visibilities.contains(&"hidden"));
}

/// Copies a starter project (the way a student gets it) into a scratch folder.
fn copy_of_starter(assignment: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let starter = repo().join("assignments").join(assignment).join("starter");
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::copy(starter.join("Cargo.toml"), dir.path().join("Cargo.toml")).unwrap();
    std::fs::copy(starter.join("src/main.rs"), dir.path().join("src/main.rs")).unwrap();
    dir
}

fn check_in(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_grader")).arg("check").args(extra).current_dir(dir).output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().unwrap_or(-1), text(output.stdout), text(output.stderr))
}

#[test]
fn check_works_inside_each_starter() {
    std::thread::scope(|scope| {
        for assignment in support::assignments() {
            scope.spawn(move || {
                let starter = repo().join("assignments").join(&assignment).join("starter");
                // From the project folder, and once from a folder inside it.
                let inside = (assignment == "parallel_sum").then(|| starter.join("src"));
                for dir in std::iter::once(starter.clone()).chain(inside) {
                    let (code, stdout, stderr) = check_in(&dir, &[]);
                    assert_eq!(code, 1, "{assignment}: {stderr}");
                    assert!(stdout.starts_with(&format!("{assignment}: ")), "{stdout}");
                    assert!(stdout.contains("Score: 0 / "), "{stdout}");
                    assert!(stdout.contains("Next: start with example/"), "{stdout}");
                    assert!(stdout.contains("grader check"), "{stdout}");
                    // At most a warning that the sandbox is missing, never an error.
                    assert!(!stderr.contains("error") && !stderr.contains("panicked"), "{stderr}");
                }
            });
        }
    });
}

#[test]
fn check_gives_full_marks_to_a_finished_project() {
    let project = copy_of_starter("row_maxima");
    std::fs::copy(repo().join("assignments/row_maxima/reference.rs"), project.path().join("src/main.rs")).unwrap();
    let (code, stdout, _) = check_in(project.path(), &["--seed", "3"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("Next: every test passes"), "{stdout}");
    assert!(stdout.contains("grader check --seed 3"), "{stdout}");
}

#[test]
fn check_outside_a_project_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    let (code, stdout, stderr) = check_in(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("[package.metadata.grader]"), "{stderr}");
}

/// Kills the watching grader however the test ends.
struct Watching(std::process::Child);

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn check_watch_grades_again_after_a_save() {
    let project = copy_of_starter("parallel_sum");
    let mut child = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args(["check", "--watch"])
        .current_dir(project.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _watching = Watching(child);
    let (lines, scores) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("Score: ") && lines.send(line).is_err() {
                return;
            }
        }
    });
    let next_score = || scores.recv_timeout(Duration::from_secs(60)).expect("a report within a minute");
    assert_eq!(next_score(), "Score: 0 / 100");
    let finished = std::fs::read_to_string(repo().join("assignments/parallel_sum/reference.rs")).unwrap();
    std::fs::write(project.path().join("src/main.rs"), finished).unwrap();
    assert_eq!(next_score(), "Score: 100 / 100");
}

#[test]
fn gradescope_run_autograder_grades_an_upload() {
    let script = repo().join("gradescope/run_autograder");
    let grader_dir = PathBuf::from(env!("CARGO_BIN_EXE_grader")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", grader_dir.display(), std::env::var("PATH").unwrap_or_default());
    let run = |upload: &[(&str, &Path)]| -> Value {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("submission")).unwrap();
        for (name, from) in upload {
            std::fs::copy(from, root.path().join("submission").join(name)).unwrap();
        }
        let output = Command::new("bash")
            .arg(&script)
            .env("AUTOGRADER_ROOT", root.path())
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let results = std::fs::read_to_string(root.path().join("results/results.json")).unwrap();
        serde_json::from_str(&results).unwrap_or_else(|error| panic!("results.json is not JSON ({error}): {results}"))
    };
    let reference = repo().join("assignments/parallel_sum/reference.rs");
    let full = run(&[("main.rs", &reference)]);
    assert_eq!(full["score"], 100.0);
    assert!(!full["tests"].as_array().unwrap().is_empty());
    let nothing = run(&[]);
    assert_eq!(nothing["score"], 0);
    assert!(nothing["output"].as_str().unwrap().contains("no src/main.rs"), "{nothing}");
}
