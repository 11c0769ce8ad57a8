//! Student text in reports: what a submission printed, its panic messages,
//! rustc's quotes of its source lines, its file names. All of it is data the
//! student controls, and this module is the one place that makes it safe to
//! show. [`student_text`] turns every character that steers a terminal, a CI
//! log or an XML parser into a visible escape, defuses GitHub Actions
//! workflow commands and caps the size; [`render_within`] keeps a whole
//! rendered report under a size by shortening its longest texts; the
//! `markdown_*` functions escape for Markdown. Every renderer passes its
//! [`Report`] through here, even one that `score` built, because a report can
//! also come back from a batch's cache or an older grader.
//!
//! It changes only how text looks, never what a grading decided.

use std::fmt::Write as _;

use super::Report;

/// A message, a hint or an input summary: a panic message longer than this
/// says nothing more that helps.
pub const MESSAGE_BYTES: usize = 4 * 1024;
/// A diff: its 40 lines of answers or output, with room for long lines.
pub const DIFF_BYTES: usize = 16 * 1024;
/// rustc's diagnostics: the first errors, which are the ones to fix.
pub const LOG_BYTES: usize = 64 * 1024;
/// A whole rendered report, in any format.
pub const REPORT_BYTES: usize = 1024 * 1024;

/// No text is cut shorter than this to make a report fit: below it a message
/// no longer says what happened.
const SHORTEST_CUT: usize = 256;

const SHORTENED: &str = "This report was shortened to fit its size limit: the longest texts (build log, diffs, \
    messages) were cut, each marked where it was cut.";

/// `text` as the reports show it, at most `max_bytes` long.
///
/// Newlines and tabs stay; every other character that could move the cursor,
/// end a line or reorder text is shown as the escape Rust's `{:?}` writes for
/// it (`\r`, `\u{1b}`, `\u{2028}`): readable ASCII that survives every format,
/// and the form a student already knows from printing a string with `{:?}`.
/// A line that GitHub Actions would run as a workflow command gets a
/// backslash before its `::`, and `##[` anywhere becomes `##\[`, since the
/// runner looks for that older form anywhere in a line. A longer text is cut
/// at a character boundary and ends with "… (N more bytes cut)".
pub fn student_text(text: &str, max_bytes: usize) -> String {
    shown(text, max_bytes, Lines::Kept)
}

/// Like [`student_text`] for a text that must stay on one line (a file name,
/// a test name, a command): newlines and tabs become `\n` and `\t` too.
pub fn student_line(text: &str, max_bytes: usize) -> String {
    shown(text, max_bytes, Lines::Joined)
}

#[derive(Clone, Copy, PartialEq)]
enum Lines {
    Kept,
    Joined,
}

fn shown(text: &str, max_bytes: usize, lines: Lines) -> String {
    let mut out = String::new();
    // Escapes only lengthen a text, so this stops within max_bytes of output
    // however long the input: a 40 MiB panic message costs 4 KiB of work.
    if escape_into(text, max_bytes, lines, &mut out) == text.len() && out.len() <= max_bytes {
        return out;
    }
    let marker = |cut: usize| format!(" … ({cut} more bytes cut)");
    out.clear();
    let shown_bytes = escape_into(text, max_bytes.saturating_sub(marker(text.len()).len()), lines, &mut out);
    out.push_str(&marker(text.len() - shown_bytes));
    out
}

/// Appends `text` to `out` as the reports show it, stopping before the first
/// character whose escape would take `out` past `limit` bytes. Returns how
/// many bytes of `text` were shown.
fn escape_into(text: &str, limit: usize, lines: Lines, out: &mut String) -> usize {
    // Still in the indentation of a line, where a workflow command may begin.
    let mut line_start = true;
    for (index, c) in text.char_indices() {
        let before = out.len();
        let keeps_line_start = c != '\n' && c.is_whitespace() && !hidden(c);
        if line_start && !keeps_line_start {
            // The runner trims a line's start and runs it if `::` follows.
            if text[index..].starts_with("::") {
                out.push('\\');
            }
            line_start = false;
        }
        match c {
            '\n' | '\t' if lines == Lines::Joined => push_escape(c, out),
            '\n' => {
                out.push('\n');
                line_start = true;
            }
            '[' if out.ends_with("##") => out.push_str("\\["),
            c if hidden(c) => push_escape(c, out),
            c => out.push(c),
        }
        if out.len() > limit {
            out.truncate(before);
            return index;
        }
    }
    text.len()
}

/// Whether `c` is shown as an escape rather than as itself: the C0 controls
/// but newline and tab (CR among them, which GitHub's runner and terminals
/// take as a line end, and ESC, which starts terminal escape sequences), DEL,
/// the C1 controls (NEL among them), the Unicode line and paragraph
/// separators, the bidirectional embeddings, overrides and isolates that
/// reorder text on screen, and the noncharacters, of which XML forbids
/// U+FFFE and U+FFFF outright.
fn hidden(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\0'..='\x1f' | '\x7f'..='\u{9f}' => true,
        '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        c => {
            let code = c as u32;
            (0xfdd0..=0xfdef).contains(&code) || code & 0xfffe == 0xfffe
        }
    }
}

/// The escape Rust's `{:?}` writes for `c`.
fn push_escape(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\0' => out.push_str("\\0"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// The report with every text in it shown as [`student_text`] shows it and
/// capped: a message, hint or input at [`MESSAGE_BYTES`], a diff at
/// [`DIFF_BYTES`], the build log at [`LOG_BYTES`], and the one-line fields
/// (names, the submission, the replay command) kept on one line.
pub fn neutralised(report: &Report) -> Report {
    let mut report = report.clone();
    let line = |text: &mut String| *text = student_line(text, MESSAGE_BYTES);
    line(&mut report.assignment);
    line(&mut report.title);
    line(&mut report.submission);
    line(&mut report.grader_version);
    for note in report.notes.iter_mut().chain(&mut report.review) {
        *note = student_text(note, MESSAGE_BYTES);
    }
    report.build.log = student_text(&report.build.log, LOG_BYTES);
    report.build.message = report.build.message.as_deref().map(|message| student_text(message, MESSAGE_BYTES));
    for test in &mut report.tests {
        line(&mut test.name);
        test.message = student_text(&test.message, MESSAGE_BYTES);
        test.diff = test.diff.as_deref().map(|diff| student_text(diff, DIFF_BYTES));
        test.hint = test.hint.as_deref().map(|hint| student_text(hint, MESSAGE_BYTES));
        test.input = test.input.as_deref().map(|input| student_text(input, MESSAGE_BYTES));
        // A long schedule is still a working command; a cut one would not be.
        test.replay = test.replay.as_deref().map(|replay| student_line(replay, LOG_BYTES));
    }
    report
}

/// `render(report)`, from the [`neutralised`] report, at most `max_bytes`
/// long. When the rendering is longer, the report's longest texts are cut to
/// one common length, the longest that makes it fit, and a note says so.
/// Only a report of thousands of tests can stay longer than `max_bytes` once
/// every text is down to [`SHORTEST_CUT`].
pub fn render_within(report: &Report, max_bytes: usize, render: impl Fn(&Report) -> String) -> String {
    let mut report = neutralised(report);
    let rendered = render(&report);
    if rendered.len() <= max_bytes {
        return rendered;
    }
    shorten(&mut report, max_bytes, |report| render(report).len());
    render(&report)
}

/// Cuts the longest texts of `report` (build log, diffs, messages, hints,
/// inputs) to one common length, the longest under which `size(report)` is at
/// most `max_bytes`, and notes that it did. Does nothing to a report that fits.
fn shorten(report: &mut Report, max_bytes: usize, size: impl Fn(&Report) -> usize) {
    if size(report) <= max_bytes {
        return;
    }
    report.notes.push(SHORTENED.to_string());
    let longest = cuttable_texts(report).map(|text| text.len()).max().unwrap_or(0);
    // The longest common cap that fits, by bisection: a shorter cap never
    // makes a rendering longer.
    let (mut fits, mut too_long) = (SHORTEST_CUT, longest.max(SHORTEST_CUT));
    while fits + 1 < too_long {
        let cap = fits + (too_long - fits) / 2;
        if size(&capped(report, cap)) <= max_bytes { fits = cap } else { too_long = cap }
    }
    *report = capped(report, fits);
}

/// The texts [`shorten`] may cut. The notes stay: they are the grader's own,
/// and short.
fn cuttable_texts(report: &Report) -> impl Iterator<Item = &String> {
    let tests = report.tests.iter().flat_map(|test| {
        [Some(&test.message), test.diff.as_ref(), test.hint.as_ref(), test.input.as_ref()].into_iter().flatten()
    });
    [Some(&report.build.log), report.build.message.as_ref()].into_iter().flatten().chain(tests)
}

fn capped(report: &Report, cap: usize) -> Report {
    let mut report = report.clone();
    let cut = |text: &mut String| {
        if text.len() > cap {
            *text = student_text(text, cap);
        }
    };
    cut(&mut report.build.log);
    report.build.message.iter_mut().for_each(cut);
    for test in &mut report.tests {
        cut(&mut test.message);
        test.diff.iter_mut().chain(test.hint.iter_mut()).chain(test.input.iter_mut()).for_each(cut);
    }
    report
}

/// Student text as Markdown prose that renders as exactly its characters:
/// `<`, `>` and `&` as HTML entities, so no tag or entity of the student's
/// reaches the page; the characters that make emphasis, code, links, images,
/// math or tables backslash-escaped; and each line's start escaped so that it
/// cannot begin a heading, list, quote, fence or rule, whatever follows a
/// newline. Lines are joined by hard line breaks, blank ones dropped.
pub fn markdown_prose(text: &str) -> String {
    let text = student_text(text, usize::MAX);
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.lines().map(str::trim_start).filter(|line| !line.is_empty()) {
        if !out.is_empty() {
            out.push_str("\\\n");
        }
        let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        for (index, c) in line.char_indices() {
            let starts_block = index == 0 && matches!(c, '#' | '+' | '-' | '=');
            // "1. " starts a list; "0.1.0" does not.
            let numbers_list = index == digits
                && digits > 0
                && matches!(c, '.' | ')')
                && line[index + 1..].chars().next().is_none_or(char::is_whitespace);
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '_' if inside_word(line, index) => out.push('_'),
                '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '|' | '$' => {
                    out.push('\\');
                    out.push(c);
                }
                c if starts_block || numbers_list => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
    }
    out
}

/// Student text as a Markdown block of its own: one line as
/// [`markdown_prose`], more than one as a [`markdown_fence`]d block, which
/// keeps their layout and sets them apart as the program's text, so that a
/// line of it cannot pass for one of the page's own.
pub fn markdown_block(text: &str) -> String {
    if text.trim_end().contains('\n') { markdown_fence(text, "text") } else { format!("{}\n", markdown_prose(text)) }
}

/// Whether the `_` at `index` of `line` sits between two letters or digits,
/// as in `parallel_sum`, where CommonMark never reads it as emphasis.
fn inside_word(line: &str, index: usize) -> bool {
    let alphanumeric = |neighbour: Option<char>| neighbour.is_some_and(char::is_alphanumeric);
    alphanumeric(line[..index].chars().next_back()) && alphanumeric(line[index + 1..].chars().next())
}

/// Student text as a Markdown code span on one line, between more backticks
/// than any run of them inside it, so it cannot end the span early.
pub fn markdown_code(text: &str) -> String {
    let text = student_line(text, usize::MAX);
    let ticks = "`".repeat(longest_run(&text, '`') + 1);
    // A space keeps a backtick at either end from joining the delimiters.
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// Student text as a fenced Markdown code block with `info` as its language,
/// fenced by more backticks than any run of them inside, so no line of the
/// text can close the block and continue as Markdown. A code block shows
/// `<`, `>` and `&` as themselves, so they stay unescaped here.
pub fn markdown_fence(text: &str, info: &str) -> String {
    let text = student_text(text, usize::MAX);
    let fence = "`".repeat((longest_run(&text, '`') + 1).max(3));
    format!("{fence}{info}\n{}\n{fence}\n", text.trim_end_matches('\n'))
}

fn longest_run(text: &str, wanted: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == wanted { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    /// What a student's text may not carry into a report once shown.
    fn assert_inert(shown: &str) {
        for c in shown.chars() {
            assert!(!hidden(c), "{:?} survived in {shown:?}", c);
        }
        for line in shown.split(['\n', '\r']) {
            assert!(!line.trim_start().starts_with("::"), "a live workflow command: {line:?}");
            assert!(!line.contains("##["), "a live workflow command: {line:?}");
        }
    }

    #[test]
    fn a_bare_cr_cannot_start_a_workflow_command() {
        let shown = student_text("boom\r::notice title=Autograding complete::Points 100/100", MESSAGE_BYTES);
        assert_eq!(shown, "boom\\r::notice title=Autograding complete::Points 100/100");
        assert_inert(&shown);
        // CRLF is a line end the grader's own newline keeps, with the CR shown.
        assert_eq!(student_text("a\r\n::error::x", MESSAGE_BYTES), "a\\r\n\\::error::x");
        assert_eq!(student_text("\r\n", MESSAGE_BYTES), "\\r\n");
    }

    #[test]
    fn workflow_commands_are_escaped_on_any_line_and_anywhere_for_the_old_form() {
        let forged = "boom\n::notice title=Autograding complete::Points 100/100\n  ::stop-commands::x\n##[error]x\nok :: fine\nsee ##[set-output name=score;]100";
        let shown = student_text(forged, MESSAGE_BYTES);
        assert_eq!(
            shown,
            "boom\n\\::notice title=Autograding complete::Points 100/100\n  \\::stop-commands::x\n##\\[error]x\nok :: fine\nsee ##\\[set-output name=score;]100"
        );
        assert_inert(&shown);
        // Indentation the runner trims, but not an escape, which it does not.
        assert_eq!(student_text("\u{3000}\t::warning::x", MESSAGE_BYTES), "\u{3000}\t\\::warning::x");
        assert_eq!(student_text("\u{b}::warning::x", MESSAGE_BYTES), "\\u{b}::warning::x");
    }

    #[test]
    fn terminal_escapes_are_shown_not_obeyed() {
        let shown = student_text("oops\x1b[2K\x1b[1A\rScore: 100 / 100\x07", MESSAGE_BYTES);
        assert_eq!(shown, "oops\\u{1b}[2K\\u{1b}[1A\\rScore: 100 / 100\\u{7}");
        assert_inert(&shown);
        // Eight-bit CSI, DEL and NUL too.
        assert_eq!(student_text("\u{9b}2J\x7f\0", MESSAGE_BYTES), "\\u{9b}2J\\u{7f}\\0");
    }

    #[test]
    fn unicode_line_ends_bidi_controls_and_noncharacters_are_shown() {
        let shown = student_text("a\u{85}b\u{2028}c\u{2029}d\u{202e}e\u{2066}f\u{fffe}g\u{ffff}h\u{fdd0}\u{10ffff}", MESSAGE_BYTES);
        assert_eq!(
            shown,
            "a\\u{85}b\\u{2028}c\\u{2029}d\\u{202e}e\\u{2066}f\\u{fffe}g\\u{ffff}h\\u{fdd0}\\u{10ffff}"
        );
        assert_inert(&shown);
        // Everything else, accents, CJK and emoji included, is left alone.
        let plain = "naïve 平行 🦀 → ok\ttab\nnext line \u{202e}";
        assert_eq!(student_text(plain, MESSAGE_BYTES), "naïve 平行 🦀 → ok\ttab\nnext line \\u{202e}");
    }

    #[test]
    fn every_character_xml_forbids_is_shown_as_an_escape() {
        // XML 1.0's Char: tab, newline, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000 and up.
        let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
        for c in (0..=0x10ffff).filter_map(char::from_u32).filter(|&c| !allowed(c)) {
            assert!(hidden(c), "{:?}", c);
        }
        let shown = student_text("\u{0}\u{8}\u{b}\u{c}\u{1f}\u{fffe}\u{ffff}", MESSAGE_BYTES);
        assert!(shown.chars().all(allowed), "{shown:?}");
    }

    #[test]
    fn shown_text_is_shown_the_same_again() {
        let forged = "a\r::x::y\n::notice::z\n##[error]w\u{1b}[1m\u{fffe}";
        let once = student_text(forged, MESSAGE_BYTES);
        assert_eq!(student_text(&once, MESSAGE_BYTES), once);
        let cut = student_text(&"x".repeat(10_000), MESSAGE_BYTES);
        assert_eq!(student_text(&cut, MESSAGE_BYTES), cut);
    }

    #[test]
    fn a_one_line_field_keeps_to_one_line() {
        assert_eq!(student_line("alice\n\nScore: 100 / 100\t.rs", MESSAGE_BYTES), "alice\\n\\nScore: 100 / 100\\t.rs");
    }

    #[test]
    fn a_40_mib_message_is_cut_to_4_kib_with_a_marker() {
        let huge = "x".repeat(40 << 20);
        let shown = student_text(&huge, MESSAGE_BYTES);
        assert!(shown.len() <= MESSAGE_BYTES, "{}", shown.len());
        let kept = shown.len() - shown.trim_start_matches('x').len();
        assert!(shown.ends_with(&format!(" … ({} more bytes cut)", huge.len() - kept)), "{}", &shown[kept..]);
        assert!(kept > MESSAGE_BYTES - 64, "the marker leaves most of the room to the text: {kept}");
    }

    #[test]
    fn the_cut_falls_between_characters_and_between_escapes() {
        // 'é' and '🦀' are 2 and 4 bytes, so most limits fall inside one.
        for text in ["é".repeat(3000), "🦀".repeat(3000), "a\u{1b}".repeat(3000)] {
            for max in [100, 101, 102, 103, 1000, 4096] {
                let shown = student_text(&text, max);
                assert!(shown.len() <= max, "{max}: {}", shown.len());
                let kept = shown.split(" … (").next().unwrap_or_default();
                assert!(text.starts_with(kept.replace("\\u{1b}", "\u{1b}").as_str()), "{max}: {kept:?}");
                assert!(!kept.ends_with('\\') && !kept.ends_with("\\u{1"), "an escape was split: {kept:?}");
                let cut: usize = shown.rsplit_once(" … (").and_then(|(_, n)| n.split(' ').next()?.parse().ok()).unwrap();
                assert_eq!(cut, text.len() - kept.replace("\\u{1b}", "\u{1b}").len(), "{max}");
            }
        }
    }

    #[test]
    fn a_text_within_the_cap_is_not_cut() {
        let text = "y".repeat(MESSAGE_BYTES);
        assert_eq!(student_text(&text, MESSAGE_BYTES), text);
        // One escape too many tips it over.
        let shown = student_text(&format!("{}\u{1b}", "y".repeat(MESSAGE_BYTES - 4)), MESSAGE_BYTES);
        assert!(shown.len() <= MESSAGE_BYTES && shown.ends_with("more bytes cut)"), "{shown}");
    }

    #[test]
    fn markdown_prose_shows_html_as_text() {
        let shown = markdown_prose("<script>alert(1)</script> & <img src=x onerror=alert(1)>");
        assert_eq!(shown, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;");
        assert!(!shown.contains('<') && !shown.contains('>'));
    }

    #[test]
    fn markdown_prose_cannot_make_headings_lists_or_emphasis() {
        let shown = markdown_prose("boom\n\n# Score: 100 / 100\n**full marks**\n- ok\n1. first\n   ```\n[x](http://e) ![i](http://e/i.png)\n===");
        assert_eq!(
            shown,
            "boom\\\n\\# Score: 100 / 100\\\n\\*\\*full marks\\*\\*\\\n\\- ok\\\n1\\. first\\\n\\`\\`\\`\\\n\\[x\\](http://e) !\\[i\\](http://e/i.png)\\\n\\==="
        );
        assert_eq!(markdown_prose("parallel sum = 15, 2.5 s"), "parallel sum = 15, 2.5 s");
        assert_eq!(markdown_prose("0.1.0\n2) x\n3."), "0.1.0\\\n2\\) x\\\n3\\.");
        // Underscores inside a word stay; at a word's edge they could start emphasis.
        assert_eq!(markdown_prose("parallel_sum _x_ __init__"), "parallel_sum \\_x\\_ \\_\\_init\\_\\_");
    }

    #[test]
    fn a_block_of_several_lines_is_fenced_and_one_line_is_prose() {
        assert_eq!(markdown_block("wrong answer <3"), "wrong answer &lt;3\n");
        assert_eq!(markdown_block("boom\n\nScore: 100 / 100\n"), "```text\nboom\n\nScore: 100 / 100\n```\n");
    }

    #[test]
    fn a_code_span_outlasts_the_backticks_inside_it() {
        assert_eq!(markdown_code("src/main.rs"), "`src/main.rs`");
        assert_eq!(markdown_code("a`b``c"), "```a`b``c```");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(markdown_code("two\nlines"), "`two\\nlines`");
    }

    #[test]
    fn a_fence_outlasts_the_backticks_inside_it() {
        let diff = "-15\n+```\n+<script>alert(1)</script>\n+`````\n+# done";
        let block = markdown_fence(diff, "diff");
        assert!(block.starts_with("``````diff\n") && block.ends_with("\n``````\n"), "{block}");
        // Only the closing fence closes it: no inner line is a run of six backticks.
        let closing = block.lines().skip(1).position(|line| line.trim_start().starts_with("``````"));
        assert_eq!(closing, Some(diff.lines().count()));
        assert!(markdown_fence("plain", "text").starts_with("```text\nplain\n```"));
    }

    #[test]
    fn a_report_with_a_40_mib_panic_message_renders_as_json_within_1_mib() {
        let mut report = sample_report(3, 10.0, &[1]);
        report.tests[1].message = format!("thread 'main' panicked: {}", "x".repeat(40 << 20));
        report.tests[1].status = crate::report::Status::Panicked;
        let json = crate::report::render_json(&report);
        assert!(json.len() <= REPORT_BYTES, "{} bytes", json.len());
        let value: serde_json::Value = serde_json::from_str(&json).expect("still JSON");
        let message = value["tests"][1]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("thread 'main' panicked: xxx") && message.ends_with("more bytes cut)"));
    }

    #[test]
    fn a_report_too_long_after_the_caps_is_shortened_to_fit_with_a_note() {
        // 200 tests, each with a full diff and message: about 4 MiB of text.
        let mut report = sample_report(200, 100.0, &(0..200).collect::<Vec<_>>());
        for test in &mut report.tests {
            test.diff = Some(format!("--- expected\n+++ actual\n{}", "+line of output\n".repeat(DIFF_BYTES / 16)));
            test.message = "m".repeat(MESSAGE_BYTES);
        }
        report.build.log = "short log".to_string();
        let json = crate::report::render_json(&report);
        assert!(json.len() <= REPORT_BYTES, "{} bytes", json.len());
        assert!(json.len() > REPORT_BYTES * 9 / 10, "no more cut than needed: {} bytes", json.len());
        let value: serde_json::Value = serde_json::from_str(&json).expect("still JSON");
        assert!(value["notes"].to_string().contains("shortened"), "{}", value["notes"]);
        assert_eq!(value["tests"].as_array().map(Vec::len), Some(200), "every test is still there");
        assert_eq!(value["build"]["log"], "short log", "short texts are left whole");
        assert_eq!(value["score"], 0.0);
    }

    #[test]
    fn a_report_that_fits_is_rendered_unchanged() {
        let report = sample_report(5, 10.0, &[2]);
        let json = crate::report::render_json(&report);
        assert_eq!(json, format!("{}\n", serde_json::to_string_pretty(&report).unwrap()));
    }
}
