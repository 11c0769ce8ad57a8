//! Tools for the instructor who writes an assignment: `grader new`, which
//! starts a folder from a small complete exercise, and the sample inputs
//! `grader validate` shows.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::plan::PlannedTest;

/// The template's files, relative to the new folder, with `NAME` for the name.
const TEMPLATE: &[(&str, &str)] = &[
    ("assignment.yaml", include_str!("../template/assignment.yaml")),
    ("reference.rs", include_str!("../template/reference.rs")),
    ("statement.md", include_str!("../template/statement.md")),
    ("starter/Cargo.toml", include_str!("../template/starter/Cargo.toml")),
    ("starter/src/main.rs", include_str!("../template/starter/src/main.rs")),
    ("starter/.github/workflows/classroom.yml", include_str!("../template/starter/.github/workflows/classroom.yml")),
];

/// Writes the folder `<parent>/<name>/`: a complete small exercise that
/// validates as it is, to turn into the new one. Refuses to write over
/// anything.
pub fn new_assignment(parent: &Path, name: &str) -> Result<()> {
    let valid = name.chars().next().is_some_and(|first| first.is_ascii_lowercase() || first == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        bail!("`{name}` cannot name an assignment: use lowercase letters, digits and `_`, as a Rust function's name");
    }
    let folder = parent.join(name);
    if folder.exists() {
        bail!("`{}` already exists: the grader writes a new folder only", folder.display());
    }
    for (path, text) in TEMPLATE {
        let target = folder.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
        }
        std::fs::write(&target, text.replace("NAME", name)).with_context(|| format!("cannot write `{}`", target.display()))?;
    }
    Ok(())
}

/// One line per case: its name and the input it makes at its first thread
/// count, as a student's hidden test would get it.
pub fn samples(plan: &[PlannedTest]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    for test in plan {
        let case = crate::report::case_of(&test.name).0.to_string();
        if case.ends_with("-real") || seen.contains(&case) {
            continue;
        }
        let Some(planned) = test.case() else { continue };
        lines.push(format!("{case:<34} {}", planned.summary));
        seen.push(case);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_assignment_loads_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        new_assignment(dir.path(), "squares").unwrap();
        let catalog = crate::assignment::Catalog::Folder(dir.path().to_path_buf());
        let assignment = catalog.load("squares").unwrap();
        assert_eq!(assignment.signature.function, "squares");
        assert!(assignment.reference.as_deref().is_some_and(|text| text.contains("fn squares(")));
        assert!(new_assignment(dir.path(), "squares").unwrap_err().to_string().contains("already exists"));
        assert!(new_assignment(dir.path(), "Bad-Name").is_err());
    }
}
