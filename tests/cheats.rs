//! The cheating corpus (`tests/cheats/`): submissions written to earn points,
//! or machine time, that they have not earned, each graded by the real
//! `grader` binary with `--sandbox required`. `tests/cheats/cheats.yaml` says
//! what each one tries and what must hold of its grading: points it must not
//! get, statuses it must get, and bounds on the report's size, the grader's
//! memory, the memory of every process of the grading, the disk it fills and
//! the time it takes. Every violation is collected and reported at once.
//!
//! Where bubblewrap is missing the test skips, except in CI (`CI=true`),
//! where a skip would pass without checking anything, so there it fails.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use support::{Graded, Watched, grader_command, repo, rss_kb, run_watched, sandbox_available};

/// The manifest must hold at least this many cheats, and every class.
const AT_LEAST: usize = 20;
const CLASSES: std::ops::RangeInclusive<u8> = 1..=8;
/// The seed every `before` in the manifest was measured with.
const SEED: &str = "1";
/// A grading still running after this is killed and reported.
const DEADLINE: Duration = Duration::from_secs(300);
const MIB: u64 = 1024 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cheat {
    path: String,
    assignment: String,
    class: u8,
    #[allow(dead_code)]
    why: String,
    #[allow(dead_code)]
    before: Before,
    #[allow(dead_code)]
    deserves: f64,
    #[serde(default)]
    only: Vec<String>,
    timeout: Option<f64>,
    #[serde(default)]
    alone: bool,
    expect: Expect,
}

/// What the grader gave the cheat when it was written: documentation only.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Before {
    score: f64,
    of: f64,
    #[serde(default)]
    wrongly_passes: Vec<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    max_score: Option<f64>,
    build: Option<String>,
    #[serde(default)]
    not_full: Vec<String>,
    #[serde(default)]
    status: BTreeMap<String, String>,
    message_contains: Option<String>,
    report_max_bytes: Option<u64>,
    grader_rss_max_mib: Option<u64>,
    processes_max_mib: Option<u64>,
    host_disk_growth_max_mib: Option<u64>,
    build_max_secs: Option<f64>,
    #[serde(default)]
    inert_in: Vec<Rendering>,
    /// A cheat that still earns its points: the README's security section
    /// must name it, in these words, among the limits that remain.
    documented_limit: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "lowercase")]
enum Rendering {
    Human,
    Markdown,
}

impl Expect {
    fn claims(&self) -> usize {
        let options = [
            self.max_score.is_some(),
            self.build.is_some(),
            self.message_contains.is_some(),
            self.report_max_bytes.is_some(),
            self.grader_rss_max_mib.is_some(),
            self.processes_max_mib.is_some(),
            self.host_disk_growth_max_mib.is_some(),
            self.build_max_secs.is_some(),
            self.documented_limit.is_some(),
        ];
        options.iter().filter(|&&set| set).count() + self.not_full.len() + self.status.len() + self.inert_in.len()
    }
}

fn cheats_dir() -> PathBuf {
    repo().join("tests").join("cheats")
}

fn manifest() -> Vec<Cheat> {
    let text = std::fs::read_to_string(cheats_dir().join("cheats.yaml")).expect("tests/cheats/cheats.yaml is readable");
    serde_norway::from_str(&text).expect("tests/cheats/cheats.yaml parses")
}

/// Problems with the manifest itself: too few cheats, a class left out, a
/// missing file, an entry that claims nothing.
fn manifest_problems(cheats: &[Cheat]) -> Vec<String> {
    let mut problems = Vec::new();
    if cheats.len() < AT_LEAST {
        problems.push(format!("the manifest lists {} cheats, fewer than {AT_LEAST}", cheats.len()));
    }
    let covered: BTreeSet<u8> = cheats.iter().map(|cheat| cheat.class).collect();
    for class in CLASSES.filter(|class| !covered.contains(class)) {
        problems.push(format!("no cheat of class {class}"));
    }
    let mut paths = BTreeSet::new();
    for cheat in cheats {
        if !CLASSES.contains(&cheat.class) {
            problems.push(format!("{}: class {} is not one of {CLASSES:?}", cheat.path, cheat.class));
        }
        if !cheats_dir().join(&cheat.path).is_file() {
            problems.push(format!("{}: no such file", cheat.path));
        }
        if !paths.insert(&cheat.path) {
            problems.push(format!("{}: listed twice", cheat.path));
        }
        if cheat.expect.claims() == 0 {
            problems.push(format!("{}: expects nothing", cheat.path));
        }
    }
    problems
}

/// What one watched grading of a cheat came to.
struct Measured {
    run: Watched,
    grader_rss_kb: u64,
    /// The grader and all its descendants together, when asked for.
    processes_kb: u64,
    /// The most the grading's temporary folder held on disk.
    disk_bytes: u64,
}

/// Grades `cheat` in `format`, with a temporary folder of its own (so that
/// the disk it fills can be measured without counting other programs'
/// files), sampling the memory that the claims need.
fn grade(cheat: &Cheat, format: &[&str], env: &[(&str, &str)]) -> Measured {
    let tmp = tempfile::Builder::new().prefix("grader-cheats-").tempdir().expect("a temporary folder");
    // Searchable by others, as the system temp folder is: a root grader runs tests as nobody.
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o711)).expect("the folder can be opened");
    let mut command = grader_command();
    command
        .args(["--sandbox", "required", "grade", &cheat.assignment])
        .arg(cheats_dir().join(&cheat.path))
        .args(["--seed", SEED, "--audience", "staff"])
        .args(format)
        .env("TMPDIR", tmp.path());
    if !cheat.only.is_empty() {
        command.args(["--only", &cheat.only.join(",")]);
    }
    if let Some(timeout) = cheat.timeout {
        command.args(["--timeout", &timeout.to_string()]);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let expect = &cheat.expect;
    let (mut grader_rss_kb, mut processes_kb, mut disk_bytes) = (0, 0, 0);
    let watched = run_watched(command, DEADLINE, |pid| {
        grader_rss_kb = grader_rss_kb.max(rss_kb(pid));
        if expect.processes_max_mib.is_some() {
            processes_kb = processes_kb.max(tree_rss_kb(pid));
        }
        if expect.host_disk_growth_max_mib.is_some() {
            disk_bytes = disk_bytes.max(allocated_bytes(tmp.path()));
        }
    });
    disk_bytes = disk_bytes.max(allocated_bytes(tmp.path()));
    Measured { run: watched, grader_rss_kb, processes_kb, disk_bytes }
}

/// The resident memory of `root` and every process below it, in KiB.
fn tree_rss_kb(root: u32) -> u64 {
    let mut children: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<u32>().ok()) else { continue };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // The parent is the second field after the command, which sits in parentheses.
        let parent = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse().ok());
        if let Some(parent) = parent {
            children.entry(parent).or_default().push(pid);
        }
    }
    let mut total = 0;
    let mut pending = vec![root];
    while let Some(pid) = pending.pop() {
        total += rss_kb(pid);
        pending.extend(children.get(&pid).into_iter().flatten());
    }
    total
}

/// The disk space the files under `dir` take up.
fn allocated_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(metadata) if metadata.is_dir() => allocated_bytes(&entry.path()),
            Ok(metadata) => metadata.blocks() * 512,
            Err(_) => 0,
        })
        .sum()
}

/// Every claim of `cheat` that its grading breaks.
fn check(cheat: &Cheat) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |ok: bool, what: String| {
        if !ok {
            problems.push(format!("{} (class {}): {what}", cheat.path, cheat.class));
        }
    };
    let claims = &cheat.expect;
    if let Some(limit) = &claims.documented_limit {
        expect(support::readme_limit_named(limit).is_ok(), format!("the README's limits do not name {limit:?}"));
        return problems;
    }
    let measured = grade(cheat, &["--format", "json"], &[]);
    if measured.run.killed {
        expect(false, format!("the grader was still running after {} s and was killed", DEADLINE.as_secs()));
        return problems;
    }
    let report: serde_json::Value = match serde_json::from_str(&measured.run.stdout) {
        Ok(report) => report,
        Err(error) => {
            let stderr: String = measured.run.stderr.chars().take(400).collect();
            expect(false, format!("no JSON report ({error}), exit {}: {stderr}", measured.run.code));
            return problems;
        }
    };
    let graded = Graded { code: measured.run.code, report, stderr: measured.run.stderr.clone() };
    let score = graded.report["score"].as_f64().unwrap_or(f64::NAN);
    let build = graded.report["build"]["status"].as_str().unwrap_or_default();
    if let Some(most) = claims.max_score {
        expect(score <= most, format!("score {score}, more than the {most} it may get"));
    }
    if let Some(wanted) = &claims.build {
        expect(build == wanted, format!("build {build}, not {wanted}"));
    }
    for group in &claims.not_full {
        let statuses = graded.statuses_in(group);
        expect(!statuses.is_empty(), format!("no tests in group {group}"));
        expect(statuses.iter().any(|status| status != "passed"), format!("{group} passed in full: {statuses:?}"));
    }
    for (group, wanted) in &claims.status {
        let statuses = graded.statuses_in(group);
        expect(statuses.contains(wanted), format!("no test of {group} is {wanted}: {statuses:?}"));
    }
    if let Some(needle) = &claims.message_contains {
        let build_report = &graded.report["build"];
        let build_text = [&build_report["message"], &build_report["log"]].map(|text| text.as_str().unwrap_or_default()).join(" ");
        let mut messages = graded.tests().iter().filter_map(|test| test["message"].as_str());
        let found = build_text.contains(needle.as_str()) || messages.any(|message| message.contains(needle.as_str()));
        expect(found, format!("no message contains {needle:?}"));
    }
    if let Some(most) = claims.report_max_bytes {
        let bytes = measured.run.stdout.len() as u64;
        eprintln!("{}: a JSON report of {bytes} bytes (at most {most})", cheat.path);
        expect(bytes <= most, format!("a JSON report of {bytes} bytes, more than {most}"));
    }
    if let Some(most) = claims.grader_rss_max_mib {
        let mib = measured.grader_rss_kb / 1024;
        eprintln!("{}: the grader at most {mib} MiB resident (under {most})", cheat.path);
        expect(mib < most, format!("the grader grew to {mib} MiB resident, {most} MiB allowed"));
    }
    if let Some(most) = claims.processes_max_mib {
        let mib = measured.processes_kb / 1024;
        eprintln!("{}: the grading's processes at most {mib} MiB resident together (under {most})", cheat.path);
        expect(mib < most, format!("the grading's processes held {mib} MiB resident together, {most} MiB allowed"));
    }
    if let Some(most) = claims.host_disk_growth_max_mib {
        let mib = measured.disk_bytes / MIB;
        eprintln!("{}: {} KiB on disk at most (at most {most} MiB)", cheat.path, measured.disk_bytes / 1024);
        expect(mib <= most, format!("the grading's temporary folder grew to {mib} MiB on disk, {most} MiB allowed"));
    }
    if let Some(most) = claims.build_max_secs {
        let secs = measured.run.elapsed.as_secs_f64();
        eprintln!("{}: the grading took {secs:.1} s (at most {most} s)", cheat.path);
        expect(secs <= most, format!("the grading took {secs:.1} s, {most} s allowed"));
    }
    for rendering in &claims.inert_in {
        let live = match rendering {
            Rendering::Human => live_human_text(cheat),
            Rendering::Markdown => live_markdown_text(cheat),
        };
        expect(live.is_empty(), format!("student text acts in the {rendering:?} report: {live:?}"));
    }
    problems
}

/// The human report as a GitHub Actions log shows it: lines that the runner
/// would execute as workflow commands (it ends a line at `\r` as well as at
/// `\n`), and terminal escapes, which can repaint what a TA reads.
fn live_human_text(cheat: &Cheat) -> Vec<String> {
    let measured = grade(cheat, &[], &[("GITHUB_ACTIONS", "true")]);
    let text = format!("{}{}", measured.run.stdout, measured.run.stderr);
    let mut live: Vec<String> = text
        .split(['\n', '\r'])
        .map(str::trim_start)
        .filter(|line| line.starts_with("::") || line.starts_with("##["))
        .map(|line| line.chars().take(80).collect())
        .collect();
    if text.contains('\u{1b}') {
        live.push("an ESC byte (a terminal escape sequence)".to_string());
    }
    live
}

/// The Markdown page a batch hands back: raw HTML from the student, outside
/// code, that a Markdown viewer would render.
fn live_markdown_text(cheat: &Cheat) -> Vec<String> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let class = dir.path().join("class");
    let name = Path::new(&cheat.path).file_name().expect("a file name");
    std::fs::create_dir(&class).expect("the class folder");
    std::fs::copy(cheats_dir().join(&cheat.path), class.join(name)).expect("the submission is copied");
    let out = dir.path().join("out");
    let output = grader_command()
        .args(["--sandbox", "required", "batch", &cheat.assignment])
        .arg(&class)
        .arg("--out")
        .arg(&out)
        .args(["--seed", SEED])
        .output()
        .expect("the grader binary runs");
    let pages: Vec<String> = std::fs::read_dir(out.join("reports"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|extension| extension == "md"))
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .collect();
    if pages.is_empty() {
        return vec![format!("no Markdown page was written: {}", String::from_utf8_lossy(&output.stderr).trim())];
    }
    let prose = pages.iter().map(|page| outside_code(page)).collect::<String>().to_lowercase();
    ["<img", "<script", "<iframe", "<svg"]
        .into_iter()
        .filter(|tag| prose.contains(tag))
        .map(|tag| format!("raw {tag} outside code"))
        .collect()
}

/// Markdown with fenced code blocks and inline code spans taken out, roughly
/// what a viewer renders as markup.
fn outside_code(markdown: &str) -> String {
    let mut prose = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            prose.extend(line.split('`').step_by(2));
            prose.push('\n');
        }
    }
    prose
}

#[test]
fn no_cheat_gets_what_it_did_not_earn() {
    let cheats = manifest();
    let problems = manifest_problems(&cheats);
    assert!(problems.is_empty(), "the manifest is not usable:\n{}", problems.join("\n"));
    if !sandbox_available() {
        return;
    }
    // The machine-wide ones (memory, CPU, processes) go one at a time, after the others.
    let (alone, together): (Vec<Cheat>, Vec<Cheat>) = cheats.into_iter().partition(|cheat| cheat.alone);
    let mut problems = support::in_parallel(&together, check);
    for cheat in &alone {
        problems.extend(check(cheat));
    }
    assert!(problems.is_empty(), "{} broken claims:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_markdown_filter_keeps_code_out() {
    let page = "text <b>\n```\n<img src=x>\n```\nsee `<script>` and <img src=y>\n";
    let prose = outside_code(page);
    assert!(!prose.contains("src=x") && !prose.contains("<script>"), "{prose}");
    assert!(prose.contains("<img src=y>"), "{prose}");
}
