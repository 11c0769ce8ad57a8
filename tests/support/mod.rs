//! Shared by the end-to-end tests: run the real `grader` binary and read its JSON report.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the grader crate sits in the repository").to_path_buf()
}

/// The `grader` binary, to run from the repository's root.
pub fn grader_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_grader"));
    command.current_dir(repo());
    command
}

pub fn grader(args: &[&str]) -> Output {
    grader_command().args(args).output().expect("the grader binary runs")
}

/// A finished grading: its exit code and its JSON report.
pub struct Graded {
    pub code: i32,
    pub report: serde_json::Value,
    pub stderr: String,
}

impl Graded {
    pub fn tests(&self) -> &Vec<serde_json::Value> {
        self.report["tests"].as_array().expect("the report lists its tests")
    }

    pub fn statuses_in(&self, group: &str) -> Vec<String> {
        self.tests()
            .iter()
            .filter(|test| test["name"].as_str().is_some_and(|name| name.starts_with(&format!("{group}/"))))
            .map(|test| test["status"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

pub fn grade_json(assignment: &str, submission: &Path, extra: &[&str]) -> Graded {
    let submission = submission.to_str().expect("test paths are UTF-8");
    let mut args = vec!["grade", assignment, submission, "--format", "json"];
    args.extend_from_slice(extra);
    let output = grader(&args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!("no JSON report for {submission} ({error}); stderr: {}", String::from_utf8_lossy(&output.stderr))
    });
    Graded {
        code: output.status.code().unwrap_or(-1),
        report,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `check` over `items`, two at a time (each grading already runs many
/// test processes), and collects what it complains about.
pub fn in_parallel<T: Sync>(items: &[T], check: impl Fn(&T) -> Vec<String> + Sync) -> Vec<String> {
    let problems = std::sync::Mutex::new(Vec::new());
    let next = std::sync::Mutex::new(items.iter());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while let Some(item) = next.lock().unwrap().next() {
                    let found = check(item);
                    problems.lock().unwrap().extend(found);
                }
            });
        }
    });
    problems.into_inner().unwrap()
}

/// Whether bubblewrap works here. Where it does not, a test that needs it
/// says so and returns early, except in CI (`CI=true`), where the security
/// tests must run: there a missing sandbox fails the test.
pub fn sandbox_available() -> bool {
    let output = grader_command().args(["--sandbox", "required", "list"]).output().expect("the grader binary runs");
    if output.status.success() {
        return true;
    }
    let why = String::from_utf8_lossy(&output.stderr);
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("CI=true and the sandbox is not available, so the security tests cannot run: {why}");
    }
    eprintln!("SKIPPED: bubblewrap is not available here: {why}");
    false
}
