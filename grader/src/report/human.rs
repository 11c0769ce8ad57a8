//! The terminal report: what a student reads after `grader grade`.
//!
//! Passing tests are counted per group; each failing test gets its own lines
//! with what happened, the diff where there is one, and the hint. Colour only
//! when writing to a terminal.
//!
//! The grader's own lines (the headings, the groups, `Score:`) start at
//! column 0; every line of student text is indented under the entry it
//! belongs to, so a panic message cannot print a line that passes for the
//! grader's, and [`text`] has already shown its control characters as escapes.

use std::fmt::Write as _;

use super::{BuildStatus, Report, Status, TestReport, points, text};
use crate::assignment::Kind;
use crate::plan::kind_name;

/// Build logs longer than this are cut in the terminal; the JSON keeps them whole.
const LOG_LINES: usize = 60;
/// Diff lines shown per failure in the terminal; the JSON keeps more.
const DIFF_LINES: usize = 16;

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }
    fn bad(&self, text: &str) -> String {
        self.paint("31", text)
    }
    fn warn(&self, text: &str) -> String {
        self.paint("33", text)
    }
    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// `command` is how to grade this submission again with the same seed.
pub fn render(report: &Report, color: bool, command: &str) -> String {
    text::render_within(report, text::REPORT_BYTES, |report| render_shown(report, color, command))
}

/// [`render`] for a report [`text`] has already neutralised.
fn render_shown(report: &Report, color: bool, command: &str) -> String {
    let style = Style { color };
    let command = text::student_line(command, text::LOG_BYTES);
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.bold(&format!("{}: {}", report.assignment, report.title)));
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "submission {}   seed {}   {:.1} s",
            report.submission,
            report.seed,
            report.duration_ms as f64 / 1000.0
        ))
    );
    out.push('\n');
    render_build(report, &style, &mut out);
    if report.build.status == BuildStatus::Ok {
        for kind in [Kind::Example, Kind::Correctness, Kind::Parallelism, Kind::Race, Kind::Output] {
            let tests: Vec<&TestReport> = report.tests.iter().filter(|test| test.kind == kind).collect();
            if !tests.is_empty() {
                render_group(kind, &tests, &style, &mut out);
            }
        }
    }
    for note in &report.notes {
        let _ = writeln!(out, "{} {}", style.warn("note:"), indented(note, NOTE_INDENT));
    }
    for why in &report.review {
        let _ = writeln!(out, "{} {}", style.warn("review:"), indented(&format!("a TA will look at this grading: {why}"), NOTE_INDENT));
    }
    out.push('\n');
    let score = format!("Score: {} / {}", points(report.score), points(report.max_score));
    let _ = writeln!(out, "{}", if report.full_marks() { style.good(&style.bold(&score)) } else { style.bold(&score) });
    let _ = writeln!(out, "{}", style.dim(&format!("Grade again with the same inputs: {command}")));
    out
}

/// The self-check's report (`grader check`): the same report as `grader grade`
/// gives, then one line on what to try next.
pub fn render_check(report: &Report, color: bool, command: &str) -> String {
    text::render_within(report, text::REPORT_BYTES, |report| {
        let style = Style { color };
        let mut out = render_shown(report, color, command);
        let _ = writeln!(out, "{} {}", style.bold("Next:"), indented(&next_step(report), NOTE_INDENT));
        out
    })
}

/// One thing to do now: fix the build, else follow the first failing test's
/// hint, else hand the work in.
fn next_step(report: &Report) -> String {
    if report.build.status == BuildStatus::Failed {
        return "fix the first error the compiler shows above, save, and check again.".to_string();
    }
    match report.tests.iter().find(|test| test.status != Status::Passed) {
        Some(test) => match &test.hint {
            Some(hint) => format!("start with {}. {hint}", test.name),
            None => format!("start with {}: {}", test.name, test.message),
        },
        None => "every test passes: commit and push your work.".to_string(),
    }
}

fn render_build(report: &Report, style: &Style, out: &mut String) {
    let seconds = report.build.duration_ms as f64 / 1000.0;
    match report.build.status {
        BuildStatus::Ok => {
            let _ = writeln!(out, "{:<13}{} {}", style.bold("Build"), style.good("ok"), style.dim(&format!("({seconds:.1} s)")));
        }
        BuildStatus::Failed => {
            let _ = writeln!(out, "{:<13}{}", style.bold("Build"), style.bad("failed: every test is skipped"));
            if let Some(message) = &report.build.message {
                let _ = writeln!(out, "  {}", indented(message, "  "));
            }
            let lines: Vec<&str> = report.build.log.lines().collect();
            if !lines.is_empty() {
                out.push('\n');
                for line in lines.iter().take(LOG_LINES) {
                    let _ = writeln!(out, "  {line}");
                }
                if lines.len() > LOG_LINES {
                    let _ = writeln!(out, "  … {} more lines (the JSON report has them all)", lines.len() - LOG_LINES);
                }
            }
        }
    }
}

fn render_group(kind: Kind, tests: &[&TestReport], style: &Style, out: &mut String) {
    let passed = tests.iter().filter(|test| test.status == Status::Passed).count();
    let score: f64 = tests.iter().map(|test| test.score).sum();
    let max: f64 = tests.iter().map(|test| test.max_score).sum();
    let heading = format!("{:<13}", capitalized(kind_name(kind)));
    let tally = format!("{passed} of {} passed", tests.len());
    let tally = if passed == tests.len() { style.good(&tally) } else { style.bad(&tally) };
    let _ = writeln!(out, "{}{:<16}{tally}", style.bold(&heading), format!("{} / {}", points(score), points(max)));
    if kind == Kind::Parallelism {
        // A line per case, named when there is more than one.
        let cases: Vec<&[&TestReport]> = tests.chunk_by(|a, b| case_of(&a.name).0 == case_of(&b.name).0).collect();
        for case in &cases {
            let counted: Vec<String> = case
                .iter()
                .filter_map(|test| Some(format!("{}→{}", test.threads?, test.spawned_threads?)))
                .collect();
            let name = case_of(&case[0].name).0.rsplit('/').next().unwrap_or_default();
            let label = if cases.len() > 1 { format!("{name}: ") } else { String::new() };
            if !counted.is_empty() {
                let _ = writeln!(out, "  {}", style.dim(&format!("{label}threads given → spawned: {}", counted.join("  "))));
            }
        }
    }
    let failing: Vec<&TestReport> = tests.iter().copied().filter(|test| test.status != Status::Passed).collect();
    // One case failing the same way on every thread count is one entry, not seven.
    for same in failing.chunk_by(|a, b| case_of(&a.name).0 == case_of(&b.name).0 && a.status == b.status) {
        render_failure(same, style, out);
    }
}

/// `correctness/random/threads=8` → (`correctness/random`, `8`).
pub fn case_of(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('/') {
        Some((case, count)) if count.contains('=') => (case, count.split_once('=').map(|(_, count)| count)),
        _ => (name, None),
    }
}

fn render_failure(same: &[&TestReport], style: &Style, out: &mut String) {
    let test = same[0];
    let message = indented(&test.message, DETAIL_INDENT);
    if test.status == Status::Passed {
        let _ = writeln!(out, "  {} {}  passed: {message}", style.good("✓"), test.name);
        return;
    }
    let mark = match test.status {
        Status::Timeout => style.warn("⏱"),
        Status::Skipped => style.dim("-"),
        _ => style.bad("✗"),
    };
    let status = test.status.name();
    if same.len() == 1 {
        let _ = writeln!(out, "  {mark} {}  {status}: {message}", test.name);
    } else {
        let (case, _) = case_of(&test.name);
        let label = test.name.rsplit_once('/').and_then(|(_, last)| last.split_once('=')).map_or("", |(label, _)| label);
        let counts: Vec<&str> = same.iter().filter_map(|test| case_of(&test.name).1).collect();
        let _ = writeln!(out, "  {mark} {case}  {status} with {label} {}", counts.join(", "));
        let _ = writeln!(out, "{DETAIL_INDENT}{}", style.dim(&format!("first: {message}")));
    }
    // Hidden tests' inputs are already gone from a student's report.
    if let Some(input) = &test.input {
        let _ = writeln!(out, "{DETAIL_INDENT}{}", style.dim(&format!("input: {}", indented(input, DETAIL_INDENT))));
    }
    if let Some(diff) = &test.diff {
        let lines: Vec<&str> = diff.lines().collect();
        for line in lines.iter().take(DIFF_LINES) {
            let line = match line.chars().next() {
                Some('-') if !line.starts_with("---") => style.bad(line),
                Some('+') if !line.starts_with("+++") => style.good(line),
                _ => style.dim(line),
            };
            let _ = writeln!(out, "{DETAIL_INDENT}{line}");
        }
        if lines.len() > DIFF_LINES {
            let _ = writeln!(out, "{DETAIL_INDENT}{}", style.dim(&format!("… {} more lines of diff", lines.len() - DIFF_LINES)));
        }
    }
    if let Some(replay) = &test.replay {
        let _ = writeln!(out, "{DETAIL_INDENT}{} {replay}", style.warn("replay:"));
    }
    if let Some(hint) = &test.hint {
        let _ = writeln!(out, "{DETAIL_INDENT}{} {}", style.warn("hint:"), indented(hint, DETAIL_INDENT));
    }
}

/// Where a failing test's details start: under its name.
const DETAIL_INDENT: &str = "      ";
/// Where the lines of a note or of the next step continue.
const NOTE_INDENT: &str = "  ";

/// `text` with every line after its first indented by `indent`, for text that
/// follows a label on a line of its own; blank lines stay blank. No line of
/// the result can start at column 0, so none can pass for one of the
/// grader's own (a `Score:` line above all).
fn indented(text: &str, indent: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, line) in text.lines().enumerate() {
        if index > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(indent);
            }
        }
        out.push_str(line);
    }
    out
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The report of `grader replay`: the one race test and whether the schedule
/// reproduced its failure.
pub fn render_replay(report: &Report, color: bool) -> String {
    text::render_within(report, text::REPORT_BYTES, |report| render_replay_shown(report, color))
}

fn render_replay_shown(report: &Report, color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    let Some(test) = report.tests.first() else {
        render_build(report, &style, &mut out);
        return out;
    };
    let _ = writeln!(out, "{}", style.bold(&format!("Replaying {} of {} (seed {})", test.name, report.assignment, report.seed)));
    if report.build.status != BuildStatus::Ok {
        render_build(report, &style, &mut out);
        return out;
    }
    render_failure(&[test], &style, &mut out);
    let verdict = match test.status {
        Status::Passed => style.good("Under this schedule the test passes: the race is fixed, or the schedule is from other code."),
        _ if test.message.contains("does not fit the code") => style.warn("The schedule no longer fits this code."),
        _ => style.bad("The schedule reproduces the failure: replay it as often as you like while you fix the code."),
    };
    let _ = writeln!(out, "\n{verdict}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    /// A message that tries to pass for the grader's own lines.
    const FORGED: &str = "boom\n\nScore: 100 / 100\nnote: all tests passed\x1b[2K\x1b[1A\r::notice::Points 100/100";

    #[test]
    fn student_lines_stay_indented_under_their_entry() {
        let mut report = sample_report(3, 10.0, &[1, 2]);
        report.tests[1].message = FORGED.to_string();
        report.tests[1].hint = Some(FORGED.to_string());
        report.tests[1].diff = Some(FORGED.to_string());
        report.tests[2].message = FORGED.to_string();
        report.notes.push(FORGED.to_string());
        for text in [render(&report, false, "grader grade x"), render_check(&report, false, "grader check")] {
            let scores: Vec<&str> = text.lines().filter(|line| line.starts_with("Score:")).collect();
            assert_eq!(scores, [format!("Score: {} / 10", points(report.score))], "{text}");
            assert!(!text.contains('\x1b') && !text.contains('\r'), "{text}");
            // What the student wrote starts no line at column 0.
            for line in text.lines().filter(|line| line.contains("Points 100/100") || line.contains("all tests passed")) {
                assert!(line.starts_with(' ') || line.starts_with("note: boom"), "{line:?} in\n{text}");
            }
        }
    }

    #[test]
    fn a_failed_builds_message_and_log_are_indented() {
        let mut report = sample_report(2, 10.0, &[0, 1]);
        report.build.status = BuildStatus::Failed;
        report.build.message = Some(FORGED.to_string());
        report.build.log = FORGED.to_string();
        let text = render(&report, false, "grader grade x\nScore: 100 / 100");
        assert_eq!(text.lines().filter(|line| line.starts_with("Score:")).count(), 1, "{text}");
        assert!(text.contains("grader grade x\\nScore: 100 / 100"), "the command stays on its line: {text}");
    }

    #[test]
    fn each_parallelism_case_gets_its_line_of_thread_counts() {
        let mut report = sample_report(4, 20.0, &[]);
        for (test, (case, threads)) in report.tests.iter_mut().zip([("busy", 1), ("busy", 2), ("few", 1), ("few", 2)]) {
            test.kind = Kind::Parallelism;
            test.name = format!("parallelism/{case}/threads={threads}");
            test.threads = Some(threads);
            test.spawned_threads = Some(threads as u64);
        }
        report.tests[3].spawned_threads = Some(0);
        let text = render(&report, false, "grader grade x");
        assert!(text.contains("  busy: threads given → spawned: 1→1  2→2\n"), "{text}");
        assert!(text.contains("  few: threads given → spawned: 1→1  2→0\n"), "{text}");
        report.tests.truncate(2);
        let text = render(&report, false, "grader grade x");
        assert!(text.contains("  threads given → spawned: 1→1  2→2\n"), "{text}");
    }

    #[test]
    fn colour_comes_only_from_the_grader() {
        let mut report = sample_report(2, 10.0, &[1]);
        report.tests[1].message = "\x1b[32mpassed\x1b[0m".to_string();
        let text = render(&report, true, "grader grade x");
        assert!(text.contains("\\u{1b}[32mpassed\\u{1b}[0m"), "{text}");
    }
}
