//! The GitHub Classroom result: what `classroom-resources/autograding-grading-reporter`
//! reads from a grader step, the base64 of one JSON object.
//!
//! The reporter decodes `<RUNNER>_RESULTS` from base64, prints each of
//! `tests[]` with its status and message, and gives the student
//! `sum(tests[].score)` of `max_score` points, adding the scores left to right
//! as JavaScript numbers. This renderer only shapes the [`Report`]; writing the
//! step's output is the command line's job.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use super::{BuildStatus, Report, Status, text};

/// The longest result this writes. The workflow hands it to the reporter as
/// an environment variable, and Linux refuses to start a program with one
/// string of its environment over 128 KiB (`MAX_ARG_STRLEN`), so a longer
/// result would fail the reporter's step instead of recording the points.
const RESULT_BYTES: usize = 120 * 1024;

#[derive(Serialize)]
struct Results {
    version: u32,
    status: &'static str,
    max_score: f64,
    tests: Vec<Test>,
}

#[derive(Serialize)]
struct Test {
    name: String,
    status: &'static str,
    score: f64,
    message: String,
    test_code: String,
    filename: String,
    line_no: u32,
    /// Milliseconds.
    duration: u64,
}

/// `command` grades the submission again with the same inputs (each test's
/// `test_code`); `filename` is the submission's crate root, such as `src/main.rs`.
pub fn render(report: &Report, command: &str, filename: &str) -> String {
    let command = text::student_line(command, text::MESSAGE_BYTES);
    let filename = text::student_line(filename, text::MESSAGE_BYTES);
    text::render_within(report, RESULT_BYTES, |report| {
        let mut encoded = STANDARD.encode(results_json(report, &command, &filename));
        encoded.push('\n');
        encoded
    })
}

fn results_json(report: &Report, command: &str, filename: &str) -> String {
    let entry = |name: &str, status, score, message: String, duration| Test {
        name: name.to_string(),
        status,
        score,
        message,
        test_code: command.to_string(),
        filename: filename.to_string(),
        line_no: 0,
        duration,
    };
    let mut tests = Vec::new();
    // A build that fails leaves every test unrun, so the compiler's diagnostics
    // come first, in an entry of their own worth no points.
    if let Some(failure) = report.build_failure() {
        tests.push(entry("build", "error", 0.0, failure, report.build.duration_ms));
    }
    for (test, score) in report.tests.iter().zip(scores_adding_up(report)) {
        let message = if test.status == Status::Passed { test.message.clone() } else { test.explanation() };
        tests.push(entry(&test.name, test_status(test.status), score, message, test.duration_ms));
    }
    let results = Results { version: 1, status: run_status(report), max_score: report.max_score, tests };
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string(&results).unwrap_or_default()
}

/// "error" when the code never ran because it did not build, as the
/// reporter's own graders use it for code that could not execute; "fail" when
/// it ran and lost points. The reporter fails the job on either.
fn run_status(report: &Report) -> &'static str {
    if report.full_marks() {
        "pass"
    } else if report.build.status == BuildStatus::Failed {
        "error"
    } else {
        "fail"
    }
}

fn test_status(status: Status) -> &'static str {
    match status {
        Status::Passed => "pass",
        Status::Skipped => "error",
        Status::Failed | Status::Panicked | Status::Timeout | Status::Crashed | Status::Limit => "fail",
    }
}

/// The tests' scores, changed only so that adding them up as the reporter
/// does (left to right, in doubles) gives exactly the report's score: shares
/// such as 50 / 39 points do not add up exactly in binary, so the last scoring
/// test absorbs the difference, a few units in the last place.
fn scores_adding_up(report: &Report) -> Vec<f64> {
    let mut scores: Vec<f64> = report.tests.iter().map(|test| test.score).collect();
    let Some(last) = scores.iter().rposition(|&score| score != 0.0) else { return scores };
    let before = scores[..last].iter().fold(0.0, |sum, score| sum + score);
    let mut score = report.score - before;
    // `before + (target - before)` can round one unit away from the target.
    for _ in 0..4 {
        let sum = before + score;
        if sum == report.score {
            break;
        }
        score = if sum < report.score { score.next_up() } else { score.next_down() };
    }
    scores[last] = score;
    scores
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    fn decoded(report: &Report) -> serde_json::Value {
        let text = render(report, "grader grade parallel_sum . --seed 1", "src/main.rs");
        let json = STANDARD.decode(text.trim()).expect("the result is base64");
        serde_json::from_slice(&json).expect("the result is JSON")
    }

    fn reporter_sum(results: &serde_json::Value) -> f64 {
        results["tests"].as_array().unwrap().iter().fold(0.0, |sum, test| sum + test["score"].as_f64().unwrap())
    }

    /// The tests' own scores, added up the way the reporter adds them.
    fn naive_sum(report: &Report) -> f64 {
        report.tests.iter().fold(0.0, |sum, test| sum + test.score)
    }

    #[test]
    fn uneven_shares_add_up_to_the_score_to_the_last_bit() {
        // 10 points over 3 tests, the first failing: 3.3333 + 3.3334 adds up
        // to 6.6667000000000005 in doubles, not to the report's 6.6667.
        let report = sample_report(3, 10.0, &[0]);
        assert_ne!(naive_sum(&report), report.score, "this case needs the correction");
        let results = decoded(&report);
        assert_eq!(results["version"], 1);
        assert_eq!(results["status"], "fail");
        assert_eq!(results["max_score"], 10.0);
        assert_eq!(reporter_sum(&results), report.score);
        let tests = results["tests"].as_array().unwrap();
        assert_eq!(tests.len(), 3);
        assert_eq!(tests[0]["status"], "fail");
        assert_eq!(tests[0]["score"], 0.0);
        assert!(tests[0]["message"].as_str().unwrap().contains("hint:"));
        for field in ["name", "message", "test_code", "filename"] {
            assert!(tests[1][field].is_string(), "{field}");
        }
        assert_eq!(tests[1]["line_no"], 0);
        assert!(tests[1]["duration"].is_u64());
        // The correction is a few units in the last place, nothing a person sees.
        assert!((tests[2]["score"].as_f64().unwrap() - report.tests[2].score).abs() < 1e-12);
    }

    #[test]
    fn full_marks_pass_and_add_up() {
        // Nine shares of 10 points add up to 10.000000000000002 in doubles.
        let report = sample_report(9, 10.0, &[]);
        assert_ne!(naive_sum(&report), 10.0, "this case needs the correction");
        let results = decoded(&report);
        assert_eq!(results["status"], "pass");
        assert_eq!(reporter_sum(&results), 10.0);
    }

    #[test]
    fn a_flood_of_long_messages_still_fits_an_environment_variable() {
        let mut report = sample_report(64, 100.0, &(0..64).collect::<Vec<_>>());
        for test in &mut report.tests {
            test.message = format!("boom\r::notice::x {}", "x".repeat(8 * 1024));
            test.diff = Some("+y\n".repeat(8 * 1024));
        }
        let text = render(&report, "grader grade parallel_sum . --seed 1", "src/main.rs");
        assert!(text.len() <= RESULT_BYTES, "{} bytes", text.len());
        let results = decoded(&report);
        assert_eq!(results["tests"].as_array().map(Vec::len), Some(64));
        assert_eq!(reporter_sum(&results), report.score);
        let message = results["tests"][0]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("boom\\r::notice::x xxx") && message.contains("more bytes cut)"), "{message}");
    }

    #[test]
    fn a_failed_build_is_an_error_worth_nothing() {
        let mut report = sample_report(3, 10.0, &[0, 1, 2]);
        report.build.status = BuildStatus::Failed;
        report.build.message = Some("`parallel_sum` is missing".to_string());
        report.build.log = "error[E0425]: cannot find function".to_string();
        for test in &mut report.tests {
            test.status = Status::Skipped;
        }
        let results = decoded(&report);
        assert_eq!(results["status"], "error");
        assert_eq!(reporter_sum(&results), 0.0);
        let tests = results["tests"].as_array().unwrap();
        assert_eq!(tests[0]["name"], "build");
        assert!(tests[0]["message"].as_str().unwrap().contains("E0425"));
        assert!(tests[1..].iter().all(|test| test["status"] == "error"));
    }
}
