//! The one test of each mutants crate: the grader gives the crate's own
//! `src/main.rs` full marks. That file is the assignment's reference solution;
//! under cargo-mutants it carries one mutation, and a mutant the hidden tests
//! catch makes this test fail.
//!
//! `GRADER_BIN` names the grader to run (`run.sh` builds `target/release/grader`
//! and sets it), `GRADER_SEEDS` the seeds to grade with, separated by spaces
//! (1 when unset). The assignment is the crate's name.

use std::process::Command;

#[test]
fn the_grader_gives_full_marks() {
    let grader = std::env::var("GRADER_BIN")
        .expect("GRADER_BIN must name the grader binary: run tests/mutants/run.sh, which builds and sets it");
    let seeds = std::env::var("GRADER_SEEDS").unwrap_or_else(|_| "1".to_string());
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/src/main.rs");
    let mut lost = Vec::new();
    for seed in seeds.split_whitespace() {
        let output = Command::new(&grader)
            .args(["grade", env!("CARGO_PKG_NAME"), source, "--format", "json", "--seed", seed])
            .output()
            .unwrap_or_else(|error| panic!("cannot run the grader `{grader}`: {error}"));
        // Exit 0 is full marks; 1 is points lost, a failed build included.
        match output.status.code() {
            Some(0) => {}
            Some(1) => lost.push(format!("seed {seed}: points lost\n{}", String::from_utf8_lossy(&output.stdout))),
            _ => panic!("the grader could not grade with seed {seed}: {}", String::from_utf8_lossy(&output.stderr)),
        }
    }
    assert!(lost.is_empty(), "the grader caught this version:\n{}", lost.join("\n"));
}
