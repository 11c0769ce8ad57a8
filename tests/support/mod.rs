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

/// A run of the grader that was watched while it ran.
pub struct Watched {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: std::time::Duration,
    /// It was still running at its deadline and was killed.
    pub killed: bool,
}

/// Runs `command` with piped output, calling `sample` with its pid every
/// 20 ms until it ends, or kills it at `deadline`.
pub fn run_watched(mut command: Command, deadline: std::time::Duration, mut sample: impl FnMut(u32)) -> Watched {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("the grader binary runs");
    let pid = child.id();
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let mut killed = false;
    loop {
        sample(pid);
        if child.try_wait().expect("the grader can be waited for").is_some() {
            break;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            killed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let code = child.wait().expect("the grader ends").code().unwrap_or(-1);
    Watched {
        code,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        elapsed: started.elapsed(),
        killed,
    }
}

/// The resident memory of process `pid`, in KiB (0 once it is gone).
pub fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|kb| kb.parse().ok()).unwrap_or(0)
}

/// Whether the README's list of what is not protected names `limit`, as
/// prose reads, whatever its line breaks.
pub fn readme_limit_named(limit: &str) -> Result<(), String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap_or_default();
    let limits = readme.split("What is **not** protected").nth(1).unwrap_or_default();
    let section = limits.split("\n## ").next().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    if section.contains(limit) { Ok(()) } else { Err(format!("the README's limits do not name {limit:?}")) }
}

/// The built-in assignments: every folder of `assignments/` with a spec, as
/// the grader's build script lists them.
pub fn assignments() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("assignments"))
        .expect("the assignments folder")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("assignment.yaml").is_file())
        .filter_map(|entry| entry.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    assert!(names.len() >= 3, "the catalog holds the three chapter exercises at least: {names:?}");
    names
}
