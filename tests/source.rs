//! What the grader refuses to compile, end to end through the `grader`
//! binary: each submission in tests/refused/ is a failed build whose message
//! names the file, line and form (its first line says what to expect), with
//! every test skipped and a score of 0. And the other side: no submission in
//! the corpus, no example, starter or reference is refused, since a correct
//! student must never lose points to the check.

mod support;

use std::path::{Path, PathBuf};

use grader::assignment::Catalog;
use grader::submission::Submission;
use support::{grade_json, in_parallel, repo};

const EXPECTED: &str = "// expected: ";

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .collect();
    paths.sort();
    paths
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    entries(dir).into_iter().filter(|path| path.extension().is_some_and(|extension| extension == "rs")).collect()
}

#[test]
fn a_refused_submission_is_a_failed_build_that_says_where_and_why() {
    let submissions = rust_files(&repo().join("tests/refused"));
    assert!(submissions.len() >= 6, "{submissions:?}");
    let problems = in_parallel(&submissions, |path| {
        let text = std::fs::read_to_string(path).expect("a refused submission is readable");
        let expected = text.lines().next().and_then(|line| line.strip_prefix(EXPECTED));
        let Some(expected) = expected else {
            return vec![format!("{}: the first line should start with `{EXPECTED}`", path.display())];
        };
        let graded = grade_json("parallel_sum", path, &["--seed", "5"]);
        let build = &graded.report["build"];
        let message = build["message"].as_str().unwrap_or_default();
        let mut problems = Vec::new();
        let mut expect = |ok: bool, what: String| {
            if !ok {
                problems.push(format!("{}: {what}", path.display()));
            }
        };
        expect(graded.code == 1, format!("exit {} instead of 1: {}", graded.code, graded.stderr));
        expect(build["status"] == "failed", format!("build {}", build["status"]));
        expect(message.starts_with(expected), format!("the message `{message}` does not start with `{expected}`"));
        expect(!message.contains('\n'), format!("the message is not one paragraph: {message}"));
        expect(build["log"] == "", format!("rustc ran: {}", build["log"]));
        expect(graded.report["score"] == 0.0, format!("score {}", graded.report["score"]));
        let statuses: Vec<_> = graded.tests().iter().map(|test| test["status"].as_str().unwrap_or_default()).collect();
        expect(!statuses.is_empty() && statuses.iter().all(|status| *status == "skipped"), format!("{statuses:?}"));
        problems
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_corpus_example_starter_or_reference_submission_is_refused() {
    let catalog = Catalog::BuiltIn;
    let mut submissions = Vec::new();
    for name in catalog.names().expect("the built-in catalog") {
        let function = catalog.load(&name).expect("a built-in assignment").signature.function;
        let assignment = repo().join("assignments").join(&name);
        for path in entries(&repo().join("tests/corpus").join(&name)) {
            submissions.push((path, function.clone()));
        }
        submissions.push((assignment.join("reference.rs"), function.clone()));
        submissions.push((assignment.join("starter"), function));
    }
    for path in rust_files(&repo().join("examples")) {
        submissions.push((path, String::new()));
    }
    assert!(submissions.len() >= 50, "only {} submissions found", submissions.len());
    let refused: Vec<String> = submissions
        .iter()
        .filter_map(|(path, function)| {
            let submission =
                Submission::open(path, function).unwrap_or_else(|error| panic!("{}: {error:#}", path.display()));
            grader::source::check(&submission).err().map(|refusal| format!("{}: {}", path.display(), refusal.message))
        })
        .collect();
    assert!(refused.is_empty(), "refused:\n{}", refused.join("\n"));
}

/// The hostile corpus tests the sandbox, which only a submission that is
/// compiled can reach: all but the one that includes a file from outside
/// must get through the check.
#[test]
fn the_hostile_corpus_reaches_the_sandbox_except_the_outside_include() {
    for path in rust_files(&repo().join("tests/hostile")) {
        let submission = Submission::open(&path, "parallel_sum").expect("a hostile submission opens");
        let outcome = grader::source::check(&submission);
        if path.ends_with("include_secret.rs") {
            let message = outcome.expect_err("an include from /tmp is refused").message;
            assert!(message.contains("names a file that is not part of the submission"), "{message}");
        } else if let Err(refusal) = outcome {
            panic!("{}: {}", path.display(), refusal.message);
        }
    }
}
