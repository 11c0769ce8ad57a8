//! Assignments as data: the spec file of each exercise and where specs come from.
//!
//! An assignment is a folder `assignments/<name>/` holding `assignment.yaml`
//! (the contract's signature, thread counts, limits and the points of each test
//! group), a statement, a starter and a reference solution. The three built-in
//! folders are compiled into the binary, so an installed grader needs nothing
//! beside it; `--assignments DIR` reads an instructor's own folder instead.
//! This module only loads and checks specs; the cases behind each named case
//! live in `exercises`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::exercises::{self, Exercise};
use crate::rng::Rng;

/// One assignment, loaded and checked.
pub struct Assignment {
    pub name: String,
    pub spec: Spec,
    pub signature: Signature,
    pub exercise: &'static dyn Exercise,
    /// The spec file as written, for keys that must change when the spec does.
    pub spec_text: String,
    /// The reference solution's source, used only by `grader validate` and the tests.
    pub reference: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub title: String,
    /// The function every submission must define, written as the student writes it.
    pub signature: String,
    /// Which built-in case generator serves this spec; defaults to the folder's name.
    #[serde(default)]
    pub exercise: Option<String>,
    /// Every case marked `across_thread_counts` runs once per count.
    pub thread_counts: Vec<usize>,
    #[serde(default)]
    pub limits: Limits,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Wall-clock limit of one test's process.
    pub timeout_secs: f64,
    /// Wall-clock limit of one compile of the submission.
    pub build_timeout_secs: f64,
    /// How much of each output stream is kept; the rest is counted and dropped.
    pub output_bytes: usize,
    /// Output on one stream past this stops the test (`limit`): a flood is not worth reading.
    pub output_limit_bytes: u64,
    /// Memory of one test's process and all it starts, where no control
    /// group can cap the grading as a whole (an address-space limit).
    pub memory_bytes: u64,
    /// Memory of the whole grading: every build and test process at once,
    /// and what they keep in their private /tmp.
    pub grading_memory_bytes: u64,
    /// Threads and processes alive at once in one test.
    pub threads: u64,
    /// Threads and processes alive at once in the whole grading.
    pub grading_tasks: u64,
    /// CPU time of one test's process (all its threads).
    pub cpu_secs: u64,
    /// The largest file a test may write (in its private /tmp).
    pub file_bytes: u64,
    /// The size of the tests' private /tmp, the one place they may write.
    pub tmp_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout_secs: 5.0,
            // rustc compiles a chapter solution in well under a second; an
            // endless `const` evaluation fails within seconds by its own lint.
            build_timeout_secs: 30.0,
            output_bytes: 64 * 1024,
            output_limit_bytes: 16 << 20,
            memory_bytes: 1 << 30,
            grading_memory_bytes: 2 << 30,
            // The harness and 64 worker threads, with room to spare.
            threads: 512,
            // 16 tests at once, each with the harness and 64 threads.
            grading_tasks: 2048,
            cpu_secs: 60,
            file_bytes: 16 << 20,
            tmp_bytes: 64 << 20,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The chapter's own examples.
    Example,
    /// Seeded cases: random sizes and values, and the edges.
    Correctness,
    /// How many threads the function really spawned.
    Parallelism,
    /// What the program's `fn main` prints.
    Output,
    /// Rare interleavings: controlled scheduling and real-thread repetition.
    Race,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Visible,
    Hidden,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub kind: Kind,
    pub visibility: Visibility,
    /// Shared evenly by the group's tests.
    pub points: f64,
    #[serde(default)]
    pub cases: Vec<CaseSpec>,
    /// For the output group: what `fn main` must print.
    #[serde(default)]
    pub expected_stdout: Option<String>,
    /// For the output group: the hint shown when the output differs.
    #[serde(default)]
    pub hint: Option<String>,
    /// The thread counts of this group's cases, instead of the spec's.
    #[serde(default)]
    pub thread_counts: Option<Vec<usize>>,
    /// For the race group: how hard to look.
    #[serde(default)]
    pub race: Option<RaceSettings>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RaceSettings {
    /// Iterations of each of shuttle's schedulers, random and PCT, per test.
    pub schedules: u64,
    /// The PCT scheduler's bug depth.
    pub pct_depth: u64,
    /// Runs on real threads per test.
    pub repeats: u64,
    /// Wall-clock limit of one race test's process.
    pub timeout_secs: f64,
}

impl Default for RaceSettings {
    fn default() -> Self {
        RaceSettings { schedules: 1000, pct_depth: 3, repeats: 300, timeout_secs: 30.0 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSpec {
    pub name: String,
    #[serde(default)]
    pub across_thread_counts: bool,
    pub hint: String,
    /// The classes of input this case always includes, whatever the seed
    /// (`[zeros, one element]`), in the exercise's own words; `[]` for none.
    /// Checked against the generated inputs when the spec is loaded.
    pub covers: Vec<String>,
}

impl Assignment {
    pub fn max_score(&self) -> f64 {
        self.spec.groups.iter().map(|group| group.points).sum()
    }
}

impl Spec {
    /// The counts `case` of `group` runs with: each thread count when it is
    /// marked `across_thread_counts`, otherwise once, with none.
    pub fn counts_of(&self, group: &Group, case: &CaseSpec) -> Vec<Option<usize>> {
        if case.across_thread_counts {
            group.thread_counts.as_ref().unwrap_or(&self.thread_counts).iter().copied().map(Some).collect()
        } else {
            vec![None]
        }
    }
}

/// The seed a spec's `covers:` claims are checked with when it is loaded;
/// the unit tests check the built-in claims with many more.
const COVERS_CHECK_SEED: u64 = 0;

/// The contract's function signature, parsed from the spec.
#[derive(Debug, Clone)]
pub struct Signature {
    pub text: String,
    pub function: String,
    pub params: Vec<Param>,
    pub returns: String,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub ty: String,
}

impl Signature {
    /// Parses `fn name(a: T, b: U) -> R`.
    pub fn parse(text: &str) -> Result<Signature> {
        let text = text.trim();
        let rest = text.strip_prefix("fn ").context("a signature starts with `fn `")?;
        let open = rest.find('(').context("a signature has a parameter list")?;
        let close = matching_paren(rest, open).context("a signature's parameter list is closed")?;
        let function = rest[..open].trim().to_string();
        if function.is_empty() || !function.chars().all(|c| c.is_alphanumeric() || c == '_') {
            bail!("`{function}` is not a function name");
        }
        let returns = rest[close + 1..].trim().strip_prefix("->").context("a signature names its return type")?;
        let mut params = Vec::new();
        for piece in split_top_level(&rest[open + 1..close]) {
            let (name, ty) = piece.split_once(':').with_context(|| format!("parameter `{piece}` has no type"))?;
            params.push(Param { name: name.trim().to_string(), ty: ty.trim().to_string() });
        }
        Ok(Signature { text: text.to_string(), function, params, returns: returns.trim().to_string() })
    }

    /// The type of a function pointer with this signature: `fn(&[u64], usize) -> u64`.
    pub fn pointer_type(&self) -> String {
        let params: Vec<&str> = self.params.iter().map(|param| param.ty.as_str()).collect();
        format!("fn({}) -> {}", params.join(", "), self.returns)
    }
}

/// The index of the `)` that closes the `(` at `open`.
fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (index, c) in text.char_indices().skip_while(|&(index, _)| index < open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits on the commas that are not inside brackets.
fn split_top_level(list: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' | ']' | '>' => depth -= 1,
            ',' if depth == 0 => {
                pieces.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    pieces.push(current);
    pieces.into_iter().map(|piece| piece.trim().to_string()).filter(|piece| !piece.is_empty()).collect()
}

/// Where assignments come from: the built-in ones or an instructor's folder.
pub enum Catalog {
    BuiltIn,
    Folder(PathBuf),
}

struct BuiltIn {
    name: &'static str,
    spec: &'static str,
    reference: &'static str,
}

macro_rules! built_in {
    ($($name:literal),*) => {
        &[$(BuiltIn {
            name: $name,
            spec: include_str!(concat!("../../assignments/", $name, "/assignment.yaml")),
            reference: include_str!(concat!("../../assignments/", $name, "/reference.rs")),
        }),*]
    };
}

const BUILT_IN: &[BuiltIn] = built_in!("parallel_sum", "worker_pool", "row_maxima");

impl Catalog {
    pub fn names(&self) -> Result<Vec<String>> {
        match self {
            Catalog::BuiltIn => Ok(BUILT_IN.iter().map(|built_in| built_in.name.to_string()).collect()),
            Catalog::Folder(dir) => {
                let entries = std::fs::read_dir(dir)
                    .with_context(|| format!("cannot read the assignments folder `{}`", dir.display()))?;
                let mut names: Vec<String> = entries
                    .filter_map(|entry| entry.ok())
                    .filter(|entry| entry.path().join("assignment.yaml").is_file())
                    .filter_map(|entry| entry.file_name().to_str().map(str::to_string))
                    .collect();
                names.sort();
                Ok(names)
            }
        }
    }

    pub fn load(&self, name: &str) -> Result<Assignment> {
        let known = self.names()?;
        if !known.iter().any(|known| known == name) {
            bail!("unknown assignment `{name}`: choose one of {} (see `grader list`)", known.join(", "));
        }
        match self {
            Catalog::BuiltIn => {
                let built_in = BUILT_IN.iter().find(|built_in| built_in.name == name).context("built-in assignment")?;
                parse(name, built_in.spec, Path::new("assignments").join(name).join("assignment.yaml"))
                    .map(|assignment| Assignment { reference: Some(built_in.reference.to_string()), ..assignment })
            }
            Catalog::Folder(dir) => {
                let folder = dir.join(name);
                let spec_path = folder.join("assignment.yaml");
                let text = std::fs::read_to_string(&spec_path)
                    .with_context(|| format!("cannot read `{}`", spec_path.display()))?;
                let reference = std::fs::read_to_string(folder.join("reference.rs")).ok();
                parse(name, &text, spec_path).map(|assignment| Assignment { reference, ..assignment })
            }
        }
    }

    pub fn load_all(&self) -> Result<Vec<Assignment>> {
        self.names()?.iter().map(|name| self.load(name)).collect()
    }
}

fn parse(name: &str, text: &str, path: PathBuf) -> Result<Assignment> {
    let invalid = || format!("`{}` is not a valid assignment spec", path.display());
    let spec: Spec = serde_norway::from_str(text).map_err(|error| anyhow::anyhow!(one_line(&error.to_string()))).with_context(invalid)?;
    let signature = Signature::parse(&spec.signature).with_context(invalid)?;
    let exercise_name = spec.exercise.clone().unwrap_or_else(|| name.to_string());
    let exercise = exercises::find(&exercise_name)
        .with_context(|| format!("no built-in case generator is called `{exercise_name}`"))
        .with_context(invalid)?;
    check(&spec, exercise).with_context(invalid)?;
    Ok(Assignment { name: name.to_string(), spec, signature, exercise, spec_text: text.to_string(), reference: None })
}

fn check(spec: &Spec, exercise: &dyn Exercise) -> Result<()> {
    if spec.thread_counts.is_empty() {
        bail!("`thread_counts` is empty");
    }
    if let Some(count) = spec.thread_counts.iter().find(|&&count| count > 1024) {
        bail!("thread count {count} is over 1024");
    }
    let limits = &spec.limits;
    for (field, value) in [("timeout_secs", limits.timeout_secs), ("build_timeout_secs", limits.build_timeout_secs)] {
        if !(value.is_finite() && value > 0.0 && value <= 3600.0) {
            bail!("`limits.{field}` must be between 0 and 3600 seconds, not {value}");
        }
    }
    let mut seen_kinds = BTreeMap::new();
    for group in &spec.groups {
        if !(group.points.is_finite() && group.points >= 0.0) {
            bail!("the {:?} group's points must be zero or more", group.kind);
        }
        if seen_kinds.insert(group.kind, ()).is_some() {
            bail!("two groups of kind {:?}", group.kind);
        }
        if let Some(counts) = &group.thread_counts {
            if counts.is_empty() || counts.iter().any(|&count| count > 1024) {
                bail!("the {:?} group's `thread_counts` must hold 1 to 1024 threads each", group.kind);
            }
        }
        if let Some(race) = &group.race {
            if group.kind != Kind::Race {
                bail!("only the race group takes `race` settings");
            }
            if !(race.timeout_secs.is_finite() && race.timeout_secs > 0.0 && race.timeout_secs <= 3600.0) {
                bail!("`race.timeout_secs` must be between 0 and 3600 seconds");
            }
        }
        match group.kind {
            Kind::Output => {
                if group.expected_stdout.is_none() {
                    bail!("the output group needs `expected_stdout`");
                }
            }
            _ => {
                if group.cases.is_empty() {
                    bail!("the {:?} group has no cases", group.kind);
                }
                for case in &group.cases {
                    if !exercise.case_names().contains(&case.name.as_str()) {
                        bail!(
                            "unknown case `{}`: this exercise's cases are {}",
                            case.name,
                            exercise.case_names().join(", ")
                        );
                    }
                    check_covers(spec, group, case, exercise, COVERS_CHECK_SEED)?;
                }
            }
        }
    }
    Ok(())
}

/// A case's `covers:` names known classes, each once, and each of them holds
/// for at least one of the inputs the case is planned with under `seed`.
pub fn check_covers(spec: &Spec, group: &Group, case: &CaseSpec, exercise: &dyn Exercise, seed: u64) -> Result<()> {
    let known = exercise.input_class_names();
    for (index, class) in case.covers.iter().enumerate() {
        if !known.contains(&class.as_str()) {
            bail!("case `{}` covers unknown input class `{class}`: this exercise's classes are {}", case.name, known.join(", "));
        }
        if case.covers[..index].contains(class) {
            bail!("case `{}` lists `{class}` twice in `covers`", case.name);
        }
    }
    if case.covers.is_empty() {
        return Ok(());
    }
    let mut seen = Vec::new();
    for count in spec.counts_of(group, case) {
        let count = count.unwrap_or(0);
        seen.extend(exercise.input_classes(&case.name, count, &mut Rng::for_case(seed, &case.name, count)));
    }
    if let Some(missing) = case.covers.iter().find(|class| !seen.contains(&class.as_str())) {
        bail!(
            "case `{}` claims to cover `{missing}`, but none of its inputs is of that class (seed {seed}); it covers {}",
            case.name,
            if seen.is_empty() { "none of this exercise's classes".to_string() } else { dedup_names(seen).join(", ") }
        );
    }
    Ok(())
}

fn dedup_names(mut names: Vec<&str>) -> Vec<&str> {
    names.sort_unstable();
    names.dedup();
    names
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_contracts() {
        let sum = Signature::parse("fn parallel_sum(data: &[u64], chunks: usize) -> u64").unwrap();
        assert_eq!(sum.function, "parallel_sum");
        assert_eq!(sum.params.len(), 2);
        assert_eq!(sum.pointer_type(), "fn(&[u64], usize) -> u64");
        let pool = Signature::parse("fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)>").unwrap();
        assert_eq!(pool.returns, "Vec<(u32, u32)>");
        let rows = Signature::parse("fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32>").unwrap();
        assert_eq!(rows.params[0].ty, "&[Vec<i32>]");
    }

    #[test]
    fn rejects_a_signature_without_return_type() {
        assert!(Signature::parse("fn f(a: u32)").is_err());
        assert!(Signature::parse("parallel_sum(a: u32) -> u32").is_err());
    }

    #[test]
    fn every_built_in_assignment_loads() {
        let assignments = Catalog::BuiltIn.load_all().unwrap();
        assert_eq!(assignments.len(), 3);
        for assignment in assignments {
            assert!(assignment.max_score() > 0.0, "{}", assignment.name);
        }
    }

    #[test]
    fn an_unknown_name_lists_the_known_ones() {
        let error = Catalog::BuiltIn.load("parallel_product").err().unwrap().to_string();
        assert!(error.contains("parallel_sum, worker_pool, row_maxima"), "{error}");
    }

    #[test]
    fn every_built_in_covers_claim_holds_whatever_the_seed() {
        for assignment in Catalog::BuiltIn.load_all().unwrap() {
            for group in &assignment.spec.groups {
                for case in &group.cases {
                    for seed in [1, 2, 3, 42, 20261127, 999_999_999] {
                        check_covers(&assignment.spec, group, case, assignment.exercise, seed).unwrap();
                    }
                }
            }
        }
    }

    #[test]
    fn a_covers_claim_that_is_unknown_repeated_or_untrue_is_refused() {
        let spec = include_str!("../../assignments/worker_pool/assignment.yaml");
        let claim = "covers: [job 0, job 65535, repeated jobs, jobs out of order]";
        assert!(spec.contains(claim));
        let refused = |covers: &str| {
            let text = spec.replace(claim, covers);
            let error = parse("worker_pool", &text, PathBuf::from("assignment.yaml")).err().expect(covers);
            format!("{error:#}")
        };
        assert!(refused("covers: [job zero]").contains("unknown input class `job zero`: this exercise's classes are empty, one job, job 0"));
        assert!(refused("covers: [job 0, job 0]").contains("lists `job 0` twice"));
        assert!(refused("covers: [job 0, 0 workers]").contains("claims to cover `0 workers`, but none of its inputs"));
        let without = spec.replace(&format!("        {claim}\n"), "");
        let error = parse("worker_pool", &without, PathBuf::from("assignment.yaml")).err().unwrap();
        assert!(format!("{error:#}").contains("missing field `covers`"), "{error:#}");
    }

    #[test]
    fn a_malformed_spec_is_one_line() {
        let error = parse("parallel_sum", "title: [unclosed", PathBuf::from("x/assignment.yaml")).err().unwrap();
        let text = format!("{error:#}");
        assert!(text.contains("x/assignment.yaml"), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }
}
