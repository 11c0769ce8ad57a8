//! The oracle: expected answers from the instructor's `reference.rs`.
//!
//! The reference is compiled once per machine (per reference, signature and
//! toolchain) into a small program, the same way a submission is, with the
//! same generated probe: it reads cases on stdin and writes each one's
//! answer, encoded as the test processes encode theirs. It links no student
//! code, runs outside every sandbox as the grader's own tool does, and its
//! answers stay in the grader: no test ever sees them. Each distinct case is
//! asked once; a batch makes its plan, and so asks the oracle, once for the
//! whole class.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
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

// Rust's runtime maps a signal stack for each thread when SIGSEGV and
// SIGBUS are at their defaults as it starts, and the reference starts a
// thousand threads: both are ignored before the runtime starts, and set
// back to their defaults first thing in main.
unsafe extern "C" {
    fn signal(signal: i32, handler: usize) -> usize;
}
extern "C" fn ignore_faults() {
    unsafe {
        signal(11, 1);
        signal(7, 1);
    }
}
#[used]
#[unsafe(link_section = ".init_array")]
static IGNORE_FAULTS: extern "C" fn() = ignore_faults;

fn number(input: &mut impl Read) -> u64 {
    let mut bytes = [0; 8];
    input.read_exact(&mut bytes).expect("eight bytes");
    u64::from_le_bytes(bytes)
}

fn main() {
    unsafe {
        signal(11, 0);
        signal(7, 0);
    }
    // One case at a time, in one buffer: a million numbers come in 8 MB.
    let mut input = std::io::stdin().lock();
    let count = number(&mut input);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut case = Vec::new();
    for index in 0..count {
        let len = number(&mut input) as usize;
        case.resize(len, 0);
        input.read_exact(&mut case).expect("the case");
        let answer = reference::__grader_probe::call(&case)
            .unwrap_or_else(|| panic!("case {index} does not decode as the signature's arguments"));
        out.write_all(&(answer.len() as u64).to_le_bytes()).expect("stdout");
        out.write_all(&answer).expect("stdout");
    }
    out.flush().expect("stdout");
}
"#;

/// The expected answer to each case, in order: the reference's.
pub fn answers(reference: &str, signature: &Signature, cases: &[Arc<[u8]>]) -> Result<Vec<Vec<u8>>> {
    let program = program(reference, signature)?;
    // Each distinct case once: the example's million numbers may sit in several tests.
    let mut distinct: Vec<Arc<[u8]>> = Vec::new();
    let mut first_seen: HashMap<CaseBytes, usize> = HashMap::with_capacity(cases.len());
    let of_case: Vec<usize> = cases
        .iter()
        .map(|case| {
            *first_seen.entry(CaseBytes(case)).or_insert_with(|| {
                distinct.push(Arc::clone(case));
                distinct.len() - 1
            })
        })
        .collect();
    let fresh = run(&program, distinct)?;
    of_case.into_iter().map(|index| fresh.get(index).cloned().context("an answer the oracle did not give")).collect()
}

/// A case's encoded arguments as a map key: hashed by their length and their
/// first and last bytes only, so that a case of a million numbers costs no
/// pass over them to hash, and equal only when every byte is.
#[derive(PartialEq, Eq)]
struct CaseBytes<'a>(&'a [u8]);

impl Hash for CaseBytes<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        const ENDS: usize = 64;
        let bytes = self.0;
        bytes.len().hash(state);
        bytes[..bytes.len().min(ENDS)].hash(state);
        bytes[bytes.len().saturating_sub(ENDS)..].hash(state);
    }
}

fn run(program: &Path, cases: Vec<Arc<[u8]>>) -> Result<Vec<Vec<u8>>> {
    let count = cases.len();
    let number = |number: usize| -> Arc<[u8]> { Arc::from((number as u64).to_le_bytes()) };
    let mut input = vec![number(count)];
    for case in cases {
        input.push(number(case.len()));
        input.push(case);
    }
    let limits = process::Limits::new(ORACLE_TIMEOUT, ANSWER_BYTES);
    let finished = process::run_with_input(Command::new(program), &limits, input).context("cannot run the reference")?;
    if finished.exit != Exit::Code(0) || finished.stdout.dropped > 0 {
        let why = finished.stderr.text();
        let why = why.lines().find(|line| line.contains("panicked")).or(why.lines().next()).unwrap_or("no message");
        bail!("the reference solution failed on a case ({:?}): {why}", finished.exit);
    }
    let mut answers = Vec::with_capacity(count);
    let mut output = finished.stdout.bytes.as_slice();
    for _ in 0..count {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_alike_at_both_ends_are_still_told_apart() {
        let case = vec![7u8; 1000];
        let mut middle_differs = case.clone();
        middle_differs[500] = 8;
        let same = case.clone();
        let seen: HashMap<CaseBytes, usize> = HashMap::from([(CaseBytes(&case), 0)]);
        assert!(seen.contains_key(&CaseBytes(&same)));
        assert!(!seen.contains_key(&CaseBytes(&middle_differs)));
        assert!(!seen.contains_key(&CaseBytes(&case[..999])));
    }
}
