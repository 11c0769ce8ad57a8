//! A hand-made [`Report`] for the renderers' unit tests.

use super::{Audience, BuildReport, BuildStatus, Report, Status, TestReport};
use crate::assignment::{Kind, Visibility};
use crate::plan::round_points;

/// `count` hidden correctness tests sharing `points` the way the plan shares a
/// group's points; the tests at `failing` lost theirs with a diff and a hint.
pub fn sample_report(count: usize, points: f64, failing: &[usize]) -> Report {
    let share = round_points(points / count as f64);
    let tests: Vec<TestReport> = (0..count)
        .map(|index| {
            let max_score = if index + 1 == count { round_points(points - share * (count - 1) as f64) } else { share };
            let passed = !failing.contains(&index);
            TestReport {
                name: format!("correctness/random/threads={}", index + 1),
                kind: Kind::Correctness,
                visibility: Visibility::Hidden,
                threads: Some(index + 1),
                status: if passed { Status::Passed } else { Status::Failed },
                score: if passed { max_score } else { 0.0 },
                max_score,
                message: if passed { "right answer".to_string() } else { "wrong answer: 10 instead of 15".to_string() },
                diff: (!passed).then(|| "--- expected\n+++ actual\n-15\n+10".to_string()),
                spawned_threads: Some(index as u64 + 1),
                duration_ms: 3,
                hint: (!passed).then(|| "Add the last, shorter piece too.".to_string()),
                input: None,
                replay: None,
            }
        })
        .collect();
    let score = round_points(tests.iter().map(|test| test.score).sum());
    Report {
        assignment: "parallel_sum".to_string(),
        title: "Parallel sum".to_string(),
        submission: "src/main.rs".to_string(),
        seed: 1,
        score,
        max_score: points,
        duration_ms: 1234,
        grader_version: "0.1.0".to_string(),
        audience: Audience::Student,
        build: BuildReport { status: BuildStatus::Ok, log: String::new(), message: None, duration_ms: 300, edition: "2024".into() },
        tests,
        notes: Vec::new(),
        review: Vec::new(),
    }
}
