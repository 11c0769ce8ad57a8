//! The `grader` command line: `grade`, `check`, `batch`, `merge`, `list` and `validate`.
//!
//! Exit status: 0 full marks, 1 graded with points lost (a failed build
//! included), 2 a usage or configuration error, said in one line on stderr.
//! `batch` and `merge`: 0 every submission graded, 1 some could not be.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use grader::assignment::{Catalog, Kind};
use grader::report::{self, Audience, HiddenVisibility, Report};
use grader::submission::Submission;
use grader::{Options, grade};

#[derive(Parser)]
#[command(name = "grader", version, about = "Grades Rust std::thread exercises (see `grader list`)")]
struct Cli {
    /// Read assignments from this folder (one `<name>/assignment.yaml` each) instead of the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    assignments: Option<PathBuf>,
    /// Log what the grader does on stderr (or set GRADER_LOG=debug).
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Isolate submissions with bubblewrap: `required` refuses to grade without it, `off` is for debugging
    /// [default: required for `batch`, which runs strangers' code; auto otherwise].
    #[arg(long, global = true, value_enum, value_name = "MODE")]
    sandbox: Option<grader::process::SandboxMode>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Grade one submission: a `.rs` file or a Cargo project folder.
    Grade {
        /// The assignment's name (see `grader list`).
        assignment: String,
        submission: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Reproduce an earlier grading exactly.
        #[arg(long)]
        seed: Option<u64>,
        #[arg(long, value_enum, default_value_t = Audience::Student)]
        audience: Audience,
        /// Write the report here instead of to stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Each test's time limit in seconds, instead of the assignment's.
        #[arg(long, value_name = "SECS", value_parser = parse_timeout)]
        timeout: Option<f64>,
        /// Run only these kinds of test (e.g. `--only race`, `--only correctness,output`).
        #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
        only: Vec<Kind>,
        /// With --format gradescope: when students see the hidden tests' results.
        #[arg(long, value_enum, value_name = "WHEN", default_value_t = HiddenVisibility::AfterDueDate)]
        gradescope_hidden: HiddenVisibility,
    },
    /// Check your own project: finds its assignment in Cargo.toml, grades it and says what to try next.
    Check {
        /// The project folder, or any folder inside it.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Check again every time you save a file under src/ (Ctrl-C to stop).
        #[arg(long)]
        watch: bool,
        /// Reproduce an earlier check exactly.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Replay a race test's failing schedule, from the command its report gives.
    Replay {
        assignment: String,
        submission: PathBuf,
        /// The race test, e.g. race/small/threads=4.
        #[arg(long)]
        test: String,
        /// The seed of the grading that found it.
        #[arg(long)]
        seed: u64,
        /// The schedule the report printed.
        #[arg(long)]
        schedule: String,
    },
    /// Grade a whole class: every folder or .rs file in DIR is one student's submission.
    Batch {
        /// The assignment's name (see `grader list`).
        assignment: String,
        /// The class folder, one folder or .rs file per student.
        dir: PathBuf,
        /// Gradings at once, on at most N CPUs [default: the number of CPUs].
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Where grades.csv, reports/, summary.txt and the cache go.
        #[arg(long, value_name = "OUT", default_value = "grades")]
        out: PathBuf,
        /// One seed for the whole class [default: the seed of an earlier run into OUT, else a fresh one].
        #[arg(long)]
        seed: Option<u64>,
        /// Each test's time limit in seconds, instead of the assignment's.
        #[arg(long, value_name = "SECS", value_parser = parse_timeout)]
        timeout: Option<f64>,
        /// Grade only the I-th of N parts of the class (1-based, e.g. 1/4); needs --seed.
        #[arg(long, value_name = "I/N", value_parser = grader::batch::Shard::parse)]
        shard: Option<grader::batch::Shard>,
        /// Grade every submission again, ignoring the cache.
        #[arg(long)]
        force: bool,
    },
    /// Join the output folders of `grader batch --shard I/N` runs into one.
    Merge {
        /// The merged output folder.
        #[arg(long, value_name = "OUT")]
        out: PathBuf,
        /// Every shard's output folder.
        #[arg(required = true, value_name = "SHARD_OUT")]
        shards: Vec<PathBuf>,
    },
    /// List the assignments and their points.
    List,
    /// Check assignments: each spec loads, its reference compiles and gets full marks; shows a sample input of each case.
    Validate {
        /// The assignments to check [default: every one].
        names: Vec<String>,
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Start a new assignment: writes the folder NAME/ with a spec, a reference, a statement and a starter to edit.
    New {
        /// The assignment's name, also its function's: letters, digits and `_`.
        name: String,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    /// For a GitHub Classroom step: the report for the student on stdout (the job log), and the result for
    /// Classroom's reporter in --output FILE, else in $GITHUB_OUTPUT as `result`, else on stdout alone.
    Classroom,
    /// Gradescope's results.json.
    Gradescope,
    /// JUnit XML.
    Junit,
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 3600.0 => Ok(secs),
        _ => Err(format!("`{text}` is not a number of seconds between 0 and 3600")),
    }
}

fn main() -> ExitCode {
    // The grader's own supervisor, inside a grading's sandbox: not a command for people.
    if std::env::args().nth(1).as_deref() == Some(grader::process::supervisor::COMMAND) {
        return grader::process::supervisor::main();
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            let text = error.render().to_string();
            let first = text.lines().next().unwrap_or("error: invalid arguments");
            eprintln!("{first} (see `grader --help`)");
            return ExitCode::from(2);
        }
    };
    init_logging(cli.verbose);
    // Ctrl-C (or a TA's kill) ends the grader at once, and its tests with it:
    // a deadlocked test would otherwise outlive it.
    let _ = ctrlc::set_handler(|| {
        grader::process::stop_all();
        grader::process::remove_all_groups();
        grader::stage::remove_all_scratch();
        std::process::exit(130);
    });
    // A TA's batch runs a whole class of strangers' code: it needs the
    // sandbox unless asked otherwise. A student's own check does not.
    let sandbox = cli.sandbox.unwrap_or(match cli.command {
        Command::Batch { .. } => grader::process::SandboxMode::Required,
        _ => grader::process::SandboxMode::Auto,
    });
    if let Err(error) = grader::process::configure_sandbox(sandbox) {
        eprintln!("error: {error}");
        return ExitCode::from(2);
    }
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn init_logging(verbose: bool) {
    let filter = if verbose {
        tracing_subscriber::EnvFilter::new("grader=debug")
    } else {
        tracing_subscriber::EnvFilter::try_from_env("GRADER_LOG").unwrap_or_else(|_| "off".into())
    };
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

fn run(cli: Cli) -> Result<ExitCode> {
    let catalog = match cli.assignments {
        Some(dir) => Catalog::Folder(dir),
        None => Catalog::BuiltIn,
    };
    match cli.command {
        Command::Grade { assignment, submission, format, seed, audience, output, timeout, gradescope_hidden, only } => {
            let assignment = catalog.load(&assignment)?;
            let options = Options { seed, timeout_secs: timeout, only, ..Default::default() };
            let graded = match Submission::open(&submission, &assignment.signature.function) {
                Ok(opened) => {
                    let report = grade(&assignment, &opened, &options)?;
                    Graded { report, root_file: root_file(&opened), opened: true }
                }
                // Classroom and Gradescope record a zero with the reason rather
                // than nothing, and a CI job reads its JUnit file whatever
                // happened; the exit status is still 2.
                Err(error) if matches!(format, Format::Classroom | Format::Gradescope | Format::Junit) => {
                    let reason = format!("{error:#}");
                    eprintln!("error: {reason}");
                    let origin = submission.display().to_string();
                    let report = grader::nothing_to_grade(&assignment, &origin, &reason, &options)?;
                    Graded { report, root_file: origin, opened: false }
                }
                Err(error) => return Err(error),
            };
            let report = graded.report.for_audience(audience);
            // Nothing to grade still exits 2, whatever the report says.
            let code = if graded.opened { exit_code(&report) } else { ExitCode::from(2) };
            let text = match format {
                Format::Json => report::render_json(&report),
                Format::Human => {
                    let color = output.is_none() && color_on_stdout();
                    report::render_human(&report, color, &again_command(&report, &submission))
                }
                Format::Classroom => {
                    let classroom = report::render_classroom(&report, &graded.root_file);
                    let human = report::render_human(&report, false, &again_command(&report, &submission));
                    match hand_on_classroom_result(&classroom.result, output.as_deref())? {
                        // The job log: the student's report, then what the reporter will show.
                        true => grader::out!("{human}\n{}", classroom.log_note),
                        false => grader::outln!("{}", classroom.result),
                    }
                    return Ok(code);
                }
                Format::Gradescope => report::render_gradescope(&report, gradescope_hidden),
                Format::Junit => report::render_junit(&report),
            };
            write_report(output.as_deref(), &text)?;
            Ok(code)
        }
        Command::Check { dir, watch, seed } => {
            let command = if dir == std::path::Path::new(".") { "grader check".to_string() } else { format!("grader check {}", dir.display()) };
            let clear = std::io::stdout().is_terminal();
            let options = grader::check::CheckOptions { dir, command, watch, seed, color: color_on_stdout(), clear };
            let full_marks = grader::check::run(&catalog, &options)?;
            Ok(if full_marks { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::List => {
            for assignment in catalog.load_all()? {
                let groups: Vec<String> = assignment
                    .spec
                    .groups
                    .iter()
                    .map(|group| format!("{} {}", grader::plan::kind_name(group.kind), report::points(group.points)))
                    .collect();
                grader::outln!(
                    "{:<14} {:>4} points  {}\n{:<14} {}  ({})",
                    assignment.name,
                    report::points(assignment.max_score()),
                    assignment.spec.title,
                    "",
                    assignment.signature.text,
                    groups.join(", ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Replay { assignment, submission, test, seed, schedule } => {
            let assignment = catalog.load(&assignment)?;
            let opened = Submission::open(&submission, &assignment.signature.function)?;
            let schedule: String = schedule.split_whitespace().collect();
            if schedule.len() < 2 || !schedule.chars().all(|c| c.is_ascii_hexdigit()) {
                anyhow::bail!("`{schedule}` is not a schedule the grader printed: copy the whole replay command from the report");
            }
            let options = Options { seed: Some(seed), timeout_secs: None, ..Default::default() };
            let report = grader::replay(&assignment, &opened, &options, &grader::Replay { test, schedule })?;
            grader::out!("{}", report::render_replay(&report, color_on_stdout()));
            Ok(exit_code(&report))
        }
        Command::Batch { assignment, dir, jobs, out, seed, timeout, shard, force } => {
            let assignment = catalog.load(&assignment)?;
            let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
            let jobs = jobs.map_or(cores, usize::from);
            let settings = grader::batch::Settings { assignment: &assignment, dir, out, jobs, seed, timeout_secs: timeout, shard, force };
            Ok(batch_exit_code(grader::batch::run(&settings)?))
        }
        Command::Merge { out, shards } => Ok(batch_exit_code(grader::batch::merge(&out, &shards)?)),
        Command::New { name } => {
            grader::author::new_assignment(std::path::Path::new("."), &name)?;
            grader::outln!("Wrote {name}/: a small exercise that validates as it is. Edit its assignment.yaml, reference.rs,");
            grader::outln!("statement.md and starter/, then check it with: grader --assignments . validate {name}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { names, seed } => {
            let mut all_full = true;
            let assignments = if names.is_empty() {
                catalog.load_all()?
            } else {
                names.iter().map(|name| catalog.load(name)).collect::<Result<Vec<_>>>()?
            };
            for assignment in assignments {
                let Some(reference) = &assignment.reference else {
                    grader::outln!("{:<14} no reference.rs to validate", assignment.name);
                    all_full = false;
                    continue;
                };
                let submission = Submission::from_source("reference.rs", reference);
                let report = grade(&assignment, &submission, &Options { seed, ..Default::default() })?;
                let verdict = if report.full_marks() { "full marks" } else { "POINTS LOST" };
                grader::outln!(
                    "{:<14} {verdict}: {} / {} (seed {}, {:.1} s)",
                    assignment.name,
                    report::points(report.score),
                    report::points(report.max_score),
                    report.seed,
                    report.duration_ms as f64 / 1000.0
                );
                if !report.full_marks() {
                    all_full = false;
                    for test in report.tests.iter().filter(|test| test.status != report::Status::Passed) {
                        grader::outln!("  {}: {}", test.name, test.message);
                    }
                }
                // What students will get, one sample of each case (at its first thread count).
                for line in grader::author::samples(&grader::plan::plan(&assignment, report.seed)?) {
                    grader::outln!("  {line}");
                }
            }
            Ok(if all_full { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

/// A batch's summary on stdout; 0 when every submission got a grade, 1 when
/// some could not be graded (listed at the end of the summary).
fn batch_exit_code(finished: grader::batch::Finished) -> ExitCode {
    grader::out!("{}", finished.summary);
    grader::outln!("\n{}", finished.this_run);
    if finished.all_graded { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// Colour only for a person at a terminal who has not asked for none.
fn color_on_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Writes a rendered report to `--output`, or to stdout without one.
fn write_report(output: Option<&std::path::Path>, text: &str) -> Result<()> {
    match output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display())),
        None => {
            grader::out!("{text}");
            Ok(())
        }
    }
}

fn exit_code(report: &Report) -> ExitCode {
    if report.full_marks() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn again_command(report: &Report, submission: &std::path::Path) -> String {
    format!("grader grade {} {} --seed {}", report.assignment, submission.display(), report.seed)
}

/// The crate root as the student's repository names it: `src/main.rs` for a
/// project graded from its own folder, the path given for a single file.
fn root_file(submission: &Submission) -> String {
    if submission.origin.is_dir() {
        let path = submission.origin.join(&submission.root);
        path.strip_prefix(".").unwrap_or(&path).display().to_string()
    } else {
        submission.origin.display().to_string()
    }
}

/// A grading on its way to a format, with what the Classroom result names as
/// the student's file; `opened` is false when there was nothing to grade.
struct Graded {
    report: Report,
    root_file: String,
    opened: bool,
}

/// Puts the Classroom result where the reporter reads it: in `--output FILE`
/// when given, else as the step's `result` output in `$GITHUB_OUTPUT` (the
/// workflow hands it to the reporter as `<STEP_ID>_RESULTS`). Returns false
/// when it has neither, outside a GitHub Actions step: the caller then prints
/// the result itself.
fn hand_on_classroom_result(result: &str, output: Option<&std::path::Path>) -> Result<bool> {
    if let Some(path) = output {
        std::fs::write(path, format!("{result}\n")).with_context(|| format!("cannot write `{}`", path.display()))?;
        return Ok(true);
    }
    let Some(path) = std::env::var_os("GITHUB_OUTPUT") else { return Ok(false) };
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .with_context(|| format!("cannot write the step output `{}`", PathBuf::from(&path).display()))?;
    // Base64 has no newline, so the one-line `name=value` form holds it.
    std::io::Write::write_all(&mut file, format!("result={result}\n").as_bytes())
        .with_context(|| format!("cannot write the step output `{}`", PathBuf::from(&path).display()))?;
    Ok(true)
}
