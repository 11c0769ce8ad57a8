//! Grades every submission in tests/corpus with the release `grader` binary
//! and prints the time each took, the median and the worst, and the grader's
//! overhead beyond compiling the submission.
//!
//! `cargo bench -p grader --bench corpus` (add `-- 3` for three rounds). The
//! first round warms the disk cache and is not counted. Submissions that hit
//! a test timeout (deadlocks, endless loops) take as long as the timeouts
//! make them, so they are listed but kept out of the median.
//!
//! For the submissions that earn full marks it also grades each once more
//! without the race-stress tests, right after the full grading, and prints
//! what race-stress adds to a warm grading.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde::Deserialize;

#[derive(Deserialize)]
struct Entry {
    path: String,
    assignment: String,
    exit: Option<i32>,
}

/// Every kind of test but race-stress.
const WITHOUT_RACE: &str = "example,correctness,parallelism,output";

struct Timing {
    path: String,
    wall_ms: f64,
    build_ms: f64,
    timed_out: bool,
}

fn main() {
    let rounds: usize = std::env::args().skip(1).find_map(|arg| arg.parse().ok()).unwrap_or(1);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository");
    let corpus = repo.join("tests/corpus");
    let text = std::fs::read_to_string(corpus.join("verdicts.yaml")).expect("verdicts.yaml");
    let entries: Vec<Entry> = serde_norway::from_str(&text).expect("verdicts.yaml parses");

    let grade_only = |entry: &Entry, only: Option<&str>| -> Timing {
        let started = Instant::now();
        let mut command = Command::new(env!("CARGO_BIN_EXE_grader"));
        command.args(["grade", &entry.assignment]).arg(corpus.join(&entry.path)).args(["--format", "json", "--seed", "1"]);
        if let Some(kinds) = only {
            command.args(["--only", kinds]);
        }
        let output = command
            .output()
            .expect("grader runs");
        let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
        let timed_out = report["tests"].as_array().is_some_and(|tests| tests.iter().any(|test| test["status"] == "timeout"));
        Timing { path: entry.path.clone(), wall_ms, build_ms: report["build"]["duration_ms"].as_f64().unwrap_or(0.0), timed_out }
    };
    let grade = |entry: &Entry| grade_only(entry, None);

    for entry in &entries {
        grade(entry);
    }
    let mut timings: Vec<Timing> = Vec::new();
    // (with race-stress, without) for the submissions with full marks.
    let mut race_pairs: Vec<(f64, f64)> = Vec::new();
    for _ in 0..rounds {
        for entry in &entries {
            let full = grade(entry);
            if entry.exit == Some(0) {
                race_pairs.push((full.wall_ms, grade_only(entry, Some(WITHOUT_RACE)).wall_ms));
            }
            timings.push(full);
        }
    }

    println!("{:<48} {:>9} {:>9} {:>9}", "submission", "total ms", "build ms", "other ms");
    for timing in &timings {
        let mark = if timing.timed_out { "  (test timeouts)" } else { "" };
        println!(
            "{:<48} {:>9.0} {:>9.0} {:>9.0}{mark}",
            timing.path,
            timing.wall_ms,
            timing.build_ms,
            timing.wall_ms - timing.build_ms
        );
    }
    let counted: Vec<&Timing> = timings.iter().filter(|timing| !timing.timed_out).collect();
    let stats = |values: Vec<f64>| -> (f64, f64) {
        let mut values = values;
        values.sort_by(f64::total_cmp);
        (values[values.len() / 2], values[values.len() - 1])
    };
    let (median, worst) = stats(counted.iter().map(|timing| timing.wall_ms).collect());
    let (overhead_median, overhead_worst) = stats(counted.iter().map(|timing| timing.wall_ms - timing.build_ms).collect());
    println!();
    println!("{} gradings without timeouts, {} rounds", counted.len(), rounds);
    println!("per submission: median {:.2} s, worst {:.2} s", median / 1000.0, worst / 1000.0);
    println!(
        "beyond compiling: median {:.2} s, worst {:.2} s",
        overhead_median / 1000.0,
        overhead_worst / 1000.0
    );
    if !race_pairs.is_empty() {
        let (added_median, added_worst) = stats(race_pairs.iter().map(|(with, without)| with - without).collect());
        let (without_median, _) = stats(race_pairs.iter().map(|(_, without)| *without).collect());
        println!(
            "race-stress adds (over {} full-mark gradings): median {:.2} s, worst {:.2} s, to a median {:.2} s without it",
            race_pairs.len(),
            added_median / 1000.0,
            added_worst / 1000.0,
            without_median / 1000.0
        );
    }
    let slow: Vec<&Timing> = timings.iter().filter(|timing| timing.timed_out).collect();
    if !slow.is_empty() {
        let (median, worst) = stats(slow.iter().map(|timing| timing.wall_ms).collect());
        println!("{} gradings with test timeouts: median {:.1} s, worst {:.1} s", slow.len(), median / 1000.0, worst / 1000.0);
    }
}
