//! `grader check`: a student's self-check, run inside their own project folder.
//!
//! It finds the project (the nearest `Cargo.toml` at or above the folder it is
//! given) and the assignment that project is for (every starter's manifest
//! says so under `[package.metadata.grader]`), grades it as `grader grade`
//! would for a student, and prints the report with what to try next. With
//! `--watch` it grades again each time a file under `src/` changes, like
//! rustlings' watch mode. Grading and rendering stay in [`crate::grade`] and
//! [`crate::report`]; this module only finds, watches and prints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};

use crate::assignment::{Assignment, Catalog};
use crate::report::{self, Audience};
use crate::submission::{Manifest, Submission};
use crate::{Options, grade};

/// How often `--watch` looks at the files: quick enough to feel immediate,
/// rare enough to cost nothing.
const POLL: Duration = Duration::from_millis(300);
/// Clears the terminal and moves the cursor home, between two reports.
const CLEAR_SCREEN: &str = "\x1b[2J\x1b[H";
/// The most files `--watch` keeps an eye on: a homework project has a handful.
const MOST_WATCHED: usize = 500;

const NO_MARKER: &str = "has no `[package.metadata.grader]` with `assignment = \"<name>\"`: \
    run `grader check` inside the starter project of an assignment, or grade a file with \
    `grader grade <assignment> <file>`";

/// A student's project and the assignment it is for.
#[derive(Debug, PartialEq, Eq)]
pub struct Project {
    /// The folder holding `Cargo.toml`.
    pub root: PathBuf,
    pub assignment: String,
}

pub struct CheckOptions {
    /// Where to start looking for the project.
    pub dir: PathBuf,
    /// How to write the command that checks again, such as `grader check`.
    pub command: String,
    pub watch: bool,
    pub seed: Option<u64>,
    /// Colour the report.
    pub color: bool,
    /// Clear the screen before each report in watch mode (only on a terminal).
    pub clear: bool,
}

/// Finds the nearest `Cargo.toml` at or above `start` and reads which
/// assignment it is for.
pub fn find_project(start: &Path) -> Result<Project> {
    let absolute = std::fs::canonicalize(start).with_context(|| format!("`{}` does not exist", start.display()))?;
    let Some(climbed) = absolute.ancestors().position(|dir| dir.join("Cargo.toml").is_file()) else {
        bail!("no Cargo.toml in `{}` or above it: run `grader check` inside your project folder", absolute.display());
    };
    // Reached from `start` the way the student named it, `.` or `..`, so the
    // report names their project as they know it rather than by its absolute path.
    let up: PathBuf = std::iter::repeat_n("..", climbed).collect();
    let root = match climbed {
        0 => start.to_path_buf(),
        _ if start == Path::new(".") => up,
        _ => start.join(up),
    };
    let manifest = root.join("Cargo.toml");
    let assignment = Manifest::read(&manifest)?.assignment().with_context(|| format!("`{}` {NO_MARKER}", manifest.display()))?;
    Ok(Project { root, assignment })
}

/// Grades the project once and prints the report; with `watch`, again after
/// every change until the student stops it. Returns whether the last grading
/// got full marks.
pub fn run(catalog: &Catalog, options: &CheckOptions) -> Result<bool> {
    let project = find_project(&options.dir)?;
    let assignment = catalog.load(&project.assignment)?;
    if !options.watch {
        let (text, full_marks) = check_once(&assignment, &project, options)?;
        crate::out!("{text}");
        return Ok(full_marks);
    }
    let mut watcher = Watcher::new(&project.root);
    loop {
        let text = match check_once(&assignment, &project, options) {
            Ok((text, _)) => text,
            // A file caught halfway through a save, or removed: say so and wait for the next change.
            Err(error) => format!("error: {error:#}\n"),
        };
        let clear = if options.clear { CLEAR_SCREEN } else { "" };
        crate::out!("{clear}{text}\nWatching {} for changes: save a file to check again, Ctrl-C to stop.\n", watcher.shown());
        while !watcher.changed() {
            std::thread::sleep(POLL);
        }
    }
}

fn check_once(assignment: &Assignment, project: &Project, options: &CheckOptions) -> Result<(String, bool)> {
    let submission = Submission::open(&project.root, &assignment.signature.function)?;
    let grading = Options { seed: options.seed, timeout_secs: None, ..Default::default() };
    let report = grade(assignment, &submission, &grading)?.for_audience(Audience::Student);
    let command = format!("{} --seed {}", options.command, report.seed);
    Ok((report::render_check(&report, options.color, &command), report.full_marks()))
}

/// Tells when a file under `src/` (or `Cargo.toml`) changed: a new
/// modification time or size makes it read the file, and only different
/// contents count, so saving without editing does not grade again.
pub struct Watcher {
    root: PathBuf,
    seen: BTreeMap<PathBuf, Seen>,
}

struct Seen {
    modified: Option<SystemTime>,
    len: u64,
    contents: Vec<u8>,
}

impl Watcher {
    pub fn new(root: &Path) -> Watcher {
        let mut watcher = Watcher { root: root.to_path_buf(), seen: BTreeMap::new() };
        watcher.changed();
        watcher
    }

    fn shown(&self) -> String {
        self.root.join("src").display().to_string()
    }

    /// Whether anything changed since the last call.
    pub fn changed(&mut self) -> bool {
        let mut paths = vec![self.root.join("Cargo.toml")];
        files_under(&self.root.join("src"), &mut paths);
        let mut changed = false;
        let mut now = BTreeMap::new();
        for path in paths {
            let Ok(metadata) = std::fs::metadata(&path) else { continue };
            let (modified, len) = (metadata.modified().ok(), metadata.len());
            let seen = match self.seen.remove(&path) {
                Some(seen) if seen.modified == modified && seen.len == len => seen,
                previous => {
                    let contents = std::fs::read(&path).unwrap_or_default();
                    changed |= previous.is_none_or(|previous| previous.contents != contents);
                    Seen { modified, len, contents }
                }
            };
            now.insert(path, seen);
        }
        // What is left of the last look is files that are gone.
        changed |= !self.seen.is_empty();
        self.seen = now;
        changed
    }
}

fn files_under(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(|entry| entry.ok()) {
        if files.len() >= MOST_WATCHED {
            return;
        }
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => files_under(&entry.path(), files),
            Ok(kind) if kind.is_file() => files.push(entry.path()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_assignment_from_the_grader_table_only() {
        let assignment_in = |text: &str| toml::from_str::<Manifest>(text).unwrap().assignment();
        let manifest = "[package]\nname = \"x\"\nassignment = \"no\"\n\n[package.metadata.grader]\n# which exercise\nassignment = \"worker_pool\" # the pool\n";
        assert_eq!(assignment_in(manifest).as_deref(), Some("worker_pool"));
        assert_eq!(assignment_in("[package]\nassignment = \"parallel_sum\"\n"), None);
        assert_eq!(assignment_in("[package.metadata.grader]\nassignment = \"\"\n"), None);
    }

    #[test]
    fn finds_the_project_from_a_folder_inside_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package.metadata.grader]\nassignment = \"row_maxima\"\n").unwrap();
        std::fs::create_dir_all(dir.path().join("src/nested")).unwrap();
        let project = find_project(&dir.path().join("src/nested")).unwrap();
        assert_eq!(project.assignment, "row_maxima");
        assert_eq!(project.root, dir.path().join("src/nested/../.."));
        assert_eq!(std::fs::canonicalize(&project.root).unwrap(), std::fs::canonicalize(dir.path()).unwrap());
    }

    #[test]
    fn a_manifest_without_the_marker_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
        let error = find_project(dir.path()).err().unwrap().to_string();
        assert!(error.contains("[package.metadata.grader]"), "{error}");
        assert!(!error.contains('\n'), "{error}");
    }

    #[test]
    fn the_watcher_sees_edits_but_not_saves_without_changes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        let main = dir.path().join("src/main.rs");
        std::fs::write(&main, "fn main() {}\n").unwrap();
        let mut watcher = Watcher::new(dir.path());
        assert!(!watcher.changed());
        std::fs::write(&main, "fn main() {}\n").unwrap();
        assert!(!watcher.changed(), "the same contents saved again");
        std::fs::write(&main, "fn main() { println!(); }\n").unwrap();
        assert!(watcher.changed());
        assert!(!watcher.changed());
        std::fs::write(dir.path().join("src/extra.rs"), "").unwrap();
        assert!(watcher.changed(), "a new file");
        std::fs::remove_file(dir.path().join("src/extra.rs")).unwrap();
        assert!(watcher.changed(), "a removed file");
        assert!(!watcher.changed());
    }
}
