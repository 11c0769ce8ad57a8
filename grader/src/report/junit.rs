//! The JUnit XML report, for CI systems and IDEs that show test results:
//! one test suite per grading and one test case per grader test, in a shape
//! Jenkins' `junit-10.xsd` accepts (`tests/junit/junit.xsd` is our reading
//! of it, and the tests validate every report against it).
//!
//! A wrong answer, wrong thread count or wrong output is a `<failure>`; a
//! panic, timeout or crash is an `<error>`, as JUnit tells an assertion from
//! an unexpected stop. Either carries the message as its `message` and the
//! diff and hint as its text. A failed build, or a submission with nothing
//! to build, is one test case, `build`, with an `<error>` holding the
//! compiler's diagnostics: a CI gate that fails on errors then fails, where
//! a suite of skipped tests would have passed it.
//!
//! Names: the classname is the assignment and the name is the test's own
//! name (`parallel_sum` and `correctness/zero_chunks`), the same name every
//! other report, `--only` and `grader replay` use, so a name copied from a
//! CI page finds the test anywhere. UIs that join the two show
//! `parallel_sum.correctness/zero_chunks`, each part once.
//!
//! Scores are properties of the suite: the schema allows no properties in a
//! test case.
//!
//! Text: quick-junit escapes `<`, `>` and `&` and drops ANSI sequences and
//! most C0 controls, but passes U+FFFE and U+FFFF, which XML forbids: one of
//! them in a panic message would make the whole file unreadable. [`text`]
//! shows all of those as escapes before quick-junit sees any text, attributes
//! included.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use super::{Report, Status, TestReport, text};

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
    match report.build_failure() {
        Some(failure) => suite.add_test_case(build_error(report, failure)),
        None => suite.add_test_cases(report.tests.iter().map(|test| test_case(report, test))),
    };
    let mut junit = JunitReport::new("grader");
    junit.set_time(Duration::from_millis(report.duration_ms));
    junit.add_test_suite(suite);
    // Writing XML to a String fails only on an I/O error, which a String has none of.
    let mut text = without_skipped_count_on_testsuites(&junit.to_string().unwrap_or_default());
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn test_case(report: &Report, test: &TestReport) -> TestCase {
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
    case.set_classname(report.assignment.as_str());
    case.set_time(Duration::from_millis(test.duration_ms));
    case
}

/// The one test case of a grading whose submission did not build.
fn build_error(report: &Report, failure: String) -> TestCase {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    let message = report.build.message.as_deref().unwrap_or("The submission did not compile.");
    status.set_message(message).set_type("build-failed").set_description(failure);
    let mut case = TestCase::new("build", status);
    case.set_classname(report.assignment.as_str());
    case.set_time(Duration::from_millis(report.build.duration_ms));
    case
}

/// quick-junit 0.8 always writes a `skipped` count on `<testsuites>`, where
/// the schema has none (it belongs on `<testsuite>`, which keeps it) and has
/// no setting to leave it out, so it is taken out of the root's start tag
/// here. The root tag holds only the report's name and counts, never text of
/// a submission's, so this cut cannot land inside student text.
fn without_skipped_count_on_testsuites(xml: &str) -> String {
    let Some(root) = xml.find("<testsuites ") else { return xml.to_string() };
    let root_end = root + xml[root..].find('>').unwrap_or(0);
    let Some(skipped) = xml[root..root_end].find(" skipped=\"").map(|at| root + at) else { return xml.to_string() };
    let value_end = xml[skipped + " skipped=\"".len()..root_end].find('"').map(|at| skipped + " skipped=\"".len() + at + 1);
    match value_end {
        Some(value_end) => format!("{}{}", &xml[..skipped], &xml[value_end..]),
        None => xml.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::BuildStatus;
    use crate::report::fixture::sample_report;

    fn parsed(xml: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(xml).unwrap_or_else(|error| panic!("not XML: {error}\n{xml}"))
    }

    #[test]
    fn one_case_per_test_and_failures_carry_the_diff() {
        let mut report = sample_report(3, 10.0, &[1, 2]);
        report.tests[2].status = Status::Timeout;
        let xml = render(&report);
        let document = parsed(&xml);
        let cases: Vec<_> = document.descendants().filter(|node| node.has_tag_name("testcase")).collect();
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].attribute("name"), Some("correctness/random/threads=1"));
        assert_eq!(cases[0].attribute("classname"), Some("parallel_sum"));
        let failure = cases[1].children().find(|node| node.has_tag_name("failure")).expect("a <failure>");
        assert_eq!(failure.attribute("message"), Some("wrong answer: 10 instead of 15"));
        assert!(failure.text().unwrap_or_default().contains("+10"));
        assert!(cases[2].children().any(|node| node.has_tag_name("error")));
    }

    #[test]
    fn properties_sit_on_the_suite_and_the_root_has_no_skipped_count() {
        let mut report = sample_report(2, 10.0, &[]);
        report.tests[1].status = Status::Skipped;
        let xml = render(&report);
        let document = parsed(&xml);
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        assert_eq!(root.attribute("skipped"), None, "{xml}");
        assert_eq!(root.attribute("tests"), Some("2"));
        let suite = root.children().find(|node| node.has_tag_name("testsuite")).expect("a <testsuite>");
        assert_eq!(suite.attribute("skipped"), Some("1"), "the suite keeps its count");
        for properties in document.descendants().filter(|node| node.has_tag_name("properties")) {
            assert_eq!(properties.parent(), Some(suite), "properties only at suite level");
        }
        let score = document.descendants().find(|node| node.attribute("name") == Some("score")).expect("a score property");
        assert_eq!(score.attribute("value"), Some("10"));
    }

    #[test]
    fn a_failed_build_is_one_error_case_with_the_diagnostics() {
        let mut report = sample_report(3, 10.0, &[]);
        report.build.status = BuildStatus::Failed;
        report.build.message = Some("the submission does not compile (1 error)".into());
        report.build.log = "error[E0308]: mismatched types".into();
        report.tests.iter_mut().for_each(|test| test.status = Status::Skipped);
        let xml = render(&report);
        let document = parsed(&xml);
        let cases: Vec<_> = document.descendants().filter(|node| node.has_tag_name("testcase")).collect();
        assert_eq!(cases.len(), 1, "{xml}");
        assert_eq!(cases[0].attribute("name"), Some("build"));
        let error = cases[0].children().find(|node| node.has_tag_name("error")).expect("an <error>");
        assert_eq!(error.attribute("message"), Some("the submission does not compile (1 error)"));
        assert!(error.text().unwrap_or_default().contains("E0308"));
        let suite = document.descendants().find(|node| node.has_tag_name("testsuite")).expect("a <testsuite>");
        assert_eq!((suite.attribute("errors"), suite.attribute("skipped")), (Some("1"), Some("0")));
    }

    #[test]
    fn the_skipped_count_goes_from_the_root_tag_only() {
        let xml = "<?xml?>\n<testsuites name=\"grader\" tests=\"2\" skipped=\"1\" failures=\"0\">\n<testsuite skipped=\"1\"/>";
        assert_eq!(
            without_skipped_count_on_testsuites(xml),
            "<?xml?>\n<testsuites name=\"grader\" tests=\"2\" failures=\"0\">\n<testsuite skipped=\"1\"/>"
        );
        let no_count = "<testsuites name=\"grader\"><testsuite skipped=\"1\"/>";
        assert_eq!(without_skipped_count_on_testsuites(no_count), no_count);
    }

    #[test]
    fn characters_xml_forbids_in_student_text_leave_it_readable() {
        let mut report = sample_report(2, 10.0, &[1]);
        let forged = "boom \u{fffe}\u{ffff}\u{1}\u{1b}[2K\r::notice::x <script>alert(1)</script>";
        report.tests[1].message = forged.to_string();
        report.tests[1].diff = Some(forged.to_string());
        report.tests[1].name = format!("correctness/{forged}");
        report.submission = forged.to_string();
        let xml = render(&report);
        let document = parsed(&xml);
        let failure = document.descendants().find(|node| node.has_tag_name("failure")).expect("a <failure>");
        let message = failure.attribute("message").unwrap_or_default();
        assert!(message.starts_with("boom \\u{fffe}\\u{ffff}\\u{1}\\u{1b}[2K\\r::notice::x <script>"), "{message}");
        assert!(!xml.contains("<script>"), "quick-junit escapes markup");
        for node in document.descendants() {
            for value in node.text().into_iter().chain(node.attributes().map(|attribute| attribute.value())) {
                assert!(!value.contains(['\u{fffe}', '\u{ffff}', '\u{1}', '\u{1b}', '\r']), "{value:?}");
            }
        }
    }
}
