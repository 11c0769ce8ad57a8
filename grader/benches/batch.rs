//! Grades a class of 60 `parallel_sum` submissions with `grader batch`, once
//! with `--jobs 1` and once with `--jobs 2`, and prints the wall time and
//! throughput of each and the speedup.
//!
//! `cargo bench -p grader --bench batch` (add `-- 80` for another class size).
//! The class is the `parallel_sum` corpus and the reference solution
//! (correct, wrong, panicking and not compiling, none that hangs: test
//! timeouts would measure the time limit, not the grader), repeated with a
//! different comment in each copy so that no two students share a cache
//! entry. Each run starts from an empty output folder, so nothing is cached.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const DEFAULT_CLASS_SIZE: usize = 60;

fn main() {
    let size: usize = std::env::args().skip(1).find_map(|arg| arg.parse().ok()).unwrap_or(DEFAULT_CLASS_SIZE);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository");
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let class = scratch.path().join("class");
    make_class(repo, &class, size);

    // Warm the disk cache, rustc and the race tests' shuttle build on a few
    // submissions; not counted.
    let warm_up = scratch.path().join("warm-up");
    make_class(repo, &warm_up, 4);
    run_batch(&warm_up, &scratch.path().join("warm-up-out"), 2);

    println!("{size} parallel_sum submissions, {} cores", std::thread::available_parallelism().map_or(1, |n| n.get()));
    // Other work on the machine skews the figures: say how busy it was.
    println!("load average before: {}", load_average());
    // CPU time says how much a run left the cores idle: at 100% of both, more
    // jobs cannot make it faster. One grading already runs its tests side by
    // side, so even one job keeps the cores mostly busy.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    println!("{:<6} {:>8} {:>15} {:>8} {:>18}", "jobs", "wall s", "submissions/s", "CPU s", "cores kept busy");
    let mut walls = Vec::new();
    for jobs in [1, 2] {
        let cpu_before = busy_cpu_seconds();
        let wall = run_batch(&class, &scratch.path().join(format!("out-{jobs}")), jobs);
        let cpu = busy_cpu_seconds() - cpu_before;
        println!("{jobs:<6} {wall:>8.1} {:>15.2} {cpu:>8.1} {:>17.0}%", size as f64 / wall, 100.0 * cpu / (wall * cores));
        walls.push(wall);
    }
    println!("speedup with 2 jobs: {:.2}x", walls[0] / walls[1]);
    println!("load average after: {}", load_average());
}

/// CPU seconds the whole machine has spent busy so far, from /proc/stat.
/// Counted machine-wide because the tests run in bubblewrap's own PID
/// namespaces, whose processes the grader's child accounting never sees;
/// other work on the machine counts too, which the load average tells.
fn busy_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/stat") else { return f64::NAN };
    let Some(line) = stat.lines().next() else { return f64::NAN };
    // user nice system idle iowait irq softirq steal: all but idle and iowait.
    let ticks: Vec<f64> = line.split_whitespace().skip(1).filter_map(|field| field.parse().ok()).collect();
    let busy: f64 = ticks.iter().take(8).enumerate().filter(|(index, _)| *index != 3 && *index != 4).map(|(_, ticks)| ticks).sum();
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    busy / per_second
}

/// The 1-, 5- and 15-minute load averages, where the system tells them.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_string())
}

/// Copies of every `parallel_sum` submission in the corpus and the reference,
/// in turn, each with a comment of its own.
fn make_class(repo: &Path, class: &Path, size: usize) {
    let corpus = repo.join("tests/corpus/parallel_sum");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&corpus).expect("the corpus").map(|entry| entry.expect("entry").path()).collect();
    sources.push(repo.join("assignments/parallel_sum/reference.rs"));
    sources.sort();
    for index in 0..size {
        let source = &sources[index % sources.len()];
        let student = class.join(format!("student{index:03}"));
        let root = if source.is_dir() {
            copy_folder(source, &student);
            student.join("src/main.rs")
        } else {
            std::fs::create_dir_all(class).expect("class folder");
            let file = student.with_extension("rs");
            std::fs::copy(source, &file).expect("copy a submission");
            file
        };
        let text = std::fs::read_to_string(&root).expect("a crate root");
        std::fs::write(&root, format!("{text}\n// student {index}\n")).expect("write a crate root");
    }
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("a folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

/// Seconds `grader batch` took.
fn run_batch(class: &Path, out: &Path, jobs: usize) -> f64 {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args(["batch", "parallel_sum"])
        .arg(class)
        .arg("--out")
        .arg(out)
        .args(["--jobs", &jobs.to_string(), "--seed", "1"])
        .output()
        .expect("grader runs");
    let wall = started.elapsed().as_secs_f64();
    assert!(output.status.code().is_some_and(|code| code <= 1), "{}", String::from_utf8_lossy(&output.stderr));
    wall
}
