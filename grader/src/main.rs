//! The `grader` command line: `grade`, `list` and `validate`.
//!
//! Exit status: 0 full marks, 1 graded with points lost (a failed build
//! included), 2 a usage or configuration error, said in one line on stderr.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use grader::assignment::Catalog;
use grader::report::{self, Audience, Report};
use grader::submission::Submission;
use grader::{Options, grade};

#[derive(Parser)]
#[command(name = "grader", version, about = "Grades Rust std::thread exercises: parallel_sum, worker_pool, row_maxima")]
struct Cli {
    /// Read assignments from this folder (one `<name>/assignment.yaml` each) instead of the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    assignments: Option<PathBuf>,
    /// Log what the grader does on stderr (or set GRADER_LOG=debug).
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Grade one submission: a `.rs` file or a Cargo project folder.
    Grade {
        /// parallel_sum, worker_pool or row_maxima.
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
    },
    /// List the assignments and their points.
    List,
    /// Grade every assignment's reference solution and check it gets full marks.
    Validate {
        #[arg(long)]
        seed: Option<u64>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 3600.0 => Ok(secs),
        _ => Err(format!("`{text}` is not a number of seconds between 0 and 3600")),
    }
}

fn main() -> ExitCode {
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
        Command::Grade { assignment, submission, format, seed, audience, output, timeout } => {
            let assignment = catalog.load(&assignment)?;
            let opened = Submission::open(&submission, &assignment.signature.function)?;
            let report = grade(&assignment, &opened, &Options { seed, timeout_secs: timeout })?.for_audience(audience);
            let text = match format {
                Format::Json => report::render_json(&report),
                Format::Human => {
                    let color = output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                    report::render_human(&report, color, &again_command(&report, &submission))
                }
            };
            match output {
                Some(path) => std::fs::write(&path, text).with_context(|| format!("cannot write `{}`", path.display()))?,
                None => print!("{text}"),
            }
            Ok(exit_code(&report))
        }
        Command::List => {
            for assignment in catalog.load_all()? {
                let groups: Vec<String> = assignment
                    .spec
                    .groups
                    .iter()
                    .map(|group| format!("{} {}", grader::plan::kind_name(group.kind), report::points(group.points)))
                    .collect();
                println!(
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
        Command::Validate { seed } => {
            let mut all_full = true;
            for assignment in catalog.load_all()? {
                let Some(reference) = &assignment.reference else {
                    println!("{:<14} no reference.rs to validate", assignment.name);
                    all_full = false;
                    continue;
                };
                let submission = Submission::from_source("reference.rs", reference);
                let report = grade(&assignment, &submission, &Options { seed, timeout_secs: None })?;
                let verdict = if report.full_marks() { "full marks" } else { "POINTS LOST" };
                println!(
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
                        println!("  {}: {}", test.name, test.message);
                    }
                }
            }
            Ok(if all_full { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

fn exit_code(report: &Report) -> ExitCode {
    if report.full_marks() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn again_command(report: &Report, submission: &std::path::Path) -> String {
    format!("grader grade {} {} --seed {}", report.assignment, submission.display(), report.seed)
}
