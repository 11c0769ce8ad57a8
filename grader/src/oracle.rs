//! The oracle: expected answers from the instructor's `reference.rs`.
//!
//! The reference is compiled once per machine (per reference, signature and
//! toolchain) into a small program, the same way a submission is, with the
//! same generated probe: it reads cases on stdin and writes each one's
//! answer, encoded as the test processes encode theirs. It links no student
//! code, runs outside every sandbox as the grader's own tool does, and its
//! answers stay in the grader: no test ever sees them. Answers are kept for
//! the life of the process, so a batch that grades a class with one seed asks
//! the oracle once per distinct input.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::prebuilt::{self, Prebuilt};
use crate::process::{self, Exit};
use crate::values::Signature;

/// How long the oracle may take over one batch of cases (a reference that
/// hangs is the instructor's bug, and says so).
const ORACLE_TIMEOUT: Duration = Duration::from_secs(300);
/// Answers kept of the oracle's output: the largest answer is a few MiB.
const ANSWER_BYTES: usize = 512 << 20;

/// The oracle's program: reads a count and that many length-prefixed cases,
/// and writes a length-prefixed answer for each (u64 lengths, little-endian).
const ORACLE_MAIN: &str = r#"//! The grader's oracle: the instructor's reference, called on every case.
use std::io::{Read, Write};

fn number(input: &mut &[u8]) -> u64 {
    let (head, rest) = input.split_at(8);
    *input = rest;
    u64::from_le_bytes(head.try_into().expect("eight bytes"))
}

fn main() {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).expect("the cases");
    let mut input = bytes.as_slice();
    let count = number(&mut input);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for index in 0..count {
        let len = number(&mut input) as usize;
        let (case, rest) = input.split_at(len);
        input = rest;
        let answer = reference::__grader_probe::call(case)
            .unwrap_or_else(|| panic!("case {index} does not decode as the signature's arguments"));
        out.write_all(&(answer.len() as u64).to_le_bytes()).expect("stdout");
        out.write_all(&answer).expect("stdout");
    }
    out.flush().expect("stdout");
}
"#;

/// The answers known so far, by the hash of the reference's program and of
/// the case's encoded arguments.
static KNOWN: Mutex<Option<HashMap<[u8; 32], Vec<u8>>>> = Mutex::new(None);

/// The expected answer to each case, in order: the reference's.
pub fn answers(reference: &str, signature: &Signature, cases: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
    let program = program(reference, signature)?;
    let key = |case: &[u8]| -> [u8; 32] { Sha256::new().chain_update(program.as_os_str().as_encoded_bytes()).chain_update(case).finalize().into() };
    let keys: Vec<[u8; 32]> = cases.iter().map(|case| key(case)).collect();
    let missing: Vec<usize> = {
        let known = KNOWN.lock().map_err(|_| anyhow::anyhow!("the oracle's answers are broken"))?;
        let known = known.as_ref();
        let mut asked = std::collections::HashSet::new();
        // Each distinct case once: the example's million numbers may sit in several tests.
        (0..cases.len())
            .filter(|&index| known.is_none_or(|known| !known.contains_key(&keys[index])) && asked.insert(keys[index]))
            .collect()
    };
    if !missing.is_empty() {
        let fresh = run(&program, missing.iter().map(|&index| cases[index]))?;
        let mut known = KNOWN.lock().map_err(|_| anyhow::anyhow!("the oracle's answers are broken"))?;
        let known = known.get_or_insert_with(HashMap::new);
        for (index, answer) in missing.into_iter().zip(fresh) {
            known.insert(keys[index], answer);
        }
    }
    let known = KNOWN.lock().map_err(|_| anyhow::anyhow!("the oracle's answers are broken"))?;
    let known = known.as_ref().context("the oracle's answers")?;
    keys.iter().map(|key| known.get(key).cloned().context("an answer the oracle did not give")).collect()
}

fn run(program: &Path, cases: impl Iterator<Item = impl AsRef<[u8]>>) -> Result<Vec<Vec<u8>>> {
    let cases: Vec<_> = cases.collect();
    let mut input = Vec::with_capacity(8 + cases.iter().map(|case| 8 + case.as_ref().len()).sum::<usize>());
    input.extend_from_slice(&(cases.len() as u64).to_le_bytes());
    for case in &cases {
        input.extend_from_slice(&(case.as_ref().len() as u64).to_le_bytes());
        input.extend_from_slice(case.as_ref());
    }
    let limits = process::Limits::new(ORACLE_TIMEOUT, ANSWER_BYTES);
    let finished = process::run_with_input(Command::new(program), &limits, input).context("cannot run the reference")?;
    if finished.exit != Exit::Code(0) || finished.stdout.dropped > 0 {
        let why = finished.stderr.text();
        let why = why.lines().find(|line| line.contains("panicked")).or(why.lines().next()).unwrap_or("no message");
        bail!("the reference solution failed on a case ({:?}): {why}", finished.exit);
    }
    let mut answers = Vec::with_capacity(cases.len());
    let mut output = finished.stdout.bytes.as_slice();
    for _ in 0..cases.len() {
        let length = output.get(..8).context("the reference's answers end too soon")?;
        let length = u64::from_le_bytes(length.try_into()?) as usize;
        let answer = output.get(8..8 + length).context("the reference's answers end too soon")?;
        answers.push(answer.to_vec());
        output = &output[8 + length..];
    }
    Ok(answers)
}

/// The reference's program, built now if this machine has not built it yet.
fn program(reference: &str, signature: &Signature) -> Result<PathBuf> {
    static BUILT: Mutex<Vec<([u8; 32], PathBuf)>> = Mutex::new(Vec::new());
    let rustc = crate::build::rustc_path()?;
    let prebuilt = prebuilt::ensure(&rustc)?;
    let probe = crate::stage::probe_source(signature);
    // The prebuilt folder's name stands for the toolchain and the protocol.
    let digest: [u8; 32] = Sha256::new()
        .chain_update(reference)
        .chain_update(&probe)
        .chain_update(ORACLE_MAIN)
        .chain_update(prebuilt.dir.as_os_str().as_encoded_bytes())
        .finalize()
        .into();
    if let Some((_, path)) = BUILT.lock().ok().and_then(|built| built.iter().find(|(key, _)| *key == digest).cloned()) {
        return Ok(path);
    }
    let hex: String = digest.iter().take(8).map(|byte| format!("{byte:02x}")).collect();
    let dir = crate::prebuilt::cache_root().join("oracles").join(hex);
    let path = dir.join("oracle");
    if !path.is_file() {
        build(&rustc, prebuilt, reference, &probe, &dir).context("cannot build the oracle from the reference solution")?;
    }
    if let Ok(mut built) = BUILT.lock() {
        built.push((digest, path.clone()));
    }
    Ok(path)
}

/// Compiles the reference (with the probe appended) and the oracle's main,
/// in a folder of their own, then moves the program into place.
fn build(rustc: &Path, prebuilt: &Prebuilt, reference: &str, probe: &str, dir: &Path) -> Result<()> {
    let parent = dir.parent().context("the oracle's folder is in the cache")?;
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create `{}`", parent.display()))?;
    let work = tempfile::Builder::new().prefix("oracle-").tempdir_in(parent).context("cannot create a build folder")?;
    let root = work.path().join("reference.rs");
    std::fs::write(&root, format!("{reference}\n#[path = \"probe.rs\"]\n#[doc(hidden)]\npub mod __grader_probe;\n"))?;
    std::fs::write(work.path().join("probe.rs"), probe)?;
    std::fs::write(work.path().join("main.rs"), ORACLE_MAIN)?;
    let protocol = prebuilt::externs(&[("grader_protocol", &prebuilt.protocol)]);
    let compile = |args: &[&str]| -> Result<()> {
        let mut command = Command::new(rustc);
        command.args(args).args(&protocol).arg("-L").arg(prebuilt::dependency(&prebuilt.dir));
        command.current_dir(work.path()).env_remove("RUSTFLAGS");
        let finished = process::run_with_timeout(command, &process::Limits::new(Duration::from_secs(300), 1 << 20))?;
        if finished.exit != Exit::Code(0) {
            let why = finished.stderr.text();
            bail!("{}", why.lines().find(|line| line.starts_with("error")).unwrap_or(why.trim()));
        }
        Ok(())
    };
    compile(&["--crate-type", "rlib", "--crate-name", "reference", "--edition", "2024", "-O", "--cap-lints", "allow", "reference.rs"])?;
    compile(&["--crate-type", "bin", "--edition", "2024", "-O", "--extern", "reference=libreference.rlib", "-L", ".", "-o", "oracle", "main.rs"])?;
    let ready = work.path().join("ready");
    std::fs::create_dir(&ready)?;
    std::fs::rename(work.path().join("oracle"), ready.join("oracle"))?;
    // Another grader may have built the same program meanwhile: either is fine.
    if std::fs::rename(&ready, dir).is_err() && !dir.join("oracle").is_file() {
        bail!("cannot keep the oracle in `{}`", dir.display());
    }
    Ok(())
}
