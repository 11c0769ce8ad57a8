//! Build: compile the staged submission and link the harness against it.
//!
//! rustc runs directly, no cargo: a std-only crate compiles in a fraction of
//! a second that way, with no shared target directory to lock or to go stale.
//! The harness and the protocol are compiled once per machine
//! ([`crate::prebuilt`]), so a grading compiles only the student's crate and
//! links it with the harness through a generated `main`: by the linker
//! command rustc ran for the reference ([`crate::link`]) where one is
//! recorded, else by rustc.
//! Every compile runs in the grading's build session: a sandbox that sees the
//! toolchain and the sources read-only and writes only its private /tmp,
//! whose harness binaries are then copied out (up to a size cap) for the run
//! session. So nothing a submission makes rustc write lands on the host's
//! disk beyond those binaries.
//!
//! The submission becomes the library `submission`, under the student's
//! edition and rustc's default lint levels, so a slow `const` evaluation
//! fails as fast as it does for plain rustc. (A submission whose own
//! `#![deny]` or `#![forbid]` trips over the grader's generated modules is
//! compiled again with lints capped at warnings.) Then the harness links it,
//! through the generated `main`.
//! A compile error is a result, not an error: the diagnostics are kept with
//! paths as the student knows them, and a missing or mistyped function gets
//! a message that names the contract's signature.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::assignment::Limits;
use crate::link::Recipe;
use crate::prebuilt::{self, Prebuilt};
use crate::values::Signature;
use crate::process::protocol::Job;
use crate::process::session::{Budget, SessionSpec};
use crate::process::{Exit, Session, SessionKind};
use crate::shuttle_deps;
use crate::stage::Staged;

/// The hand-off to the run stage.
pub struct Build {
    pub outcome: BuildOutcome,
    /// rustc's diagnostics, rendered as the student would see them.
    pub log: String,
    pub duration: Duration,
    /// The edition the submission was compiled as.
    pub edition: String,
    /// A single file that does not compile as the default edition but does
    /// as an older one was graded as that one; this says so, for the report.
    pub note: Option<String>,
}

pub enum BuildOutcome {
    /// The harness program every test runs, and the race harness (built
    /// against shuttle) when race tests are planned: `Err` says why there is
    /// none, and those tests then run on real threads only.
    Built {
        harness: PathBuf,
        race: Option<std::result::Result<PathBuf, String>>,
        /// A library project's own program (`src/main.rs` built against the
        /// library), which the output test runs; `Err` says why it did not compile.
        program: Option<std::result::Result<PathBuf, String>>,
    },
    Failed { message: String },
}

/// rustc's own needs are far below this; a submission's const evaluation or
/// macro expansion that explodes is stopped here, where no control group
/// caps the grading's memory.
const BUILD_MEMORY: u64 = 2 << 30;
const BUILD_FILE_BYTES: u64 = 512 << 20;
/// rustc, its threads, the linker driver and the linker.
const BUILD_TASKS: u64 = 256;
/// The build session's private /tmp: two rlibs and two harness binaries of
/// about 5 MiB each, and the linker's temporary files.
const BUILD_TMP_BYTES: u64 = 512 << 20;
/// The most a harness binary copied out to the host may weigh; a chapter
/// solution's weighs about 5 MiB.
const BINARY_BYTES: u64 = 24 << 20;
/// rustc's diagnostics kept per compile.
const DIAGNOSTIC_BYTES: usize = 4 << 20;

/// `reference`, the instructor's solution, is what a recorded link
/// ([`crate::link`]) is recorded with.
pub fn build(staged: &Staged, signature: &Signature, reference: Option<&str>, limits: &Limits, budget: &Arc<Budget>) -> Result<Build> {
    let started = Instant::now();
    if let Some(refusal) = &staged.refusal {
        return Ok(refused(refusal, started, &staged.edition));
    }
    let rustc = rustc_path()?;
    let prebuilt = prebuilt::ensure(&rustc)?;
    let race_deps = staged.race.then(|| RaceDeps::ensure(&rustc, prebuilt));
    let exported = staged.binaries_dir();
    std::fs::create_dir_all(&exported).context("cannot create the folder for the harness binaries")?;
    let mut read_only = vec![toolchain(&rustc), staged.dir().to_path_buf(), prebuilt.dir.clone()];
    if let Some(Ok(race_deps)) = &race_deps {
        read_only.extend(race_deps.shuttle.folders());
    }
    let recipes = reference.map(|reference| Recipes::ensure(&rustc, prebuilt, reference, signature, race_deps.as_ref().and_then(|deps| deps.as_ref().ok())));
    let spec = SessionSpec { kind: SessionKind::Build, read_only, writable: vec![exported.clone()], tmp_bytes: BUILD_TMP_BYTES };
    let session = Session::start(&spec, Arc::clone(budget))?;
    let mut compiler = Compiler {
        session: &session,
        rustc: &rustc,
        prebuilt,
        staged,
        recipes: recipes.unwrap_or_default(),
        limits,
        scratch: if session.sandboxed() { PathBuf::from("/tmp") } else { staged.grader_dir() },
        address_space: (!budget.caps_memory()).then_some(BUILD_MEMORY),
        edition: staged.edition.clone(),
    };
    let (mut ordinary, mut race) = compiler.both(race_deps.clone());
    let mut note = None;
    // Only a failure another edition could mend: not a build stopped at a
    // limit or by an endless `const` evaluation, which would only repeat.
    let fails = |ordinary: &Result<(Compiled, Compiled)>| {
        ordinary.as_ref().is_ok_and(|(compiled, _)| !compiled.errors.is_empty() && !compiled.stopped && !compiled.evaluates_endlessly())
    };
    if !staged.edition_stated && fails(&ordinary) && compiler.edition != OLDER_EDITION {
        // A single file names no edition: one that only an older edition
        // accepts (`gen` as a name, say) is graded as that one, with a note.
        let tried = std::mem::replace(&mut compiler.edition, OLDER_EDITION.to_string());
        let (older, older_race) = compiler.both(race_deps);
        if fails(&older) {
            compiler.edition = tried;
        } else {
            note = Some(format!(
                "{} does not compile as edition {tried}, the default for a single file, but does as edition {OLDER_EDITION}, \
                 so it was graded as {OLDER_EDITION}; a Cargo.toml with `edition = \"{OLDER_EDITION}\"` says so for good.",
                staged.root_display
            ));
            (ordinary, race) = (older, older_race);
        }
    }
    let edition = compiler.edition.clone();
    let (compiled, linked) = ordinary?;
    if let Some(message) = compiled.failure(staged, signature, &edition) {
        let outcome = BuildOutcome::Failed { message };
        return Ok(Build { outcome, log: compiled.log, duration: started.elapsed(), edition, note });
    }
    let log = [compiled.log, linked.log].join("");
    let outcome = match linked.errors.first() {
        None => match compiler.export("out", "harness", "harness") {
            Ok(harness) => {
                let program = staged.program.as_ref().map(|program| compiler.program(program));
                BuildOutcome::Built { harness, race, program }
            }
            Err(why) => BuildOutcome::Failed { message: why },
        },
        Some(first) => BuildOutcome::Failed {
            message: format!("the grader's harness could not be linked with this submission: {first}"),
        },
    };
    Ok(Build { outcome, log, duration: started.elapsed(), edition, note })
}

/// The edition a single file falls back to when it does not compile as the default.
const OLDER_EDITION: &str = "2021";

/// The toolchain's folder (the sysroot), which rustc reads.
fn toolchain(rustc: &Path) -> PathBuf {
    rustc.parent().and_then(Path::parent).map_or_else(|| rustc.to_path_buf(), Path::to_path_buf)
}

/// What a race build links besides the student's crate, all cached per machine.
#[derive(Clone, Copy)]
struct RaceDeps {
    shuttle: &'static shuttle_deps::ShuttleDeps,
    /// `libgrader_harness.rlib` built with shuttle.
    harness: &'static Path,
}

impl RaceDeps {
    /// Shuttle and the race harness, built now if they are not yet; `Err`
    /// says why race tests must fall back to real threads.
    fn ensure(rustc: &Path, prebuilt: &Prebuilt) -> std::result::Result<RaceDeps, String> {
        let shuttle = shuttle_deps::ensure(rustc)?;
        Ok(RaceDeps { shuttle, harness: prebuilt::race_harness(rustc, prebuilt, shuttle)? })
    }

    /// rustc's arguments for the student's crate (shuttle's shims as its
    /// `std` and `core`) and for the link (where shuttle's crates are).
    fn arguments(&self) -> (Vec<String>, Vec<String>) {
        let dependencies: Vec<String> =
            self.shuttle.folders().iter().flat_map(|folder| dependency_args(folder)).collect();
        let mut library = vec![
            "--extern".to_string(),
            format!("std={}", self.shuttle.std_shim.display()),
            "--extern".to_string(),
            format!("core={}", self.shuttle.core_shim.display()),
        ];
        library.extend(dependencies.iter().cloned());
        (library, dependencies)
    }
}

/// The recorded links of the two harnesses, where they could be recorded.
#[derive(Default)]
struct Recipes {
    ordinary: Option<Recipe>,
    race: Option<Recipe>,
}

impl Recipes {
    fn ensure(rustc: &Path, prebuilt: &Prebuilt, reference: &str, signature: &Signature, race: Option<&RaceDeps>) -> Recipes {
        let probe = crate::stage::probe_source(signature);
        let record = |harness: &Path, library: &[String], link: &[String]| {
            let arguments = |work: &Path| {
                let out = work.join("out");
                let compile = library_args("2024", &out, &prebuilt.protocol, library, "reference.rs".to_string(), false);
                let main = work.join(crate::stage::GRADER_DIR).join("main.rs");
                (compile, link_args(&out, harness, &prebuilt.dir, link, &main))
            };
            crate::link::recipe(rustc, &prebuilt.dir, reference, &probe, crate::stage::MAIN, &arguments)
        };
        let race = race.and_then(|deps| {
            let (library, link) = deps.arguments();
            record(deps.harness, &library, &link)
        });
        Recipes { ordinary: record(&prebuilt.harness, &[], &[]), race }
    }
}

/// Runs rustc in the build session.
struct Compiler<'a> {
    session: &'a Session,
    rustc: &'a Path,
    prebuilt: &'a Prebuilt,
    staged: &'a Staged,
    recipes: Recipes,
    limits: &'a Limits,
    /// Where build outputs go: the session's private /tmp in the sandbox.
    scratch: PathBuf,
    /// rustc's address-space limit, where no control group caps the grading.
    address_space: Option<u64>,
    /// The edition the student's crate is compiled as.
    edition: String,
}

impl Compiler<'_> {
    /// The ordinary build, and beside it the race build when race tests are
    /// planned: on two cores its own compile of the submission costs little
    /// extra time.
    #[allow(clippy::type_complexity)]
    fn both(
        &self,
        race: Option<std::result::Result<RaceDeps, String>>,
    ) -> (Result<(Compiled, Compiled)>, Option<std::result::Result<PathBuf, String>>) {
        std::thread::scope(|scope| {
            let race = race.map(|race| scope.spawn(move || self.race(race)));
            let ordinary = self.harness(self.staged.dir(), "out", &[], &self.prebuilt.harness, &[], self.recipes.ordinary.as_ref());
            (ordinary, race.map(|handle| handle.join().unwrap_or_else(|_| Err("the race build panicked".to_string()))))
        })
    }

    /// Compiles the staged crate as the library `submission` and links it
    /// with `harness_rlib` into `<scratch>/<out>/harness`. `library` goes to
    /// the student's crate (the race build's std and core), `link` to the
    /// link only: no flag tells the student's code which build it is in,
    /// and both builds give it the same `grader_protocol`.
    ///
    /// rustc runs in `cwd` with the crate root relative to it, so panic
    /// messages name the student's file as the student does (`src/main.rs:12:5`).
    fn harness(
        &self,
        cwd: &Path,
        out: &str,
        library: &[String],
        harness_rlib: &Path,
        link: &[String],
        recipe: Option<&Recipe>,
    ) -> Result<(Compiled, Compiled)> {
        let out = self.scratch.join(out);
        let student = |cap_lints: bool| {
            library_args(&self.edition, &out, &self.prebuilt.protocol, library, source_arg(&self.staged.root), cap_lints)
        };
        let mut compiled = self.compile(student(false), cwd)?;
        if compiled.only_lints_failed() {
            // The student's own `#![deny]`/`#![forbid]` met the grader's
            // generated modules, or an rlib's view of dead code: what builds
            // with cargo must build here.
            compiled = self.compile(student(true), cwd)?;
        }
        if !compiled.errors.is_empty() {
            return Ok((compiled, Compiled::default()));
        }
        if let Some(recipe) = recipe
            && self.relink(recipe, &out)
        {
            return Ok((compiled, Compiled::default()));
        }
        let main = self.staged.grader_dir().join("main.rs");
        let linked = self.compile(link_args(&out, harness_rlib, &self.prebuilt.dir, link, &main), cwd)?;
        Ok((compiled, linked))
    }

    /// Links `<out>/harness` by the recorded linker command; false, for
    /// rustc to link it instead, where that fails in any way.
    fn relink(&self, recipe: &Recipe, out: &Path) -> bool {
        let (program, args, mut env) = recipe.command(&out.join("libsubmission.rlib"), &out.join("harness"));
        env.push(("TMPDIR".to_string(), self.tmp()));
        let job = self.job(program, args, env, self.staged.dir());
        self.session.run(job, &[]).is_ok_and(|finished| finished.exit == Exit::Code(0) && finished.limit.is_none())
    }

    /// The race harness: the submission compiled with shuttle's shims as its
    /// `std` and `core`. Every way it can fail is a reason for the report,
    /// never a failed grading.
    fn race(&self, race: std::result::Result<RaceDeps, String>) -> std::result::Result<PathBuf, String> {
        let race = race?;
        let (library, dependencies) = race.arguments();
        let cwd = self.staged.dir().join(&self.staged.race_dir);
        let (compiled, linked) = self
            .harness(&cwd, "race-out", &library, race.harness, &dependencies, self.recipes.race.as_ref())
            .map_err(|error| format!("{error:#}"))?;
        match compiled.errors.iter().chain(&linked.errors).find(|diagnostic| !diagnostic.spans.is_empty()) {
            None if compiled.errors.is_empty() && linked.errors.is_empty() => self.export("race-out", "harness", "race-harness"),
            Some(first) => Err(format!("the code does not compile against shuttle's threads and locks ({first})")),
            None => Err("the code does not compile against shuttle's threads and locks".to_string()),
        }
    }

    /// A library project's `src/main.rs`, compiled against the library the
    /// ordinary build made, as cargo would build the package's binary.
    fn program(&self, program: &crate::submission::Program) -> std::result::Result<PathBuf, String> {
        let out = self.scratch.join("out");
        let mut args = strings(&["--crate-type", "bin", "--crate-name", "program", "--edition", &self.edition]);
        args.extend(strings(&["--error-format", "json", "-C", "debuginfo=0", "--extern"]));
        args.push(format!("{}={}", program.library_name, out.join("libsubmission.rlib").display()));
        args.extend(["-L".to_string(), out.display().to_string(), "-o".to_string(), out.join("program").display().to_string()]);
        args.extend(dependency_args(&self.prebuilt.dir));
        args.push(source_arg(&program.root));
        let compiled = self.compile(args, self.staged.dir()).map_err(|error| format!("{error:#}"))?;
        match compiled.errors.iter().find(|error| !error.spans.is_empty()).or(compiled.errors.first()) {
            None => self.export("out", "program", "program"),
            Some(first) => Err(format!("{} does not compile as edition {}: {first}", program.root.display(), self.edition)),
        }
    }

    /// Copies `<scratch>/<out>/<built>` out of the sandbox as `name`.
    fn export(&self, out: &str, built: &str, name: &str) -> std::result::Result<PathBuf, String> {
        let to = self.staged.binaries_dir().join(name);
        self.session
            .export(&self.scratch.join(out).join(built), &to, BINARY_BYTES)
            .map(|_| to)
            .map_err(|why| format!("the compiled program cannot be kept: {why}"))
    }

    fn compile(&self, args: Vec<String>, cwd: &Path) -> Result<Compiled> {
        // The linker driver is found on PATH; nothing else of the grader's environment.
        let env = vec![("PATH".into(), BUILD_PATH.into()), ("TMPDIR".into(), self.tmp())];
        let job = self.job(self.rustc.to_path_buf(), args, env, cwd);
        let finished = self.session.run(job, &[]).map_err(|error| anyhow::anyhow!("cannot run rustc: {error}"))?;
        let mut compiled = Compiled::default();
        for line in finished.stderr.text().lines() {
            match serde_json::from_str::<Diagnostic>(line) {
                Ok(diagnostic) => {
                    // The grader's own generated modules are not the student's concern.
                    if diagnostic.level != "error" && diagnostic.in_probe() {
                        continue;
                    }
                    if let Some(rendered) = &diagnostic.rendered {
                        compiled.log.push_str(rendered);
                    }
                    if diagnostic.level == "error" {
                        compiled.errors.push(diagnostic);
                    }
                }
                // Artifact notices and anything else rustc prints that is not a diagnostic.
                Err(_) if line.starts_with('{') => {}
                Err(_) => {
                    compiled.log.push_str(line);
                    compiled.log.push('\n');
                }
            }
        }
        if let Some(limit) = finished.limit {
            compiled.stopped = true;
            compiled.errors.push(synthetic(format!("rustc was stopped at {} of the build", limit.name())));
        }
        match finished.exit {
            Exit::Code(0) => {}
            Exit::TimedOut { .. } => {
                compiled.stopped = true;
                compiled.errors.push(synthetic(format!(
                    "rustc did not finish within {} s: is a `const` evaluated in an endless loop, or a macro expanded without end?",
                    self.limits.build_timeout_secs
                )))
            }
            Exit::Code(_) | Exit::Signal(_) if compiled.errors.is_empty() => {
                compiled.errors.push(synthetic(format!("rustc failed: {}", finished.stderr.text().trim())))
            }
            _ => {}
        }
        Ok(compiled)
    }

    /// A job of the build, rustc's or the linker's, under the build's limits.
    fn job(&self, program: PathBuf, args: Vec<String>, env: Vec<(String, String)>, cwd: &Path) -> Job {
        Job {
            program,
            args,
            env,
            cwd: cwd.to_path_buf(),
            timeout_ms: (self.limits.build_timeout_secs * 1000.0) as u64,
            output_bytes: DIAGNOSTIC_BYTES,
            output_limit: None,
            channel_bytes: None,
            trace: true,
            fork_server: false,
            // The ordinary and the race build still run side by side, each on a CPU.
            one_cpu: true,
            tasks: Some(BUILD_TASKS),
            address_space: self.address_space,
            cpu_secs: None,
            file_bytes: Some(BUILD_FILE_BYTES),
        }
    }

    /// The folder rustc and the linker keep temporary files in.
    fn tmp(&self) -> String {
        if self.session.sandboxed() { "/tmp".to_string() } else { std::env::temp_dir().display().to_string() }
    }
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| word.to_string()).collect()
}

/// `-L dependency=<folder>`: where rustc finds the crates the named ones use.
fn dependency_args(folder: &Path) -> [String; 2] {
    ["-L".to_string(), format!("dependency={}", folder.display())]
}

/// What the build session's rustc and linker find on PATH.
pub(crate) const BUILD_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// rustc's arguments for a submission's crate, the library `submission`
/// under the student's edition, written into `out`; `library` goes to the
/// crate too (the race build's std and core).
fn library_args(edition: &str, out: &Path, protocol: &Path, library: &[String], root: String, cap_lints: bool) -> Vec<String> {
    let mut args = strings(&["--crate-type", "rlib", "--crate-name", "submission", "--edition", edition]);
    if cap_lints {
        args.extend(strings(&["--cap-lints", "warn"]));
    }
    // No LLVM bitcode in the rlib: nothing links it with LTO, and
    // leaving it out saves about a tenth of the compile.
    args.extend(strings(&["--error-format", "json", "-C", "debuginfo=0", "-C", "embed-bitcode=no", "--out-dir"]));
    args.push(out.display().to_string());
    args.extend(["--extern".to_string(), format!("grader_protocol={}", protocol.display())]);
    args.extend(library.iter().cloned());
    args.push(root);
    args
}

/// rustc's arguments for linking `<out>/libsubmission.rlib` with
/// `harness_rlib` through the generated `main` into `<out>/harness`; `link`
/// goes to the link only (where shuttle's crates are). Every crate the
/// harness uses is in `prebuilt_dir`.
fn link_args(out: &Path, harness_rlib: &Path, prebuilt_dir: &Path, link: &[String], main: &Path) -> Vec<String> {
    let mut args = strings(&["--crate-type", "bin", "--crate-name", "harness", "--edition", "2024", "--cap-lints", "allow"]);
    args.extend(strings(&["--error-format", "json", "-C", "debuginfo=0", "-C", "strip=debuginfo", "--extern"]));
    args.push(format!("submission={}", out.join("libsubmission.rlib").display()));
    args.extend(["--extern".to_string(), format!("grader_harness={}", harness_rlib.display())]);
    args.extend(["-L".to_string(), out.display().to_string(), "-o".to_string(), out.join("harness").display().to_string()]);
    args.extend(dependency_args(prebuilt_dir));
    args.extend(link.iter().cloned());
    args.push(main.display().to_string());
    args
}

/// rustc itself, not the rustup proxy in front of it: the proxy costs a few
/// milliseconds a call and reads the environment of whoever runs the grader.
pub(crate) fn rustc_path() -> Result<PathBuf> {
    static RUSTC: OnceLock<Option<PathBuf>> = OnceLock::new();
    let path = RUSTC.get_or_init(|| {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        if let Some(direct) = which(&PathBuf::from(&rustc)).and_then(|found| behind_rustup_proxy(&found)) {
            return Some(direct);
        }
        let output = Command::new(&rustc).args(["--print", "sysroot"]).output().ok()?;
        let sysroot = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
        let direct = sysroot.join("bin").join("rustc");
        // In the sandbox rustc is started by its full path.
        Some(if direct.is_file() { direct } else { which(&PathBuf::from(rustc))? })
    });
    match path {
        Some(path) => Ok(path.clone()),
        None => bail!("cannot run `rustc`: the grader compiles submissions with the Rust toolchain (https://rustup.rs)"),
    }
}

/// The rustc that the rustup proxy `rustc` starts, as `rustup which rustc`
/// names it, with the same overrides (RUSTUP_TOOLCHAIN, rust-toolchain.toml,
/// `rustup override`): 5 ms of CPU, where starting that rustc through the
/// proxy to ask its sysroot takes 15. None where `rustc` is no rustup proxy
/// (the same file as the `rustup` beside it) or rustup cannot tell.
fn behind_rustup_proxy(rustc: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let rustup = rustc.with_file_name("rustup");
    let (proxy, rustup_file) = (std::fs::metadata(rustc).ok()?, std::fs::metadata(&rustup).ok()?);
    if (proxy.dev(), proxy.ino()) != (rustup_file.dev(), rustup_file.ino()) {
        return None;
    }
    let output = Command::new(&rustup).args(["which", "rustc"]).output().ok()?;
    let direct = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    (output.status.success() && direct.is_absolute() && direct.is_file()).then_some(direct)
}

/// The full path of a program named without one, from the grader's PATH.
fn which(program: &Path) -> Option<PathBuf> {
    which_on(program, &std::env::var_os("PATH")?)
}

/// The full path of a program named without one, from the folders of `path`.
pub(crate) fn which_on(program: &Path, path: &std::ffi::OsStr) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return Some(program.to_path_buf());
    }
    std::env::split_paths(path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

#[derive(Default)]
struct Compiled {
    log: String,
    errors: Vec<Diagnostic>,
    /// rustc was stopped at a limit or its timeout.
    stopped: bool,
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

    /// A lint raised to an error (its code is the lint's name, not `E0308`),
    /// or a lint level the grader's generated modules set against the
    /// student's `forbid` (E0453).
    fn is_lint(&self) -> bool {
        self.code.as_ref().is_some_and(|code| {
            let numbered = code.code.starts_with('E') && code.code[1..].chars().all(|c| c.is_ascii_digit());
            !numbered || code.code == "E0453"
        })
    }
}

fn synthetic(message: String) -> Diagnostic {
    Diagnostic { message, code: None, level: "error".into(), spans: Vec::new(), rendered: None }
}

impl Compiled {
    /// Whether the compile failed on lint levels alone. Never when an endless
    /// `const` evaluation was stopped by its own lint: capped, that lint would
    /// let the evaluation run until the build's time limit.
    fn only_lints_failed(&self) -> bool {
        let located: Vec<&Diagnostic> = self.errors.iter().filter(|error| !error.spans.is_empty()).collect();
        !self.stopped
            && !located.is_empty()
            && located.iter().all(|error| error.is_lint())
            && !self.evaluates_endlessly()
    }

    /// rustc stopped a `const` evaluation that ran too long.
    fn evaluates_endlessly(&self) -> bool {
        self.errors.iter().any(|error| error.code.as_ref().is_some_and(|code| code.code == "long_running_const_eval"))
    }
}

impl Compiled {
    /// The one-paragraph message for a failed build, or None when it built.
    fn failure(&self, staged: &Staged, signature: &Signature, edition: &str) -> Option<String> {
        let first = self.errors.first()?;
        // "aborting due to N previous errors" and the like point nowhere.
        let (in_probe, in_submission): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
            self.errors.iter().filter(|diagnostic| !diagnostic.spans.is_empty()).partition(|diagnostic| diagnostic.in_probe());
        let function = &signature.function;
        let root = &staged.root_display;
        Some(if let Some(first) = in_submission.first() {
            let count = in_submission.len();
            let errors = if count == 1 { "1 error".to_string() } else { format!("{count} errors") };
            format!("the submission does not compile as edition {edition} ({errors}); the first is {first}")
        } else if in_probe.iter().any(|diagnostic| diagnostic.code.as_ref().is_some_and(|code| code.code == "E0425")) {
            format!("`{function}` is missing: the grader looks for `{}` in {root}", signature.text)
        } else if !in_probe.is_empty() {
            let found = match declared_signature(&staged.dir().join(&staged.root), function) {
                Some((line, declared)) => format!(", but {root}:{line} has `{declared}`"),
                None => String::new(),
            };
            format!("`{function}` does not have the contract's signature: the grader calls `{}`{found}", signature.text)
        } else {
            format!("the submission does not compile as edition {edition}: {first}")
        })
    }
}

/// The line number and text of the student's own declaration of `function`,
/// from its `fn` up to the opening brace, on one line.
fn declared_signature(root: &std::path::Path, function: &str) -> Option<(usize, String)> {
    crate::source::declared_signature(&std::fs::read_to_string(root).ok()?, function)
}

/// A submission that staging refused: a failed build, without running rustc.
fn refused(refusal: &crate::source::Refusal, started: Instant, edition: &str) -> Build {
    let message = refusal.message.clone();
    let outcome = BuildOutcome::Failed { message };
    Build { outcome, log: String::new(), duration: started.elapsed(), edition: edition.to_string(), note: None }
}

/// A source file as rustc's argument: a student's file named `-O.rs` or
/// `@args.rs` is a file, never an option or a file of arguments.
fn source_arg(path: &Path) -> String {
    let text = path.display().to_string();
    if text.starts_with(['-', '@']) { format!("./{text}") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn script(path: &Path, text: &str) {
        std::fs::write(path, format!("#!/bin/sh\n{text}\n")).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn a_rustup_proxy_is_asked_which_rustc_it_starts_and_nothing_else_is() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("toolchain-rustc");
        script(&real, "exit 0");
        let rustup = dir.path().join("rustup");
        script(&rustup, &format!("[ \"$1 $2\" = \"which rustc\" ] && echo {}", real.display()));
        // A proxy is a symbolic link to rustup, or a hard link.
        let linked = dir.path().join("rustc");
        std::os::unix::fs::symlink(&rustup, &linked).unwrap();
        assert_eq!(behind_rustup_proxy(&linked), Some(real.clone()));
        let other = tempfile::tempdir().unwrap();
        std::fs::copy(&rustup, other.path().join("rustup")).unwrap();
        std::fs::hard_link(other.path().join("rustup"), other.path().join("rustc")).unwrap();
        assert_eq!(behind_rustup_proxy(&other.path().join("rustc")), Some(real));
        // A rustc that is not rustup, even beside one, is left alone.
        let plain = tempfile::tempdir().unwrap();
        script(&plain.path().join("rustc"), "exit 0");
        std::fs::copy(&rustup, plain.path().join("rustup")).unwrap();
        assert_eq!(behind_rustup_proxy(&plain.path().join("rustc")), None);
        // A rustup that cannot tell (no such toolchain, say) is no answer.
        script(&rustup, "echo error: no toolchain >&2; exit 1");
        assert_eq!(behind_rustup_proxy(&linked), None);
    }
}
