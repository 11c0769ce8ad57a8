//! The GitHub Classroom result: what `classroom-resources/autograding-grading-reporter`
//! (v1) reads from a grader step, the base64 of one JSON object, and the lines
//! the grade step adds to the job log under the student's report.
//!
//! The reporter decodes `<RUNNER>_RESULTS` from base64 and prints each of
//! `tests[]`: a passed test as its name with a tick, a failed one as its name
//! with a cross and nothing more, an `error` as its `message` alone. So the
//! student reads why a test failed in the grade step's log, the human report,
//! and this result carries a failed build as one `error` whose message is the
//! compiler's diagnostics. The reporter records `sum(tests[].score)` of
//! `max_score` points, adding the scores left to right as JavaScript numbers,
//! but its console total is passed tests ÷ tests × `max_score`; the log note
//! says both. This renderer only shapes the [`Report`]; where the result goes
//! (`$GITHUB_OUTPUT`, a file) is the command line's job.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use super::{BuildStatus, Report, Status, points, text};

/// The longest result this writes. The workflow hands it to the reporter as
/// an environment variable, and Linux refuses to start a program with one
/// string of its environment over 128 KiB (`MAX_ARG_STRLEN`), so a longer
/// result would fail the reporter's step instead of recording the points.
/// The same bound keeps it far below GitHub's 1 MB for a step's outputs.
pub const RESULT_BYTES: usize = 120 * 1024;

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
    /// The reporter prints this under every test when it is not empty; the
    /// command that grades again is already at the end of the student's report.
    test_code: String,
    filename: String,
    line_no: u32,
    /// Milliseconds.
    duration: u64,
}

/// A grading as the Classroom workflow hands it on.
pub struct Classroom {
    /// The base64 the reporter decodes, at most [`RESULT_BYTES`] long.
    pub result: String,
    /// For the job log, under the student's report: the points Classroom
    /// records, what the reporter's own total will say, and whether the result
    /// had to be cut.
    pub log_note: String,
}

/// How much of the report had to go to fit the result into [`RESULT_BYTES`].
#[derive(Clone, Copy, PartialEq, Debug)]
enum Cut {
    Nothing,
    /// The longest messages were shortened.
    Messages,
    /// Even then too long (thousands of tests): one entry with the score.
    ToOneEntry,
}

/// `filename` is the submission's crate root, such as `src/main.rs`.
pub fn render(report: &Report, filename: &str) -> Classroom {
    let filename = text::student_line(filename, text::MESSAGE_BYTES);
    let encode = |report: &Report| STANDARD.encode(results_json(&results(report, &filename)));
    let whole = encode(&text::neutralised(report));
    let (result, cut) = if whole.len() <= RESULT_BYTES {
        (whole, Cut::Nothing)
    } else {
        let shortened = text::render_within(report, RESULT_BYTES, encode);
        if shortened.len() <= RESULT_BYTES {
            (shortened, Cut::Messages)
        } else {
            (STANDARD.encode(results_json(&one_entry(report, &filename))), Cut::ToOneEntry)
        }
    };
    let log_note = log_note(report, &result, cut);
    Classroom { result, log_note }
}

fn results_json(results: &Results) -> String {
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string(results).unwrap_or_default()
}

fn entry(name: &str, status: &'static str, score: f64, message: String, filename: &str, duration: u64) -> Test {
    Test { name: name.to_string(), status, score, message, test_code: String::new(), filename: filename.to_string(), line_no: 0, duration }
}

fn results(report: &Report, filename: &str) -> Results {
    // A build that fails leaves every test unrun: one error carries the
    // diagnostics, which the reporter prints, instead of a line per test.
    let tests = match report.build_failure() {
        Some(failure) => vec![entry("build", "error", 0.0, failure, filename, report.build.duration_ms)],
        None => report
            .tests
            .iter()
            .zip(scores_adding_up(report))
            .map(|(test, score)| {
                let message = if test.status == Status::Passed { test.message.clone() } else { test.explanation() };
                entry(&test.name, test_status(test.status), score, message, filename, test.duration_ms)
            })
            .collect(),
    };
    Results { version: 1, status: run_status(report), max_score: report.max_score, tests }
}

/// The whole grading as one entry worth its score, for a result that cannot
/// fit with a line per test.
fn one_entry(report: &Report, filename: &str) -> Results {
    let passed = report.tests.iter().filter(|test| test.status == Status::Passed).count();
    let message = format!(
        "{passed} of {} tests passed. This result was too large for GitHub Classroom with a line per test; \
         the grade step's log has the whole report.",
        report.tests.len()
    );
    let status = if report.full_marks() { "pass" } else { "fail" };
    let test = entry("all tests", status, report.score, message, filename, report.duration_ms);
    Results { version: 1, status: run_status(report), max_score: report.max_score, tests: vec![test] }
}

/// What the student reads in the job log under their report: the points
/// recorded, and the reporter's own total where it differs.
fn log_note(report: &Report, result: &str, cut: Cut) -> String {
    // The points as the reporter's notice writes them: JavaScript and Rust
    // both print a double as its shortest round-trip form (58.8103, 100).
    let mut note = format!("GitHub Classroom records {} of {} points for this grading.", report.score, report.max_score);
    let console = reporter_console_total(result);
    if let Some((passed, entries, total)) = console.filter(|(_, _, total)| *total != format!("{:.2}", report.score)) {
        note.push_str(&format!(
            " The autograding reporter's summary below shows {total} instead: it counts {passed} of {entries} \
             entries passed as equal shares of {}, whatever each test is worth.",
            points(report.max_score)
        ));
    }
    match cut {
        Cut::Nothing => {}
        Cut::Messages => note.push_str(&format!(
            " The result handed to the reporter had its longest messages cut to fit GitHub's limit of {} KiB \
             for one value; this log has them in full.",
            RESULT_BYTES / 1024
        )),
        Cut::ToOneEntry => note.push_str(&format!(
            " The result handed to the reporter is one entry with the score: a line per test would not fit \
             GitHub's limit of {} KiB for one value. This log has every test.",
            RESULT_BYTES / 1024
        )),
    }
    note.push('\n');
    note
}

/// The reporter's console total, as it computes it from `result`: passed
/// entries, entries, and passed ÷ entries × max_score with two decimals.
fn reporter_console_total(result: &str) -> Option<(usize, usize, String)> {
    let json: serde_json::Value = serde_json::from_slice(&STANDARD.decode(result).ok()?).ok()?;
    let tests = json["tests"].as_array()?;
    let passed = tests.iter().filter(|test| test["status"] == "pass").count();
    let max_score = json["max_score"].as_f64()?;
    let total = if tests.is_empty() { 0.0 } else { passed as f64 / tests.len() as f64 * max_score };
    Some((passed, tests.len(), format!("{total:.2}")))
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
        let json = STANDARD.decode(render(report, "src/main.rs").result).expect("the result is base64");
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
        assert_eq!(tests[1]["test_code"], "", "the reporter would print it under every test");
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
        assert_eq!(render(&report, "src/main.rs").log_note, "GitHub Classroom records 10 of 10 points for this grading.\n");
    }

    #[test]
    fn the_log_note_gives_the_reporters_other_total() {
        // Two tests worth 1 and 9: losing the second leaves 1 point, while
        // the reporter's summary counts one of two passed as 5 of 10.
        let mut report = sample_report(2, 10.0, &[1]);
        report.tests[0].max_score = 1.0;
        report.tests[0].score = 1.0;
        report.tests[1].max_score = 9.0;
        report.score = 1.0;
        let classroom = render(&report, "src/main.rs");
        assert_eq!(reporter_sum(&decoded(&report)), 1.0);
        assert!(classroom.log_note.starts_with("GitHub Classroom records 1 of 10 points"), "{}", classroom.log_note);
        assert!(classroom.log_note.contains("shows 5.00 instead: it counts 1 of 2 entries passed"), "{}", classroom.log_note);
    }

    #[test]
    fn a_flood_of_long_messages_still_fits_an_environment_variable() {
        let mut report = sample_report(64, 100.0, &(0..64).collect::<Vec<_>>());
        for test in &mut report.tests {
            test.message = format!("boom\r::notice::x {}", "x".repeat(8 * 1024));
            test.diff = Some("+y\n".repeat(8 * 1024));
        }
        let classroom = render(&report, "src/main.rs");
        assert!(classroom.result.len() <= RESULT_BYTES, "{} bytes", classroom.result.len());
        assert!(classroom.log_note.contains("had its longest messages cut"), "{}", classroom.log_note);
        let results = decoded(&report);
        assert_eq!(results["tests"].as_array().map(Vec::len), Some(64));
        assert_eq!(reporter_sum(&results), report.score);
        let message = results["tests"][0]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("boom\\r::notice::x xxx") && message.contains("more bytes cut)"), "{message}");
    }

    #[test]
    fn thousands_of_tests_become_one_entry_worth_the_score() {
        let report = sample_report(4000, 100.0, &[7]);
        let classroom = render(&report, "src/main.rs");
        assert!(classroom.result.len() <= RESULT_BYTES, "{} bytes", classroom.result.len());
        assert!(classroom.log_note.contains("one entry with the score"), "{}", classroom.log_note);
        let results = decoded(&report);
        assert_eq!(results["status"], "fail");
        assert_eq!(results["tests"].as_array().map(Vec::len), Some(1));
        assert_eq!(reporter_sum(&results), report.score);
        assert!(results["tests"][0]["message"].as_str().unwrap().starts_with("3999 of 4000 tests passed"));
    }

    #[test]
    fn a_failed_build_is_one_error_carrying_the_diagnostics() {
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
        assert_eq!(tests.len(), 1, "{tests:?}");
        assert_eq!((tests[0]["name"].as_str(), tests[0]["status"].as_str()), (Some("build"), Some("error")));
        let message = tests[0]["message"].as_str().unwrap();
        assert!(message.starts_with("`parallel_sum` is missing") && message.contains("E0425"), "{message}");
        // One error of one entry: the reporter's own total is 0 too, so the note says nothing more.
        assert_eq!(render(&report, "src/main.rs").log_note, "GitHub Classroom records 0 of 10 points for this grading.\n");
    }
}
