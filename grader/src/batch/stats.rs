//! What a class's results come to, computed once from the rows for every
//! view of them: the summary's text ([`super::summary`]) and the class page
//! ([`super::page`]) only render these numbers.

use super::{Manifest, Row};
use crate::report::Status;

/// How many of the slowest submissions are listed.
const SLOWEST: usize = 5;

pub struct ClassStats<'a> {
    /// The graded rows (those with a report), in the manifest's order.
    pub graded: Vec<&'a Row>,
    /// Students per score bucket: `[0]` holds 0–9% of the points, `[9]`
    /// 90–99%, `[10]` full marks.
    pub histogram: [usize; 11],
    /// Every test of the assignment, in order, with how many graded
    /// submissions passed it.
    pub pass_rates: Vec<PassRate<'a>>,
    /// The slowest graded submissions, slowest first.
    pub slowest: Vec<Slow<'a>>,
    /// Graded submissions a person should look at, with why, in the
    /// manifest's order.
    pub to_review: Vec<(&'a Row, String)>,
}

pub struct PassRate<'a> {
    pub test: &'a str,
    pub passed: usize,
}

pub struct Slow<'a> {
    pub row: &'a Row,
    pub duration_ms: u64,
    pub timeouts: usize,
}

impl<'a> ClassStats<'a> {
    pub fn of(manifest: &'a Manifest) -> ClassStats<'a> {
        let graded: Vec<&Row> = manifest.students.iter().filter(|row| row.report.is_some()).collect();
        let reports = || graded.iter().filter_map(|row| row.report.as_ref());
        let mut histogram = [0usize; 11];
        for report in reports() {
            histogram[bucket(report.score, manifest.max_score)] += 1;
        }
        let pass_rates = manifest
            .tests
            .iter()
            .map(|name| PassRate {
                test: name,
                passed: reports()
                    .filter(|report| report.tests.iter().any(|test| &test.name == name && test.status == Status::Passed))
                    .count(),
            })
            .collect();
        let mut slowest: Vec<Slow> = graded
            .iter()
            .filter_map(|row| {
                let report = row.report.as_ref()?;
                let timeouts = report.tests.iter().filter(|test| test.status == Status::Timeout).count();
                Some(Slow { row, duration_ms: report.duration_ms, timeouts })
            })
            .collect();
        slowest.sort_by(|a, b| b.duration_ms.cmp(&a.duration_ms).then_with(|| a.row.student.cmp(&b.row.student)));
        slowest.truncate(SLOWEST);
        let to_review = graded
            .iter()
            .filter_map(|row| Some((*row, row.report.as_ref().filter(|report| !report.review.is_empty())?.review.join("; "))))
            .collect();
        ClassStats { graded, histogram, pass_rates, slowest, to_review }
    }

}

/// A score's bucket of the histogram: tenths of the points, full marks apart.
fn bucket(score: f64, max_score: f64) -> usize {
    if score >= max_score {
        return 10;
    }
    let fraction = if max_score > 0.0 { score / max_score } else { 1.0 };
    ((fraction * 10.0).floor() as usize).min(9)
}

/// A bucket's label: `100%`, `90–99%`, … `0–9%`.
pub fn bucket_label(bucket: usize) -> String {
    if bucket == 10 { "100%".to_string() } else { format!("{}–{}%", bucket * 10, bucket * 10 + 9) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_fall_in_tenths_with_full_marks_apart() {
        assert_eq!(bucket(100.0, 100.0), 10);
        assert_eq!(bucket(99.99, 100.0), 9);
        assert_eq!(bucket(9.99, 100.0), 0);
        assert_eq!(bucket(50.0, 100.0), 5);
        assert_eq!(bucket(0.0, 0.0), 10);
        assert_eq!(bucket_label(3), "30–39%");
    }
}
