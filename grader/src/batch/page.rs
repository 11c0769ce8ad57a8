//! `OUT/index.html`: the class's results as one page a TA opens in a
//! browser, rendered from the rows and their [`ClassStats`] and computing
//! nothing of its own. It shows the score histogram as bars, a table of
//! students (sortable by name, score, status, review flag and time, each
//! name linking to the student's report in `reports/`), the builds that
//! failed, the gradings marked for review, what could not be graded, and
//! last, being the longest, each test's pass rate as bars.
//!
//! The page is one self-contained file: its style and its small sorting
//! script are inline, it loads nothing (no script, font or image from
//! anywhere), and without the script it still shows everything, sorted by
//! name. Every name and message on it is the student's text (a file name
//! can hold `<script>`): each is shown on one line by
//! [`text::student_line`], then HTML-escaped, and links name the report by
//! its percent-encoded file name. No student text reaches the script or a
//! style.

use std::fmt::Write as _;

use super::stats::{ClassStats, bucket_label};
use super::summary::{counts_line, headline};
use super::{Manifest, Row, RowStatus};
use crate::report::{points, text};

/// The histogram's drawing area, in SVG units.
const CHART_BAR: usize = 56;
const CHART_HEIGHT: usize = 120;

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.25rem; }
p.meta { color: #59636e; margin: 0.2rem 0; }
svg.histogram rect { fill: #4078c0; }
svg.histogram rect.full { fill: #2da44e; }
svg.histogram text { font-size: 12px; fill: #1f2328; text-anchor: middle; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #eaeef2; vertical-align: top; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
table.rates td { padding: 0.1rem 0.5rem; font-size: 0.85rem; }
table.rates td.name { font-family: ui-monospace, monospace; white-space: nowrap; }
.bar { background: #eaeef2; height: 0.8rem; width: 14rem; border-radius: 2px; }
.bar span { display: block; height: 100%; background: #2da44e; border-radius: 2px; }
.bar span.low { background: #cf222e; }
th[data-key] { cursor: pointer; user-select: none; }
th[aria-sort=ascending]::after { content: ' \\25B2'; }
th[aria-sort=descending]::after { content: ' \\25BC'; }
.status-full-marks { color: #1a7f37; }
.status-points-lost { color: #9a6700; }
.status-build-failed, .status-unreadable, .status-error { color: #cf222e; }
.review { font-weight: 600; color: #bc4c00; }
ul.listed li { margin: 0.3rem 0; }
ul.listed .why { color: #59636e; }
";

/// Sorts the students' table when a heading is clicked, by the `data-KEY`
/// value of each row (numbers where the heading says `data-type=number`),
/// and starts sorted by score, highest first.
const SCRIPT: &str = "
(function () {
  var table = document.getElementById('students');
  var body = table.tBodies[0];
  var headings = table.querySelectorAll('th[data-key]');
  function sortBy(heading, descending) {
    var key = heading.dataset.key, numeric = heading.dataset.type === 'number';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.dataset[key], y = b.dataset[key];
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return (descending ? -order : order) || a.dataset.student.localeCompare(b.dataset.student);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    headings.forEach(function (other) { other.removeAttribute('aria-sort'); });
    heading.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
  }
  headings.forEach(function (heading) {
    heading.addEventListener('click', function () {
      sortBy(heading, heading.getAttribute('aria-sort') === 'ascending');
    });
  });
  sortBy(table.querySelector('th[data-key=score]'), true);
  table.dataset.sortable = 'ready';
})();
";

pub fn render(manifest: &Manifest, stats: &ClassStats) -> String {
    let mut page = String::new();
    let title = format!("{}: {}", manifest.assignment, manifest.title);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n<p class=\"meta\">{}</p>\n",
        html(&title),
        html(&title),
        html(&headline(manifest)),
        html(&counts_line(manifest, stats)),
    );
    if !stats.graded.is_empty() {
        render_histogram(stats, &mut page);
    }
    render_students(manifest, &mut page);
    let with_message = |keep: fn(&Row) -> bool| -> Vec<(&Row, String)> {
        manifest.students.iter().filter(|row| keep(row)).map(|row| (row, row.message.clone().unwrap_or_default())).collect()
    };
    render_listed(&mut page, "build-failed", "Did not build", &with_message(|row| row.status == RowStatus::BuildFailed));
    let to_review: Vec<(&Row, String)> = stats.to_review.iter().map(|(row, why)| (*row, why.clone())).collect();
    render_listed(&mut page, "review", "For a person to look at", &to_review);
    render_listed(&mut page, "not-graded", "Could not be graded", &with_message(|row| !row.status.graded()));
    // Last: one line per test is the longest part of the page.
    if !stats.graded.is_empty() {
        render_pass_rates(stats, &mut page);
    }
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    page
}

fn render_histogram(stats: &ClassStats, page: &mut String) {
    let most = stats.histogram.iter().copied().max().unwrap_or(0).max(1);
    let width = CHART_BAR * stats.histogram.len();
    let _ = write!(
        page,
        "<h2>Scores</h2>\n<svg class=\"histogram\" role=\"img\" aria-label=\"Students per share of the points\" \
         width=\"{width}\" height=\"{}\" viewBox=\"0 0 {width} {}\">\n",
        CHART_HEIGHT + 60,
        CHART_HEIGHT + 60
    );
    for (bucket, &students) in stats.histogram.iter().enumerate() {
        let height = students * CHART_HEIGHT / most;
        let x = bucket * CHART_BAR;
        let top = 16 + CHART_HEIGHT - height;
        let class = if bucket == 10 { " class=\"full\"" } else { "" };
        let label = bucket_label(bucket);
        // The axis says these are percentages; the bars' labels fit without the sign.
        let short = label.trim_end_matches('%');
        let _ = writeln!(
            page,
            "<g><title>{label}: {students}</title><rect{class} x=\"{}\" y=\"{top}\" width=\"{}\" height=\"{height}\"/>\
             <text x=\"{}\" y=\"{}\">{students}</text><text x=\"{}\" y=\"{}\">{short}</text></g>",
            x + 4,
            CHART_BAR - 8,
            x + CHART_BAR / 2,
            top - 3,
            x + CHART_BAR / 2,
            CHART_HEIGHT + 32,
        );
    }
    let _ = writeln!(page, "<text x=\"{}\" y=\"{}\">share of the points (%)</text>\n</svg>", width / 2, CHART_HEIGHT + 52);
}

fn render_pass_rates(stats: &ClassStats, page: &mut String) {
    let graded = stats.graded.len();
    let _ = write!(page, "<h2>Pass rate of each test</h2>\n<p class=\"meta\">Of the {graded} graded submissions.</p>\n<table class=\"rates\">\n");
    for rate in &stats.pass_rates {
        let percent = 100.0 * rate.passed as f64 / graded as f64;
        let low = if percent < 50.0 { " class=\"low\"" } else { "" };
        let _ = writeln!(
            page,
            "<tr><td class=\"name\">{}</td><td><div class=\"bar\"><span{low} style=\"width: {percent:.1}%\"></span></div></td>\
             <td class=\"number\">{percent:.0}%</td><td class=\"number\">{} of {graded}</td></tr>",
            html(&text::student_line(rate.test, text::MESSAGE_BYTES)),
            rate.passed
        );
    }
    page.push_str("</table>\n");
}

fn render_students(manifest: &Manifest, page: &mut String) {
    let _ = write!(
        page,
        "<h2>Students</h2>\n<table id=\"students\">\n<thead><tr><th data-key=\"student\">Student</th>\
         <th class=\"number\" data-key=\"score\" data-type=\"number\">Score</th>\
         <th data-key=\"status\" data-type=\"number\">Status</th>\
         <th data-key=\"review\" data-type=\"number\">Review</th>\
         <th class=\"number\" data-key=\"time\" data-type=\"number\">Time</th><th>JSON</th></tr></thead>\n<tbody>\n"
    );
    for row in &manifest.students {
        let name = html(&text::student_line(&row.student, text::MESSAGE_BYTES));
        let report = row.report.as_ref();
        // Ungraded rows sort below every score.
        let score = report.map_or(-1.0, |report| report.score);
        let shown_score = report.map_or(String::new(), |report| format!("{} / {}", points(report.score), points(manifest.max_score)));
        let review = report.is_some_and(|report| !report.review.is_empty());
        let duration_ms = report.map_or(0, |report| report.duration_ms);
        let shown_time = report.map_or(String::new(), |_| format!("{:.1} s", duration_ms as f64 / 1000.0));
        let file = percent_encoded(&row.student);
        let json = if report.is_some() { format!("<a href=\"reports/{file}.json\">json</a>") } else { String::new() };
        let _ = writeln!(
            page,
            "<tr data-student=\"{name}\" data-score=\"{score}\" data-status=\"{}\" data-review=\"{}\" data-time=\"{duration_ms}\">\
             <td><a href=\"reports/{file}.md\">{name}</a></td><td class=\"number\">{shown_score}</td>\
             <td class=\"status-{status}\">{status}</td><td>{}</td><td class=\"number\">{shown_time}</td>\
             <td>{json}</td></tr>",
            row.status as u8,
            u8::from(review),
            if review { "<span class=\"review\">review</span>" } else { "" },
            status = row.status.name(),
        );
    }
    page.push_str("</tbody>\n</table>\n");
}

/// A section listing students with a reason each; nothing when there are none.
fn render_listed(page: &mut String, id: &str, heading: &str, rows: &[(&Row, String)]) {
    if rows.is_empty() {
        return;
    }
    let _ = write!(page, "<h2 id=\"{id}\">{heading} ({})</h2>\n<ul class=\"listed\">\n", rows.len());
    for (row, why) in rows {
        let _ = writeln!(
            page,
            "<li><a href=\"reports/{}.md\">{}</a>: <span class=\"why\">{}</span></li>",
            percent_encoded(&row.student),
            html(&text::student_line(&row.student, text::MESSAGE_BYTES)),
            html(&text::student_line(why, text::MESSAGE_BYTES))
        );
    }
    page.push_str("</ul>\n");
}

/// `text` as HTML text or a quoted attribute value: markup characters and
/// both quotes as entities.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A file name as one segment of a relative URL: every byte but letters,
/// digits and `-._~` percent-encoded, so that no name can end the link, add
/// a query or fragment, climb a folder or begin a `javascript:` URL.
fn percent_encoded(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    const HOSTILE: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>'\u{202e}";

    /// A class of four: full marks, points lost and marked for review, a
    /// build failure, and an unreadable folder, named and described with markup.
    fn class() -> Manifest {
        let full = sample_report(4, 10.0, &[]);
        let mut partial = sample_report(4, 10.0, &[1]);
        partial.review.push(format!("it uses `unsafe` {HOSTILE}"));
        let mut broken = sample_report(4, 10.0, &[]);
        broken.build.status = crate::report::BuildStatus::Failed;
        broken.build.message = Some(format!("error[E0308] in {HOSTILE}"));
        broken.score = 0.0;
        let tests = full.tests.iter().map(|test| test.name.clone()).collect();
        Manifest {
            assignment: "parallel_sum".into(),
            title: "Parallel sum".into(),
            max_score: 10.0,
            seed: 1,
            grader_version: "0.1.0".into(),
            timeout_secs: None,
            shard: None,
            finished: true,
            tests,
            students: vec![
                Row::graded("alice", full),
                Row::graded(&format!("bob{HOSTILE}"), partial),
                Row::graded("carol", broken),
                Row::not_graded("=erin?x#y", RowStatus::Unreadable, format!("`{HOSTILE}` is not a Rust source file")),
            ],
        }
    }

    fn page() -> String {
        let manifest = class();
        render(&manifest, &ClassStats::of(&manifest))
    }

    #[test]
    fn the_page_has_its_charts_table_and_lists() {
        let page = page();
        assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
        assert_eq!(page.matches("<rect").count(), 11, "one bar per bucket");
        assert!(page.contains("<title>100%: 1</title>") && page.contains("<title>70–79%: 1</title>"), "{page}");
        assert_eq!(page.matches("<div class=\"bar\">").count(), 4, "one pass-rate bar per test");
        assert!(page.contains("style=\"width: 66.7%\""), "2 of 3 graded passed test 2: {page}");
        let body = &page[page.find("<tbody>").expect("a table body")..page.find("</tbody>").expect("its end")];
        assert_eq!(body.matches("<tr ").count(), 4, "one row per student");
        for key in ["student", "score", "status", "review", "time"] {
            assert!(page.contains(&format!("data-key=\"{key}\"")), "sortable by {key}");
        }
        assert!(body.contains("data-review=\"1\""), "bob is marked for review");
        assert!(body.contains("<a href=\"reports/alice.md\">alice</a>"), "{body}");
        assert!(body.contains("data-score=\"-1\""), "the ungraded row sorts below every score");
        for (id, count) in [("build-failed", 1), ("review", 1), ("not-graded", 1)] {
            assert!(page.contains(&format!("<h2 id=\"{id}\">")), "{id}");
            let section = &page[page.find(&format!("<h2 id=\"{id}\">")).unwrap_or(0)..];
            let list = &section[..section.find("</ul>").unwrap_or(0)];
            assert_eq!(list.matches("<li>").count(), count, "{id}: {list}");
        }
    }

    #[test]
    fn student_text_is_shown_never_obeyed() {
        let page = page();
        // Ours: one script, no image, nothing loaded from elsewhere.
        assert_eq!(page.matches("<script").count(), 1, "only the page's own script");
        assert!(!page.contains("<img") && !page.contains("src=\"") && !page.contains("http"), "{page}");
        assert!(!page.contains("\u{202e}"), "the bidi override is shown as an escape");
        assert!(page.contains("bob&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;\\u{202e}"), "{page}");
        // Links carry the file name percent-encoded: no quote, query or fragment of the student's.
        assert!(page.contains("href=\"reports/bob%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22%3E%3Cimg"), "{page}");
        assert!(page.contains("href=\"reports/%3Derin%3Fx%23y.md\""), "{page}");
        let script = &page[page.find("<script>").unwrap_or(0)..];
        assert!(!script.contains("bob") && !script.contains("erin"), "no student text in the script");
    }

    #[test]
    fn file_names_become_one_url_segment() {
        assert_eq!(percent_encoded("alice-2_b.c~"), "alice-2_b.c~");
        assert_eq!(percent_encoded("a b/../é"), "a%20b%2F..%2F%C3%A9");
        assert_eq!(percent_encoded("javascript:x"), "javascript%3Ax");
    }
}
