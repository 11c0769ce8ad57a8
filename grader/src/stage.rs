//! Stage: lay a submission and the harness side by side in a scratch folder.
//!
//! The student's files are copied under their own relative paths, so compiler
//! errors and panic messages name `src/main.rs:12:5` just as on the student's
//! machine. One line is appended to the copy of the crate root: a module
//! declaration for the generated probe, a child module of the student's crate
//! that can therefore call a private `fn`. Every grading gets a fresh folder,
//! so no build output of an earlier submission can ever be reused.
//!
//! Before anything is written, [`source::check`] reads the submission as
//! Rust: a file that is not whole could swallow the appended line, and a few
//! forms (exported symbols, `extern` blocks, assembly) could forge what the
//! grader observes. A refused submission is staged with nothing in it but the
//! refusal, which the build stage reports as a failed build.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

use tempfile::TempDir;

use crate::values::{Passing, Signature};
use crate::source::{self, Refusal};
use crate::submission::Submission;

/// The harness's own sources, compiled into the grader.
const HARNESS_MAIN: &str = include_str!("../../harness/src/main.rs");
const HARNESS_RECORD: &str = include_str!("../../harness/src/record.rs");
const HARNESS_RACE: &str = include_str!("../../harness/src/race.rs");
pub(crate) const WIRE: &str = include_str!("../../harness/src/wire.rs");

/// Where the grader's own files go inside the scratch folder.
const GRADER_DIR: &str = ".grader";
/// The race build's edited copy of the submission, inside GRADER_DIR, when it needs one.
const RACE_DIR: &str = "race";

/// The hand-off to the build stage.
pub struct Staged {
    /// Removed when the grading ends.
    scratch: TempDir,
    /// The student's crate root, relative to the scratch folder.
    pub root: PathBuf,
    pub edition: String,
    /// The edition came from the student's `Cargo.toml`.
    pub edition_stated: bool,
    /// A library project's `src/main.rs`, which the output test runs.
    pub program: Option<crate::submission::Program>,
    /// The submission's crate root as the student names it, for messages.
    pub root_display: String,
    /// Race tests are planned: the build compiles the submission a second
    /// time, against shuttle's shims of std and core.
    pub race: bool,
    /// Where that second compile finds the submission, relative to the
    /// scratch folder: the same files, or (when a module calls
    /// `thread_local!` by its bare name) a copy that imports the shim's.
    pub race_dir: PathBuf,
    /// Why the submission is not compiled at all; then nothing was staged.
    pub refusal: Option<Refusal>,
}

/// The scratch folders of the gradings under way, for an interrupted grader
/// to remove: an exit on Ctrl-C runs no destructors.
static SCRATCH: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes the scratch folders of the gradings under way.
pub fn remove_all_scratch() {
    let folders = SCRATCH.lock().map(|folders| folders.clone()).unwrap_or_default();
    for folder in folders {
        let _ = std::fs::remove_dir_all(folder);
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Ok(mut folders) = SCRATCH.lock() {
            folders.retain(|folder| folder != self.scratch.path());
        }
    }
}

impl Staged {
    pub fn dir(&self) -> &Path {
        self.scratch.path()
    }

    /// The grader's folder: the harness sources and the probe.
    pub fn grader_dir(&self) -> PathBuf {
        self.dir().join(GRADER_DIR)
    }

    /// Where the build exports the harness binaries the tests run.
    pub fn binaries_dir(&self) -> PathBuf {
        self.grader_dir().join("bin")
    }
}

/// Stages the submission; `race` says the race build is wanted too. Both
/// builds compile the same staged files: the race build reaches shuttle by
/// giving rustc other crates as `std` and `core`, never by editing them.
pub fn stage(submission: &Submission, signature: &Signature, race: bool) -> Result<Staged> {
    let scratch = tempfile::Builder::new().prefix("grader-").tempdir().context("cannot create a scratch folder")?;
    // Searchable, not listable, by others: a root grader runs the tests as
    // nobody, who must reach the harness and case files inside.
    std::fs::set_permissions(scratch.path(), std::os::unix::fs::PermissionsExt::from_mode(0o711))
        .context("cannot open the scratch folder to the test user")?;
    if let Ok(mut folders) = SCRATCH.lock() {
        folders.push(scratch.path().to_path_buf());
    }
    let mut staged = Staged {
        scratch,
        root: submission.root.clone(),
        edition: submission.edition.clone(),
        edition_stated: submission.edition_stated,
        program: submission.program.clone(),
        root_display: submission.root.display().to_string(),
        race,
        race_dir: PathBuf::new(),
        refusal: None,
    };
    if let Err(refusal) = source::check(submission) {
        staged.refusal = Some(refusal);
        return Ok(staged);
    }
    let scratch = &staged.scratch;
    let grader_dir = scratch.path().join(GRADER_DIR);
    for file in &submission.files {
        let mut text = file.text.clone();
        if file.path == submission.root {
            append_modules(&mut text, &file.path, "", &["probe"])?;
        }
        write_file(&scratch.path().join(&file.path), &text)?;
    }
    let edited: Vec<Option<String>> = if race {
        submission.files.iter().map(|file| source::with_shuttle_thread_locals(&file.text)).collect()
    } else {
        Vec::new()
    };
    if edited.iter().any(Option::is_some) {
        staged.race_dir = Path::new(GRADER_DIR).join(RACE_DIR);
        for (file, edited) in submission.files.iter().zip(edited) {
            let mut text = edited.unwrap_or_else(|| file.text.clone());
            if file.path == submission.root {
                append_modules(&mut text, &file.path, "../../", &["probe"])?;
            }
            write_file(&scratch.path().join(&staged.race_dir).join(&file.path), &text)?;
        }
    }
    write_file(&grader_dir.join("probe.rs"), &probe_source(signature))?;
    write_file(&grader_dir.join("wire.rs"), WIRE)?;
    write_file(&grader_dir.join("main.rs"), HARNESS_MAIN)?;
    write_file(&grader_dir.join("record.rs"), HARNESS_RECORD)?;
    write_file(&grader_dir.join("race.rs"), HARNESS_RACE)?;
    Ok(staged)
}

/// Appends module declarations for the grader's files (`probe` becomes
/// `__grader_probe`) to a crate root. Appended, never prepended, so the
/// student's line numbers stay true.
fn append_modules(text: &mut String, root: &Path, extra_depth: &str, modules: &[&str]) -> Result<()> {
    let up = format!("{extra_depth}{}", "../".repeat(root.components().count() - 1));
    for module in modules {
        let name = if module.starts_with("__") { module.to_string() } else { format!("__grader_{module}") };
        write!(text, "\n#[path = \"{up}{GRADER_DIR}/{module}.rs\"]\n#[doc(hidden)]\npub mod {name};\n")?;
    }
    Ok(())
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create `{}`", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))
}

/// The probe module: decodes a test's arguments, calls the student's function
/// through a pointer of the contract's exact type (so a wrong signature fails
/// to compile right here, where the grader can name the expected one), and
/// runs the student's `fn main` when the output test asks.
pub fn probe_source(signature: &Signature) -> String {
    let mut decode = String::new();
    let mut args = Vec::new();
    // The answer: the returned value, then each `&mut` argument as the call
    // left it, one after the other (see `Signature::answer`).
    let mut encode = String::new();
    if signature.returns.is_some() {
        encode.push_str("    answer.put(&mut out);\n");
    }
    for (index, param) in signature.params.iter().enumerate() {
        let owned = param.ty.rust();
        let (binding, pass) = match param.passing {
            Passing::Owned => ("let", ""),
            Passing::Shared => ("let", "&"),
            Passing::Mutable => ("let mut", "&mut "),
        };
        let _ = writeln!(decode, "    {binding} arg{index} = <{owned} as Wire>::take(&mut input)?;");
        args.push(format!("{pass}arg{index}"));
        if param.passing == Passing::Mutable {
            let _ = writeln!(encode, "    arg{index}.put(&mut out);");
        }
    }
    format!(
        r#"//! Generated by the grader for `{text}`; not part of the submission.
//!
//! It names everything it uses from std by an import of its own, so it
//! compiles in a crate under `#![no_std]` or `#![no_implicit_prelude]` too.
#![allow(warnings)]

extern crate std;

#[path = "wire.rs"]
mod wire;

use self::std::option::Option::{{self, None, Some}};
use self::std::string::String;
use self::std::sync::atomic::{{AtomicBool, Ordering}};
use self::std::vec::Vec;
use self::wire::Wire;

pub fn call(input: &[u8]) -> Option<Vec<u8>> {{
    let mut input = input;
{decode}    if !input.is_empty() {{
        return None;
    }}
    let function: {pointer} = super::{function};
    let answer = function({args});
    let mut out = Vec::new();
{encode}    Some(out)
}}

static NO_MAIN: AtomicBool = AtomicBool::new(false);

/// Runs the submission's `fn main`, or returns None when it has none: the
/// fallback `main` below is found only when the glob import of the crate root
/// in the inner block brings no `main` of the student's.
pub fn program() -> Option<self::std::process::ExitCode> {{
    fn main() {{
        NO_MAIN.store(true, Ordering::SeqCst);
    }}
    let status = {{
        use crate::*;
        self::std::process::Termination::report(main())
    }};
    if NO_MAIN.load(Ordering::SeqCst) {{ None }} else {{ Some(status) }}
}}
"#,
        text = signature.text,
        pointer = signature.pointer_type(),
        function = signature.function,
        args = args.join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_decodes_owned_arguments_and_passes_borrows() {
        let signature = Signature::parse("fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32>").unwrap();
        let probe = probe_source(&signature);
        assert!(probe.contains("let arg0 = <Vec<Vec<i32>> as Wire>::take(&mut input)?;"), "{probe}");
        assert!(probe.contains("let function: fn(&[Vec<i32>]) -> Vec<i32> = super::row_maxima;"), "{probe}");
        assert!(probe.contains("function(&arg0)"), "{probe}");
        let pool = Signature::parse("fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)>").unwrap();
        assert!(probe_source(&pool).contains("function(arg0, arg1)"));
        let sort = Signature::parse("fn merge_sort(data: &mut [i32], threads: usize)").unwrap();
        let probe = probe_source(&sort);
        assert!(probe.contains("let mut arg0 = <Vec<i32> as Wire>::take(&mut input)?;"), "{probe}");
        assert!(probe.contains("function(&mut arg0, arg1)") && probe.contains("arg0.put(&mut out);"), "{probe}");
        assert!(!probe.contains("answer.put"), "a function returning () sends only its &mut arguments: {probe}");
    }

    #[test]
    fn staging_appends_the_probe_without_moving_student_lines() {
        let signature = Signature::parse("fn f(a: u32) -> u32").unwrap();
        let mut submission = Submission::from_source("main.rs", "fn f(a: u32) -> u32 { a }");
        submission.files[0].path = PathBuf::from("src/main.rs");
        submission.root = PathBuf::from("src/main.rs");
        let staged = stage(&submission, &signature, true).unwrap();
        let root = std::fs::read_to_string(staged.dir().join("src/main.rs")).unwrap();
        assert!(root.starts_with("fn f(a: u32) -> u32 { a }\n"));
        assert!(root.contains("#[path = \"../.grader/probe.rs\"]"), "{root}");
        assert!(staged.grader_dir().join("wire.rs").is_file());
        // The race build compiles these same files: nothing else is written for it.
        assert!(staged.race);
        assert_eq!(std::fs::read_dir(staged.dir()).unwrap().count(), 2, "only src/ and .grader/");
    }

    #[test]
    fn a_refused_submission_is_staged_with_nothing_but_its_refusal() {
        let signature = Signature::parse("fn f(a: u32) -> u32").unwrap();
        let submission = Submission::from_source("main.rs", "fn f(a: u32) -> u32 { a }\n#[cfg(any())]\n");
        let staged = stage(&submission, &signature, true).unwrap();
        let refusal = staged.refusal.as_ref().expect("a dangling attribute is refused");
        assert!(refusal.message.starts_with("main.rs:2:1: the file does not parse as Rust"), "{}", refusal.message);
        assert!(!staged.dir().join("main.rs").exists());
        assert!(!staged.grader_dir().exists());
    }
}
