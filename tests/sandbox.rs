//! The hostile corpus (`tests/hostile/`), graded by the real `grader` binary
//! with `--sandbox required`: nothing a submission does may escape. No file
//! written outside the scratch folder, no connection made, no secret of the
//! grader's environment in a report, memory and threads stopped at their
//! limits with a status that names them, no process left behind, no workflow
//! command a GitHub Actions runner would execute, and the grader's own memory
//! flat throughout.

mod support;

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::{grader_command, repo, rss_kb, run_watched, sandbox_available};

/// The grader's own resident memory must stay under this whatever the student does.
const GRADER_RSS_KB: u64 = 200 * 1024;


struct Graded {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// The grader's largest resident set seen while it ran.
    peak_rss_kb: u64,
}

impl Graded {
    fn report(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| panic!("no JSON report ({error}): {}", self.stderr))
    }

    fn tests(&self) -> Vec<serde_json::Value> {
        self.report()["tests"].as_array().expect("the report lists its tests").clone()
    }
}

fn hostile(name: &str) -> PathBuf {
    repo().join("tests").join("hostile").join(format!("{name}.rs"))
}

/// Grades `submission` sandboxed, watching the grader's memory as it runs.
fn grade(submission: &Path, extra: &[&str], env: &[(&str, &str)]) -> Graded {
    let mut command = grader_command();
    command
        .args(["--sandbox", "required", "grade", "parallel_sum"])
        .arg(submission)
        .args(["--seed", "7", "--audience", "staff"])
        .args(extra);
    for (name, value) in env {
        command.env(name, value);
    }
    let mut peak_rss_kb = 0;
    let watched = run_watched(command, Duration::from_secs(120), |pid| peak_rss_kb = peak_rss_kb.max(rss_kb(pid)));
    assert!(!watched.killed, "the grader hung");
    Graded { code: watched.code, stdout: watched.stdout, stderr: watched.stderr, elapsed: watched.elapsed, peak_rss_kb }
}

fn json<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    args
}

/// The tests' statuses and messages, for assertions that say what came back.
fn outcomes(graded: &Graded) -> Vec<(String, String)> {
    graded
        .tests()
        .iter()
        .map(|test| (test["status"].as_str().unwrap_or_default().to_string(), test["message"].as_str().unwrap_or_default().to_string()))
        .collect()
}

/// Every test of the grading has status `limit`, naming `which`.
fn assert_stopped_at(graded: &Graded, which: &str) {
    let outcomes = outcomes(graded);
    assert!(!outcomes.is_empty(), "no tests: {}", graded.stderr);
    assert!(outcomes.iter().all(|(status, message)| status == "limit" && message.contains(which)), "{which}: {outcomes:?}");
}

#[test]
fn writes_outside_the_scratch_folder_never_land() {
    if !sandbox_available() {
        return;
    }
    let targets = [PathBuf::from("/tmp/grader_hostile_escaped"), PathBuf::from("/root/grader_hostile_escaped")];
    for target in &targets {
        let _ = std::fs::remove_file(target);
    }
    let graded = grade(&hostile("write_outside"), &json(&["--only", "example,output"]), &[]);
    assert!(graded.code <= 1, "{}", graded.stderr);
    for target in &targets {
        assert!(!target.exists(), "{} was written from inside the sandbox", target.display());
    }
}

#[test]
fn no_connection_reaches_loopback() {
    if !sandbox_available() {
        return;
    }
    let Ok(listener) = std::net::TcpListener::bind("127.0.0.1:47813") else {
        eprintln!("SKIPPED: port 47813 is taken");
        return;
    };
    listener.set_nonblocking(true).expect("a listener can be non-blocking");
    let graded = grade(&hostile("connect_loopback"), &json(&["--only", "example,output"]), &[]);
    assert!(graded.code <= 1, "{}", graded.stderr);
    match listener.accept() {
        Err(error) if error.kind() == ErrorKind::WouldBlock => {}
        other => panic!("the submission connected to 127.0.0.1:47813: {other:?}"),
    }
}

#[test]
fn the_graders_environment_never_reaches_a_report() {
    if !sandbox_available() {
        return;
    }
    let secret = "ghp_sandboxTestSecret0123456789";
    let graded = grade(&hostile("print_environment"), &json(&["--only", "example,output"]), &[("GRADER_TEST_TOKEN", secret)]);
    assert!(graded.stdout.contains("PATH"), "the submission's dump is in the report: {}", graded.stdout);
    assert!(!graded.stdout.contains(secret), "the secret leaked: {}", graded.stdout);
    assert!(!graded.stdout.contains("GRADER_TEST_TOKEN"), "{}", graded.stdout);
    assert!(!graded.stdout.contains("HOME"), "{}", graded.stdout);
}

#[test]
fn a_root_grader_runs_student_code_as_nobody() {
    if !sandbox_available() {
        return;
    }
    // SAFETY: getuid only reads the calling process's user id.
    if unsafe { libc::getuid() } != 0 {
        eprintln!("SKIPPED: the grader is not running as root here");
        return;
    }
    let graded = grade(&hostile("report_identity"), &json(&["--only", "example"]), &[]);
    let outcomes = outcomes(&graded);
    assert!(!outcomes.is_empty(), "{}", graded.stderr);
    for (_, message) in &outcomes {
        // The uid outside the namespace is the one the kernel checks rights against.
        assert!(message.contains("identity [65534] outside [65534]"), "{message}");
    }
}

#[test]
fn a_file_outside_the_submission_cannot_be_compiled_in() {
    if !sandbox_available() {
        return;
    }
    let secret_file = Path::new("/tmp/grader_sandbox_secret.txt");
    let secret = "ssh-rsa AAAAsandboxTestKey";
    std::fs::write(secret_file, secret).expect("the test can write its secret");
    let graded = grade(&hostile("include_secret"), &json(&[]), &[]);
    let report = graded.report();
    assert_eq!(report["build"]["status"], "failed", "{}", graded.stdout);
    assert!(!graded.stdout.contains(secret), "the secret was compiled in: {}", graded.stdout);
}

#[test]
fn memory_is_stopped_at_its_limit_and_named() {
    if !sandbox_available() {
        return;
    }
    for (name, timeout) in [("allocate_64_gib", "5"), ("allocate_growing", "30")] {
        let graded = grade(&hostile(name), &json(&["--only", "output", "--timeout", timeout]), &[]);
        assert_stopped_at(&graded, "memory limit");
        assert!(graded.peak_rss_kb < GRADER_RSS_KB, "{name}: the grader grew to {} KiB", graded.peak_rss_kb);
    }
}

#[test]
fn thirty_thousand_threads_are_stopped_at_the_thread_limit() {
    if !sandbox_available() {
        return;
    }
    let graded = grade(&hostile("spawn_30000_threads"), &json(&["--only", "example,output"]), &[]);
    assert_stopped_at(&graded, "limit on threads and processes");
    let report = graded.report();
    for test in report["tests"].as_array().expect("tests") {
        if let Some(spawned) = test["spawned_threads"].as_u64() {
            assert!(spawned <= 512, "{spawned} threads were started");
        }
    }
}

#[test]
fn a_flood_of_output_is_stopped_and_the_grader_stays_small() {
    if !sandbox_available() {
        return;
    }
    let graded = grade(&hostile("flood_output"), &json(&["--only", "example,output"]), &[]);
    assert_stopped_at(&graded, "output limit");
    assert!(graded.elapsed < Duration::from_secs(30), "flooding took {:?}", graded.elapsed);
    assert!(graded.peak_rss_kb < GRADER_RSS_KB, "the grader grew to {} KiB", graded.peak_rss_kb);
}

#[test]
fn processes_started_by_a_test_do_not_outlive_its_timeout() {
    if !sandbox_available() {
        return;
    }
    // A copy with a sleep length of its own, so that no other run's sleeps are counted.
    let marker = format!("77.{}", std::process::id());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let submission = dir.path().join("outlive_timeout.rs");
    let source = std::fs::read_to_string(hostile("outlive_timeout")).expect("the hostile file is readable");
    std::fs::write(&submission, source.replace("77.25", &marker)).expect("the copy is written");
    let graded = grade(&submission, &json(&["--only", "example,output", "--timeout", "2"]), &[]);
    let outcomes = outcomes(&graded);
    assert!(outcomes.iter().all(|(status, _)| status == "timeout"), "{outcomes:?}");
    assert!(graded.elapsed < Duration::from_secs(30), "grading took {:?}", graded.elapsed);
    let survivors = processes_with_argument(&marker);
    assert!(survivors.is_empty(), "processes outlived the timeout: {survivors:?}");
}

/// A test that stops or kills the process that forked it (the harness's
/// fork server) costs nothing: every test still passes, and the grading
/// does not wait a server's silence out more than once.
#[test]
fn a_test_that_stops_or_kills_its_parent_costs_nothing() {
    if !sandbox_available() {
        return;
    }
    let source = std::fs::read_to_string(hostile("signal_the_parent")).expect("the hostile file is readable");
    for signal in ["STOP", "KILL"] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let submission = dir.path().join("signal_the_parent.rs");
        std::fs::write(&submission, source.replace("SIGNAL_NAME", signal)).expect("the copy is written");
        let graded = grade(&submission, &json(&["--only", "example,correctness"]), &[]);
        let outcomes = outcomes(&graded);
        assert!(outcomes.len() > 10, "{signal}: {outcomes:?}");
        assert!(outcomes.iter().all(|(status, _)| status == "passed"), "{signal}: {outcomes:?}");
        assert!(graded.elapsed < Duration::from_secs(30), "{signal}: grading took {:?}", graded.elapsed);
    }
}

fn processes_with_argument(argument: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|entry| std::fs::read(entry.path().join("cmdline")).ok())
        .map(|cmdline| String::from_utf8_lossy(&cmdline).replace('\0', " "))
        .filter(|cmdline| cmdline.split_whitespace().any(|word| word == argument))
        .collect()
}

#[test]
fn forged_reports_and_workflow_commands_earn_nothing_and_stay_inert() {
    if !sandbox_available() {
        return;
    }
    let only = ["--only", "example,correctness,output"];
    let graded = grade(&hostile("forge_report"), &json(&only), &[]);
    assert_eq!(graded.report()["score"], 0.0, "{}", graded.stdout);
    let human = grade(&hostile("forge_report"), &only, &[("GITHUB_ACTIONS", "true")]);
    assert!(human.stdout.contains("Points 100/100"), "the forged text is shown: {}", human.stdout);
    for line in human.stdout.lines().chain(human.stderr.lines()) {
        let content = line.trim_start();
        assert!(!content.starts_with("::") && !content.starts_with("##["), "a live workflow command: {line}");
    }
    // The JUnit and Classroom outputs carry the same messages.
    for format in ["junit", "classroom"] {
        let rendered = grade(&hostile("forge_report"), &[&only[..], &["--format", format]].concat(), &[]);
        for line in rendered.stdout.lines() {
            assert!(!line.trim_start().starts_with("::"), "{format}: a live workflow command: {line}");
        }
    }
}

#[test]
fn required_without_bubblewrap_is_a_one_line_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args(["--sandbox", "required", "list"])
        .env("PATH", "/nonexistent")
        .output()
        .expect("the grader binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("bubblewrap"), "{stderr}");
}

#[test]
fn a_batch_needs_the_sandbox_unless_told_otherwise() {
    let class = tempfile::tempdir().expect("a temporary folder");
    std::fs::copy(repo().join("examples/parallel_sum.rs"), class.path().join("ada.rs")).expect("a copy");
    let out = class.path().join("out");
    // Without bubblewrap on PATH: refused, in one line that says what to do.
    let hidden = tempfile::tempdir().expect("a temporary folder");
    let refused = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args(["batch", "parallel_sum"])
        .arg(class.path())
        .arg("--out")
        .arg(&out)
        .env("PATH", hidden.path())
        .output()
        .expect("the grader binary runs");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("bubblewrap") && stderr.contains("--sandbox auto"), "{stderr}");
    assert!(!out.exists(), "a refused batch wrote {}", out.display());
    // `--sandbox off` is the TA's explicit choice, and the batch runs.
    let graded = grader_command()
        .args(["--sandbox", "off", "batch", "parallel_sum"])
        .arg(class.path())
        .arg("--out")
        .arg(&out)
        .args(["--seed", "1", "--timeout", "2"])
        .output()
        .expect("the grader binary runs");
    assert_eq!(graded.status.code(), Some(0), "{}", String::from_utf8_lossy(&graded.stderr));
    assert!(out.join("grades.csv").is_file());
}

#[test]
fn a_bwrap_refused_by_apparmor_is_named_with_its_remedies() {
    // A stand-in for bwrap on Ubuntu 24.04, which fails the way AppArmor makes it fail there.
    let folder = tempfile::tempdir().expect("a temporary folder");
    let fake = folder.path().join("bwrap");
    std::fs::write(&fake, "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n").expect("the stand-in is written");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("it is made executable");
    let output = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args(["--sandbox", "required", "list"])
        .env("PATH", folder.path())
        .output()
        .expect("the grader binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for part in ["AppArmor", "/etc/apparmor.d/bwrap", "userns,", "kernel.apparmor_restrict_unprivileged_userns=0", "--sandbox auto"] {
        assert!(stderr.contains(part), "{part:?} is missing: {stderr}");
    }
}
