//! The summary at the end of a batch: how many were graded, the scores'
//! histogram, each test's pass rate, the slowest submissions and what could
//! not be graded. Rendered from the rows alone (through [`ClassStats`]), so
//! a merge prints the same summary as one unsharded run.
//!
//! Student names and messages are folder and file names the student chose,
//! printed to a terminal or a CI log: each is shown on one line, by
//! [`text::student_line`].

use std::fmt::Write as _;

use super::stats::{ClassStats, bucket_label};
use super::{Manifest, Row, RowStatus};
use crate::report::{points, text};

/// The longest histogram bar, in characters.
const BAR_WIDTH: usize = 40;

pub fn render(manifest: &Manifest, stats: &ClassStats) -> String {
    let mut out = String::new();
    let rows = &manifest.students;
    let _ = writeln!(out, "{}", headline(manifest));
    let _ = writeln!(out, "{}", counts_line(manifest, stats));
    if !stats.graded.is_empty() {
        render_histogram(stats, &mut out);
        render_pass_rates(stats, &mut out);
        render_slowest(stats, &mut out);
    }
    render_listed(&mut out, "Did not build:", rows.iter().filter(|row| row.status == RowStatus::BuildFailed));
    if !stats.to_review.is_empty() {
        let to_review: Vec<(String, &String)> = stats.to_review.iter().map(|(row, why)| (shown_name(row), why)).collect();
        let width = to_review.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
        let _ = writeln!(out, "\nFor a person to look at ({}):", to_review.len());
        for (name, why) in to_review {
            let _ = writeln!(out, "  {name:<width$}  {}", text::student_line(why, text::MESSAGE_BYTES));
        }
    }
    render_listed(&mut out, "Could not be graded:", rows.iter().filter(|row| !row.status.graded()));
    out
}

/// `worker_pool: 6 submissions, seed 1, out of 100 points`, with the shard if any.
pub(super) fn headline(manifest: &Manifest) -> String {
    let shard = manifest.shard.map(|shard| format!(", shard {shard}")).unwrap_or_default();
    format!(
        "{}: {} submissions, seed {}, out of {} points{shard}",
        manifest.assignment,
        manifest.students.len(),
        manifest.seed,
        points(manifest.max_score)
    )
}

/// `Graded 4: 1 full marks, 2 points lost, 1 build failed. Could not be graded: 2.`
pub(super) fn counts_line(manifest: &Manifest, stats: &ClassStats) -> String {
    let count = |status: RowStatus| manifest.students.iter().filter(|row| row.status == status).count();
    format!(
        "Graded {}: {} full marks, {} points lost, {} build failed. Could not be graded: {}.",
        stats.graded.len(),
        count(RowStatus::FullMarks),
        count(RowStatus::PointsLost),
        count(RowStatus::BuildFailed),
        manifest.students.len() - stats.graded.len()
    )
}

fn render_histogram(stats: &ClassStats, out: &mut String) {
    let most = stats.histogram.iter().copied().max().unwrap_or(0).max(1);
    let _ = writeln!(out, "\nScores (share of the points):");
    for (bucket, &students) in stats.histogram.iter().enumerate().rev() {
        let label = bucket_label(bucket);
        let bar = "█".repeat((students * BAR_WIDTH).div_ceil(most));
        let _ = writeln!(out, "{}", format!("  {label:>7}  {students:>5}  {bar}").trim_end());
    }
}

fn render_pass_rates(stats: &ClassStats, out: &mut String) {
    let graded = stats.graded.len();
    let _ = writeln!(out, "\nPass rate of each test (of the {graded} graded):");
    let width = stats.pass_rates.iter().map(|rate| rate.test.len()).max().unwrap_or(0);
    for rate in &stats.pass_rates {
        let percent = 100.0 * rate.passed as f64 / graded as f64;
        let _ = writeln!(out, "  {:<width$}  {percent:>4.0}%  {} of {graded}", rate.test, rate.passed);
    }
}

fn render_slowest(stats: &ClassStats, out: &mut String) {
    let slowest: Vec<(String, _)> = stats.slowest.iter().map(|slow| (shown_name(slow.row), slow)).collect();
    let width = slowest.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
    let _ = writeln!(out, "\nSlowest:");
    for (name, slow) in slowest {
        let why = if slow.timeouts > 0 { format!("  {} tests timed out", slow.timeouts) } else { String::new() };
        let _ = writeln!(out, "  {name:<width$}  {:>6.1} s{why}", slow.duration_ms as f64 / 1000.0);
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
