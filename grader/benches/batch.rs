//! The throughput figures of the README's speed section, all in one run:
//!
//! 1. the peers: compiling the reference alone with `rustc -O`, and an
//!    Exercism-style `cargo test --release` of the visible example in a warm
//!    Cargo project;
//! 2. a single warm grading of the reference, ten times: wall time and CPU;
//! 3. a class of 60 `parallel_sum` submissions with `grader batch`, once with
//!    `--jobs 1` and once with `--jobs 2`: wall time, CPU a student, speedup;
//! 4. the same class with the corpus's submissions that hang among them, as
//!    a real class has, at `--jobs 2`.
//!
//! `cargo bench -p grader --bench batch` (add `-- 80` for another class size).
//! The class is the `parallel_sum` corpus and the reference solution
//! (correct, wrong, panicking and not compiling), repeated with a different
//! comment in each copy so that no two students share a cache entry. In 3,
//! none hangs: a test stopped at its time limit measures that limit (5 s,
//! 10 s for race tests), not the grader; the warm-up, which grades the whole
//! corpus once, finds which do. Each run starts from an empty output folder,
//! so nothing is cached.
//! The machine is shared: compare the ratios, and read the load averages.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const DEFAULT_CLASS_SIZE: usize = 60;
const SINGLE_RUNS: usize = 10;

fn main() {
    let size: usize = std::env::args().skip(1).find_map(|arg| arg.parse().ok()).unwrap_or(DEFAULT_CLASS_SIZE);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository");
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let reference = repo.join("assignments/parallel_sum/reference.rs");
    let corpus = repo.join("tests/corpus/parallel_sum");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&corpus).expect("the corpus").map(|entry| entry.expect("entry").path()).collect();
    sources.push(reference.clone());
    sources.sort();

    // Warm the disk cache, rustc and the race tests' shuttle build on the
    // whole corpus, and find the submissions that hang; not counted.
    let warm_up = scratch.path().join("warm-up");
    make_class(&sources, &warm_up, sources.len());
    let warm_up_out = scratch.path().join("warm-up-out");
    run_batch(&warm_up, &warm_up_out, 2);
    let hung = students_with_timeouts(&warm_up_out);
    let hang_free: Vec<PathBuf> =
        sources.iter().enumerate().filter(|(index, _)| !hung.contains(&format!("student{index:03}"))).map(|(_, source)| source.clone()).collect();
    let class = scratch.path().join("class");
    make_class(&hang_free, &class, size);
    let with_hangs = scratch.path().join("class-with-hangs");
    make_class(&sources, &with_hangs, size);

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{cores} cores; load average before: {}", load_average());
    println!();
    println!("{:<44} {:>9} {:>9} {:>9}", "one submission, median of runs", "wall s", "CPU s", "CPU s*");
    let bare = scratch.path().join("bare");
    std::fs::create_dir_all(&bare).expect("a folder");
    let reference_for_bare = reference.clone();
    let bare_compile = peer(
        "rustc -O of the reference alone",
        move |_| {
            let mut command = Command::new("rustc");
            command.args(["--edition", "2024", "-O", "-o"]).arg(bare.join("main")).arg(&reference_for_bare);
            command
        },
    );
    let project = exercism_project(repo, scratch.path());
    peer(
        "cargo test --release, the example only",
        move |index| {
            // A new comment each time, as a new submission would be.
            let main = project.join("src/main.rs");
            let text = std::fs::read_to_string(&main).expect("main.rs");
            std::fs::write(&main, format!("{text}\n// run {index}\n")).expect("main.rs");
            let mut command = Command::new("cargo");
            command.args(["test", "--release", "--quiet", "--offline"]).current_dir(&project);
            command
        },
    );
    let mut gradings = Vec::new();
    for (name, only) in [("grader grade, warm", None), ("grader grade, warm, without race tests", Some(WITHOUT_RACE))] {
        let reference = reference.clone();
        let grading = peer(
            name,
            move |index| {
                let mut command = Command::new(env!("CARGO_BIN_EXE_grader"));
                command.args(["grade", "parallel_sum"]).arg(&reference).args(["--format", "json", "--seed", &index.to_string()]);
                if let Some(only) = only {
                    command.args(["--only", only]);
                }
                command
            },
        );
        gradings.push(grading);
    }
    println!("(CPU s: the command and every process it waited for, counted by the grader's own meter; CPU s*: the whole machine's busy time meanwhile)");
    println!(
        "grader grade against rustc -O: {:.1}x the CPU*, {:.1}x the wall time",
        gradings[0].machine / bare_compile.machine,
        gradings[0].wall / bare_compile.wall
    );
    let tests = tests_in_grading(&reference);
    let per_test = cost_of_one_test(repo, scratch.path(), &reference);
    println!(
        "one more test in a grading: {:.2} ms CPU*; the {tests} tests of a parallel_sum grading: {:.2} CPU s* before any work of their own",
        per_test * 1000.0,
        per_test * tests as f64
    );

    println!();
    println!("{size} parallel_sum submissions");
    println!("{:<6} {:>8} {:>15} {:>14} {:>18}", "jobs", "wall s", "submissions/s", "CPU s each*", "cores kept busy*");
    let mut walls = Vec::new();
    for jobs in [1, 2] {
        let cpu_before = busy_cpu_seconds();
        let wall = run_batch(&class, &scratch.path().join(format!("out-{jobs}")), jobs);
        let cpu = busy_cpu_seconds() - cpu_before;
        println!(
            "{jobs:<6} {wall:>8.1} {:>15.2} {:>14.2} {:>17.0}%",
            size as f64 / wall,
            cpu / size as f64,
            100.0 * cpu / (wall * cores as f64)
        );
        walls.push(wall);
    }
    println!("speedup with 2 jobs: {:.2}x", walls[0] / walls[1]);
    let cpu_before = busy_cpu_seconds();
    let out = scratch.path().join("out-with-hangs");
    let wall = run_batch(&with_hangs, &out, 2);
    let cpu = busy_cpu_seconds() - cpu_before;
    println!(
        "with the {} of the corpus's {} that hang among them ({} of the {size} students), 2 jobs: {wall:.1} s, {:.2} CPU s each*",
        hung.len(),
        sources.len(),
        students_with_timeouts(&out).len(),
        cpu / size as f64
    );
    println!("load average after: {}", load_average());
}

/// The students of a batch's output with a test stopped at its time limit.
fn students_with_timeouts(out: &Path) -> Vec<String> {
    let grades = std::fs::read_to_string(out.join("grades.csv")).expect("grades.csv");
    grades
        .lines()
        .skip(1)
        .filter(|row| row.split(',').any(|cell| cell == "timeout"))
        .filter_map(|row| row.split(',').next().map(str::to_string))
        .collect()
}

/// How many tests a grading of `reference` runs.
fn tests_in_grading(reference: &Path) -> usize {
    let output = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args(["grade", "parallel_sum"])
        .arg(reference)
        .args(["--format", "json", "--seed", "1"])
        .output()
        .expect("grader runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    report["tests"].as_array().expect("the report's tests").len()
}

/// The machine CPU seconds one more test adds to a grading, whatever the
/// test does: the reference graded under two assignments alike but for their
/// thread counts (1 against 41), each test summing 4 numbers on one thread.
/// Both build the same code, so the difference is the 40 tests' processes,
/// their supervision and their reports.
fn cost_of_one_test(repo: &Path, scratch: &Path, reference: &Path) -> f64 {
    const MORE: usize = 40;
    let mut machine = Vec::new();
    for counts in [1, 1 + MORE] {
        let folder = scratch.join(format!("tiny-{counts}"));
        let assignment = folder.join("tiny");
        copy_folder(&repo.join("assignments/parallel_sum"), &assignment);
        let thread_counts: Vec<String> = (1..=counts).map(|count| count.to_string()).collect();
        let spec = format!(
            "title: One small test per thread count\nsignature: \"fn parallel_sum(data: &[u64], chunks: usize) -> u64\"\n\
             threads: {{count: chunks, shared: data, at_most: given, label: threads}}\nthread_counts: [{}]\n\
             limits:\n  timeout_secs: 5\ngroups:\n  - kind: correctness\n    visibility: hidden\n    points: 10\n    cases:\n\
             \x20     - name: tiny\n        across_thread_counts: true\n        hint: \"Sum four numbers.\"\n        covers: []\n\
             \x20       args:\n          data: {{vec: {{len: 4, of: {{int: [0, 100]}}}}}}\n          chunks: 1\n",
            thread_counts.join(", ")
        );
        std::fs::write(assignment.join("assignment.yaml"), spec).expect("assignment.yaml");
        // Full marks, exit code 0: every test ran to its end.
        let measured = medians(&format!("{counts} tiny tests"), 0, |_| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_grader"));
            command.args(["grade", "tiny"]).arg(reference).arg("--assignments").arg(&folder).args(["--format", "json", "--seed", "1"]);
            command
        });
        machine.push(measured.machine);
    }
    (machine[1] - machine[0]) / MORE as f64
}

/// The medians of one command's runs: wall seconds, its own CPU seconds and
/// the whole machine's busy seconds meanwhile.
struct Medians {
    wall: f64,
    cpu: f64,
    machine: f64,
}

/// Runs `run(index)` `SINGLE_RUNS` times after one that warms what it uses
/// and is not counted; each run must exit with at most `worst_code`.
fn medians(name: &str, worst_code: i32, mut run: impl FnMut(usize) -> Command) -> Medians {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut machine = Vec::new();
    for index in 0..=SINGLE_RUNS {
        let mut command = run(index);
        let cpu_before = grader::process::cpu_used().as_secs_f64();
        let busy_before = busy_cpu_seconds();
        let started = Instant::now();
        let output = command.output().expect("the command runs");
        if index > 0 {
            walls.push(started.elapsed().as_secs_f64());
            cpus.push(grader::process::cpu_used().as_secs_f64() - cpu_before);
            machine.push(busy_cpu_seconds() - busy_before);
        }
        assert!(output.status.code().is_some_and(|code| code <= worst_code), "{name}: {}", String::from_utf8_lossy(&output.stderr));
    }
    Medians { wall: median(walls), cpu: median(cpus), machine: median(machine) }
}

/// One line of the single-submission table: `run`'s medians, exit codes 0
/// (passed) or 1 (points lost) accepted.
fn peer(name: &str, run: impl FnMut(usize) -> Command) -> Medians {
    let measured = medians(name, 1, run);
    println!("{name:<44} {:>9.2} {:>9.2} {:>9.2}", measured.wall, measured.cpu, measured.machine);
    measured
}

/// Every kind of test but race-stress.
const WITHOUT_RACE: &str = "example,correctness,parallelism,output";

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// A Cargo project as Exercism's test runner sees one: the reference as
/// `src/main.rs` with the visible example as its one `#[test]`, built once.
fn exercism_project(repo: &Path, scratch: &Path) -> PathBuf {
    let project = scratch.join("exercism");
    std::fs::create_dir_all(project.join("src")).expect("a project folder");
    std::fs::write(
        project.join("Cargo.toml"),
        "[package]\nname = \"parallel_sum\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n",
    )
    .expect("Cargo.toml");
    let reference = std::fs::read_to_string(repo.join("assignments/parallel_sum/reference.rs")).expect("the reference");
    let test = "\n#[cfg(test)]\nmod example {\n    #[test]\n    fn chapter() {\n        let data: Vec<u64> = (1..=1_000_000).collect();\n        assert_eq!(super::parallel_sum(&data, 8), 500_000_500_000);\n    }\n}\n";
    std::fs::write(project.join("src/main.rs"), format!("{reference}{test}")).expect("main.rs");
    project
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

/// `size` students: copies of `sources` in turn, each with a comment of its own.
fn make_class(sources: &[PathBuf], class: &Path, size: usize) {
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
