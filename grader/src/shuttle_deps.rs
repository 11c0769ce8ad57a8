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

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::prebuilt::{self, CrateBuild, CrateSources, FileLock};
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

/// The shims, compiled into the grader, with their files by their paths
/// under harness/src/ (the root names its modules' files with `#[path]`,
/// relative to itself).
const SHIMS: [CrateSources; 2] = [
    CrateSources {
        name: "grader_std",
        edition: "2021",
        files: &[
            ("shim.rs", include_str!("../../harness/src/shim.rs")),
            ("shim/thread.rs", include_str!("../../harness/src/shim/thread.rs")),
            ("shim/sync.rs", include_str!("../../harness/src/shim/sync.rs")),
            ("shim/mpsc.rs", include_str!("../../harness/src/shim/mpsc.rs")),
            ("shim/once_lock.rs", include_str!("../../harness/src/shim/once_lock.rs")),
        ],
    },
    CrateSources {
        name: "grader_core",
        edition: "2021",
        files: &[("shim_core.rs", include_str!("../../harness/src/shim_core.rs"))],
    },
];

/// The cached build, made now if it is not there yet. The outcome is kept for
/// the process, so a batch of gradings asks once.
pub fn ensure(rustc: &Path) -> std::result::Result<&'static ShuttleDeps, String> {
    static DEPS: OnceLock<std::result::Result<ShuttleDeps, String>> = OnceLock::new();
    DEPS.get_or_init(|| load_or_build(rustc).map_err(|error| format!("{error:#}"))).as_ref().map_err(Clone::clone)
}

fn load_or_build(rustc: &Path) -> Result<ShuttleDeps> {
    let version = prebuilt::rustc_identity(rustc)?;
    let key = format!("shuttle-{SHUTTLE_VERSION}-{CACHE_LAYOUT}-{:016x}", prebuilt::hash(&(SHUTTLE_VERSION, version)));
    let root = prebuilt::cache_root();
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

/// Shuttle's cached build in `dir`, with its shims, built now if they are not yet.
fn read(dir: &Path, rustc: &Path) -> Option<Result<ShuttleDeps>> {
    let deps = dir.join("deps");
    let rlib = |marker: &str| Some(deps.join(std::fs::read_to_string(dir.join(marker)).ok()?.trim()));
    let (shuttle, engine) = (rlib("shuttle.rlib.name")?, rlib("shuttle_engine.rlib.name")?);
    if !(shuttle.is_file() && engine.is_file()) {
        return None;
    }
    let shims = dir.join(format!("shims-{:016x}", prebuilt::hash(&SHIMS)));
    let (std_shim, core_shim) = (shims.join("libgrader_std.rlib"), shims.join("libgrader_core.rlib"));
    let built = build_shims(rustc, &shuttle, &deps, &shims);
    Some(built.map(|()| ShuttleDeps { rlib: shuttle, engine, deps: deps.clone(), std_shim, core_shim }))
}

/// Compiles the two shims against shuttle into `shims`: the grader's own
/// code, a few hundredths of a second, once per machine and shim version.
fn build_shims(rustc: &Path, shuttle: &Path, deps: &Path, shims: &Path) -> Result<()> {
    let mut args = prebuilt::externs(&[("shuttle", shuttle)]);
    args.extend(["-L".into(), prebuilt::dependency(deps)]);
    args.extend(prebuilt::strings(prebuilt::FLAGS));
    let builds: Vec<CrateBuild> = SHIMS.iter().map(|sources| CrateBuild { sources, uses: &[], args: args.clone() }).collect();
    prebuilt::compile_once(rustc, shims, &builds)
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
