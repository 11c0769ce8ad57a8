//! The `grader` command line end to end: usage errors, the report's shape,
//! audiences, reproducible seeds, and never reusing a stale build.

mod support;

use std::fs::{File, FileTimes};
use std::path::Path;
use std::time::{Duration, SystemTime};

use support::{grade_json, grader, repo, sandbox_available};

const REFERENCE_SUM: &str = "assignments/parallel_sum/reference.rs";

/// A usage error: exit 2, exactly one line on stderr, nothing on stdout, no panic.
fn assert_usage_error(args: &[&str], expected: &str) {
    let output = grader(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?} printed more than one line: {stderr}");
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_input_is_one_clear_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    std::fs::write(path("notes.txt"), "fn parallel_sum() {}").unwrap();
    std::fs::write(path("binary.rs"), [0x7f, b'E', b'L', b'F', 0, 0, 1]).unwrap();
    std::fs::write(path("huge.rs"), "// padding\n".repeat(500_000)).unwrap();
    std::fs::create_dir(path("empty_project")).unwrap();

    assert_usage_error(&["grade", "parallel_sum", &path("missing.rs")], "does not exist");
    assert_usage_error(&["grade", "parallel_sum", &path("notes.txt")], "is not a Rust source file");
    assert_usage_error(&["grade", "parallel_sum", &path("binary.rs")], "binary file");
    assert_usage_error(&["grade", "parallel_sum", &path("huge.rs")], "5.5 MB");
    assert_usage_error(&["grade", "parallel_sum", &path("empty_project")], "no src/main.rs or src/lib.rs");
    assert_usage_error(&["grade", "parallel_product", REFERENCE_SUM], "unknown assignment `parallel_product`");
    assert_usage_error(&["grade", "parallel_sum", REFERENCE_SUM, "--format", "xml"], "invalid value 'xml'");
    assert_usage_error(&["grade", "parallel_sum", REFERENCE_SUM, "--timeout", "0"], "not a number of seconds");
    assert_usage_error(&["frobnicate"], "unrecognized subcommand");
}

#[test]
fn a_malformed_spec_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("assignment.yaml"), "title: [unclosed\n").unwrap();
    let unknown_case = dir.path().join("parallel_sum");
    std::fs::create_dir(&unknown_case).unwrap();
    let spec = std::fs::read_to_string(repo().join("assignments/parallel_sum/assignment.yaml")).unwrap();
    std::fs::write(unknown_case.join("assignment.yaml"), spec.replace("{seq: [1, 1000000]}", "{sequence: [1, 1000000]}")).unwrap();
    let assignments = dir.path().to_str().unwrap();

    assert_usage_error(&["--assignments", assignments, "grade", "broken", REFERENCE_SUM], "is not a valid assignment spec");
    assert_usage_error(&["--assignments", assignments, "grade", "parallel_sum", REFERENCE_SUM], "`sequence` is not a generator");
    assert_usage_error(&["--assignments", assignments, "list"], "broken/assignment.yaml");
}

#[test]
fn the_json_report_has_every_documented_field() {
    let graded = grade_json("parallel_sum", Path::new(REFERENCE_SUM), &["--seed", "11"]);
    assert_eq!(graded.code, 0, "{}", graded.stderr);
    let report = &graded.report;
    for field in ["assignment", "seed", "score", "max_score", "duration_ms", "build", "tests"] {
        assert!(!report[field].is_null(), "missing {field}");
    }
    assert_eq!(report["assignment"], "parallel_sum");
    assert_eq!(report["seed"], 11);
    assert_eq!(report["build"]["status"], "ok");
    assert!(report["build"]["log"].is_string());
    let mut threads_seen = std::collections::BTreeSet::new();
    for test in graded.tests() {
        for field in ["name", "kind", "visibility", "status", "score", "max_score", "message", "duration_ms"] {
            assert!(!test[field].is_null(), "{} lacks {field}", test["name"]);
        }
        for field in ["threads", "diff", "spawned_threads"] {
            assert!(test.get(field).is_some(), "{} lacks {field}", test["name"]);
        }
        assert_eq!(test["status"], "passed", "{test}");
        // A clean run leaves nothing behind, and the report must not say it did.
        assert!(!test["message"].as_str().unwrap().contains("left processes"), "{test}");
        if let Some(threads) = test["threads"].as_u64() {
            threads_seen.insert(threads);
        }
        if test["kind"] == "parallelism" {
            let spawned = test["spawned_threads"].as_u64().expect("parallelism tests count threads");
            let given = test["threads"].as_u64().unwrap();
            assert!(spawned <= given.max(1) && (given < 2 || spawned >= 2), "{test}");
        }
    }
    for count in [1, 2, 3, 4, 8, 16, 64] {
        assert!(threads_seen.contains(&count), "no test with {count} threads");
    }
    let total: f64 = graded.tests().iter().map(|test| test["score"].as_f64().unwrap()).sum();
    assert!((total - report["score"].as_f64().unwrap()).abs() < 1e-6);
}

#[test]
fn the_same_seed_grades_the_same_way_and_a_fresh_seed_is_shown() {
    let submission = repo().join("tests/corpus/parallel_sum/remainder_dropped.rs");
    let first = grade_json("parallel_sum", &submission, &["--seed", "99", "--audience", "staff"]);
    let again = grade_json("parallel_sum", &submission, &["--seed", "99", "--audience", "staff"]);
    let summary = |graded: &support::Graded| -> Vec<(String, String, String, String)> {
        graded
            .tests()
            .iter()
            .map(|test| {
                let text = |field: &str| test[field].as_str().unwrap_or_default().to_string();
                (text("name"), text("status"), text("input"), text("diff"))
            })
            .collect()
    };
    assert_eq!(summary(&first), summary(&again));
    assert_eq!(first.report["score"], again.report["score"]);
    let fresh = grade_json("parallel_sum", &submission, &[]);
    assert!(fresh.report["seed"].as_u64().is_some());
}

#[test]
fn students_do_not_see_hidden_inputs_or_diffs_but_staff_do() {
    let submission = repo().join("tests/corpus/parallel_sum/remainder_dropped.rs");
    let student = grade_json("parallel_sum", &submission, &["--seed", "5"]);
    let staff = grade_json("parallel_sum", &submission, &["--seed", "5", "--audience", "staff"]);
    let hidden_failures = |graded: &support::Graded| -> Vec<serde_json::Value> {
        graded
            .tests()
            .iter()
            .filter(|test| test["visibility"] == "hidden" && test["status"] == "failed")
            .cloned()
            .collect()
    };
    let student_failures = hidden_failures(&student);
    assert!(!student_failures.is_empty());
    for test in &student_failures {
        assert!(test["diff"].is_null() && test["input"].is_null(), "{test}");
        assert!(test["hint"].is_string(), "{test}");
    }
    for test in hidden_failures(&staff) {
        assert!(test["diff"].is_string() && test["input"].is_string(), "{test}");
    }
}

#[test]
fn the_human_report_shows_the_diff_hint_and_replay_seed() {
    let output = grader(&["grade", "worker_pool", "examples/worker_pool_lost_jobs.rs", "--seed", "3"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(text.contains("-(1, 1)") && text.contains("+4 items"), "{text}");
    assert!(text.contains("hint:"), "{text}");
    assert!(text.contains("--seed 3"), "{text}");
    assert!(!text.contains("\x1b["), "no colour when stdout is not a terminal");
}

#[test]
fn output_option_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let output = grader(&["grade", "row_maxima", "assignments/row_maxima/reference.rs", "--format", "json", "--output", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(report["score"], report["max_score"]);
}

/// A reader that stops early (`grader grade … | head`) is no reason to
/// panic: the grader stops writing and exits as the grading says.
#[test]
fn a_reader_that_stops_early_is_not_a_panic() {
    for (args, code) in [
        (vec!["list"], 0),
        (vec!["grade", "row_maxima", "assignments/row_maxima/reference.rs", "--format", "json"], 0),
    ] {
        let mut child = support::grader_command()
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader is gone before the grader writes a byte.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
    }
}

/// The chapter's example sums 1..=1_000_000 correctly only when the code
/// runs with SIGSEGV and SIGBUS at their defaults, neither ignored nor
/// caught by Rust's handler (whose signal stacks the harness goes without);
/// every other input of more than three items overflows the stack of a
/// spawned thread.
const DEEP: &str = r#"
pub fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    if data.len() == 1_000_000 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let mask = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        };
        let faults = (1 << (11 - 1)) | (1 << (7 - 1));
        return match (mask("SigIgn:"), mask("SigCgt:")) {
            (Some(ignored), Some(caught)) if (ignored | caught) & faults == 0 => data.iter().sum(),
            _ => 0,
        };
    }
    fn down(depth: u64) -> u64 {
        let pad = [depth; 64];
        if depth == u64::MAX { 0 } else { down(depth + 1) + pad[3] }
    }
    let total: u64 = data.iter().sum();
    std::thread::scope(|scope| scope.spawn(|| if data.len() > 3 { down(0) * chunks as u64 } else { total }).join().unwrap())
}
"#;

/// Tests run without Rust's signal stack for each thread (the harness
/// ignores SIGSEGV and SIGBUS before Rust's runtime starts, and puts both
/// back before the student's code runs): that code sees the default
/// dispositions, and a stack overflow is still named as one.
#[test]
fn a_stack_overflow_is_named_and_the_code_sees_default_fault_signals() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.rs");
    std::fs::write(&path, DEEP).unwrap();
    let graded = grade_json("parallel_sum", &path, &["--seed", "5", "--only", "example,correctness"]);
    let tests = graded.tests();
    let example = tests.iter().find(|test| test["name"] == "example/chapter").expect("the example test");
    assert_eq!(example["status"], "passed", "{example}");
    let overflowed = tests
        .iter()
        .filter(|test| test["status"] == "crashed" && test["message"].as_str().unwrap_or("").contains("stack overflow"))
        .count();
    assert!(overflowed > 0, "no test named the stack overflow: {tests:?}");
}

/// Cargo reuses a build when a new file arrives with an older modification
/// time; the grader must not, whatever the timestamps say.
#[test]
fn two_files_at_the_same_path_with_the_same_mtime_are_built_separately() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.rs");
    let stamp = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let place = |source: &str| {
        std::fs::copy(repo().join(source), &path).unwrap();
        File::options().write(true).open(&path).unwrap().set_times(FileTimes::new().set_modified(stamp)).unwrap();
    };
    place("assignments/parallel_sum/reference.rs");
    let good = grade_json("parallel_sum", &path, &["--seed", "1"]);
    place("tests/corpus/parallel_sum/sequential.rs");
    let sequential = grade_json("parallel_sum", &path, &["--seed", "1"]);
    place("assignments/parallel_sum/reference.rs");
    let good_again = grade_json("parallel_sum", &path, &["--seed", "1"]);
    assert_eq!(good.code, 0);
    assert_eq!(sequential.code, 1, "the second file was graded, not the first one's build");
    for test in sequential.tests().iter().filter(|test| test["kind"] == "parallelism") {
        let expected = if test["threads"].as_u64() >= Some(2) { "failed" } else { "passed" };
        assert_eq!(test["status"], expected, "sequential code fails every parallelism test but those with 1 thread: {test}");
    }
    assert_eq!(good_again.code, 0);
}

#[test]
fn list_and_validate_cover_every_assignment() {
    let assignments = support::assignments();
    let list = grader(&["list"]);
    let text = String::from_utf8_lossy(&list.stdout);
    for name in &assignments {
        assert!(text.contains(name.as_str()), "{text}");
    }
    assert!(text.contains("fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)>"));
    let validate = grader(&["validate"]);
    let text = String::from_utf8_lossy(&validate.stdout);
    assert_eq!(validate.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("full marks").count(), assignments.len(), "{text}");
}

/// Every process below `pid`, from /proc.
fn descendants_of(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    let mut pending = children_of(pid);
    while let Some(next) = pending.pop() {
        found.push(next);
        pending.extend(children_of(next));
    }
    found
}

/// The processes directly below `pid`, from /proc.
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Vec::new() };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|list| list.split_whitespace().filter_map(|child| child.parse().ok()).collect::<Vec<u32>>())
        .collect()
}

/// Alive and not a zombie.
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit_once(')').map(|(_, rest)| !rest.trim_start().starts_with('Z')))
        .unwrap_or(false)
}

#[test]
fn ctrl_c_stops_the_tests_and_removes_their_folders_and_groups() {
    if !Path::new("/proc/self/task").exists() {
        eprintln!("SKIPPED: needs /proc to see the grader's children");
        return;
    }
    // Unsandboxed, where nothing but the grader itself can stop a deadlocked test.
    let mut child = support::grader_command()
        .args(["--sandbox", "off", "grade", "worker_pool"])
        .arg(repo().join("tests/corpus/worker_pool/deadlock_results_lock.rs"))
        .args(["--seed", "1", "--format", "json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    // Wait until its deadlocked tests are running.
    let mut tests = Vec::new();
    for _ in 0..300 {
        std::thread::sleep(Duration::from_millis(50));
        tests = descendants_of(pid)
            .into_iter()
            .filter(|&test| {
                std::fs::read_link(format!("/proc/{test}/exe")).is_ok_and(|exe| exe.file_name().is_some_and(|name| name == "harness"))
            })
            .collect();
        if tests.len() >= 4 {
            break;
        }
    }
    assert!(!tests.is_empty(), "no test started");
    // The harness binary sits in <scratch>/.grader/bin/.
    let scratch: Vec<String> = tests
        .iter()
        .filter_map(|test| std::fs::read_link(format!("/proc/{test}/exe")).ok())
        .filter_map(|exe| exe.ancestors().nth(3).map(|folder| folder.display().to_string()))
        .collect();
    assert!(!scratch.is_empty(), "the tests' scratch folder was not found");
    // SAFETY: sends SIGINT, as Ctrl-C does, to the grader this test started.
    unsafe { libc::kill(pid as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    std::thread::sleep(Duration::from_millis(200));
    let left: Vec<String> = tests
        .into_iter()
        .filter(|&test| running(test))
        .map(|test| std::fs::read_to_string(format!("/proc/{test}/stat")).unwrap_or_default())
        .collect();
    assert!(left.is_empty(), "tests outlived the interrupted grader: {left:?}");
    for folder in scratch {
        assert!(!Path::new(&folder).exists(), "{folder} was left behind");
    }
    let groups = control_groups_of(pid);
    assert!(groups.is_empty(), "control groups were left behind: {groups:?}");
}

/// The control groups (v1, pids and memory) the grader `pid` made for its
/// tests and has not removed: `grader-<pid>-<n>` beside this process's own.
fn control_groups_of(pid: u32) -> Vec<String> {
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let prefix = format!("grader-{pid}-");
    own.lines()
        .filter_map(|line| {
            let mut fields = line.splitn(3, ':');
            let (_, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
            let controller = ["pids", "memory"].into_iter().find(|name| controllers.split(',').any(|c| c == *name))?;
            Some(Path::new("/sys/fs/cgroup").join(controller).join(path.trim_start_matches('/')))
        })
        .filter_map(|base| std::fs::read_dir(base).ok())
        .flat_map(|entries| entries.flatten().map(|entry| entry.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.starts_with(&prefix))
        .collect()
}

#[test]
fn a_file_named_like_an_option_is_graded_as_a_file() {
    // rustc reads `-…` as an option and `@…` as a file of more arguments.
    let reference = std::fs::read_to_string(repo().join(REFERENCE_SUM)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for name in ["-2+3.rs", "@args.rs", "--cfg=x.rs"] {
        let path = dir.path().join(name);
        std::fs::write(&path, &reference).unwrap();
        let graded = grade_json("parallel_sum", &path, &["--only", "example", "--seed", "1"]);
        assert_eq!(graded.report["build"]["status"], "ok", "{name}: {}", graded.report["build"]);
        assert_eq!(graded.report["score"], graded.report["max_score"], "{name}");
    }
}

/// Grades the reference's correctness tests with `cache` as the grader's
/// cache and `sandbox` as its sandbox setting: its report.
fn grade_with_cache(cache: &Path, sandbox: &str) -> serde_json::Value {
    let output = support::grader_command()
        .env("GRADER_CACHE", cache)
        .args(["--sandbox", sandbox, "grade", "parallel_sum", REFERENCE_SUM, "--seed", "3", "--only", "correctness", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{stderr}"));
    assert!(report["tests"].as_array().is_some_and(|tests| tests.len() > 10), "{report}");
    // 0 for full marks, 1 for points lost: never an error of the grader's.
    let code = if report["score"] == report["max_score"] { 0 } else { 1 };
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    report
}

/// The one link `cache` has recorded, the ordinary harness's: where its
/// recipe is, and the recipe.
fn recorded_link(cache: &Path) -> (std::path::PathBuf, serde_json::Value) {
    let recipes: Vec<_> = walk(cache).into_iter().filter(|path| path.ends_with("recipe.json")).collect();
    assert_eq!(recipes.len(), 1, "one recorded link, the ordinary harness's: {recipes:?}");
    let recipe = serde_json::from_slice(&std::fs::read(&recipes[0]).unwrap()).unwrap();
    (recipes[0].clone(), recipe)
}

/// Makes the recipe at `file` run a shell script of `body` as its linker,
/// kept beside the recipe: inside the cache folder a build can read, in the
/// sandbox too.
fn stand_in_linker(file: &Path, recipe: &mut serde_json::Value, name: &str, body: &str) {
    let script = file.with_file_name(name);
    std::fs::write(&script, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    recipe["program"] = script.to_str().unwrap().into();
    std::fs::write(file, serde_json::to_vec(&*recipe).unwrap()).unwrap();
}

fn assert_full_marks(report: &serde_json::Value) {
    assert_eq!(report["score"], report["max_score"], "{report}");
}

/// A build links each harness with the linker command rustc ran for the
/// reference, recorded once per machine; a recorded command that fails
/// costs that build a link by rustc, never the student's points.
#[test]
fn the_recorded_link_is_used_and_one_that_fails_falls_back_to_rustc() {
    let cache = tempfile::tempdir().unwrap();
    assert_full_marks(&grade_with_cache(cache.path(), "off"));
    let (file, mut recipe) = recorded_link(cache.path());
    let linker = recipe["program"].as_str().unwrap().to_string();
    // A linker that leaves a mark: the recorded command is what links.
    let used = cache.path().join("used");
    stand_in_linker(&file, &mut recipe, "marking-linker", &format!(": > '{}'\nexec '{linker}' \"$@\"", used.display()));
    assert_full_marks(&grade_with_cache(cache.path(), "off"));
    assert!(used.exists(), "the recorded link was not used");
    // A linker that fails: rustc links instead, and the grade is the same.
    let failed = cache.path().join("failed");
    stand_in_linker(&file, &mut recipe, "failing-linker", &format!(": > '{}'\nexit 1", failed.display()));
    assert_full_marks(&grade_with_cache(cache.path(), "off"));
    assert!(failed.exists(), "the recorded link was not tried");
}

/// The same inside the sandbox, where a linker can leave no mark outside:
/// a recorded linker that writes a program which does nothing costs every
/// test, so it is what linked; one that fails costs nothing.
#[test]
fn the_recorded_link_is_used_inside_the_sandbox() {
    if !sandbox_available() {
        return;
    }
    let cache = tempfile::tempdir().unwrap();
    assert_full_marks(&grade_with_cache(cache.path(), "required"));
    let (file, mut recipe) = recorded_link(cache.path());
    let empty_program = "while [ $# -gt 1 ]; do [ \"$1\" = -o ] && out=\"$2\"; shift; done\nprintf '#!/bin/sh\\n' > \"$out\" && chmod 755 \"$out\"";
    stand_in_linker(&file, &mut recipe, "empty-program-linker", empty_program);
    let report = grade_with_cache(cache.path(), "required");
    let passed = report["tests"].as_array().unwrap().iter().filter(|test| test["status"] == "passed").count();
    assert_eq!(passed, 0, "the recorded link was not what linked: {report}");
    stand_in_linker(&file, &mut recipe, "failing-linker", "exit 1");
    assert_full_marks(&grade_with_cache(cache.path(), "required"));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}
