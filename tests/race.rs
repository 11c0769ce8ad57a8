//! Race-stress end to end: every race bug in the corpus is caught in every
//! grading, whatever the seed (3 seeds here, 20 with GRADER_RACE_GRADINGS=20),
//! and its replay command reproduces it; every correct submission passes the
//! race tests in every grading; the known
//! traps (an API shuttle lacks, a panic the student handles) are not false
//! failures; and each construct the shim supplies or fixes has a correct use
//! in tests/shim/ that passes every race test and, where a bug of the same
//! shape exists, a buggy twin that the controlled scheduler catches.

mod support;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use support::{grade_json, grader, in_parallel, repo};

/// Gradings with different seeds per submission. `cargo test` runs 3 of each
/// to stay within CI's time; the full check, 20 of 20, is opt-in:
/// `GRADER_RACE_GRADINGS=20 cargo test -p grader --release --test race`.
fn gradings() -> u64 {
    std::env::var("GRADER_RACE_GRADINGS").ok().and_then(|count| count.parse().ok()).unwrap_or(3)
}

#[derive(Deserialize)]
struct Entry {
    path: String,
    assignment: String,
    exit: i32,
    #[serde(default)]
    race_bug: bool,
    /// Entries that check the README or the review flag, not the verdict.
    #[serde(default)]
    documented_limit: Option<String>,
    #[serde(default)]
    review: bool,
}

fn corpus() -> Vec<Entry> {
    let text = std::fs::read_to_string(repo().join("tests/corpus/verdicts.yaml")).unwrap();
    let entries: Vec<serde_norway::Value> = serde_norway::from_str(&text).unwrap();
    entries
        .into_iter()
        .map(|entry| serde_norway::from_value::<Entry>(entry).unwrap())
        .filter(|entry| entry.documented_limit.is_none() && !entry.review)
        .collect()
}

fn race_statuses(graded: &support::Graded) -> Vec<(String, String)> {
    graded
        .tests()
        .iter()
        .map(|test| (test["name"].as_str().unwrap().to_string(), test["status"].as_str().unwrap().to_string()))
        .collect()
}

fn grade_races(assignment: &str, path: &Path, seed: u64) -> support::Graded {
    grade_json(assignment, path, &["--only", "race", "--seed", &seed.to_string()])
}

#[test]
fn every_race_bug_is_caught_every_time_and_replays() {
    let bugs: Vec<Entry> = corpus().into_iter().filter(|entry| entry.race_bug).collect();
    assert!(bugs.len() >= 6, "the corpus holds race bugs for every exercise");
    for assignment in support::assignments() {
        assert!(bugs.iter().any(|bug| bug.assignment == assignment), "no race bug for {assignment}");
    }
    let runs: Vec<(&Entry, u64)> = bugs.iter().flat_map(|bug| (1..=gradings()).map(move |seed| (bug, seed * 7919))).collect();
    let problems = in_parallel(&runs, |(bug, seed)| {
        let path = repo().join("tests/corpus").join(&bug.path);
        let graded = grade_races(&bug.assignment, &path, *seed);
        let statuses = race_statuses(&graded);
        let caught = graded.tests().iter().find(|test| test["status"] == "failed" && test["replay"].is_string());
        let Some(caught) = caught else {
            return vec![format!("{} seed {seed}: not caught: {statuses:?}", bug.path)];
        };
        // The first seed's replay command, run twice: the same failure each time.
        if *seed != 7919 {
            return Vec::new();
        }
        let command = caught["replay"].as_str().unwrap();
        let args: Vec<String> = command.split_whitespace().skip(1).map(|word| word.trim_matches('\'').to_string()).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut problems = Vec::new();
        for _ in 0..2 {
            let output = grader(&args);
            let text = String::from_utf8_lossy(&output.stdout);
            if output.status.code() != Some(1) || !text.contains("reproduces the failure") {
                problems.push(format!("{}: `{command}` did not reproduce: {text}", bug.path));
            }
            let first_line = caught["message"].as_str().unwrap().split(", found by").next().unwrap();
            if !text.contains(first_line) {
                problems.push(format!("{}: the replay failed differently: {text}", bug.path));
            }
        }
        problems
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn correct_submissions_pass_the_race_tests_every_time() {
    let mut correct: Vec<(String, PathBuf)> = corpus()
        .into_iter()
        .filter(|entry| entry.exit == 0)
        .map(|entry| (entry.assignment.clone(), repo().join("tests/corpus").join(&entry.path)))
        .collect();
    for assignment in support::assignments() {
        correct.push((assignment.clone(), repo().join("assignments").join(&assignment).join("reference.rs")));
    }
    assert!(correct.len() >= 10);
    let runs: Vec<(&(String, PathBuf), u64)> =
        correct.iter().flat_map(|entry| (1..=gradings()).map(move |seed| (entry, seed * 104_729))).collect();
    let problems = in_parallel(&runs, |((assignment, path), seed)| {
        let graded = grade_races(assignment, path, *seed);
        let statuses = race_statuses(&graded);
        if statuses.len() != 8 || statuses.iter().any(|(_, status)| status != "passed") {
            vec![format!("{} seed {seed}: a false alarm: {statuses:?} {:?}", path.display(), graded.report["notes"])]
        } else {
            Vec::new()
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Writes a submission into a temp folder and grades its race tests.
fn grade_source(assignment: &str, source: &str) -> support::Graded {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.rs");
    std::fs::write(&path, source).unwrap();
    grade_races(assignment, &path, 3)
}

#[test]
fn an_api_shuttle_lacks_falls_back_to_real_threads_with_a_note() {
    // Shuttle's JoinHandle is no pthread: std's Unix extension trait does not
    // apply to it, the race build cannot compile, so the schedule tests run
    // on real threads instead, and pass.
    let source = r#"
use std::os::unix::thread::JoinHandleExt;
use std::thread;
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let handles: Vec<_> = data.chunks(size).map(|c| c.to_vec()).map(|c| thread::spawn(move || c.iter().sum::<u64>())).collect();
    assert!(handles.iter().all(|handle| handle.as_pthread_t() != 0));
    handles.into_iter().map(|handle| handle.join().unwrap()).sum()
}
fn main() {}
"#;
    let graded = grade_source("parallel_sum", source);
    let notes = graded.report["notes"].to_string();
    assert!(notes.contains("real threads only") && notes.contains("as_pthread_t"), "{notes}");
    // The points stand, but a TA is asked to look.
    let review = graded.report["review"].as_array().expect("a review list");
    assert_eq!(review.len(), 1, "{review:?}");
    assert!(review[0].as_str().unwrap().contains("controlled scheduler"), "{review:?}");
    let statuses = race_statuses(&graded);
    assert_eq!(statuses.len(), 8);
    assert!(statuses.iter().all(|(_, status)| status == "passed"), "{statuses:?}");
}

#[test]
fn what_shuttle_lacks_of_std_the_shim_supplies() {
    // `is_poisoned`, `JoinHandle::is_finished`, `Builder::spawn_scoped`,
    // `thread_local!` and `core::sync::atomic`: the race build compiles, runs
    // under the scheduler, and finds the lost update behind `core::` atomics.
    let source = r#"
use core::sync::atomic::{AtomicU64, Ordering};
use std::cell::Cell;
use std::sync::Mutex;
use std::thread;
thread_local! { static PIECES: Cell<u32> = Cell::new(0); }
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let total = AtomicU64::new(0);
    let lock = Mutex::new(());
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = data.chunks(size).map(|piece| {
            let (total, lock) = (&total, &lock);
            thread::Builder::new().spawn_scoped(s, move || {
                PIECES.with(|pieces| pieces.set(pieces.get() + 1));
                assert_eq!(PIECES.with(Cell::get), 1, "each thread has its own thread-local");
                let seen = total.load(Ordering::SeqCst);
                total.store(seen + piece.iter().sum::<u64>(), Ordering::SeqCst);
                assert!(!lock.is_poisoned());
            }).unwrap()
        }).collect();
        for handle in handles {
            while !handle.is_finished() { thread::yield_now(); }
            handle.join().unwrap();
        }
    });
    let spawned = thread::spawn(|| 1u64);
    total.load(Ordering::SeqCst) + spawned.join().unwrap() - 1
}
fn main() {}
"#;
    let graded = grade_source("parallel_sum", source);
    let notes = graded.report["notes"].to_string();
    assert!(!notes.contains("real threads only"), "{notes}");
    assert_eq!(graded.report["review"], serde_json::json!([]));
    let statuses = race_statuses(&graded);
    let schedule_tests: Vec<_> = statuses.iter().filter(|(name, _)| !name.contains("-real")).collect();
    assert_eq!(schedule_tests.len(), 4);
    assert!(schedule_tests.iter().all(|(_, status)| status == "failed"), "{statuses:?}");
    let messages: Vec<&str> = graded.tests().iter().filter_map(|test| test["message"].as_str()).collect();
    assert!(messages.iter().any(|message| message.contains("wrong answer")), "{messages:?}");
    assert!(!messages.iter().any(|message| message.contains("panicked")), "{messages:?}");
}

#[test]
fn a_worker_panic_handled_through_join_is_not_a_race() {
    let source = r#"
use std::thread;
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    thread::scope(|s| {
        let probe = s.spawn(|| -> u64 { panic!("a deliberate panic, handled below") });
        let fallback = match probe.join() { Ok(value) => value, Err(_) => 0 };
        let handles: Vec<_> = data.chunks(size).map(|c| s.spawn(move || c.iter().sum::<u64>())).collect();
        fallback + handles.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
    })
}
fn main() {}
"#;
    let graded = grade_source("parallel_sum", source);
    assert!(race_statuses(&graded).iter().all(|(_, status)| status == "passed"), "{:?}", race_statuses(&graded));
}

#[test]
fn paths_that_escape_the_shim_are_redirected() {
    // `::std::sync` and a nested module importing std itself still run under shuttle:
    // the lost update is found, which it would not be on real threads.
    let source = r#"
mod pieces {
    use std::sync::atomic::{AtomicU64, Ordering};
    pub fn add(total: &AtomicU64, part: u64) {
        let seen = total.load(Ordering::SeqCst);
        total.store(seen + part, Ordering::SeqCst);
    }
}
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let total = ::std::sync::atomic::AtomicU64::new(0);
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    ::std::thread::scope(|s| {
        for piece in data.chunks(size) {
            let total = &total;
            s.spawn(move || pieces::add(total, piece.iter().sum()));
        }
    });
    total.into_inner()
}
fn main() {}
"#;
    let graded = grade_source("parallel_sum", source);
    let statuses = race_statuses(&graded);
    let schedule_tests: Vec<_> = statuses.iter().filter(|(name, _)| !name.contains("-real")).collect();
    assert!(schedule_tests.iter().all(|(_, status)| status == "failed"), "{statuses:?}");
}

#[test]
fn a_spin_loop_without_a_scheduling_point_hits_the_wall_clock_limit() {
    // `Weak::strong_count` is the real std's and no scheduling point: under
    // the controlled scheduler a worker that starts before the main thread
    // lets go of the gate spins on it and never lets the main thread run.
    let source = r#"
use std::sync::{Arc, Weak};
use std::thread;
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let gate = Arc::new(());
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = data.chunks(size).map(|c| {
            let gate: Weak<()> = Arc::downgrade(&gate);
            s.spawn(move || { while gate.strong_count() > 0 { std::hint::spin_loop(); } c.iter().sum::<u64>() })
        }).collect();
        drop(gate);
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
fn main() {}
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.rs");
    std::fs::write(&path, source).unwrap();
    let started = std::time::Instant::now();
    let graded = grade_json("parallel_sum", &path, &["--only", "race", "--seed", "3", "--timeout", "2"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "the grading ended within its limits");
    for test in graded.tests() {
        let name = test["name"].as_str().unwrap();
        if name.contains("-real") {
            assert_eq!(test["status"], "passed", "{test}");
        } else {
            assert_eq!(test["status"], "timeout", "{test}");
            assert!(test["message"].as_str().unwrap().contains("spin loop"), "{test}");
        }
    }
}

/// A submission in tests/shim/, where each construct the shim supplies or
/// fixes has a correct use and, where a bug of the same shape exists, a twin.
fn shim_fixture(name: &str) -> PathBuf {
    repo().join("tests/shim").join(name)
}

/// Grades `fixture`, which is correct, and checks it passes every race test
/// under the controlled scheduler and on real threads.
fn passes_every_race_test(assignment: &str, fixture: &str) {
    let graded = grade_races(assignment, &shim_fixture(fixture), 3);
    let notes = graded.report["notes"].to_string();
    assert!(!notes.contains("real threads only"), "{fixture} did not run under the scheduler: {notes}");
    let statuses = race_statuses(&graded);
    let messages: Vec<&str> = graded.tests().iter().filter_map(|test| test["message"].as_str()).collect();
    assert_eq!(statuses.len(), 8, "{fixture}: {statuses:?}");
    assert!(statuses.iter().all(|(_, status)| status == "passed"), "{fixture}: a false alarm: {messages:#?}");
}

/// Grades `fixture`, a bug, and checks the controlled scheduler catches it:
/// the schedule test with 2 threads fails, and every schedule test that
/// fails says `caught_as`. Returns how many of the four failed.
fn caught_under_the_scheduler(assignment: &str, fixture: &str, caught_as: &str, extra: &[&str]) -> usize {
    let path = shim_fixture(fixture);
    let mut args = vec!["--only", "race", "--seed", "3"];
    args.extend_from_slice(extra);
    let graded = grade_json(assignment, &path, &args);
    let schedule_tests: Vec<&serde_json::Value> =
        graded.tests().iter().filter(|test| !test["name"].as_str().unwrap().contains("-real")).collect();
    assert_eq!(schedule_tests.len(), 4, "{fixture}: {:?}", race_statuses(&graded));
    let failed: Vec<&&serde_json::Value> = schedule_tests.iter().filter(|test| test["status"] == "failed").collect();
    assert!(
        failed.iter().any(|test| test["name"].as_str().unwrap().ends_with("threads=2")),
        "{fixture} was not caught with 2 threads: {:?}",
        race_statuses(&graded)
    );
    for test in &failed {
        assert!(test["message"].as_str().unwrap().contains(caught_as), "{fixture}: not a {caught_as}: {test}");
    }
    failed.len()
}

#[test]
fn a_nested_scope_joins_each_thread_once_it_has_finished() {
    // Shuttle's scope woke its owner when its last thread finished, even
    // when the owner was blocked in a nested scope's join by then: a correct
    // divide and conquer "panicked under a rare interleaving".
    passes_every_race_test("parallel_sum", "nested_scopes.rs");
    assert_eq!(caught_under_the_scheduler("parallel_sum", "nested_scopes_lost_update.rs", "wrong answer", &[]), 4);
}

#[test]
fn a_timed_condvar_wait_can_time_out_and_a_lost_wakeup_is_still_a_deadlock() {
    // Shuttle's timed condvar waits never timed out: a pool that polls for
    // its done flag was called a deadlock.
    passes_every_race_test("worker_pool", "condvar_wait_timeout.rs");
    passes_every_race_test("worker_pool", "condvar_wait_timeout_while.rs");
    assert_eq!(caught_under_the_scheduler("worker_pool", "condvar_lost_wakeup.rs", "deadlocked", &[]), 4);
}

#[test]
fn recv_timeout_can_time_out() {
    // Shuttle's recv_timeout never timed out. Now a time-out can come
    // before the sender gets to send, so a worker that takes it for the end
    // of the jobs is caught losing one.
    passes_every_race_test("worker_pool", "recv_timeout.rs");
    caught_under_the_scheduler("worker_pool", "recv_timeout_taken_for_the_end.rs", "wrong answer", &[]);
}

#[test]
fn park_timeout_can_time_out_and_a_lost_unpark_is_still_a_deadlock() {
    passes_every_race_test("parallel_sum", "park_timeout.rs");
    // The real threads hang too: a short limit keeps the grading short.
    let caught = caught_under_the_scheduler("parallel_sum", "park_lost_wakeup.rs", "deadlocked", &["--timeout", "2"]);
    assert_eq!(caught, 4);
}

#[test]
fn sleep_steps_aside_as_yield_now_does() {
    // Shuttle's sleep switched without asking to yield, so PCT kept running
    // the sleeping poller and called it a livelock.
    passes_every_race_test("parallel_sum", "sleep_poll.rs");
    assert_eq!(caught_under_the_scheduler("parallel_sum", "sleep_for_synchronisation.rs", "wrong answer", &[]), 4);
}

#[test]
fn a_barrier_orders_and_can_be_a_static() {
    passes_every_race_test("parallel_sum", "barrier.rs");
    assert_eq!(caught_under_the_scheduler("parallel_sum", "barrier_missing.rs", "wrong answer", &[]), 4);
}

#[test]
fn once_lock_and_lazy_lock_initialise_once_under_the_scheduler() {
    // The real std's cells blocked the one OS thread shuttle's threads share.
    passes_every_race_test("parallel_sum", "once_lock.rs");
    assert_eq!(caught_under_the_scheduler("parallel_sum", "once_lock_checked_then_set.rs", "wrong answer", &[]), 4);
}

#[test]
fn park_and_unpark_hand_over() {
    passes_every_race_test("parallel_sum", "park_unpark.rs");
}

#[test]
fn bounded_and_rendezvous_channels_wait_for_room() {
    passes_every_race_test("parallel_sum", "sync_channel.rs");
    let caught = caught_under_the_scheduler("parallel_sum", "sync_channel_full.rs", "deadlocked", &["--timeout", "2"]);
    assert_eq!(caught, 4);
}

#[test]
fn cloned_senders_and_receiver_iteration() {
    passes_every_race_test("parallel_sum", "sender_clones.rs");
}

#[test]
fn an_rwlock_update_in_one_step_is_correct_and_in_two_is_lost() {
    passes_every_race_test("parallel_sum", "rwlock.rs");
    assert_eq!(caught_under_the_scheduler("parallel_sum", "rwlock_read_then_write.rs", "wrong answer", &[]), 4);
}

#[test]
fn condvar_wait_while_waits_for_its_condition() {
    passes_every_race_test("parallel_sum", "condvar_wait_while.rs");
    assert_eq!(caught_under_the_scheduler("parallel_sum", "condvar_wait_once.rs", "wrong answer", &[]), 4);
}

#[test]
fn named_scoped_threads_and_poisoned_locks_behave_as_std() {
    // Shuttle's scoped threads took no name.
    passes_every_race_test("parallel_sum", "threads_and_poison.rs");
}

#[test]
fn real_thread_race_tests_run_on_every_cpu_and_every_other_test_on_one() {
    let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    // A correct sum, but each call fails unless its process may use exactly
    // one CPU: the real-thread tests fail it where there are more here.
    let source = r#"
use std::thread;
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let cpus = thread::available_parallelism().map_or(0, |cpus| cpus.get());
    assert_eq!(cpus, 1, "this test runs on {cpus} CPUs");
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = data.chunks(size).map(|c| s.spawn(move || c.iter().sum::<u64>())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    println!("parallel sum = {}, expected = 500000500000", parallel_sum(&data, 8));
}
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.rs");
    std::fs::write(&path, source).unwrap();
    let graded = grade_json("parallel_sum", &path, &["--seed", "3"]);
    let (real, others): (Vec<_>, Vec<_>) =
        graded.tests().iter().partition(|test| test["name"].as_str().is_some_and(|name| name.contains("-real")));
    assert!(!real.is_empty() && others.len() > real.len(), "{:?}", graded.report);
    for test in others {
        assert_eq!(test["status"], "passed", "{test}");
    }
    for test in real {
        assert_eq!(test["status"] != "passed", cores > 1, "{test} with {cores} CPUs here");
    }
}
