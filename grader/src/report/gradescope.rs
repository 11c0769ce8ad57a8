//! The Gradescope result: a `results.json` in Gradescope's autograder format
//! (score, execution_time, output, and tests[] with their own score,
//! max_score, status, name, output and visibility).
//!
//! Visible tests are shown to students at once; the instructor picks when the
//! hidden ones are, and passes the choice in. Writing the file to
//! /autograder/results is the caller's job.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Report, Status, points, text};
use crate::assignment::Visibility;

/// When students see the hidden tests' results on Gradescope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HiddenVisibility {
    /// Never: only the instructor sees them.
    Hidden,
    /// Once the due date has passed.
    #[value(name = "after_due_date")]
    AfterDueDate,
}

#[derive(Serialize)]
struct Results {
    score: f64,
    /// Seconds.
    execution_time: u64,
    output: String,
    output_format: &'static str,
    test_output_format: &'static str,
    tests: Vec<Test>,
}

#[derive(Serialize)]
struct Test {
    score: f64,
    max_score: f64,
    status: &'static str,
    name: String,
    output: String,
    visibility: &'static str,
}

pub fn render(report: &Report, hidden: HiddenVisibility) -> String {
    text::render_within(report, text::REPORT_BYTES, |report| render_shown(report, hidden))
}

/// [`render`] for a report [`text`] has already neutralised.
fn render_shown(report: &Report, hidden: HiddenVisibility) -> String {
    let hidden = match hidden {
        HiddenVisibility::Hidden => "hidden",
        HiddenVisibility::AfterDueDate => "after_due_date",
    };
    let tests = report
        .tests
        .iter()
        .map(|test| {
            let passed = test.status == Status::Passed;
            Test {
                score: test.score,
                max_score: test.max_score,
                status: if passed { "passed" } else { "failed" },
                name: test.name.clone(),
                output: if passed { test.message.clone() } else { test.explanation() },
                visibility: match test.visibility {
                    Visibility::Visible => "visible",
                    Visibility::Hidden => hidden,
                },
            }
        })
        .collect();
    let results = Results {
        score: report.score,
        execution_time: report.duration_ms.div_ceil(1000),
        output: summary(report),
        // Plain text keeps diffs and compiler output lined up.
        output_format: "text",
        test_output_format: "text",
        tests,
    };
    // Serializing plain data with string keys cannot fail.
    let mut text = serde_json::to_string_pretty(&results).unwrap_or_default();
    text.push('\n');
    text
}

/// The text above the tests: the score, a failed build's diagnostics, the notes.
fn summary(report: &Report) -> String {
    let mut out = format!(
        "{}: {} / {} points (seed {}, grader {})\n",
        report.assignment,
        points(report.score),
        points(report.max_score),
        report.seed,
        report.grader_version
    );
    if let Some(failure) = report.build_failure() {
        let _ = write!(out, "\nNo test ran.\n{failure}\n");
    }
    for note in &report.notes {
        let _ = write!(out, "\nnote: {note}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    #[test]
    fn hidden_tests_get_the_chosen_visibility() {
        let mut report = sample_report(4, 10.0, &[1]);
        report.tests[0].visibility = Visibility::Visible;
        for (choice, expected) in [(HiddenVisibility::Hidden, "hidden"), (HiddenVisibility::AfterDueDate, "after_due_date")] {
            let results: serde_json::Value = serde_json::from_str(&render(&report, choice)).unwrap();
            let tests = results["tests"].as_array().unwrap();
            assert_eq!(tests[0]["visibility"], "visible");
            assert!(tests[1..].iter().all(|test| test["visibility"] == expected));
        }
    }

    #[test]
    fn every_field_gradescope_reads_is_there() {
        let report = sample_report(4, 10.0, &[1]);
        let results: serde_json::Value = serde_json::from_str(&render(&report, HiddenVisibility::Hidden)).unwrap();
        assert_eq!(results["score"], 7.5);
        assert_eq!(results["execution_time"], 2);
        assert!(results["output"].as_str().unwrap().contains("7.5 / 10 points"));
        let failed = &results["tests"][1];
        assert_eq!(failed["status"], "failed");
        assert_eq!(failed["score"], 0.0);
        assert_eq!(failed["max_score"], 2.5);
        assert!(failed["output"].as_str().unwrap().contains("-15\n+10"));
        assert_eq!(results["tests"][0]["status"], "passed");
    }
}
