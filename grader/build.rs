//! Lists the built-in assignments for the grader binary: every folder of
//! `assignments/` that holds an `assignment.yaml`, with its spec and its
//! reference solution compiled in, so that adding an exercise is adding a
//! folder, with no Rust to edit.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let assignments = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("assignments");
    println!("cargo:rerun-if-changed={}", assignments.display());
    let mut folders: Vec<_> = std::fs::read_dir(&assignments)
        .map(|entries| entries.filter_map(|entry| entry.ok()).map(|entry| entry.path()).collect())
        .unwrap_or_default();
    folders.retain(|folder| folder.join("assignment.yaml").is_file());
    folders.sort();
    let mut list = String::from("const BUILT_IN: &[BuiltIn] = &[\n");
    for folder in folders {
        let name = folder.file_name().and_then(|name| name.to_str()).expect("a folder's name is UTF-8");
        let spec = folder.join("assignment.yaml");
        let reference = folder.join("reference.rs");
        println!("cargo:rerun-if-changed={}", spec.display());
        println!("cargo:rerun-if-changed={}", reference.display());
        let reference = if reference.is_file() { format!("Some(include_str!({:?}))", reference.display().to_string()) } else { "None".to_string() };
        let _ = writeln!(
            list,
            "    BuiltIn {{ name: {name:?}, spec: include_str!({:?}), reference: {reference} }},",
            spec.display().to_string()
        );
    }
    list.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("built_in.rs");
    std::fs::write(out, list).expect("the list of built-in assignments is written");
}
