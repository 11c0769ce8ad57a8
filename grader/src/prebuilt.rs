//! The grader's own crates that every test program links, compiled once per
//! machine and toolchain instead of once per grading: `grader_protocol`
//! (protocol/), `grader_harness` (harness/), and the harness again with its
//! `shuttle` feature for race builds. A grading then compiles only the
//! student's crate and a `main` of one line that links the two.
//!
//! Their sources are carried in the grader binary, so an installed grader
//! needs no source tree, and compiled with rustc alone: the protocol and the
//! ordinary harness need nothing but std, so a machine without network still
//! grades; only the race harness waits for shuttle ([`crate::shuttle_deps`]).
//! The cache folder is named by a hash of the exact rustc (an rlib links only
//! with the compiler that made it) and of the sources, so a new grader
//! version builds its own beside the old. A build takes a file lock and
//! appears under its final name only once complete, so parallel gradings on
//! a fresh machine build it once, and afterwards only read it.
//!
//! This module also holds what the shuttle cache shares with it: where the
//! cache is, the lock, and compiling crates from carried sources.

use std::ffi::OsString;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::process;
use crate::shuttle_deps::ShuttleDeps;

/// What a cache folder holds; a new layout is built afresh beside the old.
const CACHE_LAYOUT: &str = "v1";

/// A crate the grader compiles from sources it carries.
#[derive(Hash)]
pub struct CrateSources {
    pub name: &'static str,
    pub edition: &'static str,
    /// Its files by path, the crate root first; modules are found beside it.
    pub files: &'static [(&'static str, &'static str)],
}

const PROTOCOL: CrateSources = CrateSources {
    name: "grader_protocol",
    edition: "2024",
    files: &[
        ("lib.rs", include_str!("../../protocol/src/lib.rs")),
        ("record.rs", include_str!("../../protocol/src/record.rs")),
        ("wire.rs", include_str!("../../protocol/src/wire.rs")),
    ],
};

const HARNESS: CrateSources = CrateSources {
    name: "grader_harness",
    edition: "2024",
    files: &[
        ("lib.rs", include_str!("../../harness/src/lib.rs")),
        ("race.rs", include_str!("../../harness/src/race.rs")),
        ("zygote.rs", include_str!("../../harness/src/zygote.rs")),
    ],
};

/// Optimised, as shuttle is: built once, run by every test.
/// Lints are capped so that a newer rustc's lint never stops a machine's build.
pub const FLAGS: &[&str] = &["-O", "--cap-lints", "allow"];

/// The cached protocol and ordinary harness.
pub struct Prebuilt {
    /// The folder that holds them (and the race harness), which every build reads.
    pub dir: PathBuf,
    /// `libgrader_protocol.rlib`, which the student's crate gets for its probe.
    pub protocol: PathBuf,
    /// `libgrader_harness.rlib`, without shuttle.
    pub harness: PathBuf,
}

/// The cached build, made now if it is not there yet; kept for the process,
/// so a batch of gradings asks once.
pub fn ensure(rustc: &Path) -> Result<&'static Prebuilt> {
    static PREBUILT: OnceLock<std::result::Result<Prebuilt, String>> = OnceLock::new();
    let prebuilt = PREBUILT.get_or_init(|| load_or_build(rustc).map_err(|error| format!("{error:#}")));
    prebuilt.as_ref().map_err(|why| anyhow::anyhow!("cannot build the grader's harness: {why}"))
}

fn load_or_build(rustc: &Path) -> Result<Prebuilt> {
    let key = format!("harness-{CACHE_LAYOUT}-{:016x}", hash(&(rustc_identity(rustc)?, &PROTOCOL, &HARNESS, FLAGS)));
    let dir = cache_root().join(key);
    let prebuilt = Prebuilt {
        protocol: dir.join(rlib(PROTOCOL.name)),
        harness: dir.join(rlib(HARNESS.name)),
        dir,
    };
    compile_once(
        rustc,
        &prebuilt.dir,
        &[
            CrateBuild { sources: &PROTOCOL, uses: &[], args: strings(FLAGS) },
            CrateBuild { sources: &HARNESS, uses: &["grader_protocol"], args: strings(FLAGS) },
        ],
    )?;
    Ok(prebuilt)
}

/// The harness built with its `shuttle` feature against `shuttle`'s cached
/// build, in a folder of the protocol's (it links that very rlib) named after
/// that shuttle build. Kept for the process, like [`ensure`].
pub fn race_harness(rustc: &Path, prebuilt: &Prebuilt, shuttle: &ShuttleDeps) -> std::result::Result<&'static Path, String> {
    static RACE: OnceLock<std::result::Result<PathBuf, String>> = OnceLock::new();
    let built = RACE.get_or_init(|| {
        build_race_harness(rustc, prebuilt, shuttle).map_err(|error| format!("the race harness does not build: {error:#}"))
    });
    built.as_deref().map_err(Clone::clone)
}

fn build_race_harness(rustc: &Path, prebuilt: &Prebuilt, shuttle: &ShuttleDeps) -> Result<PathBuf> {
    // A rebuilt shuttle is a new file, though it may keep its name.
    let modified = std::fs::metadata(&shuttle.rlib).and_then(|meta| meta.modified()).ok();
    let dir = prebuilt.dir.join(format!("race-{:016x}", hash(&(&shuttle.rlib, &shuttle.engine, modified))));
    let mut flags = externs(&[
        ("grader_protocol", &prebuilt.protocol),
        ("shuttle", &shuttle.rlib),
        ("shuttle_engine", &shuttle.engine),
    ]);
    flags.extend(["--cfg".into(), "feature=\"shuttle\"".into(), "-L".into(), dependency(&shuttle.deps)]);
    flags.extend(strings(FLAGS));
    compile_once(rustc, &dir, &[CrateBuild { sources: &HARNESS, uses: &[], args: flags }])?;
    Ok(dir.join(rlib(HARNESS.name)))
}

/// `-L dependency=<folder>`'s argument.
pub fn dependency(folder: &Path) -> OsString {
    let mut argument = OsString::from("dependency=");
    argument.push(folder);
    argument
}

/// `--extern name=rlib` for each crate.
pub fn externs(crates: &[(&str, &Path)]) -> Vec<OsString> {
    crates
        .iter()
        .flat_map(|(name, rlib)| {
            let mut argument = OsString::from(format!("{name}="));
            argument.push(rlib);
            [OsString::from("--extern"), argument]
        })
        .collect()
}

pub fn strings(words: &[&str]) -> Vec<OsString> {
    words.iter().map(OsString::from).collect()
}

/// One crate of a [`compile_once`].
pub struct CrateBuild<'a> {
    pub sources: &'a CrateSources,
    /// Crates of the same build, compiled before it, that it uses.
    pub uses: &'a [&'a str],
    /// rustc's other arguments.
    pub args: Vec<OsString>,
}

/// Compiles `crates`, in order, into the folder `into` as `lib<name>.rlib`,
/// unless a complete build is there. The folder appears only once every
/// crate compiled, so a build stopped halfway is never read.
pub fn compile_once(rustc: &Path, into: &Path, crates: &[CrateBuild]) -> Result<()> {
    let complete = || crates.iter().all(|build| into.join(rlib(build.sources.name)).is_file());
    if complete() {
        return Ok(());
    }
    let parent = into.parent().context("a cache folder is in a folder")?;
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create the cache folder `{}`", parent.display()))?;
    let name = into.file_name().context("a cache folder has a name")?.to_string_lossy();
    let _lock = FileLock::take(&parent.join(format!("{name}.lock")))?;
    // Another grading may have built it while this one waited for the lock.
    if complete() {
        return Ok(());
    }
    tracing::info!(dir = %into.display(), "building the grader's crates once for this toolchain");
    let work = tempfile::Builder::new().prefix("build-").tempdir_in(parent).context("cannot create a build folder")?;
    for CrateBuild { sources, uses, args } in crates {
        let folder = work.path().join("src").join(sources.name);
        for (path, text) in sources.files {
            let file = folder.join(path);
            std::fs::create_dir_all(file.parent().context("a source file is in a folder")?)?;
            std::fs::write(&file, text).with_context(|| format!("cannot write `{}`", file.display()))?;
        }
        let earlier: Vec<(&str, PathBuf)> = uses.iter().map(|name| (*name, work.path().join(rlib(name)))).collect();
        let earlier: Vec<(&str, &Path)> = earlier.iter().map(|(name, path)| (*name, path.as_path())).collect();
        let mut command = Command::new(rustc);
        command
            .args(["--crate-type", "rlib", "--crate-name", sources.name, "--edition", sources.edition])
            .args(externs(&earlier))
            .args(args)
            .arg("--out-dir")
            .arg(work.path())
            .arg(folder.join(sources.files[0].0));
        let finished = process::run_with_timeout(command, &process::Limits::new(Duration::from_secs(120), 1 << 20))
            .context("cannot run rustc")?;
        if finished.exit != process::Exit::Code(0) {
            bail!("the grader's {} crate does not compile: {}", sources.name, finished.stderr.text().trim());
        }
    }
    std::fs::remove_dir_all(work.path().join("src"))?;
    std::fs::rename(work.keep(), into).with_context(|| format!("cannot keep the build in `{}`", into.display()))?;
    Ok(())
}

fn rlib(name: &str) -> String {
    format!("lib{name}.rlib")
}

/// A stable name for what a cache folder was built from.
pub fn hash(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// What names the exact compiler, found once per process: its driver
/// library beside it, whose file name carries a hash of the compiler's version
/// and commit, with that file's size and time; else `rustc -vV`, which costs a
/// start of the compiler (5 ms of CPU here).
pub fn rustc_identity(rustc: &Path) -> Result<&'static [u8]> {
    static IDENTITY: OnceLock<std::result::Result<Vec<u8>, String>> = OnceLock::new();
    let identity = IDENTITY.get_or_init(|| match driver_identity(rustc) {
        Some(identity) => Ok(identity),
        None => match Command::new(rustc).arg("-vV").output() {
            Ok(output) if output.status.success() => Ok(output.stdout),
            Ok(output) => Err(format!("`rustc -vV` failed: {}", String::from_utf8_lossy(&output.stderr).trim())),
            Err(error) => Err(format!("cannot run rustc: {error}")),
        },
    });
    identity.as_deref().map_err(|why| anyhow::anyhow!("{why}"))
}

/// `<sysroot>/lib/librustc_driver-<hash>.so` of `<sysroot>/bin/rustc`, when
/// there is exactly one.
fn driver_identity(rustc: &Path) -> Option<Vec<u8>> {
    let lib = rustc.parent()?.parent()?.join("lib");
    let mut drivers = std::fs::read_dir(lib).ok()?.flatten().filter(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        name.starts_with("librustc_driver-") && (name.ends_with(".so") || name.ends_with(".dylib"))
    });
    let (driver, None) = (drivers.next()?, drivers.next()) else { return None };
    let metadata = driver.metadata().ok()?;
    let modified = metadata.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("{}\n{}\n{} bytes\n{} ns\n", rustc.display(), driver.path().display(), metadata.len(), modified.as_nanos()).into_bytes())
}

/// The grader's cache: `$GRADER_CACHE`, else `grader` in the user's cache folder.
pub fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("GRADER_CACHE") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("grader");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".cache").join("grader"),
        None => std::env::temp_dir().join("grader-cache"),
    }
}

/// An exclusive `flock` on a file, released when dropped.
pub struct FileLock(std::fs::File);

impl FileLock {
    pub fn take(path: &Path) -> Result<FileLock> {
        use std::os::fd::AsRawFd;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .with_context(|| format!("cannot open `{}`", path.display()))?;
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            bail!("cannot lock `{}`: {}", path.display(), std::io::Error::last_os_error());
        }
        let _ = writeln!(file, "{}", std::process::id());
        Ok(FileLock(file))
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: unlocks the descriptor locked in `take`.
        unsafe {
            libc::flock(self.0.as_raw_fd(), libc::LOCK_UN);
        }
    }
}
