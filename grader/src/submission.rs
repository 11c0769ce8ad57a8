//! What a student hands in: one `.rs` file or a Cargo project folder.
//!
//! This module reads the submission once, checks that it is Rust source the
//! grader can take (text, not too large, a crate root present) and keeps its
//! files in memory with paths relative to the submission, the paths a student
//! sees in compiler errors and panic messages. Anything it cannot take is a
//! usage error with one line that says what to hand in instead.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// A single source file larger than this is not a homework solution.
const LARGEST_FILE: u64 = 1024 * 1024;
/// The most source files, and bytes of source, taken from a project folder.
const MOST_FILES: usize = 200;
const LARGEST_TOTAL: u64 = 4 * 1024 * 1024;
const EDITIONS: &[&str] = &["2015", "2018", "2021", "2024"];
const DEFAULT_EDITION: &str = "2024";
/// What cargo compiles a package that names no edition as.
const CARGO_DEFAULT_EDITION: &str = "2015";

const WHAT_TO_GIVE: &str = "give a `.rs` file or a Cargo project folder with src/main.rs or src/lib.rs";

pub struct Submission {
    /// The path as the user gave it, for reports.
    pub origin: PathBuf,
    pub files: Vec<SourceFile>,
    /// The crate root among `files`: `src/main.rs`, `src/lib.rs` or the single file.
    pub root: PathBuf,
    pub edition: String,
    /// The edition came from the project's `Cargo.toml`; a single file's is
    /// the grader's choice, and the build may try another.
    pub edition_stated: bool,
    /// A project whose function is in `src/lib.rs` and whose `fn main` is in
    /// `src/main.rs`: the program the output test runs, built against the library.
    pub program: Option<Program>,
}

/// `src/main.rs` of a library project, and the name it calls the library by.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub root: PathBuf,
    pub library_name: String,
}

/// What the grader reads of a project's `Cargo.toml`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Manifest {
    #[serde(default)]
    pub package: Option<Package>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Package {
    pub name: Option<String>,
    pub edition: Option<toml::Value>,
    #[serde(default)]
    pub metadata: Option<toml::Value>,
}

impl Manifest {
    /// Reads a `Cargo.toml`; a file that is not TOML is a usage error in one line.
    pub fn read(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        toml::from_str(&text).map_err(|error| {
            let why = error.message().lines().next().unwrap_or("not TOML").to_string();
            anyhow::anyhow!("`{}` is not a Cargo manifest cargo could read: {why}", path.display())
        })
    }

    /// The edition cargo compiles the package as: 2015 when none is named.
    fn edition(&self, path: &Path) -> Result<String> {
        let edition = match self.package.as_ref().and_then(|package| package.edition.as_ref()) {
            None => return Ok(CARGO_DEFAULT_EDITION.to_string()),
            Some(toml::Value::String(edition)) => edition.clone(),
            Some(_) => bail!("`{}` names its edition in a way the grader cannot read: write `edition = \"2021\"`", path.display()),
        };
        if !EDITIONS.contains(&edition.as_str()) {
            bail!("`{}` asks for edition {edition}: the grader knows {}", path.display(), EDITIONS.join(", "));
        }
        Ok(edition)
    }

    /// `assignment` under `[package.metadata.grader]`: which assignment a starter is.
    pub fn assignment(&self) -> Option<String> {
        let metadata = self.package.as_ref()?.metadata.as_ref()?;
        let name = metadata.get("grader")?.get("assignment")?.as_str()?;
        (!name.is_empty()).then(|| name.to_string())
    }

    /// The name the package's binary calls its library by: its name with `-` as `_`.
    fn library_name(&self) -> String {
        let name = self.package.as_ref().and_then(|package| package.name.as_deref()).unwrap_or("submission");
        name.replace('-', "_")
    }
}

pub struct SourceFile {
    /// Relative to the submission: `src/main.rs`, or the single file's name.
    pub path: PathBuf,
    pub text: String,
}

impl Submission {
    /// Reads a submission from disk; `function` is the contract's function,
    /// used to pick between src/lib.rs and src/main.rs when both exist.
    pub fn open(path: &Path, function: &str) -> Result<Submission> {
        let metadata = std::fs::metadata(path).with_context(|| match std::fs::symlink_metadata(path) {
            Ok(_) => format!("`{}` is a broken link: {WHAT_TO_GIVE}", path.display()),
            Err(_) => format!("`{}` does not exist: {WHAT_TO_GIVE}", path.display()),
        })?;
        if metadata.is_dir() {
            Self::open_folder(path, function)
        } else {
            Self::open_file(path)
        }
    }

    /// A submission held in memory, such as a reference solution built into the grader.
    pub fn from_source(name: &str, text: &str) -> Submission {
        Submission {
            origin: PathBuf::from(name),
            files: vec![SourceFile { path: PathBuf::from(name), text: text.to_string() }],
            root: PathBuf::from(name),
            edition: DEFAULT_EDITION.to_string(),
            edition_stated: false,
            program: None,
        }
    }

    fn open_file(path: &Path) -> Result<Submission> {
        if path.extension().and_then(|extension| extension.to_str()) != Some("rs") {
            bail!("`{}` is not a Rust source file: {WHAT_TO_GIVE}", path.display());
        }
        let name = PathBuf::from(path.file_name().context("a file has a name")?);
        let text = read_source(path)?;
        Ok(Submission {
            origin: path.to_path_buf(),
            files: vec![SourceFile { path: name.clone(), text }],
            root: name,
            edition: DEFAULT_EDITION.to_string(),
            edition_stated: false,
            program: None,
        })
    }

    fn open_folder(dir: &Path, function: &str) -> Result<Submission> {
        let src = dir.join("src");
        let has = |name: &str| src.join(name).is_file();
        if !has("main.rs") && !has("lib.rs") {
            return Self::open_loose_files(dir, function);
        }
        let mut files = Vec::new();
        collect_sources(dir, Path::new("src"), &mut files)?;
        check_total(dir, &files)?;
        let defines = |name: &str| {
            files.iter().any(|file| {
                file.path == Path::new("src").join(name) && crate::source::declared_signature(&file.text, function).is_some()
            })
        };
        // The program is graded when it defines the function itself; a binary that
        // only `use`s its own library's function is graded through the library.
        let root = if has("lib.rs") && !(has("main.rs") && defines("main.rs")) {
            "lib.rs"
        } else {
            "main.rs"
        };
        let path = dir.join("Cargo.toml");
        let manifest = if path.is_file() { Manifest::read(&path)? } else { Manifest::default() };
        let edition = if path.is_file() { manifest.edition(&path)? } else { DEFAULT_EDITION.to_string() };
        let program = (root == "lib.rs" && has("main.rs"))
            .then(|| Program { root: Path::new("src").join("main.rs"), library_name: manifest.library_name() });
        let edition_stated = path.is_file();
        Ok(Submission { origin: dir.to_path_buf(), files, root: Path::new("src").join(root), edition, edition_stated, program })
    }

    /// A folder of `.rs` files with no `src/`, as an upload to Gradescope
    /// leaves it: the file that defines the function is the crate root, and
    /// the others are there for its `mod` lines.
    fn open_loose_files(dir: &Path, function: &str) -> Result<Submission> {
        let mut files = Vec::new();
        let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
        let mut names: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_type().is_ok_and(|file_type| file_type.is_file()))
            .map(|entry| PathBuf::from(entry.file_name()))
            .filter(|name| name.extension().is_some_and(|extension| extension == "rs"))
            .collect();
        names.sort();
        names.truncate(MOST_FILES + 1);
        for name in names {
            let text = read_source(&dir.join(&name))?;
            files.push(SourceFile { path: name, text });
        }
        check_total(dir, &files)?;
        let root = match files.as_slice() {
            [] => bail!("`{}` has no src/main.rs or src/lib.rs: {WHAT_TO_GIVE}", dir.display()),
            // One file is the submission, whatever it defines: the build says what is missing.
            [only] => only.path.clone(),
            several => {
                let listed = several.iter().map(|file| format!("`{}`", file.path.display())).collect::<Vec<_>>().join(", ");
                let defining: Vec<&SourceFile> = several
                    .iter()
                    .filter(|file| crate::source::declared_signature(&file.text, function).is_some())
                    .collect();
                match defining.as_slice() {
                    [root] => root.path.clone(),
                    [] => bail!(
                        "none of the files in `{}` ({listed}) defines `fn {function}`: hand in the file that does",
                        dir.display()
                    ),
                    _ => bail!(
                        "more than one file in `{}` ({listed}) defines `fn {function}`: hand in only the one to grade",
                        dir.display()
                    ),
                }
            }
        };
        let path = dir.join("Cargo.toml");
        let edition_stated = path.is_file();
        let edition = if edition_stated { Manifest::read(&path)?.edition(&path)? } else { DEFAULT_EDITION.to_string() };
        Ok(Submission { origin: dir.to_path_buf(), files, root, edition, edition_stated, program: None })
    }

    /// The crate root's text.
    pub fn root_text(&self) -> &str {
        self.files.iter().find(|file| file.path == self.root).map(|file| file.text.as_str()).unwrap_or_default()
    }
}

fn collect_sources(base: &Path, relative: &Path, files: &mut Vec<SourceFile>) -> Result<()> {
    let dir = base.join(relative);
    let entries = std::fs::read_dir(&dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
    let mut entries: Vec<_> = entries.filter_map(|entry| entry.ok()).collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let Ok(file_type) = entry.file_type() else { continue };
        let path = relative.join(entry.file_name());
        // Links are not followed: a submission is its own files, nothing they point at.
        if file_type.is_dir() {
            collect_sources(base, &path, files)?;
        } else if file_type.is_file() && path.extension().is_some_and(|extension| extension == "rs") {
            let text = read_source(&base.join(&path))?;
            files.push(SourceFile { path, text });
        }
        if files.len() > MOST_FILES {
            break;
        }
    }
    Ok(())
}

fn check_total(dir: &Path, files: &[SourceFile]) -> Result<()> {
    let total: u64 = files.iter().map(|file| file.text.len() as u64).sum();
    if files.len() > MOST_FILES || total > LARGEST_TOTAL {
        bail!(
            "`{}` holds {} source files ({} KiB): the grader takes at most {MOST_FILES} files and {} KiB",
            dir.display(),
            files.len(),
            total / 1024,
            LARGEST_TOTAL / 1024
        );
    }
    Ok(())
}

fn read_source(path: &Path) -> Result<String> {
    let size = std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?.len();
    if size > LARGEST_FILE {
        bail!(
            "`{}` is {:.1} MB: a source file the grader takes is at most {} KiB",
            path.display(),
            size as f64 / 1_000_000.0,
            LARGEST_FILE / 1024
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if bytes.contains(&0) {
        bail!("`{}` is a binary file, not Rust source: {WHAT_TO_GIVE}", path.display());
    }
    String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("`{}` is not UTF-8 text, so it is not Rust source: {WHAT_TO_GIVE}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_library_with_a_binary_is_graded_through_the_library_and_runs_the_binary() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"my-sum\"\n").unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "pub fn parallel_sum(d: &[u64], c: usize) -> u64 { 0 }\n").unwrap();
        // A call and a comment in main.rs are not a definition.
        std::fs::write(dir.path().join("src/main.rs"), "// fn parallel_sum(\nfn main() { my_sum::parallel_sum(&[], 1); }\n").unwrap();
        let submission = Submission::open(dir.path(), "parallel_sum").unwrap();
        assert_eq!(submission.root, Path::new("src/lib.rs"));
        assert_eq!(submission.edition, "2015", "cargo's edition when none is named");
        let program = submission.program.expect("main.rs is the program");
        assert_eq!((program.root.as_path(), program.library_name.as_str()), (Path::new("src/main.rs"), "my_sum"));
        std::fs::write(dir.path().join("src/main.rs"), "fn parallel_sum(d: &[u64], c: usize) -> u64 { 1 }\nfn main() {}\n").unwrap();
        let submission = Submission::open(dir.path(), "parallel_sum").unwrap();
        assert_eq!((submission.root.as_path(), submission.program), (Path::new("src/main.rs"), None));
    }

    #[test]
    fn rejects_what_is_not_rust() {
        let dir = tempfile::tempdir().unwrap();
        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "hello").unwrap();
        let error = Submission::open(&notes, "f").err().unwrap().to_string();
        assert!(error.contains("is not a Rust source file"), "{error}");

        let binary = dir.path().join("a.rs");
        std::fs::write(&binary, [0u8, 159, 146, 150]).unwrap();
        let error = Submission::open(&binary, "f").err().unwrap().to_string();
        assert!(error.contains("binary"), "{error}");

        let big = dir.path().join("big.rs");
        std::fs::write(&big, "// x\n".repeat(1_000_000)).unwrap();
        let error = Submission::open(&big, "f").err().unwrap().to_string();
        assert!(error.contains("5.0 MB"), "{error}");

        let missing = dir.path().join("missing.rs");
        let error = Submission::open(&missing, "f").err().unwrap().to_string();
        assert!(error.contains("does not exist"), "{error}");

        let empty = tempfile::tempdir().unwrap();
        let error = Submission::open(empty.path(), "f").err().unwrap().to_string();
        assert!(error.contains("no src/main.rs or src/lib.rs"), "{error}");
    }

    #[test]
    fn a_folder_of_loose_files_is_graded_from_the_one_defining_the_function() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("parallel_sum.rs", "mod helper;\nfn main() {}\n");
        let lone = Submission::open(dir.path(), "parallel_sum").unwrap();
        assert_eq!((lone.root.as_path(), lone.edition.as_str(), lone.edition_stated), (Path::new("parallel_sum.rs"), "2024", false));
        write("helper.rs", "pub fn add(a: u64, b: u64) -> u64 { a + b }\n");
        write("notes.txt", "not rust");
        let error = Submission::open(dir.path(), "parallel_sum").err().unwrap().to_string();
        assert!(error.contains("none of the files") && error.contains("(`helper.rs`, `parallel_sum.rs`)"), "{error}");
        write("parallel_sum.rs", "mod helper;\nfn parallel_sum(d: &[u64], c: usize) -> u64 { 1 }\n");
        write("Cargo.toml", "[package]\nname = \"x\"\nedition = \"2021\"\n");
        let chosen = Submission::open(dir.path(), "parallel_sum").unwrap();
        assert_eq!((chosen.root.as_path(), chosen.edition.as_str()), (Path::new("parallel_sum.rs"), "2021"));
        let paths: Vec<_> = chosen.files.iter().map(|file| file.path.clone()).collect();
        assert_eq!(paths, [Path::new("helper.rs"), Path::new("parallel_sum.rs")], "the helper comes along for `mod helper;`");
        write("helper.rs", "pub fn parallel_sum(d: &[u64], c: usize) -> u64 { 0 }\n");
        let error = Submission::open(dir.path(), "parallel_sum").err().unwrap().to_string();
        assert!(error.contains("more than one file"), "{error}");
    }

    #[test]
    fn a_project_folder_keeps_its_edition_and_picks_the_defining_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/util")).unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"x\"\nedition = \"2021\"\n").unwrap();
        std::fs::write(dir.path().join("src/main.rs"), "use x::f;\nfn main() { f(); }\n").unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "mod util;\npub fn f() {}\n").unwrap();
        std::fs::write(dir.path().join("src/util/mod.rs"), "").unwrap();
        std::fs::write(dir.path().join("src/notes.md"), "not rust").unwrap();
        let submission = Submission::open(dir.path(), "f").unwrap();
        assert_eq!(submission.edition, "2021");
        assert_eq!(submission.root, Path::new("src/lib.rs"));
        let paths: Vec<_> = submission.files.iter().map(|file| file.path.clone()).collect();
        assert_eq!(paths, [Path::new("src/lib.rs"), Path::new("src/main.rs"), Path::new("src/util/mod.rs")]);
    }
}
