//! A submission that tries to forge its own report through the text it
//! controls (`tests/hostile/panic_with_control_text.rs`: its panic message
//! and its program's output), graded by the real `grader` binary into every
//! format: the terminal report, JSON, JUnit, GitHub Classroom, Gradescope,
//! and a batch's Markdown page, JSON report and summary. None of them may
//! carry a control character of the student's, a workflow command GitHub
//! Actions would run, a line that passes for the grader's score, HTML outside
//! a code block, or XML a parser rejects, and each must still show the text.

mod support;

use base64::Engine as _;
use serde_json::Value;
use support::{grader, repo};

const HOSTILE: &str = "tests/hostile/panic_with_control_text.rs";
const SEED: &str = "11";

/// Characters of the forged text that must not reach any output as themselves.
const RAW: [char; 8] = ['\r', '\x1b', '\u{1}', '\u{fffe}', '\u{ffff}', '\u{85}', '\u{2028}', '\u{202e}'];

/// The forged text graded in `format`, with the tests it reaches (the
/// example's panic, the output's diff) and hidden tests' details shown.
fn graded(format: &str) -> String {
    let output = grader(&[
        "grade", "parallel_sum", HOSTILE, "--seed", SEED, "--only", "example,output", "--audience", "staff", "--format", format,
    ]);
    assert_eq!(output.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap_or_else(|error| panic!("{format}: not UTF-8: {error}"))
}

/// No raw control character of the student's, and no line that a CI log
/// would run as a workflow command, wherever a reader might end a line.
fn assert_inert(what: &str, text: &str) {
    for c in RAW {
        assert!(!text.contains(c), "{what}: a raw {c:?} in {text:?}");
    }
    for line in text.split(['\r', '\n', '\u{85}', '\u{2028}', '\u{2029}']) {
        assert!(!line.trim_start().starts_with("::"), "{what}: a live workflow command: {line:?}");
        // The runner's older form counts anywhere in a line.
        assert!(!line.contains("##["), "{what}: a live workflow command: {line:?}");
    }
}

/// Every string in a JSON document, as a program reading it gets them.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(text) => vec![text.as_str()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(fields) => fields.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

fn assert_json_inert(what: &str, json: &str) -> Value {
    assert_inert(what, json);
    let value: Value = serde_json::from_str(json).unwrap_or_else(|error| panic!("{what}: not JSON ({error}): {json}"));
    let texts = strings(&value);
    for text in &texts {
        assert_inert(what, text);
    }
    assert!(texts.iter().any(|text| text.contains("Points 100/100")), "{what}: the forged text is shown, not dropped");
    value
}

#[test]
fn the_terminal_report_shows_the_forged_text_indented_and_inert() {
    let human = graded("human");
    assert_inert("human", &human);
    let scores: Vec<&str> = human.lines().filter(|line| line.starts_with("Score:")).collect();
    assert_eq!(scores.len(), 1, "only the grader's own score line starts a line: {scores:?}\n{human}");
    assert!(scores[0].starts_with("Score: 0 / "), "{human}");
    let forged: Vec<&str> = human.lines().filter(|line| line.contains("Points 100/100") || line.contains("all tests passed")).collect();
    assert!(!forged.is_empty(), "the forged text is shown:\n{human}");
    for line in forged {
        assert!(line.starts_with("  "), "student text at column 0: {line:?}\n{human}");
    }
    assert!(human.contains("\\r::notice title=Autograding complete::Points 100/100"), "CR shown as \\r:\n{human}");
}

#[test]
fn json_gradescope_and_classroom_carry_the_text_only_as_inert_data() {
    let report = assert_json_inert("json", &graded("json"));
    assert_eq!(report["tests"][0]["status"], "panicked", "{report}");
    assert!(report["tests"][0]["message"].as_str().is_some_and(|message| message.contains("\\u{fffe} \\u{ffff}")));
    assert_json_inert("gradescope", &graded("gradescope"));
    // The reporter decodes this and prints each message to the Actions log.
    let classroom = graded("classroom");
    let decoded = base64::engine::general_purpose::STANDARD.decode(classroom.trim_end()).expect("base64");
    assert_json_inert("classroom", &String::from_utf8(decoded).expect("UTF-8 inside the base64"));
}

#[test]
fn junit_stays_xml_a_parser_reads() {
    let xml = graded("junit");
    assert_inert("junit", &xml);
    assert!(!xml.contains("<script") && !xml.contains("<img"), "markup of the student's in the XML:\n{xml}");
    let document = roxmltree::Document::parse(&xml).unwrap_or_else(|error| panic!("not XML: {error}\n{xml}"));
    let error = document.descendants().find(|node| node.has_tag_name("error")).expect("the panic is an <error>");
    let message = error.attribute("message").unwrap_or_default();
    assert!(message.contains("Points 100/100") && message.contains("<script>alert(1)</script>"), "{message}");
    for node in document.descendants() {
        for text in node.text().into_iter().chain(node.attributes().map(|attribute| attribute.value())) {
            assert_inert("junit, parsed", text);
        }
    }
}

/// The lines of a Markdown page outside its fenced code blocks; fails if a
/// block is left open, which would swallow the rest of the page.
fn outside_code_blocks(page: &str) -> Vec<&str> {
    let mut prose = Vec::new();
    let mut open_fence: Option<&str> = None;
    for line in page.lines() {
        match open_fence {
            // Only a line of at least the opening fence's backticks closes a block.
            Some(fence) if line.trim_start().starts_with(fence) => open_fence = None,
            Some(_) => {}
            None if line.starts_with("```") => open_fence = Some(line.trim_end_matches(|c: char| c != '`')),
            None => prose.push(line),
        }
    }
    assert!(open_fence.is_none(), "a code block is never closed:\n{page}");
    prose
}

#[test]
fn a_batch_page_has_no_html_or_forged_structure_of_the_students() {
    let class = tempfile::tempdir().expect("a scratch folder");
    std::fs::copy(repo().join(HOSTILE), class.path().join("mallory.rs")).expect("the hostile file copies");
    let out = class.path().join("out");
    let (class_arg, out_arg) = (class.path().to_str().expect("UTF-8 path"), out.to_str().expect("UTF-8 path"));
    let output = grader(&["batch", "parallel_sum", class_arg, "--out", out_arg, "--seed", SEED, "--jobs", "1"]);
    let summary = String::from_utf8(output.stdout).expect("UTF-8 summary");
    assert_eq!(output.status.code(), Some(0), "{summary}{}", String::from_utf8_lossy(&output.stderr));
    assert_inert("batch summary", &summary);
    assert_inert("batch progress", &String::from_utf8_lossy(&output.stderr));
    assert_json_inert("batch json", &std::fs::read_to_string(out.join("reports/mallory.json")).expect("a JSON report"));

    let page = std::fs::read_to_string(out.join("reports/mallory.md")).expect("a Markdown report");
    assert_inert("markdown", &page);
    assert!(page.contains("Points 100/100"), "the forged text is shown:\n{page}");
    let prose = outside_code_blocks(&page);
    for line in &prose {
        assert!(!line.contains('<'), "HTML outside a code block: {line:?}\n{page}");
        assert!(!line.trim_start().starts_with('#') || !line.contains("Score"), "a forged heading: {line:?}");
    }
    let scores = prose.iter().filter(|line| line.contains("Score: ")).count();
    assert_eq!(scores, 1, "one score line, the grader's:\n{page}");
    // The output test's diff carries the forged fence and HTML inside a
    // longer fence, where Markdown shows them as text.
    assert!(page.contains("````diff\n"), "{page}");
}
