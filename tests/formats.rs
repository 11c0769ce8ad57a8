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

/// A grade step of the Classroom workflow, run as GitHub runs it: what it
/// printed to the job log, and the result it left in `$GITHUB_OUTPUT`,
/// decoded as the autograding reporter (v1) decodes it: base64, UTF-8, JSON.
struct ClassroomStep {
    code: i32,
    log: String,
    results: Value,
}

fn classroom_step(submission: &str) -> ClassroomStep {
    let step_output = tempfile::NamedTempFile::new().unwrap();
    let output = grader_command()
        .args(["grade", "parallel_sum", submission, "--seed", SEED, "--format", "classroom"])
        .env("GITHUB_OUTPUT", step_output.path())
        .output()
        .unwrap();
    let log = String::from_utf8(output.stdout).unwrap();
    let step = std::fs::read_to_string(step_output.path()).unwrap();
    let lines: Vec<&str> = step.lines().collect();
    assert_eq!(lines.len(), 1, "one output, `result`: {step}");
    let encoded = lines[0].strip_prefix("result=").expect("the step's `result` output");
    // The workflow hands it to the reporter as one environment value, which
    // Linux caps at 128 KiB with its name.
    assert!(encoded.len() + "GRADER_RESULTS=".len() < 128 * 1024, "{} bytes", encoded.len());
    assert!(!log.contains(encoded), "the job log is for the student, not base64");
    let json = base64::engine::general_purpose::STANDARD.decode(encoded).expect("base64");
    let results = serde_json::from_slice(&json).expect("JSON");
    ClassroomStep { code: output.status.code().unwrap_or(-1), log, results }
}

/// What the reporter makes of a result: the points it records (every
/// entry's score added left to right, in doubles), its console total (passed
/// entries ÷ entries × max_score, two decimals) and the lines it prints for
/// the entries: the name for a pass or a fail, the message for an error.
fn reporter_view(results: &Value) -> (f64, String, Vec<String>) {
    let tests = results["tests"].as_array().expect("tests[]");
    let recorded = tests.iter().fold(0.0, |sum, test| sum + test["score"].as_f64().expect("a numeric score"));
    let passed = tests.iter().filter(|test| test["status"] == "pass").count();
    let console = passed as f64 / tests.len() as f64 * results["max_score"].as_f64().expect("max_score");
    let lines = tests
        .iter()
        .map(|test| match test["status"].as_str() {
            Some("error") => test["message"].as_str().unwrap_or_default().to_string(),
            _ => test["name"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    (recorded, format!("{console:.2}"), lines)
}

#[test]
fn classroom_shows_the_student_report_and_records_the_score() {
    for_each_case(|case, graded| {
        let step = classroom_step(case.path);
        assert_eq!(step.code, graded.code, "{}", case.path);
        let results = &step.results;
        assert_eq!(results["version"], 1);
        assert_eq!(results["status"], case.status, "{}", case.path);
        assert_eq!(results["max_score"], graded.report["max_score"]);
        for test in results["tests"].as_array().unwrap() {
            for field in ["name", "message", "test_code", "filename"] {
                assert!(test[field].is_string(), "{} lacks {field}", test["name"]);
            }
            assert!(test["score"].is_number() && test["line_no"].is_u64() && test["duration"].is_u64(), "{test}");
            assert_eq!(test["filename"], case.path);
        }
        let (recorded, console, lines) = reporter_view(results);
        assert_eq!(recorded, score_of(graded), "{}: the points Classroom records", case.path);

        // The job log is the human report, ending with what Classroom records.
        let log = &step.log;
        assert!(log.starts_with("parallel_sum: Parallel sum"), "{log}");
        assert!(log.contains("\nScore: "), "{log}");
        assert!(log.contains(&format!("GitHub Classroom records {} of 100 points", score_of(graded))), "{log}");
        match case.status {
            "pass" => assert_eq!((lines.len(), console.as_str()), (graded.tests().len(), "100.00")),
            "fail" => {
                // Each failure's hint is in the log, where the reporter shows only names.
                for test in graded.tests().iter().filter(|test| test["status"] != "passed") {
                    let hint = test["hint"].as_str().unwrap_or_else(|| panic!("{} has a hint", test["name"]));
                    assert!(log.contains(hint), "{hint}\n{log}");
                }
                assert_ne!(console, format!("{recorded:.2}"), "this case shows the reporter's other total");
                assert!(log.contains(&format!("summary below shows {console} instead")), "{log}");
            }
            _ => {
                assert_eq!(lines.len(), 1, "one error for a failed build: {lines:?}");
                assert!(lines[0].contains("E0308") && log.contains("E0308"), "{lines:?}\n{log}");
                assert_eq!((recorded, console.as_str()), (0.0, "0.00"));
            }
        }
        check_with_the_published_reporter(results, recorded);
    });
}

#[test]
fn classroom_records_a_zero_with_the_reason_when_there_is_nothing_to_grade() {
    let empty = tempfile::tempdir().unwrap();
    let step = classroom_step(empty.path().to_str().unwrap());
    assert_eq!(step.code, 2, "still a usage error: {}", step.log);
    assert_eq!(step.results["status"], "error");
    let (recorded, console, lines) = reporter_view(&step.results);
    assert_eq!((recorded, console.as_str()), (0.0, "0.00"));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("There is nothing to grade: ") && lines[0].contains("no src/main.rs"), "{lines:?}");
    assert!(step.log.contains("There is nothing to grade") && step.log.contains("Score: 0 / 100"), "{}", step.log);
    check_with_the_published_reporter(&step.results, 0.0);
}

/// Runs the reporter's own published code on a result when
/// `GRADER_CLASSROOM_REPORTER` names its `dist/main.js` (from the `v1` tag of
/// classroom-resources/autograding-grading-reporter, which is not on any
/// package registry): its "Points X/Y" notice must record the grader's score.
fn check_with_the_published_reporter(results: &Value, recorded: f64) {
    let Some(script) = std::env::var_os("GRADER_CLASSROOM_REPORTER") else { return };
    let encoded = base64::engine::general_purpose::STANDARD.encode(results.to_string());
    let output = Command::new("node")
        .arg(&script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("INPUT_RUNNERS", "grader")
        .env("GRADER_RESULTS", encoded)
        .output()
        .expect("node runs the reporter");
    let printed = String::from_utf8_lossy(&output.stdout);
    let max_score = results["max_score"].as_f64().expect("max_score");
    let notice = format!("::notice title=Autograding complete::Points {recorded}/{max_score}");
    assert!(printed.contains(&notice), "{notice}\n{printed}");
}

/// Checks a results.json against Gradescope's autograder specification:
/// only the keys it defines, each of its type, statuses and visibilities
/// from its lists, and a score where Gradescope needs one.
fn assert_gradescope_spec(results: &Value) {
    const FORMATS: [&str; 5] = ["text", "html", "simple_format", "md", "ansi"];
    const VISIBILITIES: [&str; 4] = ["hidden", "after_due_date", "after_published", "visible"];
    let object = results.as_object().unwrap_or_else(|| panic!("results.json is an object: {results}"));
    for (key, value) in object {
        let fits = match key.as_str() {
            "score" | "execution_time" => value.is_number(),
            "output" => value.is_string(),
            "output_format" | "test_output_format" | "test_name_format" => FORMATS.contains(&value.as_str().unwrap_or("")),
            "visibility" | "stdout_visibility" => VISIBILITIES.contains(&value.as_str().unwrap_or("")),
            "extra_data" => value.is_object(),
            "tests" | "leaderboard" => value.is_array(),
            _ => false,
        };
        assert!(fits, "top-level `{key}` is not in the spec or not of its type: {value}");
    }
    let tests = results["tests"].as_array().map(Vec::as_slice).unwrap_or_default();
    assert!(results["score"].is_number() || tests.iter().all(|test| test["score"].is_number()), "a score is needed");
    for test in tests {
        for (key, value) in test.as_object().expect("a test is an object") {
            let fits = match key.as_str() {
                "score" | "max_score" => value.is_number(),
                "status" => ["passed", "failed"].contains(&value.as_str().unwrap_or("")),
                "name" | "number" | "output" => value.is_string(),
                "name_format" | "output_format" => FORMATS.contains(&value.as_str().unwrap_or("")),
                "visibility" => VISIBILITIES.contains(&value.as_str().unwrap_or("")),
                "tags" => value.as_array().is_some_and(|tags| tags.iter().all(Value::is_string)),
                "extra_data" => value.is_object(),
                _ => false,
            };
            assert!(fits, "test `{key}` is not in the spec or not of its type: {value}");
        }
    }
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
        assert_gradescope_spec(&results);
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
fn gradescope_run_autograder_grades_what_students_upload() {
    let script = repo().join("gradescope/run_autograder");
    let grader_dir = PathBuf::from(env!("CARGO_BIN_EXE_grader")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", grader_dir.display(), std::env::var("PATH").unwrap_or_default());
    let run = |assignment: &str, upload: &[(&str, &Path)]| -> Value {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("submission")).unwrap();
        for (name, from) in upload {
            let to = root.path().join("submission").join(name);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(from, to).unwrap();
        }
        let output = Command::new("bash")
            .arg(&script)
            .env("AUTOGRADER_ROOT", root.path())
            .env("ASSIGNMENT", assignment)
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let results = std::fs::read_to_string(root.path().join("results/results.json")).unwrap();
        let results = serde_json::from_str(&results).unwrap_or_else(|error| panic!("results.json is not JSON ({error}): {results}"));
        assert_gradescope_spec(&results);
        results
    };
    let reference = repo().join("assignments/parallel_sum/reference.rs");
    let partial = repo().join(PARTIAL.path);
    let broken = repo().join(ZERO.path);
    let helper = repo().join("examples/worker_pool_lost_jobs.rs");
    let output_of = |results: &Value| results["output"].as_str().unwrap_or_default().to_string();
    std::thread::scope(|scope| {
        // A lone file, whatever its name; and a project's src/.
        scope.spawn(|| assert_eq!(run("parallel_sum", &[("parallel_sum.rs", &reference)])["score"], 100.0));
        scope.spawn(|| assert_eq!(run("parallel_sum", &[("src/main.rs", &reference)])["score"], 100.0));
        // Several files: the one defining `parallel_sum` is graded.
        scope.spawn(|| {
            let results = run("parallel_sum", &[("other.rs", &helper), ("sum.rs", &partial)]);
            let score = results["score"].as_f64().unwrap();
            assert!(score > 0.0 && score < 100.0, "{results}");
        });
        scope.spawn(|| {
            let results = run("parallel_sum", &[("main.rs", &broken)]);
            assert_eq!(results["score"], 0.0);
            assert!(output_of(&results).contains("E0308"), "{results}");
        });
        // Nothing to grade: a zero, and the grader's own words on what to upload.
        scope.spawn(|| {
            let nothing = run("parallel_sum", &[]);
            assert_eq!(nothing["score"], 0.0);
            assert!(output_of(&nothing).contains("There is nothing to grade") && output_of(&nothing).contains("no src/main.rs"), "{nothing}");
            assert!(!nothing["tests"].as_array().unwrap().is_empty(), "the tests are listed, each worth 0");
        });
        // The grader cannot run at all: the fallback, written by jq, says so.
        // Gradescope's image gets jq from setup.sh and CI from .ci/run; a
        // laptop with only Rust skips this one case.
        let jq = Command::new("jq").arg("--version").output().is_ok_and(|output| output.status.success());
        if !jq {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true and jq is missing: .ci/run installs it");
            eprintln!("skipped: run_autograder's fallback results need jq, which is not installed here");
            return;
        }
        scope.spawn(|| {
            let failed = run("no_such_assignment\"\\\n", &[("main.rs", &reference)]);
            assert_eq!(failed["score"], 0);
            let output = output_of(&failed);
            assert!(output.contains("could not run (exit status 2)") && output.contains("unknown assignment"), "{failed}");
        });
    });
}
