//! The compiled `shuttle` crate that race builds link against, built once per
//! machine and toolchain and then reused.
//!
//! Compiling shuttle and its dependencies takes 15–25 s, far more than a
//! grading, so it is built once with cargo into a cache folder keyed by the
//! shuttle version and the exact rustc (an rlib only links with the compiler
//! that made it). Building takes a file lock so that parallel gradings on a
//! fresh machine build it once; once the cache is there, gradings only read
//! it and never wait on each other. Where shuttle cannot be had (no network
//! on a first run, no cargo), race tests fall back to real threads and the
//! report says why.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::process;

/// The shuttle release the shims in harness/src/ are written against.
pub const SHUTTLE_VERSION: &str = "0.9.10";

/// What the cache folder holds; a new layout is built afresh beside the old.
const CACHE_LAYOUT: &str = "v2";

/// A first build fetches and compiles about 30 crates.
const BUILD_TIMEOUT: Duration = Duration::from_secs(600);

pub struct ShuttleDeps {
    /// `libshuttle-<hash>.rlib`.
    pub rlib: PathBuf,
    /// `libshuttle_engine-<hash>.rlib`: the race harness records schedules with it.
    pub engine: PathBuf,
    /// Where its dependencies' rlibs are, for `-L dependency=`.
    pub deps: PathBuf,
    /// `libgrader_std.rlib` and `libgrader_core.rlib`, the std and core a
    /// race build is compiled against (harness/src/shim.rs and shim/,
    /// shim_core.rs).
    pub std_shim: PathBuf,
    pub core_shim: PathBuf,
}

/// The shims, compiled into the grader: each crate's name and its files,
/// by their paths under harness/src/, the crate root first (the root names
/// its modules' files with `#[path]`, relative to itself).
const SHIMS: &[(&str, &[(&str, &str)])] = &[
    (
        "grader_std",
        &[
            ("shim.rs", include_str!("../../harness/src/shim.rs")),
            ("shim/thread.rs", include_str!("../../harness/src/shim/thread.rs")),
            ("shim/sync.rs", include_str!("../../harness/src/shim/sync.rs")),
            ("shim/mpsc.rs", include_str!("../../harness/src/shim/mpsc.rs")),
            ("shim/once_lock.rs", include_str!("../../harness/src/shim/once_lock.rs")),
        ],
    ),
    ("grader_core", &[("shim_core.rs", include_str!("../../harness/src/shim_core.rs"))]),
];

/// The cached build, made now if it is not there yet. The outcome is kept for
/// the process, so a batch of gradings asks once.
pub fn ensure(rustc: &Path) -> std::result::Result<&'static ShuttleDeps, String> {
    static DEPS: OnceLock<std::result::Result<ShuttleDeps, String>> = OnceLock::new();
    DEPS.get_or_init(|| load_or_build(rustc).map_err(|error| format!("{error:#}"))).as_ref().map_err(Clone::clone)
}

/// Where the grader keeps what it builds once per machine: shuttle, the
/// shims, the oracles.
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

fn load_or_build(rustc: &Path) -> Result<ShuttleDeps> {
    let version = Command::new(rustc).arg("-vV").output().context("cannot run rustc")?;
    let key = {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut hasher = DefaultHasher::new();
        (SHUTTLE_VERSION, &version.stdout).hash(&mut hasher);
        format!("shuttle-{SHUTTLE_VERSION}-{CACHE_LAYOUT}-{:016x}", hasher.finish())
    };
    let root = cache_root();
    let dir = root.join(&key);
    if let Some(deps) = read(&dir, rustc) {
        return deps;
    }
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create the cache folder `{}`", root.display()))?;
    let _lock = FileLock::take(&root.join(format!("{key}.lock")))?;
    // Another grading may have built it while this one waited for the lock.
    if let Some(deps) = read(&dir, rustc) {
        return deps;
    }
    tracing::info!(dir = %dir.display(), "building shuttle once for race tests");
    build(rustc, &root, &dir)?;
    read(&dir, rustc).context("the shuttle build left no usable rlib")?
}

impl ShuttleDeps {
    /// The folders a compile against shuttle and the shims reads.
    pub fn folders(&self) -> Vec<PathBuf> {
        let shims = self.std_shim.parent().map(Path::to_path_buf);
        std::iter::once(self.deps.clone()).chain(shims).collect()
    }
}

/// Shuttle's cached build in `dir`, with its shims built if they are not yet.
fn read(dir: &Path, rustc: &Path) -> Option<Result<ShuttleDeps>> {
    let deps = dir.join("deps");
    let rlib = |marker: &str| Some(deps.join(std::fs::read_to_string(dir.join(marker)).ok()?.trim()));
    let (shuttle, engine) = (rlib("shuttle.rlib.name")?, rlib("shuttle_engine.rlib.name")?);
    if !(shuttle.is_file() && engine.is_file()) {
        return None;
    }
    let shims = dir.join(format!("shims-{:016x}", source_hash(SHIMS)));
    let (std_shim, core_shim) = (shims.join("libgrader_std.rlib"), shims.join("libgrader_core.rlib"));
    let built = if std_shim.is_file() && core_shim.is_file() {
        Ok(())
    } else {
        build_shims(rustc, &shuttle, &deps, &shims)
    };
    Some(built.map(|()| ShuttleDeps { rlib: shuttle, engine, deps: deps.clone(), std_shim, core_shim }))
}

fn source_hash(sources: &[(&str, &[(&str, &str)])]) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    sources.hash(&mut hasher);
    hasher.finish()
}

/// Compiles the two shims against shuttle into `shims`: the grader's own
/// code, a few hundredths of a second, once per machine and shim version.
fn build_shims(rustc: &Path, shuttle: &Path, deps: &Path, shims: &Path) -> Result<()> {
    let parent = shims.parent().context("the shims' folder is in the cache")?;
    let _lock = FileLock::take(&parent.join("shims.lock"))?;
    if shims.join("libgrader_std.rlib").is_file() && shims.join("libgrader_core.rlib").is_file() {
        return Ok(());
    }
    let work = tempfile::Builder::new().prefix("shims-").tempdir_in(parent).context("cannot create a build folder")?;
    for (name, files) in SHIMS {
        let sources = work.path().join(name);
        for (path, text) in *files {
            let file = sources.join(path);
            std::fs::create_dir_all(file.parent().context("a shim file is in a folder")?)?;
            std::fs::write(&file, text)?;
        }
        let root = sources.join(files[0].0);
        let mut command = Command::new(rustc);
        command
            .args(["--crate-type", "rlib", "--crate-name", name, "--edition", "2021", "-O", "--cap-lints", "allow"])
            .arg("--extern")
            .arg(format!("shuttle={}", shuttle.display()))
            .arg("-L")
            .arg(format!("dependency={}", deps.display()))
            .arg("--out-dir")
            .arg(work.path())
            .arg(&root);
        let finished = process::run_with_timeout(command, &process::Limits::new(Duration::from_secs(120), 1 << 20))
            .context("cannot run rustc")?;
        if finished.exit != process::Exit::Code(0) {
            bail!("the grader's {name} shim does not compile against shuttle: {}", finished.stderr.text().trim());
        }
        std::fs::remove_dir_all(&sources)?;
    }
    std::fs::rename(work.keep(), shims).with_context(|| format!("cannot keep the shims in `{}`", shims.display()))?;
    Ok(())
}

fn build(rustc: &Path, root: &Path, dir: &Path) -> Result<()> {
    let work = tempfile::Builder::new().prefix("shuttle-build-").tempdir_in(root).context("cannot create a build folder")?;
    let manifest = format!(
        "[package]\nname = \"grader-shuttle-deps\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nshuttle = \"={SHUTTLE_VERSION}\"\n\n[workspace]\n"
    );
    std::fs::write(work.path().join("Cargo.toml"), manifest)?;
    std::fs::create_dir_all(work.path().join("src"))?;
    std::fs::write(work.path().join("src/lib.rs"), "")?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    // Release: shuttle runs thousands of schedules per test, and its debug build
    // is several times slower at it.
    command
        .args(["build", "--release", "--quiet", "--message-format", "json"])
        .current_dir(work.path())
        .env("RUSTC", rustc)
        .env("CARGO_TARGET_DIR", work.path().join("target"))
        .env_remove("RUSTFLAGS");
    let limits = process::Limits::new(BUILD_TIMEOUT, 8 * 1024 * 1024);
    let finished = process::run_with_timeout(command, &limits).context("cannot run cargo")?;
    let stdout = finished.stdout.text();
    let artifact = |crate_name: &str| {
        stdout.lines().filter(|line| line.contains("\"compiler-artifact\"")).find_map(|line| {
            let artifact: serde_json::Value = serde_json::from_str(line).ok()?;
            (artifact["target"]["name"].as_str()? == crate_name).then_some(())?;
            let names = artifact["filenames"].as_array()?;
            names.iter().filter_map(|name| name.as_str()).find(|name| name.ends_with(".rlib")).map(PathBuf::from)
        })
    };
    let (Some(rlib), Some(engine)) = (artifact("shuttle"), artifact("shuttle_engine")) else {
        let why = finished.stderr.text();
        let first = why.lines().find(|line| line.contains("error")).unwrap_or(why.trim());
        bail!("cargo could not build shuttle {SHUTTLE_VERSION}: {first}");
    };
    let staged = work.path().join("ready");
    std::fs::create_dir_all(&staged)?;
    let built_deps = rlib.parent().context("an rlib is in a folder")?;
    std::fs::rename(built_deps, staged.join("deps")).context("cannot keep the shuttle build")?;
    for (marker, path) in [("shuttle.rlib.name", &rlib), ("shuttle_engine.rlib.name", &engine)] {
        let name = path.file_name().context("an rlib has a name")?.to_string_lossy().into_owned();
        std::fs::write(staged.join(marker), name)?;
    }
    std::fs::rename(&staged, dir).with_context(|| format!("cannot move the shuttle build to `{}`", dir.display()))?;
    Ok(())
}

/// An exclusive `flock` on a file, released when dropped.
struct FileLock(std::fs::File);

impl FileLock {
    fn take(path: &Path) -> Result<FileLock> {
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
