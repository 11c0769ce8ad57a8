//! Batch grading: a whole class's folder graded into one gradebook.
//!
//! Every folder or file in the class folder is one student's submission. They
//! are graded in parallel, each exactly as `grader grade` grades it alone
//! (its own scratch folder and build, the batch's one seed), and each result
//! is cached as soon as it is known, so a batch that stops resumes where it
//! was. A submission that cannot be read or graded is a row saying why,
//! never the end of the batch. `--shard I/N` grades a fixed part of the class
//! and [`merge`] joins the parts.
//!
//! The pieces: [`cache`] stores finished gradings, [`outputs`] writes the
//! output folder (grades.csv, reports, batch.json), [`stats`] computes what
//! the class's results come to, which [`summary`] renders as the
//! end-of-batch summary and [`page`] as `index.html`, and [`progress`] shows
//! how far it got. This module only
//! finds the submissions, schedules them and collects the rows.

mod cache;
mod merge;
mod outputs;
mod page;
mod progress;
mod stats;
mod summary;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::assignment::Assignment;
use crate::report::{Audience, BuildStatus, Report};
use crate::submission::Submission;
use crate::{Options, grade};

pub use merge::merge;
pub use outputs::Manifest;

/// What `grader batch` was asked to do.
pub struct Settings<'a> {
    pub assignment: &'a Assignment,
    /// The class: one folder or file per student.
    pub dir: PathBuf,
    /// Where grades.csv, reports/, summary.txt, batch.json and cache/ go.
    pub out: PathBuf,
    pub jobs: usize,
    pub seed: Option<u64>,
    pub timeout_secs: Option<f64>,
    pub shard: Option<Shard>,
    /// Grade everything again, ignoring the cache.
    pub force: bool,
}

/// `--shard I/N`: the I-th of N parts of the class, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub fn parse(text: &str) -> Result<Shard, String> {
        let parsed = text.split_once('/').and_then(|(index, count)| Some((index.parse().ok()?, count.parse().ok()?)));
        match parsed {
            Some((index, count)) if 1 <= index && index <= count => Ok(Shard { index, count }),
            _ => Err(format!("`{text}` is not a shard: write I/N with 1 <= I <= N, such as 1/4")),
        }
    }

    /// Whether `student` is in this shard. A hash of the name, not the
    /// student's place in the listing, so that every machine agrees even if
    /// one of them cloned a repository fewer.
    pub fn holds(&self, student: &str) -> bool {
        let digest = Sha256::digest(student.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        (u64::from_le_bytes(first) % self.count as u64) as usize + 1 == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(formatter, "{}/{}", self.index, self.count)
    }
}

/// A gradebook row's status, the `status` column of grades.csv.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowStatus {
    /// Graded: every test passed.
    FullMarks,
    /// Graded: some points lost (wrong answers, panics, timeouts, crashes).
    PointsLost,
    /// Graded: the submission did not compile, so no test ran.
    BuildFailed,
    /// Not graded: nothing the grader can take (an empty folder, a file that
    /// is not Rust source, a binary or a too-large file).
    Unreadable,
    /// Not graded: the grader itself failed on it; graded again on the next run.
    Error,
}

impl RowStatus {
    pub fn name(self) -> &'static str {
        match self {
            RowStatus::FullMarks => "full-marks",
            RowStatus::PointsLost => "points-lost",
            RowStatus::BuildFailed => "build-failed",
            RowStatus::Unreadable => "unreadable",
            RowStatus::Error => "error",
        }
    }

    /// Whether the row has a report and a score.
    pub fn graded(self) -> bool {
        !matches!(self, RowStatus::Unreadable | RowStatus::Error)
    }
}

/// One student's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    pub student: String,
    pub status: RowStatus,
    /// Why it was not graded, or why the build failed.
    pub message: Option<String>,
    /// The whole grading (staff audience) when `status` is a graded one;
    /// stored in reports/<student>.json, not in batch.json.
    #[serde(skip)]
    pub report: Option<Report>,
}

impl Row {
    fn graded(student: &str, report: Report) -> Row {
        let status = if report.full_marks() {
            RowStatus::FullMarks
        } else if report.build.status == BuildStatus::Failed {
            RowStatus::BuildFailed
        } else {
            RowStatus::PointsLost
        };
        Row { student: student.to_string(), status, message: report.build.message.clone(), report: Some(report) }
    }

    fn not_graded(student: &str, status: RowStatus, message: String) -> Row {
        Row { student: student.to_string(), status, message: Some(message), report: None }
    }
}

/// A finished batch or merge: what to print and how to exit.
pub struct Finished {
    /// One line about this run: how many were graded now and how many came from the cache.
    pub this_run: String,
    /// The summary, as also written to OUT/summary.txt.
    pub summary: String,
    /// Whether every submission got a grade (none unreadable, none in error).
    pub all_graded: bool,
}

/// One submission in the class folder.
struct Student {
    name: String,
    path: PathBuf,
    /// How the submission is named in its report: its file or folder name.
    file_name: String,
}

/// Where a row came from in this run.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
enum Source {
    Graded,
    Cache,
    NotGraded,
}

pub fn run(settings: &Settings) -> Result<Finished> {
    let started = Instant::now();
    let dir = &settings.dir;
    if !dir.is_dir() {
        bail!("`{}` is not a folder: give the folder that holds one folder or .rs file per student", dir.display());
    }
    if settings.shard.is_some() && settings.seed.is_none() {
        bail!("--shard needs --seed, so that every shard grades with the same inputs: add --seed N with one N for all shards");
    }
    std::fs::create_dir_all(&settings.out)
        .with_context(|| format!("cannot make the output folder `{}`", settings.out.display()))?;
    let seed = settings.seed.or_else(|| Manifest::read(&settings.out).ok().map(|earlier| earlier.seed));
    let seed = seed.unwrap_or_else(crate::rng::Rng::fresh_seed);
    let students: Vec<Student> =
        discover(dir, &settings.out)?.into_iter().filter(|student| settings.shard.is_none_or(|shard| shard.holds(&student.name))).collect();

    let mut manifest = Manifest::new(settings.assignment, seed, settings.timeout_secs, settings.shard);
    // Written first so that a batch stopped halfway is resumed with the same seed.
    manifest.write_unfinished(&settings.out)?;
    let cache = cache::Cache::open(settings.out.join("cache"))?;
    let jobs = settings.jobs.clamp(1, students.len().max(1));
    let shard = settings.shard.map(|shard| format!(", shard {shard}")).unwrap_or_default();
    // The gradings share the tests one grading would run at once, so that
    // more jobs never means more test processes than the machine is sized for.
    let tests_at_once = (crate::run::AT_ONCE / jobs).max(2);
    eprintln!(
        "Grading {} submissions of {} with seed {seed}: {jobs} at once {}, up to {tests_at_once} tests at once in each{shard}.",
        students.len(),
        settings.assignment.name,
        keep_to_cpus(settings.jobs)
    );

    let grader = StudentGrader {
        assignment: settings.assignment,
        inputs: cache::KeyInputs { assignment: settings.assignment, seed, timeout_secs: settings.timeout_secs },
        tests_at_once,
        dir,
        cache: &cache,
        force: settings.force,
    };
    let (rows, counts) = grade_all(&grader, &students, jobs);
    manifest.students = rows;
    let summary = manifest.write_finished(&settings.out)?;
    let [graded, from_cache, not_graded] = counts;
    let elapsed = started.elapsed();
    Ok(Finished {
        this_run: format!(
            "This run: {graded} graded, {from_cache} from the cache, {not_graded} could not be graded, in {}. Results in {}.",
            seconds(elapsed),
            settings.out.display()
        ),
        all_graded: manifest.students.iter().all(|row| row.status.graded()),
        summary,
    })
}

/// Keeps the batch to `jobs` CPUs, as `make -j` and `cargo -j` keep to that
/// many jobs: one grading alone fills every CPU there is (its two builds side
/// by side, 16 tests at once), so `--jobs 1` on a shared server would
/// otherwise take them all. The real-thread race tests still run on every
/// CPU: their threads must truly overlap to find in a batch what they find
/// alone. Says where the batch runs.
fn keep_to_cpus(jobs: usize) -> String {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    // Asked before the batch keeps to fewer: the CPUs of the real-thread tests.
    let machine = crate::process::machine_cpus();
    if jobs >= cores.min(machine.len()) {
        return format!("on all {cores} CPUs");
    }
    match crate::process::keep_process_to(&machine[..jobs]) {
        Ok(()) => format!("on {jobs} of the {cores} CPUs"),
        Err(error) => format!("on all {cores} CPUs (cannot keep to {jobs}: {error})"),
    }
}

/// Grades every student, `jobs` at a time, and returns the rows in the
/// students' order with how many were graded now, came from the cache and
/// could not be graded (in the order of [`Source`]). A grading left waiting
/// for hung tests to time out gives its place to the next student early.
fn grade_all(grader: &StudentGrader, students: &[Student], jobs: usize) -> (Vec<Row>, [usize; 3]) {
    let mut rows: Vec<Option<Row>> = students.iter().map(|_| None).collect();
    let mut counts = [0usize; 3];
    let mut progress = progress::Progress::new(students.len());
    let places = Arc::new(Places { free: Mutex::new(Free { places: jobs, waiting_allowed: jobs }), changed: Condvar::new() });
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        let places = &places;
        scope.spawn(move || {
            for (index, student) in students.iter().enumerate() {
                let place = Place::take(places);
                let sender = sender.clone();
                scope.spawn(move || {
                    let waiting: Arc<dyn Fn() + Send + Sync> = {
                        let place = Arc::clone(&place);
                        Arc::new(move || place.give_back_early())
                    };
                    let graded = grader.grade(student, waiting);
                    place.done();
                    let _ = sender.send((index, graded));
                });
            }
        });
        for (index, (row, source)) in receiver {
            progress.finished(&row, source == Source::Cache);
            counts[source as usize] += 1;
            rows[index] = Some(row);
        }
    });
    progress.done();
    (rows.into_iter().flatten().collect(), counts)
}

/// The places of the gradings under way.
struct Places {
    free: Mutex<Free>,
    changed: Condvar,
}

struct Free {
    /// How many more gradings may start now.
    places: usize,
    /// How many more gradings may give their place back while their hung
    /// tests wait out their time limit: at most `jobs` do at once, so hung
    /// submissions that spin never crowd the machine.
    waiting_allowed: usize,
}

/// One grading's place among the `jobs` under way.
struct Place {
    places: Arc<Places>,
    given_back: AtomicBool,
    early: AtomicBool,
}

impl Place {
    /// Waits for a free place and takes it.
    fn take(places: &Arc<Places>) -> Arc<Place> {
        let mut free = places.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while free.places == 0 {
            free = places.changed.wait(free).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        free.places -= 1;
        Arc::new(Place { places: Arc::clone(places), given_back: AtomicBool::new(false), early: AtomicBool::new(false) })
    }

    /// The grading only waits for hung tests: the next student may start.
    fn give_back_early(&self) {
        let mut free = self.places.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if free.waiting_allowed == 0 || self.given_back.swap(true, Ordering::SeqCst) {
            return;
        }
        free.waiting_allowed -= 1;
        free.places += 1;
        self.early.store(true, Ordering::SeqCst);
        self.places.changed.notify_one();
    }

    /// The grading is over.
    fn done(&self) {
        let mut free = self.places.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.early.load(Ordering::SeqCst) {
            free.waiting_allowed += 1;
        }
        if !self.given_back.swap(true, Ordering::SeqCst) {
            free.places += 1;
            self.places.changed.notify_one();
        }
    }
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

/// What each worker thread shares.
struct StudentGrader<'a> {
    assignment: &'a Assignment,
    inputs: cache::KeyInputs<'a>,
    /// Each grading's share of the tests that run at once.
    tests_at_once: usize,
    dir: &'a Path,
    cache: &'a cache::Cache,
    force: bool,
}

impl StudentGrader<'_> {
    /// `waiting` is told when the grading only waits for hung tests.
    fn grade(&self, student: &Student, waiting: Arc<dyn Fn() + Send + Sync>) -> (Row, Source) {
        let name = student.name.as_str();
        let submission = match Submission::open(&student.path, &self.assignment.signature.function) {
            Ok(submission) => submission,
            Err(error) => {
                return (Row::not_graded(name, RowStatus::Unreadable, self.relative(&format!("{error:#}"))), Source::NotGraded);
            }
        };
        let key = cache::key(&self.inputs, &submission);
        if !self.force
            && let Some(report) = self.cache.load(&key)
        {
            return (Row::graded(name, self.named(report, student)), Source::Cache);
        }
        let options = Options {
            seed: Some(self.inputs.seed),
            timeout_secs: self.inputs.timeout_secs,
            tests_at_once: Some(self.tests_at_once),
            waiting: Some(waiting),
            ..Default::default()
        };
        // A panic in the grader on one submission is that row's error, not the batch's end.
        let graded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| grade(self.assignment, &submission, &options)));
        match graded {
            Ok(Ok(report)) => {
                let report = self.named(report.for_audience(Audience::Staff), student);
                if let Err(error) = self.cache.store(&key, &report) {
                    tracing::warn!("{name}: not cached: {error:#}");
                }
                (Row::graded(name, report), Source::Graded)
            }
            Ok(Err(error)) => (Row::not_graded(name, RowStatus::Error, self.relative(&format!("{error:#}"))), Source::NotGraded),
            Err(_) => (Row::not_graded(name, RowStatus::Error, GRADER_PANICKED.to_string()), Source::NotGraded),
        }
    }

    /// The report names the submission by its file or folder name, so it reads
    /// the same whichever folder, machine or cache it was graded from.
    fn named(&self, mut report: Report, student: &Student) -> Report {
        report.submission = student.file_name.clone();
        report
    }

    /// Messages name submissions relative to the class folder, for the same reason.
    fn relative(&self, message: &str) -> String {
        message.replace(&format!("{}/", self.dir.display()), "")
    }
}

const GRADER_PANICKED: &str = "the grader stopped on an internal error (a panic) while grading this submission: \
    grade it alone with `grader grade -v` and report the output";

/// The class folder's submissions, sorted by name. Hidden entries (`.git`,
/// `.DS_Store`) and the output folder, if it is inside, are not students.
fn discover(dir: &Path, out: &Path) -> Result<Vec<Student>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read the class folder `{}`", dir.display()))?;
    let out = out.canonicalize().ok();
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read the class folder `{}`", dir.display()))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if file_name.starts_with('.') || (out.is_some() && path.canonicalize().ok() == out) {
            continue;
        }
        found.push((file_name, path));
    }
    found.sort();
    // `alice.rs` is the student `alice`, unless a folder `alice` is there too.
    let stem = |file_name: &str| file_name.strip_suffix(".rs").filter(|stem| !stem.is_empty()).map(str::to_string);
    let taken: std::collections::BTreeSet<&str> = found.iter().map(|(file_name, _)| file_name.as_str()).collect();
    Ok(found
        .iter()
        .map(|(file_name, path)| {
            let name = match stem(file_name) {
                Some(stem) if !taken.contains(stem.as_str()) => stem,
                _ => file_name.clone(),
            };
            Student { name, path: path.clone(), file_name: file_name.clone() }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_a_class_into_disjoint_parts_that_cover_it() {
        let students: Vec<String> = (0..500).map(|index| format!("student-{index}")).collect();
        let shards: Vec<Shard> = (1..=3).map(|index| Shard { index, count: 3 }).collect();
        for student in &students {
            assert_eq!(shards.iter().filter(|shard| shard.holds(student)).count(), 1, "{student}");
        }
        for shard in &shards {
            let size = students.iter().filter(|student| shard.holds(student)).count();
            assert!((120..=215).contains(&size), "shard {shard} holds {size} of 500");
        }
    }

    #[test]
    fn a_shard_is_i_of_n_counted_from_one() {
        assert_eq!(Shard::parse("1/2"), Ok(Shard { index: 1, count: 2 }));
        assert_eq!(Shard::parse("2/2").map(|shard| shard.to_string()), Ok("2/2".to_string()));
        for bad in ["0/2", "3/2", "1", "a/b", "1/0"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn students_are_named_after_their_folders_and_files() {
        let class = tempfile::tempdir().unwrap();
        for folder in ["bob", "carol", ".git", "out"] {
            std::fs::create_dir(class.path().join(folder)).unwrap();
        }
        for file in ["alice.rs", "carol.rs", "notes.txt"] {
            std::fs::write(class.path().join(file), "").unwrap();
        }
        let names: Vec<String> =
            discover(class.path(), &class.path().join("out")).unwrap().into_iter().map(|student| student.name).collect();
        assert_eq!(names, ["alice", "bob", "carol", "carol.rs", "notes.txt"]);
    }
}
