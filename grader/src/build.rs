//! Build: compile the staged submission and link the harness against it.
//!
//! Two rustc runs, no cargo: the submission becomes the library `submission`
//! (under the student's edition, warnings capped so a stray `#![deny]` cannot
//! fail a build that works for the student), then the harness links it. rustc
//! is called directly because a std-only crate compiles in a fraction of a
//! second that way, with no shared target directory to lock or to go stale. A
//! compile error is a result, not an error: the diagnostics are kept with
//! paths as the student knows them, and a missing or mistyped function gets a
//! message that names the contract's signature.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::assignment::{Limits, Signature};
use crate::process::{self, Exit};
use crate::shuttle_deps;
use crate::stage::Staged;

/// The hand-off to the run stage.
pub struct Build {
    pub outcome: BuildOutcome,
    /// rustc's diagnostics, rendered as the student would see them.
    pub log: String,
    pub duration: Duration,
}

pub enum BuildOutcome {
    /// The harness program every test runs, and the race harness (built
    /// against shuttle) when race tests are planned: `Err` says why there is
    /// none, and those tests then run on real threads only.
    Built { harness: PathBuf, counts_threads: bool, race: Option<std::result::Result<PathBuf, String>> },
    Failed { message: String },
}

/// rustc's own needs are far below this; a submission's const evaluation or
/// macro expansion that explodes is stopped here.
const BUILD_MEMORY: u64 = 2 << 30;
const BUILD_FILE_BYTES: u64 = 512 << 20;

/// Whether the linker can wrap `pthread_create` to count threads (GNU ld and
/// lld can; Apple's linker cannot).
const COUNTS_THREADS: bool = cfg!(target_os = "linux");

pub fn build(staged: &Staged, signature: &Signature, limits: &Limits) -> Result<Build> {
    let started = Instant::now();
    if let Some(refusal) = &staged.refusal {
        return Ok(refused(refusal, started));
    }
    // The race build needs its own compile of the submission; it runs beside
    // the ordinary one, so on two cores it costs little extra time.
    let (ordinary, race) = std::thread::scope(|scope| {
        let race = staged.race_dir.as_ref().map(|dir| scope.spawn(move || build_race(staged, dir, limits)));
        let ordinary = build_harness(staged, staged.dir(), &staged.root, "out", &[], &[], limits);
        (ordinary, race.map(|handle| handle.join().unwrap_or_else(|_| Err("the race build panicked".to_string()))))
    });
    let (compiled, linked) = ordinary?;
    if let Some(message) = compiled.failure(staged, signature) {
        return Ok(Build { outcome: BuildOutcome::Failed { message }, log: compiled.log, duration: started.elapsed() });
    }
    let log = [compiled.log, linked.log].join("");
    let outcome = match linked.errors.first() {
        None => BuildOutcome::Built {
            harness: staged.grader_dir().join("out").join("harness"),
            counts_threads: COUNTS_THREADS,
            race,
        },
        Some(first) => BuildOutcome::Failed {
            message: format!("the grader's harness could not be linked with this submission: {first}"),
        },
    };
    Ok(Build { outcome, log, duration: started.elapsed() })
}

/// Compiles the crate at `root` as the library `submission` and links the
/// harness against it, into `.grader/<out>/harness`. `extra` goes to both
/// rustc runs.
///
/// rustc runs in `cwd` with the crate root relative to it, so panic messages
/// name the student's file as the student does (`src/main.rs:12:5`).
fn build_harness(
    staged: &Staged,
    cwd: &Path,
    root: &Path,
    out: &str,
    extra: &[String],
    extra_read_only: &[PathBuf],
    limits: &Limits,
) -> Result<(Compiled, Compiled)> {
    let out = staged.grader_dir().join(out);
    std::fs::create_dir_all(&out).context("cannot create the build folder")?;
    let mut library = rustc()?;
    library
        .args(["--crate-type", "rlib", "--crate-name", "submission", "--edition", &staged.edition])
        .args(["--cap-lints", "allow", "--error-format", "json", "-C", "debuginfo=0", "--out-dir"])
        .arg(&out)
        .args(extra)
        .arg(root);
    let sandbox = build_sandbox(staged, extra_read_only)?;
    let compiled = compile(library, cwd, limits, &sandbox)?;
    if !compiled.errors.is_empty() {
        return Ok((compiled, Compiled { log: String::new(), errors: Vec::new() }));
    }
    let mut link = rustc()?;
    link.args(["--crate-type", "bin", "--crate-name", "harness", "--edition", "2024"])
        .args(["--cap-lints", "allow", "--error-format", "json", "-C", "debuginfo=0", "--extern"])
        .arg(format!("submission={}", out.join("libsubmission.rlib").display()))
        .arg("-L")
        .arg(&out)
        .arg("-o")
        .arg(out.join("harness"))
        .args(extra)
        .arg(staged.grader_dir().join("main.rs"));
    if COUNTS_THREADS {
        link.args(["-C", "link-arg=-Wl,--wrap=pthread_create", "--cfg", "grader_count_threads"]);
    }
    let linked = compile(link, cwd, limits, &sandbox)?;
    Ok((compiled, linked))
}

/// The race harness: the submission compiled against the shuttle shim.
/// Every way it can fail is a reason for the report, never a failed grading.
fn build_race(staged: &Staged, dir: &Path, limits: &Limits) -> std::result::Result<PathBuf, String> {
    let rustc_path = rustc_path().map_err(|error| error.to_string())?;
    let deps = shuttle_deps::ensure(&rustc_path)?;
    let extra = vec![
        "--extern".to_string(),
        format!("shuttle={}", deps.rlib.display()),
        "-L".to_string(),
        format!("dependency={}", deps.deps.display()),
        "--cfg".to_string(),
        "grader_shuttle".to_string(),
    ];
    let race_dir = staged.dir().join(dir);
    let cache = vec![deps.rlib.parent().map_or_else(|| deps.deps.clone(), Path::to_path_buf), deps.deps.clone()];
    let (compiled, linked) = build_harness(staged, &race_dir, &staged.root, "race-out", &extra, &cache, limits)
        .map_err(|error| format!("{error:#}"))?;
    match compiled.errors.iter().chain(&linked.errors).find(|diagnostic| !diagnostic.spans.is_empty()) {
        None if compiled.errors.is_empty() && linked.errors.is_empty() => {
            Ok(staged.grader_dir().join("race-out").join("harness"))
        }
        Some(first) => Err(format!("the code does not compile against shuttle's threads and locks ({first})")),
        None => Err("the code does not compile against shuttle's threads and locks".to_string()),
    }
}

/// rustc itself, not the rustup proxy in front of it: the proxy costs a few
/// milliseconds a call and reads the environment of whoever runs the grader.
fn rustc() -> Result<Command> {
    rustc_path().map(Command::new)
}

fn rustc_path() -> Result<PathBuf> {
    static RUSTC: OnceLock<Option<PathBuf>> = OnceLock::new();
    let path = RUSTC.get_or_init(|| {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let output = Command::new(&rustc).args(["--print", "sysroot"]).output().ok()?;
        let sysroot = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
        let direct = sysroot.join("bin").join("rustc");
        Some(if direct.is_file() { direct } else { PathBuf::from(rustc) })
    });
    match path {
        Some(path) => Ok(path.clone()),
        None => bail!("cannot run `rustc`: the grader compiles submissions with the Rust toolchain (https://rustup.rs)"),
    }
}

struct Compiled {
    log: String,
    errors: Vec<Diagnostic>,
}

#[derive(Deserialize)]
struct Diagnostic {
    message: String,
    code: Option<Code>,
    level: String,
    spans: Vec<Span>,
    rendered: Option<String>,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    line_start: usize,
    column_start: usize,
    is_primary: bool,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.code {
            Some(code) => write!(f, "error[{}]: {}", code.code, self.message)?,
            None => write!(f, "error: {}", self.message)?,
        }
        if let Some(span) = self.spans.iter().find(|span| span.is_primary) {
            write!(f, " at {}:{}:{}", span.file_name, span.line_start, span.column_start)?;
        }
        Ok(())
    }
}

impl Diagnostic {
    fn in_probe(&self) -> bool {
        self.spans.iter().any(|span| span.is_primary && span.file_name.contains(".grader/"))
    }
}

/// rustc sees the toolchain and `read_only` (the shuttle cache) read-only,
/// and writes only into the scratch folder, so a submission's
/// `include_str!("/home/ta/.ssh/id_rsa")` finds nothing to include.
fn build_sandbox(staged: &Staged, read_only: &[PathBuf]) -> Result<process::Sandbox> {
    let sysroot = rustc_path()?.parent().and_then(Path::parent).map(Path::to_path_buf);
    Ok(process::Sandbox {
        read_only: sysroot.into_iter().chain(read_only.iter().cloned()).collect(),
        writable: vec![staged.dir().to_path_buf()],
        unprivileged: false,
    })
}

fn compile(command: Command, cwd: &Path, limits: &Limits, sandbox: &process::Sandbox) -> Result<Compiled> {
    let mut command = command;
    command.current_dir(cwd);
    let sandbox = sandbox.clone();
    let run_limits = process::Limits {
        memory_bytes: Some(BUILD_MEMORY),
        tasks: Some(limits.threads),
        file_bytes: Some(BUILD_FILE_BYTES),
        sandbox: Some(sandbox),
        ..process::Limits::new(Duration::from_secs_f64(limits.build_timeout_secs), 4 * 1024 * 1024)
    };
    let finished = process::run_with_timeout(command, &run_limits, false).context("cannot run rustc")?;
    let mut log = String::new();
    let mut errors = Vec::new();
    for line in finished.stderr.text().lines() {
        match serde_json::from_str::<Diagnostic>(line) {
            Ok(diagnostic) => {
                if let Some(rendered) = &diagnostic.rendered {
                    log.push_str(rendered);
                }
                if diagnostic.level == "error" {
                    errors.push(diagnostic);
                }
            }
            // Artifact notices and anything else rustc prints that is not a diagnostic.
            Err(_) if line.starts_with('{') => {}
            Err(_) => {
                log.push_str(line);
                log.push('\n');
            }
        }
    }
    if let Some(limit) = finished.limit {
        errors.push(synthetic(format!("rustc was stopped at {} of the build", limit.name())));
    }
    match finished.exit {
        Exit::Code(0) => {}
        Exit::TimedOut { .. } => errors.push(synthetic(format!(
            "rustc did not finish within {} s",
            limits.build_timeout_secs
        ))),
        Exit::Code(_) | Exit::Signal(_) if errors.is_empty() => {
            errors.push(synthetic(format!("rustc failed: {}", finished.stderr.text().trim())))
        }
        _ => {}
    }
    Ok(Compiled { log, errors })
}

fn synthetic(message: String) -> Diagnostic {
    Diagnostic { message, code: None, level: "error".into(), spans: Vec::new(), rendered: None }
}

impl Compiled {
    /// The one-paragraph message for a failed build, or None when it built.
    fn failure(&self, staged: &Staged, signature: &Signature) -> Option<String> {
        let first = self.errors.first()?;
        // "aborting due to N previous errors" and the like point nowhere.
        let (in_probe, in_submission): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
            self.errors.iter().filter(|diagnostic| !diagnostic.spans.is_empty()).partition(|diagnostic| diagnostic.in_probe());
        let function = &signature.function;
        let root = &staged.root_display;
        Some(if let Some(first) = in_submission.first() {
            let count = in_submission.len();
            let errors = if count == 1 { "1 error".to_string() } else { format!("{count} errors") };
            format!("the submission does not compile ({errors}); the first is {first}")
        } else if in_probe.iter().any(|diagnostic| diagnostic.code.as_ref().is_some_and(|code| code.code == "E0425")) {
            format!("`{function}` is missing: the grader looks for `{}` in {root}", signature.text)
        } else if !in_probe.is_empty() {
            let found = match declared_signature(&staged.dir().join(&staged.root), function) {
                Some((line, declared)) => format!(", but {root}:{line} has `{declared}`"),
                None => String::new(),
            };
            format!("`{function}` does not have the contract's signature: the grader calls `{}`{found}", signature.text)
        } else {
            format!("the submission does not compile: {first}")
        })
    }
}

/// The line number and text of the student's own declaration of `function`,
/// from its `fn` up to the opening brace, on one line.
fn declared_signature(root: &std::path::Path, function: &str) -> Option<(usize, String)> {
    crate::source::declared_signature(&std::fs::read_to_string(root).ok()?, function)
}

/// A submission that staging refused: a failed build, without running rustc.
fn refused(refusal: &crate::source::Refusal, started: Instant) -> Build {
    let message = refusal.message.clone();
    Build { outcome: BuildOutcome::Failed { message }, log: String::new(), duration: started.elapsed() }
}
