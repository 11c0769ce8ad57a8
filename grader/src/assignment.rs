//! Assignments as data: the spec file of each exercise and where specs come from.
//!
//! An assignment is a folder `assignments/<name>/` holding `assignment.yaml`
//! (the contract's signature, its thread rule, how answers compare, the
//! thread counts, limits, and the groups of tests with their points, cases
//! and hints), the instructor's `reference.rs` (the oracle: expected answers
//! are its answers, see [`crate::oracle`]), a statement and a starter. A
//! case's arguments are written in a small vocabulary of generators
//! ([`crate::cases`]), so adding an exercise needs no Rust in the grader.
//! The folders under `assignments/` are compiled into the binary (the build
//! script lists them), so an installed grader needs nothing beside it;
//! `--assignments DIR` reads an instructor's own folder instead. This module
//! only loads and checks specs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::cases::{self, Gen};
use crate::values::{Compare, Passing, Signature, Type};

/// One assignment, loaded and checked.
pub struct Assignment {
    pub name: String,
    pub spec: Spec,
    pub signature: Signature,
    /// The spec file as written, for keys that must change when the spec does.
    pub spec_text: String,
    /// The reference solution's source: the oracle every expected answer comes from.
    pub reference: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub title: String,
    /// The function every submission must define, written as the student writes it.
    pub signature: String,
    /// How many threads the function may spawn; none, when the spec says nothing.
    #[serde(default)]
    pub threads: Option<ThreadRule>,
    /// How an answer is compared with the reference's.
    #[serde(default)]
    pub answer: Compare,
    /// Every case marked `across_thread_counts` runs once per count.
    pub thread_counts: Vec<usize>,
    #[serde(default)]
    pub limits: Limits,
    pub groups: Vec<Group>,
}

/// Which parameters the thread rule reads, and the rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadRule {
    /// The parameter that gives the thread count (`chunks`, `workers`); none
    /// when the function takes no count and the spec's counts are sizes.
    #[serde(default)]
    pub count: Option<String>,
    /// The parameter whose items are shared out among the threads.
    #[serde(default)]
    pub shared: Option<String>,
    /// The most threads the function may spawn.
    #[serde(default)]
    pub at_most: AtMost,
    /// What test names call the thread counts: `threads` (`threads=8`), or
    /// `rows` where the counts are sizes.
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AtMost {
    /// The count given, and at least one: `max(count, 1)`.
    #[default]
    Given,
    /// One per item of the shared parameter.
    Items,
    /// No bound.
    Any,
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
            // 16 tests at once, each at its own cap, and the supervisor: a test
            // that spawns without end is stopped at its cap and costs that test
            // only, never the tests beside it the threads they need. (At 2048,
            // four tests at their cap left the grading's next test unable to
            // start: it "crashed".)
            grading_tasks: 16 * 512 + 256,
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
    /// (`[zeros, one element]`), for instructors to read; `[]` for none.
    pub covers: Vec<String>,
    /// A generator for each parameter of the signature, by name.
    #[serde(default)]
    pub args: BTreeMap<String, serde_norway::Value>,
    /// The generators read from `args`, in the signature's order.
    #[serde(skip)]
    pub gens: Vec<Gen>,
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

/// Where assignments come from: the built-in ones or an instructor's folder.
pub enum Catalog {
    BuiltIn,
    Folder(PathBuf),
}

struct BuiltIn {
    name: &'static str,
    spec: &'static str,
    reference: Option<&'static str>,
}

// `BUILT_IN`: every folder of `assignments/` with an `assignment.yaml`, in
// name order, listed by the build script (build.rs) so that a new folder
// needs no line here.
include!(concat!(env!("OUT_DIR"), "/built_in.rs"));

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
                    .map(|assignment| Assignment { reference: built_in.reference.map(str::to_string), ..assignment })
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
    let mut spec: Spec = serde_norway::from_str(text).map_err(|error| {
        // serde_norway says where: "groups[1].cases[0]: unknown field `arg` at line 34 column 9".
        anyhow::anyhow!("`{}` is not a valid assignment spec: {}", path.display(), one_line(&error.to_string()))
    })?;
    let at = |line: Option<usize>| match line {
        Some(line) => format!("`{}` is not a valid assignment spec: line {line}", path.display()),
        None => format!("`{}` is not a valid assignment spec", path.display()),
    };
    let signature =
        Signature::parse(&spec.signature).with_context(|| format!("{}, field `signature`", at(line_of(text, "signature:"))))?;
    check(&spec, &signature).map_err(|error| anyhow::anyhow!("{}: {error:#}", at(None)))?;
    for group in &mut spec.groups {
        for case in &mut group.cases {
            let place = at(line_of(text, &format!("name: {}", case.name)));
            case.gens = generators(case, &signature).map_err(|error| anyhow::anyhow!("{place}, case `{}`: {error:#}", case.name))?;
        }
    }
    Ok(Assignment { name: name.to_string(), spec, signature, spec_text: text.to_string(), reference: None })
}

/// The line of the first line of `text` that holds `needle`, for messages.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|line| line.contains(needle)).map(|index| index + 1)
}

/// A case's generators, one per parameter in the signature's order, each
/// checked against its parameter's type.
fn generators(case: &CaseSpec, signature: &Signature) -> Result<Vec<Gen>> {
    if let Some(extra) = case.args.keys().find(|name| signature.param(name).is_none()) {
        let names: Vec<&str> = signature.params.iter().map(|param| param.name.as_str()).collect();
        bail!("`args` names `{extra}`, which is no parameter of the signature ({})", names.join(", "));
    }
    signature
        .params
        .iter()
        .map(|param| {
            let yaml = case.args.get(&param.name).with_context(|| format!("`args` has no generator for `{}`", param.name))?;
            let generator = cases::parse(yaml).with_context(|| format!("field `args.{}`", param.name))?;
            generator.fits(&param.ty).with_context(|| format!("field `args.{}`", param.name))?;
            Ok(generator)
        })
        .collect()
}

fn check(spec: &Spec, signature: &Signature) -> Result<()> {
    if spec.thread_counts.is_empty() {
        bail!("field `thread_counts` is empty");
    }
    if let Some(count) = spec.thread_counts.iter().find(|&&count| count > 1024) {
        bail!("field `thread_counts`: {count} is over 1024");
    }
    if let Some(rule) = &spec.threads {
        check_thread_rule(rule, signature)?;
    }
    let limits = &spec.limits;
    for (field, value) in [("timeout_secs", limits.timeout_secs), ("build_timeout_secs", limits.build_timeout_secs)] {
        if !(value.is_finite() && value > 0.0 && value <= 3600.0) {
            bail!("field `limits.{field}` must be between 0 and 3600 seconds, not {value}");
        }
    }
    let mut seen_kinds = BTreeMap::new();
    for group in &spec.groups {
        let kind = crate::plan::kind_name(group.kind);
        if !(group.points.is_finite() && group.points >= 0.0) {
            bail!("the {kind} group's `points` must be zero or more");
        }
        if seen_kinds.insert(group.kind, ()).is_some() {
            bail!("two groups of kind {kind}");
        }
        if let Some(counts) = &group.thread_counts
            && (counts.is_empty() || counts.iter().any(|&count| count > 1024))
        {
            bail!("the {kind} group's `thread_counts` must hold 1 to 1024 threads each");
        }
        if let Some(race) = &group.race {
            if group.kind != Kind::Race {
                bail!("only the race group takes `race` settings");
            }
            if !(race.timeout_secs.is_finite() && race.timeout_secs > 0.0 && race.timeout_secs <= 3600.0) {
                bail!("field `race.timeout_secs` must be between 0 and 3600 seconds");
            }
        }
        match group.kind {
            Kind::Output if group.expected_stdout.is_none() => bail!("the output group needs `expected_stdout`"),
            Kind::Output => {}
            _ if group.cases.is_empty() => bail!("the {kind} group has no cases"),
            _ => {
                let mut names: Vec<&str> = group.cases.iter().map(|case| case.name.as_str()).collect();
                names.sort_unstable();
                if let Some(twice) = names.windows(2).find(|pair| pair[0] == pair[1]) {
                    bail!("the {kind} group has two cases called `{}`", twice[0]);
                }
            }
        }
    }
    Ok(())
}

fn check_thread_rule(rule: &ThreadRule, signature: &Signature) -> Result<()> {
    if let Some(count) = &rule.count {
        let (_, param) = signature.param(count).with_context(|| format!("field `threads.count`: no parameter is called `{count}`"))?;
        if !matches!(param.ty, Type::Int(_)) || param.passing == Passing::Mutable {
            bail!("field `threads.count`: `{count}` must be an integer passed by value, not `{}`", param.written);
        }
    }
    if let Some(shared) = &rule.shared {
        let (_, param) = signature.param(shared).with_context(|| format!("field `threads.shared`: no parameter is called `{shared}`"))?;
        if !matches!(param.ty, Type::List(_) | Type::Array(..) | Type::String) {
            bail!("field `threads.shared`: `{shared}` must be a list, an array or a string, not `{}`", param.written);
        }
    }
    match (rule.at_most, &rule.count, &rule.shared) {
        (AtMost::Given, None, _) => bail!("field `threads.at_most`: `given` needs a `count` parameter"),
        (AtMost::Items, _, None) => bail!("field `threads.at_most`: `items` needs a `shared` parameter"),
        _ => Ok(()),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grading_has_room_for_every_test_at_once_at_its_own_cap() {
        // Otherwise a test that spawns without end starves the tests beside it.
        let limits = Limits::default();
        assert!(limits.grading_tasks > crate::run::AT_ONCE as u64 * limits.threads);
        for assignment in Catalog::BuiltIn.load_all().unwrap() {
            let limits = &assignment.spec.limits;
            assert!(limits.grading_tasks > crate::run::AT_ONCE as u64 * limits.threads, "{}", assignment.name);
        }
    }

    #[test]
    fn every_built_in_assignment_loads_with_a_reference() {
        let assignments = Catalog::BuiltIn.load_all().unwrap();
        assert!(assignments.len() >= 3);
        for assignment in assignments {
            assert!(assignment.max_score() > 0.0, "{}", assignment.name);
            assert!(assignment.reference.is_some(), "{} has no reference.rs", assignment.name);
        }
    }

    #[test]
    fn an_unknown_name_lists_the_known_ones() {
        let error = Catalog::BuiltIn.load("parallel_product").err().unwrap().to_string();
        for name in Catalog::BuiltIn.names().unwrap() {
            assert!(error.contains(&name), "{error}");
        }
    }

    /// The worker_pool spec with one line changed, loaded: the error, on one line.
    fn refused(old: &str, new: &str) -> String {
        let spec = include_str!("../../assignments/worker_pool/assignment.yaml");
        assert!(spec.contains(old), "{old}");
        let error = parse("worker_pool", &spec.replacen(old, new, 1), PathBuf::from("x/assignment.yaml")).err().expect(new);
        let text = format!("{error:#}");
        assert!(!text.contains('\n'), "{text}");
        text
    }

    #[test]
    fn a_mistake_in_a_spec_names_the_file_the_line_and_the_field() {
        let error = refused("jobs: {seq: [1, 10]}", "jobs: {sequence: [1, 10]}");
        assert!(error.contains("x/assignment.yaml` is not a valid assignment spec: line 16") && error.contains("case `chapter`") && error.contains("field `args.jobs`"), "{error}");
        assert!(error.contains("`sequence` is not a generator"), "{error}");
        let error = refused("workers: 4", "workers: -4");
        assert!(error.contains("-4 does not fit in usize"), "{error}");
        let error = refused("workers: 4", "threads: 4");
        assert!(error.contains("`args` names `threads`, which is no parameter"), "{error}");
        let error = refused("signature: \"fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)>\"", "signature: \"fn worker_pool(jobs: HashSet<u32>, workers: usize) -> u32\"");
        assert!(error.contains("line") && error.contains("field `signature`") && error.contains("HashSet<u32>"), "{error}");
        let error = refused("threads: {count: workers", "threads: {count: jobs");
        assert!(error.contains("`jobs` must be an integer passed by value"), "{error}");
        let error = refused("    points: 10\n", "    points: 10\n    pionts: 3\n");
        assert!(error.contains("unknown field `pionts`") && error.contains("line"), "{error}");
    }

    #[test]
    fn a_malformed_spec_is_one_line() {
        let error = parse("parallel_sum", "title: [unclosed", PathBuf::from("x/assignment.yaml")).err().unwrap();
        let text = format!("{error:#}");
        assert!(text.contains("x/assignment.yaml"), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }
}
