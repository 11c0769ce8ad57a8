//! The machine report: the [`Report`] as JSON, every field as named in the
//! README, its student text neutralised and the whole at most
//! [`text::REPORT_BYTES`].

use super::{Report, text};

pub fn render(report: &Report) -> String {
    text::render_within(report, text::REPORT_BYTES, |report| {
        // Serializing plain data with string keys cannot fail.
        let mut json = serde_json::to_string_pretty(report).unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
        json.push('\n');
        json
    })
}
