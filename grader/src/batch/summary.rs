//! The summary at the end of a batch: how many were graded, the scores'
//! histogram, each test's pass rate, the slowest submissions and what could
//! not be graded. Rendered from the rows alone, so a merge prints the same
//! summary as one unsharded run.
//!
//! Student names and messages are folder and file names the student chose,
//! printed to a terminal or a CI log: each is shown on one line, by
//! [`text::student_line`].

use std::fmt::Write as _;

use super::{Manifest, Row, RowStatus};
use crate::report::{Status, points, text};

/// The longest histogram bar, in characters.
const BAR_WIDTH: usize = 40;
/// How many of the slowest submissions are listed.
const SLOWEST: usize = 5;

pub fn render(manifest: &Manifest) -> String {
    let mut out = String::new();
    let rows = &manifest.students;
    let shard = manifest.shard.map(|shard| format!(", shard {shard}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}: {} submissions, seed {}, out of {} points{shard}",
        manifest.assignment,
        rows.len(),
        manifest.seed,
        points(manifest.max_score)
    );
    let count = |status: RowStatus| rows.iter().filter(|row| row.status == status).count();
    let graded: Vec<&Row> = rows.iter().filter(|row| row.report.is_some()).collect();
    let _ = writeln!(
        out,
        "Graded {}: {} full marks, {} points lost, {} build failed. Could not be graded: {}.",
        graded.len(),
        count(RowStatus::FullMarks),
        count(RowStatus::PointsLost),
        count(RowStatus::BuildFailed),
        rows.len() - graded.len()
    );
    if !graded.is_empty() {
        render_histogram(manifest.max_score, &graded, &mut out);
        render_pass_rates(&manifest.tests, &graded, &mut out);
        render_slowest(&graded, &mut out);
    }
    render_listed(&mut out, "Did not build:", rows.iter().filter(|row| row.status == RowStatus::BuildFailed));
    let to_review: Vec<(String, String)> = rows
        .iter()
        .filter_map(|row| Some((shown_name(row), row.report.as_ref().filter(|report| !report.review.is_empty())?.review.join("; "))))
        .collect();
    if !to_review.is_empty() {
        let width = to_review.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
        let _ = writeln!(out, "\nFor a person to look at ({}):", to_review.len());
        for (name, why) in to_review {
            let _ = writeln!(out, "  {name:<width$}  {}", text::student_line(&why, text::MESSAGE_BYTES));
        }
    }
    render_listed(&mut out, "Could not be graded:", rows.iter().filter(|row| !row.status.graded()));
    out
}

fn render_histogram(max_score: f64, graded: &[&Row], out: &mut String) {
    // Ten buckets of a tenth of the points each, and one for full marks.
    let mut buckets = [0usize; 11];
    for report in graded.iter().filter_map(|row| row.report.as_ref()) {
        let fraction = if max_score > 0.0 { report.score / max_score } else { 1.0 };
        let bucket = if report.score >= max_score { 10 } else { ((fraction * 10.0).floor() as usize).min(9) };
        buckets[bucket] += 1;
    }
    let most = buckets.iter().copied().max().unwrap_or(0).max(1);
    let _ = writeln!(out, "\nScores (share of the points):");
    for (bucket, &students) in buckets.iter().enumerate().rev() {
        let label = if bucket == 10 { "100%".to_string() } else { format!("{}–{}%", bucket * 10, bucket * 10 + 9) };
        let bar = "█".repeat((students * BAR_WIDTH).div_ceil(most));
        let _ = writeln!(out, "{}", format!("  {label:>7}  {students:>5}  {bar}").trim_end());
    }
}

fn render_pass_rates(tests: &[String], graded: &[&Row], out: &mut String) {
    let _ = writeln!(out, "\nPass rate of each test (of the {} graded):", graded.len());
    let width = tests.iter().map(String::len).max().unwrap_or(0);
    for name in tests {
        let passed = graded
            .iter()
            .filter_map(|row| row.report.as_ref())
            .filter(|report| report.tests.iter().any(|test| &test.name == name && test.status == Status::Passed))
            .count();
        let percent = 100.0 * passed as f64 / graded.len() as f64;
        let _ = writeln!(out, "  {name:<width$}  {percent:>4.0}%  {passed} of {}", graded.len());
    }
}

fn render_slowest(graded: &[&Row], out: &mut String) {
    let mut by_time: Vec<(&Row, u64)> =
        graded.iter().filter_map(|row| Some((*row, row.report.as_ref()?.duration_ms))).collect();
    by_time.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.student.cmp(&b.0.student)));
    let slowest: Vec<(String, &Row, u64)> =
        by_time.into_iter().take(SLOWEST).map(|(row, duration_ms)| (shown_name(row), row, duration_ms)).collect();
    let width = slowest.iter().map(|(name, _, _)| name.chars().count()).max().unwrap_or(0);
    let _ = writeln!(out, "\nSlowest:");
    for (name, row, duration_ms) in slowest {
        let timeouts = row.report.iter().flat_map(|report| &report.tests).filter(|test| test.status == Status::Timeout).count();
        let why = if timeouts > 0 { format!("  {timeouts} tests timed out") } else { String::new() };
        let _ = writeln!(out, "  {name:<width$}  {:>6.1} s{why}", duration_ms as f64 / 1000.0);
    }
}

fn render_listed<'a>(out: &mut String, heading: &str, rows: impl Iterator<Item = &'a Row>) {
    let rows: Vec<(String, &Row)> = rows.map(|row| (shown_name(row), row)).collect();
    if rows.is_empty() {
        return;
    }
    let width = rows.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
    let _ = writeln!(out, "\n{heading}");
    for (name, row) in rows {
        let message = text::student_line(row.message.as_deref().unwrap_or(""), text::MESSAGE_BYTES);
        let _ = writeln!(out, "  {name:<width$}  {}: {message}", row.status.name());
    }
}

/// The student's name (their folder or file name) on one line.
pub(super) fn shown_name(row: &Row) -> String {
    text::student_line(&row.student, text::MESSAGE_BYTES)
}
