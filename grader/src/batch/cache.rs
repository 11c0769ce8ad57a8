//! The batch's cache of finished gradings, one JSON report a file under
//! `OUT/cache/<key>.json`.
//!
//! The key is a SHA-256 of everything a grading depends on: the submission's
//! files (paths and contents, its crate root and edition), the assignment's
//! spec text, the grader's version, the seed and the time limit. So a rerun
//! grades again exactly what changed, and two students who hand in the same
//! files share one entry. Each entry is written to a temporary file and
//! renamed into place, so an interrupted batch leaves whole entries or none.
//! This module never grades anything; it only stores and finds reports.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::assignment::Assignment;
use crate::report::Report;
use crate::submission::Submission;

/// Bumped when what a cache entry holds changes shape.
const KEY_FORMAT: &str = "grader batch cache 1";

/// What a grading depends on besides the submission.
pub struct KeyInputs<'a> {
    pub assignment: &'a Assignment,
    pub seed: u64,
    pub timeout_secs: Option<f64>,
}

pub fn key(inputs: &KeyInputs, submission: &Submission) -> String {
    let mut hasher = Sha256::new();
    // Each field is length-prefixed so that no two different inputs hash the same bytes.
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(KEY_FORMAT.as_bytes());
    field(env!("CARGO_PKG_VERSION").as_bytes());
    field(inputs.assignment.name.as_bytes());
    field(inputs.assignment.spec_text.as_bytes());
    field(&inputs.seed.to_le_bytes());
    field(&inputs.timeout_secs.map_or(0, f64::to_bits).to_le_bytes());
    field(submission.edition.as_bytes());
    field(submission.root.as_os_str().as_encoded_bytes());
    for file in &submission.files {
        field(file.path.as_os_str().as_encoded_bytes());
        field(file.text.as_bytes());
    }
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn open(dir: PathBuf) -> Result<Cache> {
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot make the cache folder `{}`", dir.display()))?;
        Ok(Cache { dir })
    }

    /// The report stored under `key`; an entry that cannot be read counts as missing.
    pub fn load(&self, key: &str) -> Option<Report> {
        let text = std::fs::read(self.entry(key)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    pub fn store(&self, key: &str, report: &Report) -> Result<()> {
        let text = serde_json::to_vec(report).context("a report serializes")?;
        write_atomically(&self.entry(key), &text)
    }

    fn entry(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }
}

/// Writes `path` through a temporary file beside it and a rename, so a reader
/// (or a batch killed halfway) sees the old file or the new one, never half.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in `{}`", dir.display()))?;
    file.write_all(bytes).with_context(|| format!("cannot write `{}`", path.display()))?;
    file.persist(path).with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::Catalog;

    #[test]
    fn the_key_changes_with_every_input_and_nothing_else() {
        let assignment = Catalog::BuiltIn.load("parallel_sum").unwrap();
        let inputs = KeyInputs { assignment: &assignment, seed: 1, timeout_secs: None };
        let submission = Submission::from_source("a.rs", "fn main() {}");
        let base = key(&inputs, &submission);
        assert_eq!(base, key(&inputs, &Submission::from_source("a.rs", "fn main() {}")));
        assert_eq!(base.len(), 64);
        assert_ne!(base, key(&inputs, &Submission::from_source("a.rs", "fn main() { }")));
        assert_ne!(base, key(&inputs, &Submission::from_source("b.rs", "fn main() {}")));
        assert_ne!(base, key(&KeyInputs { seed: 2, ..inputs }, &submission));
        let inputs = KeyInputs { assignment: &assignment, seed: 1, timeout_secs: Some(1.0) };
        assert_ne!(base, key(&inputs, &submission));
        let other = Catalog::BuiltIn.load("row_maxima").unwrap();
        assert_ne!(base, key(&KeyInputs { assignment: &other, seed: 1, timeout_secs: None }, &submission));
    }
}
