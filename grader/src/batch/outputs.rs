//! The output folder of a batch or a merge, written from one [`Manifest`]:
//!
//! ```text
//! OUT/grades.csv             one row per student
//! OUT/reports/<student>.json the whole grading (staff audience: hidden inputs and diffs)
//! OUT/reports/<student>.md   the page to hand back (student audience)
//! OUT/summary.txt            the summary printed at the end
//! OUT/index.html             the same results as a page, with charts and a sortable table
//! OUT/batch.json             the manifest: assignment, seed, shard, every row's status
//! OUT/cache/<key>.json       finished gradings, for resuming
//! ```
//!
//! Everything but the cache is written again from the rows at the end of a
//! run, sorted by student, so a merge of shards writes the same bytes as one
//! unsharded run.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::cache::write_atomically;
use super::stats::ClassStats;
use super::{Row, Shard, page, summary};
use crate::assignment::Assignment;
use crate::report::{self, Audience, Report, text};

const MANIFEST: &str = "batch.json";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub assignment: String,
    pub title: String,
    pub max_score: f64,
    pub seed: u64,
    pub grader_version: String,
    /// `--timeout`, when the assignment's own limit was overridden.
    pub timeout_secs: Option<f64>,
    pub shard: Option<Shard>,
    /// False while the batch runs: a folder whose batch stopped halfway is not merged.
    pub finished: bool,
    /// Every test of a grading, in order: grades.csv's test columns.
    pub tests: Vec<String>,
    pub students: Vec<Row>,
}

impl Manifest {
    pub fn new(assignment: &Assignment, seed: u64, timeout_secs: Option<f64>, shard: Option<Shard>) -> Manifest {
        Manifest {
            assignment: assignment.name.clone(),
            title: assignment.spec.title.clone(),
            max_score: assignment.max_score(),
            seed,
            grader_version: env!("CARGO_PKG_VERSION").to_string(),
            timeout_secs,
            shard,
            finished: false,
            tests: crate::plan::names(assignment),
            students: Vec::new(),
        }
    }

    /// The manifest in `out`, without the reports.
    pub fn read(out: &Path) -> Result<Manifest> {
        let path = out.join(MANIFEST);
        let text = std::fs::read(&path)
            .with_context(|| format!("`{}` has no {MANIFEST}: give the output folder of a `grader batch`", out.display()))?;
        serde_json::from_slice(&text).with_context(|| format!("`{}` is not a batch manifest", path.display()))
    }

    /// Reads each graded row's report back from `out/reports/`.
    pub fn read_reports(&mut self, out: &Path) -> Result<()> {
        for row in self.students.iter_mut().filter(|row| row.status.graded()) {
            let path = report_path(out, &row.student, "json");
            let text = std::fs::read(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
            let report: Report =
                serde_json::from_slice(&text).with_context(|| format!("`{}` is not a grader report", path.display()))?;
            row.report = Some(report);
        }
        Ok(())
    }

    pub fn write_unfinished(&self, out: &Path) -> Result<()> {
        write_atomically(&out.join(MANIFEST), &to_json(self))
    }

    /// Writes the whole output folder but the cache and returns the summary.
    pub fn write_finished(&mut self, out: &Path) -> Result<String> {
        self.finished = true;
        self.students.sort_by(|a, b| a.student.cmp(&b.student));
        let reports = out.join("reports");
        // Reports of students no longer in the class must not linger.
        if reports.exists() {
            std::fs::remove_dir_all(&reports).with_context(|| format!("cannot clear `{}`", reports.display()))?;
        }
        std::fs::create_dir_all(&reports).with_context(|| format!("cannot make `{}`", reports.display()))?;
        for row in &self.students {
            self.write_reports(out, row)?;
        }
        write_atomically(&out.join("grades.csv"), &self.grades_csv()?)?;
        let stats = ClassStats::of(self);
        let summary = summary::render(self, &stats);
        write_atomically(&out.join("summary.txt"), summary.as_bytes())?;
        write_atomically(&out.join("index.html"), page::render(self, &stats).as_bytes())?;
        write_atomically(&out.join(MANIFEST), &to_json(self))?;
        Ok(summary)
    }

    fn write_reports(&self, out: &Path, row: &Row) -> Result<()> {
        let markdown = match &row.report {
            Some(report) => {
                write(&report_path(out, &row.student, "json"), report::render_json(report))?;
                let student_view = report.clone().for_audience(Audience::Student);
                // A folder is the student's repository, graded from its root.
                let target = if report.submission.ends_with(".rs") { report.submission.as_str() } else { "." };
                let command = format!("grader grade {} {target} --seed {}", report.assignment, report.seed);
                report::render_markdown(&student_view, &command)
            }
            // The message names the student's files, so it is student text.
            None => format!(
                "# {}\n\n**Not graded.** {}\n",
                text::markdown_prose(&format!("{}: {}", self.assignment, self.title)),
                text::markdown_prose(row.message.as_deref().unwrap_or("The grader could not grade this submission."))
            ),
        };
        write(&report_path(out, &row.student, "md"), markdown)
    }

    fn grades_csv(&self) -> Result<Vec<u8>> {
        let mut csv = csv::Writer::from_writer(Vec::new());
        let fixed = ["student", "score", "max_score", "status", "review", "seed", "duration_ms", "message"];
        csv.write_record(fixed.iter().copied().chain(self.tests.iter().map(String::as_str)))?;
        for row in &self.students {
            let statuses: BTreeMap<&str, String> = row
                .report
                .iter()
                .flat_map(|report| &report.tests)
                .map(|test| (test.name.as_str(), format!("{:?}", test.status).to_lowercase()))
                .collect();
            let report = row.report.as_ref();
            let mut record = vec![
                spreadsheet_text(&row.student),
                // Exact, as in the JSON report: a gradebook adds these up.
                report.map(|report| report.score.to_string()).unwrap_or_default(),
                self.max_score.to_string(),
                row.status.name().to_string(),
                spreadsheet_text(&report.map(|report| report.review.join("; ")).unwrap_or_default()),
                self.seed.to_string(),
                report.map(|report| report.duration_ms.to_string()).unwrap_or_default(),
                spreadsheet_text(row.message.as_deref().unwrap_or_default()),
            ];
            record.extend(self.tests.iter().map(|test| statuses.get(test.as_str()).cloned().unwrap_or_default()));
            csv.write_record(&record)?;
        }
        csv.into_inner().map_err(|error| anyhow::anyhow!("cannot write grades.csv: {}", error.error()))
    }
}

/// Text for a gradebook cell that a spreadsheet must show as text. A cell
/// starting with `=`, `+`, `-` or `@` (or their full-width forms, or a tab or
/// CR, which some skip first) is a formula to Excel, LibreOffice and Google
/// Sheets, and a student names their own folder: `=HYPERLINK("http://…")` would become a
/// live link, `=cmd|…` a command. A leading `'` keeps such a cell text, as
/// spreadsheets themselves write it, and the cell still reads as the name.
fn spreadsheet_text(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}']);
    if formula { format!("'{text}") } else { text.to_string() }
}

fn report_path(out: &Path, student: &str, extension: &str) -> std::path::PathBuf {
    out.join("reports").join(format!("{student}.{extension}"))
}

fn write(path: &Path, text: String) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))
}

fn to_json(manifest: &Manifest) -> Vec<u8> {
    // Plain data with string keys always serializes.
    let mut text = serde_json::to_vec_pretty(manifest).unwrap_or_default();
    text.push(b'\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradebook_text_never_starts_a_formula() {
        for formula in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\t=1", "\u{ff1d}1"] {
            assert_eq!(spreadsheet_text(formula), format!("'{formula}"));
        }
        for plain in ["alice", "bob-2", "a=b", "", "`x` has no src/main.rs"] {
            assert_eq!(spreadsheet_text(plain), plain);
        }
    }
}
