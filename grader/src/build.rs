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

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::assignment::{Limits, Signature};
use crate::process::{self, Exit};
use crate::stage::Staged;

/// The hand-off to the run stage.
pub struct Build {
    pub outcome: BuildOutcome,
    /// rustc's diagnostics, rendered as the student would see them.
    pub log: String,
    pub duration: Duration,
}

pub enum BuildOutcome {
    /// The harness program every test runs.
    Built { harness: PathBuf, counts_threads: bool },
    Failed { message: String },
}

/// Whether the linker can wrap `pthread_create` to count threads (GNU ld and
/// lld can; Apple's linker cannot).
const COUNTS_THREADS: bool = cfg!(target_os = "linux");

pub fn build(staged: &Staged, signature: &Signature, limits: &Limits) -> Result<Build> {
    let started = Instant::now();
    let out = staged.grader_dir().join("out");
    std::fs::create_dir_all(&out).context("cannot create the build folder")?;

    let mut library = rustc()?;
    library
        .args(["--crate-type", "rlib", "--crate-name", "submission", "--edition", &staged.edition])
        .args(["--cap-lints", "allow", "--error-format", "json", "-C", "debuginfo=0", "--out-dir"])
        .arg(&out)
        .arg(&staged.root);
    let compiled = compile(library, staged, limits)?;
    if let Some(message) = compiled.failure(staged, signature) {
        return Ok(Build { outcome: BuildOutcome::Failed { message }, log: compiled.log, duration: started.elapsed() });
    }

    let harness = out.join("harness");
    let mut link = rustc()?;
    link.args(["--crate-type", "bin", "--crate-name", "harness", "--edition", "2024"])
        .args(["--cap-lints", "allow", "--error-format", "json", "-C", "debuginfo=0", "--extern"])
        .arg(format!("submission={}", out.join("libsubmission.rlib").display()))
        .arg("-L")
        .arg(&out)
        .arg("-o")
        .arg(&harness)
        .arg(staged.grader_dir().join("main.rs"));
    if COUNTS_THREADS {
        link.args(["-C", "link-arg=-Wl,--wrap=pthread_create", "--cfg", "grader_count_threads"]);
    }
    let linked = compile(link, staged, limits)?;
    let log = [compiled.log, linked.log].join("");
    let outcome = match linked.errors.first() {
        None => BuildOutcome::Built { harness, counts_threads: COUNTS_THREADS },
        Some(first) => BuildOutcome::Failed {
            message: format!("the grader's harness could not be linked with this submission: {first}"),
        },
    };
    Ok(Build { outcome, log, duration: started.elapsed() })
}

/// rustc itself, not the rustup proxy in front of it: the proxy costs a few
/// milliseconds a call and reads the environment of whoever runs the grader.
fn rustc() -> Result<Command> {
    static RUSTC: OnceLock<Option<PathBuf>> = OnceLock::new();
    let path = RUSTC.get_or_init(|| {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let output = Command::new(&rustc).args(["--print", "sysroot"]).output().ok()?;
        let sysroot = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
        let direct = sysroot.join("bin").join("rustc");
        Some(if direct.is_file() { direct } else { PathBuf::from(rustc) })
    });
    match path {
        Some(path) => Ok(Command::new(path)),
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

fn compile(command: Command, staged: &Staged, limits: &Limits) -> Result<Compiled> {
    let mut command = command;
    command.current_dir(staged.dir());
    let run_limits = process::Limits {
        timeout: Duration::from_secs_f64(limits.build_timeout_secs),
        output_bytes: 4 * 1024 * 1024,
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
    let text = std::fs::read_to_string(root).ok()?;
    let needle = format!("fn {function}");
    let start = text.match_indices(&needle).map(|(index, _)| index).find(|&index| {
        text[index + needle.len()..].trim_start().starts_with(['(', '<'])
    })?;
    let line = text[..start].lines().count().max(1);
    let declaration = text[start..].split(['{', ';']).next()?;
    Some((line, declaration.split_whitespace().collect::<Vec<_>>().join(" ")))
}
