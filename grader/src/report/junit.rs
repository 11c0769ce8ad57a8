//! The JUnit XML report, for CI systems and IDEs that show test results:
//! one test suite per grading and one test case per grader test.
//!
//! A wrong answer, wrong thread count or wrong output is a `<failure>`; a
//! panic, timeout or crash is an `<error>`, as JUnit tells an assertion from
//! an unexpected stop. Either carries the message as its `message` and the
//! diff and hint as its text. A failed build skips every test, and the
//! compiler's diagnostics go in the suite's `<system-err>`.
//!
//! quick-junit escapes `<`, `>` and `&` and drops ANSI sequences and most C0
//! controls, but passes U+FFFE and U+FFFF, which XML forbids: one of them in
//! a panic message would make the whole file unreadable. [`text`] shows all
//! of those as escapes before quick-junit sees the text.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use super::{Report, Status, text};
use crate::plan::kind_name;

pub fn render(report: &Report) -> String {
    text::render_within(report, text::REPORT_BYTES, render_shown)
}

/// [`render`] for a report [`text`] has already neutralised.
fn render_shown(report: &Report) -> String {
    let mut suite = TestSuite::new(report.assignment.as_str());
    suite.set_time(Duration::from_millis(report.duration_ms));
    suite.add_properties([
        Property::new("title", report.title.as_str()),
        Property::new("submission", report.submission.as_str()),
        Property::new("seed", report.seed.to_string()),
        Property::new("score", report.score.to_string()),
        Property::new("max_score", report.max_score.to_string()),
        Property::new("grader_version", report.grader_version.as_str()),
    ]);
    if let Some(failure) = report.build_failure() {
        suite.set_system_err(failure);
    }
    for test in &report.tests {
        let mut status = match test.status {
            Status::Passed => TestCaseStatus::success(),
            Status::Skipped => TestCaseStatus::skipped(),
            Status::Failed => TestCaseStatus::non_success(NonSuccessKind::Failure),
            Status::Panicked | Status::Timeout | Status::Crashed | Status::Limit => TestCaseStatus::non_success(NonSuccessKind::Error),
        };
        if test.status != Status::Passed {
            status.set_message(test.message.as_str()).set_type(test.status.name()).set_description(test.explanation());
        }
        let mut case = TestCase::new(test.name.as_str(), status);
        case.set_classname(format!("{}.{}", report.assignment, kind_name(test.kind)));
        case.set_time(Duration::from_millis(test.duration_ms));
        case.add_properties([
            Property::new("score", test.score.to_string()),
            Property::new("max_score", test.max_score.to_string()),
        ]);
        suite.add_test_case(case);
    }
    let mut junit = JunitReport::new("grader");
    junit.set_time(Duration::from_millis(report.duration_ms));
    junit.add_test_suite(suite);
    // Writing XML to a String fails only on an I/O error, which a String has none of.
    let mut text = junit.to_string().unwrap_or_default();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    #[test]
    fn one_case_per_test_and_failures_carry_the_diff() {
        let mut report = sample_report(3, 10.0, &[1, 2]);
        report.tests[2].status = Status::Timeout;
        let xml = render(&report);
        let document = roxmltree::Document::parse(&xml).expect("JUnit output is XML");
        let cases: Vec<_> = document.descendants().filter(|node| node.has_tag_name("testcase")).collect();
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].attribute("name"), Some("correctness/random/threads=1"));
        let failure = cases[1].children().find(|node| node.has_tag_name("failure")).expect("a <failure>");
        assert_eq!(failure.attribute("message"), Some("wrong answer: 10 instead of 15"));
        assert!(failure.text().unwrap_or_default().contains("+10"));
        assert!(cases[2].children().any(|node| node.has_tag_name("error")));
    }

    #[test]
    fn characters_xml_forbids_in_student_text_leave_it_readable() {
        let mut report = sample_report(2, 10.0, &[1]);
        let forged = "boom \u{fffe}\u{ffff}\u{1}\u{1b}[2K\r::notice::x <script>alert(1)</script>";
        report.tests[1].message = forged.to_string();
        report.tests[1].diff = Some(forged.to_string());
        report.submission = forged.to_string();
        let xml = render(&report);
        let document = roxmltree::Document::parse(&xml).expect("still XML");
        let failure = document.descendants().find(|node| node.has_tag_name("failure")).expect("a <failure>");
        let message = failure.attribute("message").unwrap_or_default();
        assert!(message.starts_with("boom \\u{fffe}\\u{ffff}\\u{1}\\u{1b}[2K\\r::notice::x <script>"), "{message}");
        assert!(!xml.contains("<script>"), "quick-junit escapes markup");
    }
}
