//! How far a batch has got, on stderr: a progress bar on a terminal
//! (done/total, failures so far, time left), one line per finished
//! submission otherwise, for CI logs and `2> batch.log`.
//!
//! "Failed" counts the submissions that did not build or could not be graded.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::summary::shown_name;
use super::{Row, RowStatus};
use crate::report::{points, text};

const BAR_TEMPLATE: &str = "{elapsed_precise} [{wide_bar}] {pos}/{len}  {msg}  {eta} left";

pub struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    done: usize,
    failed: usize,
    started: Instant,
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let style = ProgressStyle::with_template(BAR_TEMPLATE).unwrap_or_else(|_| ProgressStyle::default_bar());
            let bar = ProgressBar::new(total as u64).with_style(style.progress_chars("=> ")).with_message("0 failed");
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress { bar, total, done: 0, failed: 0, started: Instant::now() }
    }

    pub fn finished(&mut self, row: &Row, from_cache: bool) {
        self.done += 1;
        if matches!(row.status, RowStatus::BuildFailed | RowStatus::Unreadable | RowStatus::Error) {
            self.failed += 1;
        }
        let result = match &row.report {
            Some(report) => format!("{} / {} {}", points(report.score), points(report.max_score), row.status.name()),
            // A CI log reads this line: the student's names stay on it, inert.
            None => format!(
                "{}: {}",
                row.status.name(),
                text::student_line(row.message.as_deref().unwrap_or_default(), text::MESSAGE_BYTES)
            ),
        };
        let cached = if from_cache { " (cached)" } else { "" };
        let student = shown_name(row);
        match &self.bar {
            Some(bar) => {
                bar.set_message(format!("{} failed", self.failed));
                if !row.status.graded() {
                    bar.println(format!("{student}: {result}"));
                }
                bar.inc(1);
            }
            None => eprintln!("[{}/{}] {student}: {result}{cached}{}", self.done, self.total, self.time_left()),
        }
    }

    pub fn done(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }

    fn time_left(&self) -> String {
        if self.done == self.total {
            return String::new();
        }
        let per_submission = self.started.elapsed().as_secs_f64() / self.done as f64;
        format!(", about {:.0} s left", per_submission * (self.total - self.done) as f64)
    }
}
