//! The Markdown report: the page a TA hands back to a student after a batch
//! (`reports/<student>.md`), readable as plain text and rendered on GitHub.
//!
//! Same content as the terminal report, laid out for reading later: the score
//! first, a table of the groups, then each failing case with what happened,
//! its diff and its hint. It only renders the [`Report`] it is given, already
//! cut down to its audience.
//!
//! Student text is one line of prose escaped by [`text::markdown_prose`] (no
//! HTML, no headings or emphasis of the student's), or a code span or fenced
//! block that it cannot close early, which GitHub shows as plain text.

use std::fmt::Write as _;

use super::human::case_of;
use super::{BuildStatus, Report, Status, TestReport, points, text};
use crate::assignment::Kind;
use crate::plan::kind_name;

/// Build log lines shown; the JSON report keeps them all.
const LOG_LINES: usize = 60;
/// Diff lines shown per failing case.
const DIFF_LINES: usize = 24;

/// `command` is how to grade this submission again with the same seed.
pub fn render(report: &Report, command: &str) -> String {
    text::render_within(report, text::REPORT_BYTES, |report| render_shown(report, command))
}

/// [`render`] for a report [`text`] has already neutralised.
fn render_shown(report: &Report, command: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", text::markdown_prose(&format!("{}: {}", report.assignment, report.title)));
    let _ = writeln!(out, "**Score: {} / {}**\n", points(report.score), points(report.max_score));
    let _ = writeln!(
        out,
        "Submission {}, seed {}, graded in {:.1} s by grader {}.\n",
        text::markdown_code(&report.submission),
        report.seed,
        report.duration_ms as f64 / 1000.0,
        text::markdown_prose(&report.grader_version)
    );
    render_build(report, &mut out);
    if report.build.status == BuildStatus::Ok {
        render_groups(report, &mut out);
    }
    if !report.notes.is_empty() {
        out.push_str("## Notes\n\n");
        for note in &report.notes {
            let _ = writeln!(out, "- {}", text::markdown_prose(note));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Grade again with the same inputs: {}", text::markdown_code(command));
    out
}

fn render_build(report: &Report, out: &mut String) {
    if report.build.status == BuildStatus::Ok {
        return;
    }
    out.push_str("## Build failed\n\nThe submission did not compile, so no test could run.\n\n");
    if let Some(message) = &report.build.message {
        let _ = writeln!(out, "{}", text::markdown_block(message));
    }
    let lines: Vec<&str> = report.build.log.lines().collect();
    if !lines.is_empty() {
        out.push_str(&text::markdown_fence(&lines[..lines.len().min(LOG_LINES)].join("\n"), "text"));
        if lines.len() > LOG_LINES {
            let _ = writeln!(out, "\n… {} more lines.", lines.len() - LOG_LINES);
        }
        out.push('\n');
    }
}

fn render_groups(report: &Report, out: &mut String) {
    out.push_str("| tests | points | passed |\n|---|---|---|\n");
    let mut failing = Vec::new();
    // The groups in the order the spec lists them.
    let mut kinds: Vec<Kind> = Vec::new();
    for test in &report.tests {
        if !kinds.contains(&test.kind) {
            kinds.push(test.kind);
        }
    }
    for kind in kinds {
        let tests: Vec<&TestReport> = report.tests.iter().filter(|test| test.kind == kind).collect();
        let passed = tests.iter().filter(|test| test.status == Status::Passed).count();
        let score: f64 = tests.iter().map(|test| test.score).sum();
        let max: f64 = tests.iter().map(|test| test.max_score).sum();
        let _ = writeln!(out, "| {} | {} / {} | {passed} of {} |", kind_name(kind), points(score), points(max), tests.len());
        failing.extend(tests.into_iter().filter(|test| test.status != Status::Passed));
    }
    out.push('\n');
    if failing.is_empty() {
        out.push_str("Every test passed.\n\n");
        return;
    }
    out.push_str("## What to fix\n\n");
    // One case failing the same way on every thread count is one entry, not seven.
    for same in failing.chunk_by(|a, b| case_of(&a.name).0 == case_of(&b.name).0 && a.status == b.status) {
        render_failure(same, out);
    }
}

fn render_failure(same: &[&TestReport], out: &mut String) {
    let test = same[0];
    let status = format!("{:?}", test.status).to_lowercase();
    let (case, _) = case_of(&test.name);
    let counts: Vec<&str> = same.iter().filter_map(|test| case_of(&test.name).1).collect();
    let heading = if same.len() == 1 { test.name.clone() } else { format!("{case} (settings {})", counts.join(", ")) };
    let _ = writeln!(out, "### {}: {status}\n", text::markdown_code(&heading));
    let _ = writeln!(out, "{}", text::markdown_block(&test.message));
    // Hidden tests' inputs and diffs are already gone from a student's report.
    if let Some(input) = &test.input {
        let _ = writeln!(out, "Input: {}\n", text::markdown_prose(input));
    }
    if let Some(diff) = &test.diff {
        let lines: Vec<&str> = diff.lines().collect();
        let _ = writeln!(out, "{}", text::markdown_fence(&lines[..lines.len().min(DIFF_LINES)].join("\n"), "diff"));
    }
    if let Some(hint) = &test.hint {
        let _ = writeln!(out, "> **Hint:** {}\n", text::markdown_prose(hint));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    #[test]
    fn student_text_cannot_add_html_headings_or_close_a_fence() {
        let mut report = sample_report(3, 10.0, &[1, 2]);
        report.tests[1].message = "boom\n\n# Score: 100 / 100\n<script>alert(1)</script><img src=x onerror=alert(1)>".to_string();
        report.tests[2].status = Status::Panicked;
        report.tests[2].message = "one line <script>alert(1)</script> **Score: 100 / 100**".to_string();
        report.tests[1].diff = Some("-15\n+```\n+# Score: 100 / 100\n+<script>alert(1)</script>".to_string());
        report.submission = "a`b.rs".to_string();
        let page = render(&report, "grader grade parallel_sum a`b.rs --seed 1");
        // Several lines of student text are a block of their own, and a
        // fence longer than the diff's backticks keeps them inside theirs.
        let message = "```text\nboom\n\n# Score: 100 / 100\n<script>alert(1)</script><img src=x onerror=alert(1)>\n```\n";
        let diff = "````diff\n-15\n+```\n+# Score: 100 / 100\n+<script>alert(1)</script>\n````\n";
        assert!(page.contains(message) && page.contains(diff), "{page}");
        assert!(page.contains("\none line &lt;script&gt;alert(1)&lt;/script&gt; \\*\\*Score: 100 / 100\\*\\*\n"), "{page}");
        assert!(page.contains("Submission ``a`b.rs``,"), "{page}");
        assert_eq!(page.matches("<script>").count(), 2, "only inside the two blocks: {page}");
    }
}
