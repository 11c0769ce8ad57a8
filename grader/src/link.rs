//! A harness linked without rustc, the way rustc links it.
//!
//! Of rustc's link of a harness, rustc itself (loading the metadata of std,
//! the harness and the student's crate, compiling the one-line `main`) costs
//! more than the linker it then starts: 57 and 69 ms of CPU for the ordinary
//! and the race harness, where that linker command alone takes 18 and 13
//! (`perf stat`). So, once per machine, assignment and harness, the grader
//! has rustc link the instructor's reference, staged as a submission is and
//! with the same probe, and records the linker command rustc ran with the
//! objects it made for `main`. A grading runs that command with the
//! student's rlib in the reference's place.
//!
//! The command is the same for every submission: a submission cannot add a
//! native library, an allocator or a kept or exported symbol, which is all
//! that would change it ([`crate::source`] refuses those), and the probe's
//! symbols are named alike in every crate that carries the same probe. A
//! recording is kept only if replaying it makes a program byte for byte the
//! one rustc made; where there is none, or a replay fails, rustc links as
//! before. A recorded link can only fall back, never link otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::process::{self, Exit};

/// Stands for the student's rlib in a recorded command.
const SUBMISSION: &str = "\u{0}submission";
/// Stands for the program to write.
const OUTPUT: &str = "\u{0}output";

/// rustc's linker command for one harness and probe, with its objects kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recipe {
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

impl Recipe {
    /// The command that links `submission` (the student's rlib) into `output`.
    pub fn command(&self, submission: &Path, output: &Path) -> (PathBuf, Vec<String>, Vec<(String, String)>) {
        let args = self
            .args
            .iter()
            .map(|arg| match arg.as_str() {
                SUBMISSION => submission.display().to_string(),
                OUTPUT => output.display().to_string(),
                _ => arg.clone(),
            })
            .collect();
        (self.program.clone(), args, self.env.clone())
    }
}

/// How the reference is built for a recording, in the folder given: the
/// rlib's arguments and the link's, as the grading's own build passes them
/// (`reference.rs` is the crate root, `.grader/` holds the probe and `main`).
pub type Arguments<'a> = &'a dyn Fn(&Path) -> (Vec<String>, Vec<String>);

/// The recorded link of the harness `arguments` build, recorded in `cache`
/// now if it is not there yet; None where it cannot be recorded.
pub fn recipe(rustc: &Path, cache: &Path, reference: &str, probe: &str, main: &str, arguments: Arguments) -> Option<Recipe> {
    let (compile, link) = arguments(Path::new("/"));
    let digest = Sha256::new()
        .chain_update(rustc.as_os_str().as_encoded_bytes())
        .chain_update(reference)
        .chain_update(probe)
        .chain_update(main)
        .chain_update(compile.join("\n"))
        .chain_update(link.join("\n"))
        .finalize();
    let hex: String = digest.iter().take(8).map(|byte| format!("{byte:02x}")).collect();
    let dir = cache.join("links").join(hex);
    let file = dir.join("recipe.json");
    if let Some(recipe) = std::fs::read(&file).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()) {
        return Some(recipe);
    }
    match record(rustc, &dir, reference, probe, main, arguments) {
        Ok(recipe) => Some(recipe),
        Err(error) => {
            tracing::info!("the harness is linked by rustc: no recorded link ({error:#})");
            None
        }
    }
}

/// Has rustc build and link the reference, records the linker command with
/// its objects in `dir`, and checks that the command alone links the same.
fn record(rustc: &Path, dir: &Path, reference: &str, probe: &str, main: &str, arguments: Arguments) -> Result<Recipe> {
    let parent = dir.parent().context("a recipe's folder is in a folder")?;
    std::fs::create_dir_all(parent)?;
    let work = tempfile::Builder::new().prefix("record-").tempdir_in(parent)?;
    let work = work.path();
    let mut root = reference.to_string();
    crate::stage::append_modules(&mut root, Path::new("reference.rs"), "", &["probe"])?;
    std::fs::write(work.join("reference.rs"), root)?;
    std::fs::create_dir_all(work.join(crate::stage::GRADER_DIR))?;
    std::fs::write(work.join(crate::stage::GRADER_DIR).join("probe.rs"), probe)?;
    std::fs::write(work.join(crate::stage::GRADER_DIR).join("main.rs"), main)?;
    let (compile, mut link) = arguments(work);
    let built = rustc_in(rustc, work, &compile)?;
    if built.exit != Exit::Code(0) {
        bail!("the reference does not compile as a submission: {}", built.stderr.text().trim());
    }
    let rlib = rlib_of(&compile, work)?;
    let output = output_of(&link, work)?;
    link.extend(["-C", "save-temps", "--print", "link-args"].map(String::from));
    let linked = rustc_in(rustc, work, &link)?;
    if linked.exit != Exit::Code(0) {
        bail!("rustc does not link the reference: {}", linked.stderr.text().trim());
    }
    let printed = linked.stdout.text();
    let line = printed.lines().rev().find(|line| !line.starts_with('{')).context("rustc printed no linker command")?;
    let (env, mut words) = parse_command(line)?;
    if words.is_empty() {
        bail!("an empty linker command");
    }
    let ready = work.join("ready");
    std::fs::create_dir(&ready)?;
    let path = env.iter().find(|(name, _)| name == "PATH").map(|(_, value)| std::ffi::OsStr::new(value));
    let program = path.and_then(|path| crate::build::which_on(Path::new(&words.remove(0)), path));
    let program = program.context("the linker rustc runs is not on its PATH")?;
    let kept_dir = dir.to_path_buf();
    let args = words
        .iter()
        .map(|word| keep(word, work, &rlib, &output, &ready, &kept_dir))
        .collect::<Result<Vec<_>>>()?;
    let recipe = Recipe { program, args, env };
    // The replay links from the folder's final place: try it from there.
    let check = Recipe { args: recipe.args.iter().map(|arg| arg.replace(&kept_dir.display().to_string(), &ready.display().to_string())).collect(), ..recipe.clone() };
    let replayed = work.join("replayed");
    let (program, args, env) = check.command(&rlib, &replayed);
    let mut command = Command::new(program);
    command.args(args).env_clear().envs(env).current_dir("/");
    let finished = process::run_with_timeout(command, &process::Limits::new(Duration::from_secs(120), 1 << 20))?;
    if finished.exit != Exit::Code(0) {
        bail!("the recorded linker command fails: {}", finished.stderr.text().trim());
    }
    if std::fs::read(&replayed)? != std::fs::read(&output)? {
        bail!("the recorded linker command links another program than rustc");
    }
    std::fs::write(ready.join("recipe.json"), serde_json::to_vec(&recipe)?)?;
    if dir.exists() && std::fs::read(dir.join("recipe.json")).ok().and_then(|bytes| serde_json::from_slice::<Recipe>(&bytes).ok()).is_none() {
        // A recording cut short, or damaged: this one takes its place.
        let _ = std::fs::remove_dir_all(dir);
    }
    // Another grading may have recorded the same meanwhile: either is fine.
    if std::fs::rename(&ready, dir).is_err() && !dir.join("recipe.json").is_file() {
        bail!("cannot keep the recorded link in `{}`", dir.display());
    }
    Ok(recipe)
}

fn rustc_in(rustc: &Path, dir: &Path, args: &[String]) -> Result<process::Finished> {
    let mut command = Command::new(rustc);
    // As in the build session: the linker driver from PATH, nothing else of the grader's environment.
    command.args(args).env_clear().env("PATH", crate::build::BUILD_PATH).current_dir(dir);
    Ok(process::run_with_timeout(command, &process::Limits::new(Duration::from_secs(300), 4 << 20))?)
}

/// The rlib a compile writes: `libsubmission.rlib` in its `--out-dir`.
fn rlib_of(compile: &[String], dir: &Path) -> Result<PathBuf> {
    let out = compile.iter().skip_while(|arg| *arg != "--out-dir").nth(1).context("the compile names its --out-dir")?;
    Ok(dir.join(out).join("libsubmission.rlib"))
}

/// The program a link writes: its `-o`.
fn output_of(link: &[String], dir: &Path) -> Result<PathBuf> {
    Ok(dir.join(link.iter().skip_while(|arg| *arg != "-o").nth(1).context("the link names its -o")?))
}

/// One word of the linker command as the recipe keeps it: the reference's
/// rlib and the program become placeholders, a file rustc made in `work`
/// (its objects for `main`) is copied into `ready` and named by its final
/// place in `kept`, a folder there becomes an empty one, and anything else
/// that names `work` makes the command unusable.
fn keep(word: &str, work: &Path, rlib: &Path, output: &Path, ready: &Path, kept: &Path) -> Result<String> {
    let path = work.join(word);
    if path == rlib {
        return Ok(SUBMISSION.to_string());
    }
    if path == output {
        return Ok(OUTPUT.to_string());
    }
    if path.starts_with(work) && path.exists() {
        let relative = path.strip_prefix(work)?;
        let (copy, named) = (ready.join(relative), kept.join(relative));
        if path.is_dir() {
            std::fs::create_dir_all(&copy)?;
        } else {
            std::fs::create_dir_all(copy.parent().context("a file is in a folder")?)?;
            std::fs::copy(&path, &copy)?;
        }
        return Ok(named.display().to_string());
    }
    if word.contains(&work.display().to_string()) {
        bail!("the linker command names the build folder in `{word}`");
    }
    Ok(word.to_string())
}

/// A linker command's environment and words.
type Printed = (Vec<(String, String)>, Vec<String>);

/// Splits rustc's printed linker command, `NAME="value" … "program" "arg" …`,
/// into its environment and its words.
fn parse_command(line: &str) -> Result<Printed> {
    let mut env = Vec::new();
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| *c == ' ').is_some() {}
        let Some(&first) = chars.peek() else { break };
        let name: String = if first == '"' { String::new() } else { std::iter::from_fn(|| chars.next_if(|c| *c != '=')).collect() };
        if !name.is_empty() && chars.next() != Some('=') {
            bail!("cannot read the linker command near `{name}`");
        }
        if chars.next() != Some('"') {
            bail!("cannot read the linker command: a word is not quoted");
        }
        let mut value = String::new();
        loop {
            match chars.next() {
                Some('"') => break,
                Some('\\') => value.push(chars.next().context("a quoted word ends in a backslash")?),
                Some(c) => value.push(c),
                None => bail!("cannot read the linker command: a quote is not closed"),
            }
        }
        if name.is_empty() {
            words.push(value);
        } else if words.is_empty() {
            env.push((name, value));
        } else {
            bail!("cannot read the linker command: a setting after the program");
        }
    }
    Ok((env, words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustcs_printed_linker_command_is_read_word_for_word() {
        let line = r#"LC_ALL="C" PATH="/a:/b" "cc" "-m64" "/x/out/symbols.o" "-Wl,-z,relro" "a \"q\" b" "back\\slash""#;
        let (env, words) = parse_command(line).unwrap();
        assert_eq!(env, [("LC_ALL".to_string(), "C".to_string()), ("PATH".to_string(), "/a:/b".to_string())]);
        assert_eq!(words, ["cc", "-m64", "/x/out/symbols.o", "-Wl,-z,relro", "a \"q\" b", "back\\slash"]);
        assert!(parse_command(r#""cc" "open"#).is_err());
        assert!(parse_command(r#""cc" bare"#).is_err());
        assert!(parse_command(r#""cc" LATE="1""#).is_err());
    }
}
