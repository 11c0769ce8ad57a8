//! `grader batch` and `grader merge` end to end: a mixed class graded like
//! each submission alone, resuming without regrading, and shards that merge
//! into exactly one unsharded run.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use support::{grade_json, grader, repo};

const SEED: &str = "20240611";
/// Short test time limits keep the deadlocked submission fast, and still leave
/// correct code (300 runs on real threads in the race tests) room to finish.
const TIMEOUT: &str = "3";

/// The tests here take turns: each batch already uses both cores of a small
/// machine, and correct code starved by a neighbour could hit its time limit.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The class of the issue: correct, wrong, compile error, deadlock, an empty
/// folder and a file that is not Rust.
const MIXED_CLASS: &[(&str, Option<&str>)] = &[
    ("alice.rs", Some("assignments/worker_pool/reference.rs")),
    ("bob.rs", Some("examples/worker_pool_lost_jobs.rs")),
    ("carol.rs", Some("tests/corpus/worker_pool/type_error.rs")),
    ("dave.rs", Some("tests/corpus/worker_pool/deadlock_results_lock.rs")),
    ("erin", None),
    ("notes.txt", None),
];

/// A class that builds and runs quickly, for the resume tests.
const QUICK_CLASS: &[(&str, Option<&str>)] = &[
    ("alice.rs", Some("assignments/worker_pool/reference.rs")),
    ("bob.rs", Some("examples/worker_pool_lost_jobs.rs")),
    ("carol.rs", Some("tests/corpus/worker_pool/type_error.rs")),
    ("frank.rs", Some("tests/corpus/worker_pool/mutex_vecdeque.rs")),
];

/// A fresh folder under cargo's scratch space for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("batch-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn make_class(dir: &Path, class: &[(&str, Option<&str>)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, source) in class {
        match source {
            Some(source) => {
                std::fs::copy(repo().join(source), dir.join(name)).unwrap();
            }
            None if name.ends_with(".txt") => std::fs::write(dir.join(name), "my answers are in the repo\n").unwrap(),
            None => std::fs::create_dir(dir.join(name)).unwrap(),
        }
    }
}

/// A fresh class folder made of `class`, and where its batch writes.
fn class_and_out(name: &str, class: &[(&str, Option<&str>)]) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    make_class(&dir.join("class"), class);
    (dir.join("class"), dir.join("out"))
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

fn batch_args<'a>(class: &'a Path, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["batch", "worker_pool", path_arg(class), "--out", path_arg(out), "--timeout", TIMEOUT];
    args.extend_from_slice(extra);
    args
}

fn batch(class: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = batch_args(class, out, extra);
    args.extend(["--jobs", "2"]);
    grader(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// grades.csv as one map per row, keyed by column.
fn read_grades(out: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(out.join("grades.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| header.iter().zip(record.unwrap().iter()).map(|(k, v)| (k.to_string(), v.to_string())).collect())
        .collect()
}

/// The `This run: …` line: (graded now, from the cache).
fn this_run(output: &Output) -> (usize, usize) {
    let stdout = text(&output.stdout);
    let line = stdout.lines().find(|line| line.starts_with("This run:")).unwrap_or_else(|| panic!("no run line: {stdout}"));
    let numbers: Vec<usize> = line.split(|c: char| !c.is_ascii_digit()).filter_map(|part| part.parse().ok()).collect();
    (numbers[0], numbers[1])
}

fn cache_entries(out: &Path) -> BTreeMap<PathBuf, SystemTime> {
    std::fs::read_dir(out.join("cache"))
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok())
                .filter(|entry| entry.path().extension().is_some_and(|extension| extension == "json"))
                .map(|entry| (entry.path(), entry.metadata().unwrap().modified().unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

/// The mixed class graded once, unsharded, shared by the tests below.
struct MixedRun {
    class: PathBuf,
    out: PathBuf,
    output: Output,
}

fn mixed_run() -> &'static MixedRun {
    static RUN: OnceLock<MixedRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let (class, out) = class_and_out("mixed", MIXED_CLASS);
        let output = batch(&class, &out, &["--seed", SEED]);
        MixedRun { class, out, output }
    })
}

#[test]
fn a_mixed_class_gets_one_row_each_like_grading_each_alone() {
    let _turn = one_at_a_time();
    let run = mixed_run();
    let stdout = text(&run.output.stdout);
    // Two submissions could not be graded: exit 1, and the batch went on past them.
    assert_eq!(run.output.status.code(), Some(1), "{stdout}\n{}", text(&run.output.stderr));
    let rows = read_grades(&run.out);
    let statuses: Vec<(&str, &str)> = rows.iter().map(|row| (row["student"].as_str(), row["status"].as_str())).collect();
    assert_eq!(
        statuses,
        [
            ("alice", "full-marks"),
            ("bob", "points-lost"),
            ("carol", "build-failed"),
            ("dave", "points-lost"),
            ("erin", "unreadable"),
            ("notes.txt", "unreadable"),
        ]
    );
    assert!(rows[4]["message"].contains("no src/main.rs or src/lib.rs"), "{:?}", rows[4]);
    assert!(rows[5]["message"].contains("is not a Rust source file"), "{:?}", rows[5]);
    assert_eq!(rows[4]["score"], "");

    for row in &rows[..4] {
        let file = run.class.join(format!("{}.rs", row["student"]));
        let alone = grade_json("worker_pool", &file, &["--seed", SEED, "--timeout", TIMEOUT]);
        let report = &alone.report;
        let student = &row["student"];
        assert_eq!(row["seed"], SEED);
        assert_eq!(row["score"].parse::<f64>().unwrap(), report["score"].as_f64().unwrap(), "{student}");
        assert_eq!(row["max_score"].parse::<f64>().unwrap(), report["max_score"].as_f64().unwrap(), "{student}");
        for test in alone.tests() {
            let name = test["name"].as_str().unwrap();
            assert_eq!(row[name], test["status"].as_str().unwrap(), "{student}: {name}");
        }
        assert_eq!(row["review"], "", "{student}: nothing for a person to look at");
        assert_eq!(row.len(), 8 + alone.tests().len(), "one column per test");
        assert!(row["duration_ms"].parse::<u64>().is_ok());
        let saved: serde_json::Value =
            serde_json::from_slice(&std::fs::read(run.out.join(format!("reports/{student}.json"))).unwrap()).unwrap();
        assert_eq!(saved["score"], report["score"], "{student}");
        assert_eq!(saved["audience"], "staff");
    }
    assert!(rows[3].values().any(|status| status == "timeout"), "the deadlock times out: {:?}", rows[3]);

    let handback = |student: &str| std::fs::read_to_string(run.out.join(format!("reports/{student}.md"))).unwrap();
    assert!(handback("alice").contains("**Score: 100 / 100**"));
    assert!(handback("bob").contains("## What to fix"));
    assert!(handback("carol").contains("## Build failed"));
    assert!(handback("erin").contains("**Not graded.**"));
    assert!(!run.out.join("reports/erin.json").exists());

    for expected in ["6 submissions", "Graded 4: 1 full marks, 2 points lost, 1 build failed. Could not be graded: 2.", "100%", "Pass rate of each test", "Slowest:", "Could not be graded:", "notes.txt  unreadable"] {
        assert!(stdout.contains(expected), "summary lacks `{expected}`:\n{stdout}");
    }
    assert_eq!(std::fs::read_to_string(run.out.join("summary.txt")).unwrap(), stdout.split("\nThis run:").next().unwrap());

    let page = std::fs::read_to_string(run.out.join("index.html")).expect("a class page");
    assert_eq!(page.matches("<tr data-student=").count(), MIXED_CLASS.len(), "one row per student");
    assert!(page.contains("<h2 id=\"build-failed\">Did not build (1)</h2>"), "{page}");
    assert!(page.contains("<h2 id=\"not-graded\">Could not be graded (2)</h2>"), "{page}");
    assert_links_resolve(&page, &run.out);
}

/// Every `href` of the class page names a file in OUT.
fn assert_links_resolve(page: &str, out: &Path) {
    let links: Vec<&str> = page.split("href=\"").skip(1).map(|rest| &rest[..rest.find('"').unwrap()]).collect();
    assert!(!links.is_empty(), "the page links to the reports");
    for link in links {
        assert!(out.join(percent_decoded(link)).is_file(), "`{link}` names no file in {}", out.display());
    }
}

fn percent_decoded(link: &str) -> String {
    let bytes = link.as_bytes();
    let mut decoded = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            decoded.push(u8::from_str_radix(&link[index + 1..index + 3], 16).expect("a %XX escape"));
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).expect("UTF-8 file names")
}

/// A class whose students chose their names to attack the gradebook and
/// the class page: markup, a spreadsheet formula, quotes. One of them uses
/// `unsafe`, so the page has a grading marked for review.
fn hostile_class() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = scratch("hostile-names");
        let class = dir.join("class");
        make_class(
            &class,
            &[
                ("<img src=x onerror=alert(1)>.rs", Some("assignments/worker_pool/reference.rs")),
                ("=HYPERLINK(\"evil.example\").rs", Some("tests/corpus/worker_pool/type_error.rs")),
                ("-2+3.rs", Some("examples/worker_pool_lost_jobs.rs")),
            ],
        );
        let reference = std::fs::read_to_string(repo().join("assignments/worker_pool/reference.rs")).unwrap();
        let with_unsafe = reference + "\n#[allow(dead_code)]\nfn peek(x: &u32) -> u32 {\n    unsafe { *(x as *const u32) }\n}\n";
        std::fs::write(class.join("mallory\"'<b>.rs"), with_unsafe).unwrap();
        let out = dir.join("out");
        let output = batch(&class, &out, &["--seed", SEED]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        out
    })
}

#[test]
fn student_names_stay_text_in_the_gradebook_and_on_the_class_page() {
    let _turn = one_at_a_time();
    let out = hostile_class();
    let rows = read_grades(out);
    let names: Vec<&str> = rows.iter().map(|row| row["student"].as_str()).collect();
    assert!(names.contains(&"'=HYPERLINK(\"evil.example\")"), "no formula: {names:?}");
    assert!(names.contains(&"'-2+3"), "no formula: {names:?}");
    assert!(names.contains(&"<img src=x onerror=alert(1)>"), "{names:?}");

    let page = std::fs::read_to_string(out.join("index.html")).expect("a class page");
    assert!(!page.contains("<img") && !page.contains("<b>"), "a student's markup on the page:\n{page}");
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "the name is shown as text");
    assert!(page.contains("<h2 id=\"review\">For a person to look at (1)</h2>"), "{page}");
    assert!(page.contains("data-review=\"1\""), "the review flag is in the table");
    assert_links_resolve(&page, out);
}

/// Headless Chromium, where it is installed (Debian's `chromium`); `None`
/// with a line saying so where it is not. Not required in CI.
fn chromium(args: &[&str]) -> Option<Output> {
    let mut command = Command::new("timeout");
    // Root (a container) has no user namespace sandbox for Chromium's renderers.
    command.args(["120", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]).args(args);
    match command.output() {
        Ok(output) if output.status.code() != Some(127) => Some(output),
        _ => {
            eprintln!("SKIPPED: chromium is not installed (apt-get install chromium)");
            None
        }
    }
}

#[test]
fn the_class_page_renders_in_headless_chromium() {
    let _turn = one_at_a_time();
    let out = hostile_class();
    let page = format!("file://{}", out.join("index.html").display());
    let Some(dumped) = chromium(&["--dump-dom", &page]) else { return };
    let dom = text(&dumped.stdout);
    assert!(dumped.status.success() && dom.contains("</html>"), "{dom}\n{}", text(&dumped.stderr));
    // The script ran: it marked the table and sorted it by score, highest first.
    assert!(dom.contains("data-sortable=\"ready\""), "the sorting script did not run:\n{dom}");
    assert!(dom.contains("aria-sort=\"descending\""), "{dom}");
    let body = &dom[dom.find("<tbody>").expect("the students' table")..];
    let scores: Vec<f64> = body
        .split("data-score=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].parse().expect("a number"))
        .collect();
    assert_eq!(scores.len(), 4, "{body}");
    assert!(scores.windows(2).all(|pair| pair[0] >= pair[1]), "sorted by score, highest first: {scores:?}");
    assert_eq!(dom.matches("<rect").count(), 11, "the histogram's bars");
    assert!(dom.matches("<div class=\"bar\">").count() > 10, "the pass-rate bars");
    assert!(!dom.contains("<img"), "no student markup became an element");

    let screenshot = out.join("index.png");
    let shot = chromium(&[&format!("--screenshot={}", screenshot.display()), "--window-size=1100,1600", &page])
        .expect("chromium ran once already");
    assert!(shot.status.success(), "{}", text(&shot.stderr));
    let png = std::fs::read(&screenshot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(width, 1100, "the window's width");
}

#[test]
fn two_shards_merged_equal_one_unsharded_run() {
    let _turn = one_at_a_time();
    let run = mixed_run();
    let dir = scratch("shards");

    // Graded apart: the same rows, but for the time each grading took.
    let shard_outs: Vec<PathBuf> = (1..=2).map(|index| dir.join(format!("shard-{index}"))).collect();
    for (index, shard_out) in shard_outs.iter().enumerate() {
        let shard = format!("{}/2", index + 1);
        let output = batch(&run.class, shard_out, &["--seed", SEED, "--shard", &shard]);
        assert!(output.status.code().is_some_and(|code| code <= 1), "{}", text(&output.stderr));
    }
    let sizes: Vec<usize> = shard_outs.iter().map(|out| read_grades(out).len()).collect();
    assert_eq!(sizes.iter().sum::<usize>(), MIXED_CLASS.len(), "{sizes:?}");
    let merged = dir.join("merged");
    let output = grader(&["merge", "--out", path_arg(&merged), path_arg(&shard_outs[0]), path_arg(&shard_outs[1])]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let without_times = |out: &Path| {
        let mut rows = read_grades(out);
        rows.iter_mut().for_each(|row| drop(row.remove("duration_ms")));
        rows
    };
    assert_eq!(without_times(&merged), without_times(&run.out));
    for student in ["alice", "bob", "carol", "dave"] {
        let score = |out: &Path| {
            let report: serde_json::Value =
                serde_json::from_slice(&std::fs::read(out.join(format!("reports/{student}.json"))).unwrap()).unwrap();
            report["score"].clone()
        };
        assert_eq!(score(&merged), score(&run.out), "{student}");
    }

    // Graded from the same cache: the merged folder is the unsharded one, byte for byte.
    let cached_outs: Vec<PathBuf> = (1..=2).map(|index| dir.join(format!("cached-{index}"))).collect();
    for (index, shard_out) in cached_outs.iter().enumerate() {
        copy_folder(&run.out.join("cache"), &shard_out.join("cache"));
        let output = batch(&run.class, shard_out, &["--seed", SEED, "--shard", &format!("{}/2", index + 1)]);
        assert_eq!(this_run(&output).0, 0, "every grading comes from the cache");
    }
    let merged = dir.join("merged-cached");
    let output = grader(&["merge", "--out", path_arg(&merged), path_arg(&cached_outs[1]), path_arg(&cached_outs[0])]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    for file in ["grades.csv", "summary.txt", "batch.json", "index.html"] {
        assert_eq!(std::fs::read(merged.join(file)).unwrap(), std::fs::read(run.out.join(file)).unwrap(), "{file}");
    }
    let reports = |out: &Path| -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(out.join("reports"))
            .unwrap()
            .map(|entry| entry.unwrap())
            .map(|entry| (entry.file_name().to_string_lossy().into_owned(), std::fs::read(entry.path()).unwrap()))
            .collect()
    };
    assert_eq!(reports(&merged), reports(&run.out));
    let summary = text(&output.stdout);
    assert!(summary.starts_with(&std::fs::read_to_string(run.out.join("summary.txt")).unwrap()), "{summary}");
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn a_rerun_grades_only_what_changed() {
    let _turn = one_at_a_time();
    let (class, out) = class_and_out("rerun", QUICK_CLASS);

    let first = batch(&class, &out, &[]);
    assert_eq!(first.status.code(), Some(0), "every submission graded: {}", text(&first.stderr));
    assert_eq!(this_run(&first), (4, 0));
    let grades = std::fs::read(out.join("grades.csv")).unwrap();
    let cached = cache_entries(&out);

    // No --seed: the rerun takes the first run's seed from OUT, so nothing is regraded.
    let again = batch(&class, &out, &[]);
    assert_eq!(this_run(&again), (0, 4), "{}", text(&again.stdout));
    assert_eq!(std::fs::read(out.join("grades.csv")).unwrap(), grades);
    assert_eq!(cache_entries(&out), cached, "no cache entry was written again");

    // bob resubmits.
    let bob = class.join("bob.rs");
    let resubmitted = std::fs::read_to_string(&bob).unwrap() + "\n// resubmitted\n";
    std::fs::write(&bob, resubmitted).unwrap();
    let after = batch(&class, &out, &[]);
    assert_eq!(this_run(&after), (1, 3), "{}", text(&after.stdout));
    assert_eq!(cache_entries(&out).len(), 5);

    let forced = batch(&class, &out, &["--force"]);
    assert_eq!(this_run(&forced), (4, 0));
}

#[test]
fn an_interrupted_batch_resumes_without_regrading_finished_students() {
    let _turn = one_at_a_time();
    let (class, out) = class_and_out("interrupted", QUICK_CLASS);
    // Killed, the batch cannot remove the scratch folder of the grading
    // under way: it goes in a folder of the test's own, not the machine's /tmp.
    let scratch = tempfile::tempdir().unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args(batch_args(&class, &out, &["--jobs", "1"]))
        .env("TMPDIR", scratch.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while cache_entries(&out).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(120), "no grading finished in two minutes");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let finished = cache_entries(&out);
    assert!(finished.len() < QUICK_CLASS.len(), "the batch was stopped before the end");
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("batch.json")).unwrap()).unwrap();
    assert_eq!(manifest["finished"], false);

    let resumed = batch(&class, &out, &[]);
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed.stderr));
    assert_eq!(this_run(&resumed), (QUICK_CLASS.len() - finished.len(), finished.len()), "{}", text(&resumed.stdout));
    for (entry, modified) in &finished {
        assert_eq!(std::fs::metadata(entry).unwrap().modified().unwrap(), *modified, "{} was regraded", entry.display());
    }
    let rows = read_grades(&out);
    assert_eq!(rows.len(), QUICK_CLASS.len());
    let seed = manifest["seed"].to_string();
    assert!(rows.iter().all(|row| row["seed"] == seed), "the interrupted run's seed is kept");
}

/// A usage error: exit 2 and one line on stderr.
fn assert_usage_error(output: &Output, expected: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
}

#[test]
fn usage_errors_and_mismatched_shards_are_one_line_and_exit_2() {
    let _turn = one_at_a_time();
    let dir = scratch("usage");
    let class = dir.join("class");
    make_class(&class, &[("a.txt", None), ("b.txt", None), ("c.txt", None)]);
    let out = dir.join("out");

    assert_usage_error(&grader(&["batch", "parallel_product", path_arg(&class)]), "unknown assignment");
    assert_usage_error(&batch(&dir.join("missing"), &out, &[]), "is not a folder");
    assert_usage_error(&batch(&class, &out, &["--shard", "1/2"]), "--shard needs --seed");
    assert_usage_error(&batch(&class, &out, &["--shard", "3/2", "--seed", "1"]), "is not a shard");

    // Shards graded with different seeds cannot be merged.
    let first = dir.join("first");
    let second = dir.join("second");
    assert_eq!(batch(&class, &first, &["--shard", "1/2", "--seed", "1"]).status.code(), Some(1));
    assert_eq!(batch(&class, &second, &["--shard", "2/2", "--seed", "2"]).status.code(), Some(1));
    let merge = |shards: &[&Path]| {
        let mut args = vec!["merge", "--out", path_arg(&out)];
        args.extend(shards.iter().map(|shard| path_arg(shard)));
        grader(&args)
    };
    assert_usage_error(&merge(&[&first, &second]), "different seeds");
    assert_usage_error(&merge(&[&first]), "shard 2/2 is missing");
    assert_usage_error(&merge(&[&first, &first]), "given twice");
    assert_usage_error(&merge(&[&class]), "has no batch.json");
}

/// A worker pool that answers small inputs and hangs forever on a large one:
/// only a few of its tests wait for their time limit.
const HANGS_ON_LARGE_INPUTS: &str = r#"
pub fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    if jobs.len() > 500 {
        loop {
            std::thread::park();
        }
    }
    let _ = workers;
    let mut results: Vec<(u32, u32)> = jobs.iter().map(|&job| (job, job.wrapping_mul(job))).collect();
    results.sort();
    results
}
"#;

/// Grades `a_hangs.rs` (hangs on large inputs) and `b_correct.rs` with a
/// 10 s time limit on `jobs` jobs: the batch's stderr, and the hung row.
fn grade_with_a_hung_student(name: &str, jobs: &str) -> (String, BTreeMap<String, String>) {
    let (class, out) = class_and_out(name, &[("b_correct.rs", Some("assignments/worker_pool/reference.rs"))]);
    std::fs::write(class.join("a_hangs.rs"), HANGS_ON_LARGE_INPUTS).unwrap();
    let args = ["batch", "worker_pool", path_arg(&class), "--out", path_arg(&out), "--timeout", "10", "--jobs", jobs];
    let output = grader(&args);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let rows = read_grades(&out);
    let correct = rows.iter().find(|row| row["student"] == "b_correct").unwrap();
    assert_eq!(correct["status"], "full-marks", "{correct:?}");
    let hung = rows.into_iter().find(|row| row["student"] == "a_hangs").unwrap();
    (stderr, hung)
}

#[test]
fn a_grading_that_only_waits_for_hung_tests_lets_the_next_student_start() {
    let _turn = one_at_a_time();
    // One job at a time, and a long time limit: without giving its place
    // back, the hung grading would finish first, after its 10 s limit.
    let (stderr, hung) = grade_with_a_hung_student("waiting", "1");
    let finished: Vec<&str> = stderr.lines().filter(|line| line.starts_with('[')).collect();
    assert_eq!(finished.len(), 2, "{stderr}");
    assert!(finished[0].contains("b_correct"), "{stderr}");
    assert!(finished[1].contains("a_hangs"), "{stderr}");
    assert!(hung.values().any(|value| value == "timeout"), "{hung:?}");
}

#[test]
fn hung_tests_wait_out_their_limit_side_by_side() {
    let _turn = one_at_a_time();
    // Two jobs: each grading runs 8 tests at once, fewer than hang here.
    let (_, hung) = grade_with_a_hung_student("side-by-side", "2");
    let timeouts = hung.values().filter(|value| *value == "timeout").count();
    assert!(timeouts > 8, "more tests hang than run at once: {hung:?}");
    // Stuck tests stop counting against the 8 at once, so the hung ones wait
    // out their 10 s together instead of in two rounds.
    let took: u64 = hung["duration_ms"].parse().unwrap();
    assert!(took < 18_000, "{timeouts} hung tests took {took} ms");
}

/// The worker_pool reference, but every call fails unless its test runs on
/// exactly `cpus` CPUs.
fn needs_cpus(cpus: usize) -> String {
    let reference = std::fs::read_to_string(repo().join("assignments/worker_pool/reference.rs")).unwrap();
    let renamed = reference.replacen("fn worker_pool(", "fn pool_of_workers(", 1);
    assert_ne!(renamed, reference, "the reference's function is where this test expects it");
    format!(
        "{renamed}\nfn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {{\n    \
         let cpus = std::thread::available_parallelism().map_or(0, |cpus| cpus.get());\n    \
         assert_eq!(cpus, {cpus}, \"this test runs on {{cpus}} CPUs\");\n    \
         pool_of_workers(jobs, workers)\n}}\n"
    )
}

/// Grades two copies of a submission that needs its test to run on one CPU,
/// on `jobs` jobs: the batch's stderr, and each row's tests with their status.
fn grade_on_one_cpu(name: &str, jobs: &str) -> (String, Vec<Vec<(String, String)>>) {
    let (class, out) = class_and_out(name, &[]);
    for student in ["ann", "ben"] {
        std::fs::write(class.join(format!("{student}.rs")), needs_cpus(1)).unwrap();
    }
    let output = grader(&batch_args(&class, &out, &["--jobs", jobs, "--seed", SEED]));
    let stderr = text(&output.stderr);
    let rows = read_grades(&out);
    assert_eq!(rows.len(), 2, "{stderr}");
    let tests = rows.iter().map(|row| row.iter().filter(|(column, _)| column.contains('/')).map(|(c, s)| (c.clone(), s.clone())).collect());
    (stderr, tests.collect())
}

#[test]
fn jobs_are_cpus_and_real_thread_tests_keep_every_cpu() {
    let _turn = one_at_a_time();
    let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    // `--jobs 1`: the batch on one CPU, like `make -j1`; and with every CPU
    // (the default), each test whose threads are counted still on one. Either
    // way the real-thread race tests run on every CPU, as they do alone: with
    // more than one here, the same submission fails those, and only those.
    let one_of = if cores == 1 { "all 1 CPUs".to_string() } else { format!("1 of the {cores} CPUs") };
    for (jobs, said) in [("1", format!("1 at once on {one_of}")), ("2", "2 at once on ".to_string())] {
        let (stderr, rows) = grade_on_one_cpu(&format!("cpus-{jobs}"), jobs);
        assert!(stderr.contains(&said), "{stderr}");
        for tests in rows {
            let real = tests.iter().filter(|(test, _)| test.starts_with("race/") && test.contains("-real/")).count();
            assert!(real > 0 && tests.len() > real, "{tests:?}");
            for (test, status) in &tests {
                let fails = cores > 1 && test.starts_with("race/") && test.contains("-real/");
                assert_eq!(status != "passed", fails, "{test}: {status} with {cores} CPUs here");
            }
        }
    }
}
