//! Every child process the grader starts goes through this module, and
//! nowhere else.
//!
//! Processes that compile or run student code run in a [`session`]: a
//! sandbox ([`sandbox`]: bubblewrap) inside one control group with one
//! budget for the whole grading ([`cgroup`]), where a small trusted
//! supervisor ([`supervisor`], the grader's own binary) starts each of them,
//! traces it from outside ([`trace`]) and reports back over a channel only
//! the grader reads ([`protocol`]). A grading's tests are forked from one
//! copy of their harness program, started once ([`fork_server`]), which
//! saves each the cost of starting a program. The grader's own tools (cargo building
//! shuttle once) run through [`run_with_timeout`].
//!
//! Modelled on how nextest runs tests: each child leads its own process group;
//! when its time is up it gets SIGTERM, a short grace period, then SIGKILL;
//! its output is read through bounded buffers (the first part kept, the rest
//! counted and dropped), so a child that prints gigabytes costs the grader no
//! memory; and a child that leaves processes behind is noticed and they are
//! killed. This module runs processes and reports what happened, a limit hit
//! included; it does not judge results.
//!
//! # The trust boundary
//!
//! Everything a process that links student code says is a claim. The grader
//! believes two things only: the answer value, which it compares with
//! expected values that never enter the sandbox, and what a process without
//! student code observes: the exit status or signal, the time taken, the
//! limit reached, and the threads and processes the job created. The
//! supervisor observes these from outside (ptrace and wait status), runs as
//! PID 1 of the sandbox's PID namespace (so nothing inside can kill it) and
//! is not dumpable (so nothing inside can read or write its memory or open
//! its pipes). A claim that costs the submission points (a panic, a deadlock
//! found under a schedule) may be believed; a claim that earns points never
//! is: it needs evidence the grader checks itself.

mod cgroup;
mod fork_server;
mod pool;
pub mod protocol;
mod sandbox;
mod spawn;
pub mod session;
mod streams;
pub mod supervisor;
mod trace;
mod unix;

pub use sandbox::{SandboxMode, configure as configure_sandbox, notes as sandbox_notes};
pub use session::{Session, SessionKind};

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use wait_timeout::ChildExt;

pub use protocol::Tasks;
pub use unix::{keep_process_to, machine_cpus};

/// How long a child that got SIGTERM may take to go before SIGKILL.
const GRACE: Duration = Duration::from_millis(200);
/// How long to wait for output still buffered in the pipes after the child ended.
const DRAIN: Duration = Duration::from_secs(1);
/// How long the rest of a child's group may take to end after the child did.
const SETTLE: Duration = Duration::from_millis(100);

/// A time limit and an output cap for one of the grader's own tools.
#[derive(Clone)]
pub struct Limits {
    pub timeout: Duration,
    /// Bytes kept of stdout and of stderr each.
    pub output_bytes: usize,
}

impl Limits {
    pub fn new(timeout: Duration, output_bytes: usize) -> Limits {
        Limits { timeout, output_bytes }
    }
}

/// The limit a child was stopped at, with its value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum LimitHit {
    Memory(Option<u64>),
    /// Threads and processes alive at once.
    Threads(Option<u64>),
    Output(u64),
    Cpu(Option<u64>),
    FileSize(Option<u64>),
}

impl LimitHit {
    /// The limit's name in a sentence: "the memory limit".
    pub fn name(self) -> &'static str {
        match self {
            LimitHit::Memory(_) => "the memory limit",
            LimitHit::Threads(_) => "the limit on threads and processes",
            LimitHit::Output(_) => "the output limit",
            LimitHit::Cpu(_) => "the CPU time limit",
            LimitHit::FileSize(_) => "the file size limit",
        }
    }
}

/// The kept start of one output stream.
#[derive(Debug, Default, Clone)]
pub struct Captured {
    pub bytes: Vec<u8>,
    /// Bytes the child wrote beyond the kept part.
    pub dropped: u64,
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// Takes `read` from the stream: kept while fewer than `keep` bytes are,
    /// counted as dropped after. Returns every byte the stream has brought.
    fn take(&mut self, read: &[u8], keep: usize) -> u64 {
        let room = keep.saturating_sub(self.bytes.len()).min(read.len());
        self.bytes.extend_from_slice(&read[..room]);
        self.dropped += (read.len() - room) as u64;
        self.bytes.len() as u64 + self.dropped
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    /// Killed when its time was up; `cpu` is the CPU time it had used by then,
    /// which tells a deadlock (little) from an endless loop (a lot).
    TimedOut { cpu: Option<Duration> },
}

/// What became of one process (or one job of a session).
#[derive(Debug)]
pub struct Finished {
    pub exit: Exit,
    pub stdout: Captured,
    pub stderr: Captured,
    /// What the child wrote on its result channel (file descriptor 3).
    pub channel: Captured,
    pub duration: Duration,
    /// CPU time of the child and everything it started.
    pub cpu: Duration,
    /// The child left processes running after it ended.
    pub left_processes: bool,
    /// The resource limit that stopped it, if one did.
    pub limit: Option<LimitHit>,
    /// The threads and processes it created, observed from outside; None
    /// where they cannot be counted.
    pub tasks: Option<Tasks>,
}

/// The process groups of the children running now, so that an interrupted
/// grader stops them rather than leaving a deadlocked test behind.
static RUNNING: Mutex<Vec<i32>> = Mutex::new(Vec::new());
/// Set once the grader is stopping: no child starts after it.
static STOPPING: AtomicBool = AtomicBool::new(false);
/// Children being started, not yet in [`RUNNING`].
static STARTING: AtomicUsize = AtomicUsize::new(0);
/// How long [`stop_all`] waits for the children's threads to see them end.
const STOP_WAIT: Duration = Duration::from_secs(2);

/// Whether [`stop_all`] has begun: the grader is being interrupted.
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Parks the calling thread for good: the grader is stopping, and the thread
/// that stops it ends the process.
fn wait_for_the_end() -> ! {
    loop {
        std::thread::park();
    }
}

/// Kills every child still running, and all it started, and keeps new ones
/// from starting: for Ctrl-C. Returns once every child has been reaped (or
/// after [`STOP_WAIT`]), so that none is left when the grader exits; the
/// threads that ran them wait, with their outcomes, for the exit.
pub fn stop_all() {
    STOPPING.store(true, Ordering::SeqCst);
    let deadline = Instant::now() + STOP_WAIT;
    loop {
        let starting = STARTING.load(Ordering::SeqCst);
        let mut groups = RUNNING.lock().map(|groups| groups.clone()).unwrap_or_default();
        // A session's group stays listed until its owner drops it, which a
        // stopping grader never does: gone is gone.
        groups.retain(|&group| unix::group_alive(group));
        if (groups.is_empty() && starting == 0) || Instant::now() >= deadline {
            return;
        }
        // Again each round: a child that was starting when the first round ran
        // is listed only once its start has returned.
        for group in groups {
            unix::signal_group(group, libc::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Removes the control groups of the gradings under way, once [`stop_all`]
/// has stopped them: for Ctrl-C.
pub fn remove_all_groups() {
    session::Budget::remove_all();
}

/// A child being started: counted in [`STARTING`] from before anything is set
/// up for it until it is listed in [`RUNNING`] (or failed to start), so that
/// [`stop_all`] waits for it. Nothing starts once the grader is stopping.
struct Starting;

impl Starting {
    fn begin() -> Starting {
        STARTING.fetch_add(1, Ordering::SeqCst);
        if stopping() {
            STARTING.fetch_sub(1, Ordering::SeqCst);
            wait_for_the_end();
        }
        Starting
    }

    /// Lists a started child's group for [`stop_all`].
    fn listed(self, group: i32) {
        if let Ok(mut running) = RUNNING.lock() {
            running.push(group);
        }
    }
}

impl Drop for Starting {
    fn drop(&mut self) {
        STARTING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Takes a child that has ended off the list [`stop_all`] kills.
fn unlist(group: i32) {
    if let Ok(mut running) = RUNNING.lock() {
        running.retain(|&other| other != group);
    }
}

/// Runs one of the grader's own tools (never student code) to its end or its
/// timeout, in its own process group, with bounded output.
pub fn run_with_timeout(command: Command, limits: &Limits) -> std::io::Result<Finished> {
    run_tool(command, limits, None)
}

/// As [`run_with_timeout`], with `input` on the tool's stdin, its pieces
/// one after another: large inputs are written from where they lie, not
/// copied into one buffer first.
pub fn run_with_input(command: Command, limits: &Limits, input: Vec<Arc<[u8]>>) -> std::io::Result<Finished> {
    run_tool(command, limits, Some(input))
}

fn run_tool(command: Command, limits: &Limits, input: Option<Vec<Arc<[u8]>>>) -> std::io::Result<Finished> {
    let starting = Starting::begin();
    let mut command = command;
    command.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() }).stdout(Stdio::piped()).stderr(Stdio::piped());
    unix::lead_own_group(&mut command);
    let started = Instant::now();
    let spawned = command.spawn();
    if let Ok(child) = &spawned {
        starting.listed(child.id() as i32);
    } else {
        drop(starting);
    }
    let mut child = spawned?;
    let group = child.id() as i32;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        std::thread::spawn(move || {
            for piece in input {
                if std::io::Write::write_all(&mut stdin, &piece).is_err() {
                    break;
                }
            }
        });
    }
    let stdout = read_bounded(child.stdout.take(), limits.output_bytes, None);
    let stderr = read_bounded(child.stderr.take(), limits.output_bytes, None);
    let exit = match child.wait_timeout(limits.timeout)? {
        Some(status) => unix::exit_of(status),
        None => {
            let cpu = unix::tree_cpu_time(group);
            unix::signal_group(group, libc::SIGTERM);
            if child.wait_timeout(GRACE)?.is_none() {
                unix::signal_group(group, libc::SIGKILL);
                child.wait()?;
            }
            Exit::TimedOut { cpu }
        }
    };
    let duration = started.elapsed();
    let left_processes = group_outlives(group, SETTLE);
    if left_processes {
        unix::signal_group(group, libc::SIGKILL);
    }
    unlist(group);
    if stopping() {
        wait_for_the_end();
    }
    Ok(Finished {
        exit,
        stdout: stdout.collect(),
        stderr: stderr.collect(),
        channel: Captured::default(),
        duration,
        cpu: Duration::ZERO,
        left_processes,
        limit: None,
        tasks: None,
    })
}

/// Whether processes of `group` are still alive once `settle` has passed.
fn group_outlives(group: i32, settle: Duration) -> bool {
    let deadline = Instant::now() + settle;
    while unix::group_alive(group) {
        if Instant::now() >= deadline {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

/// What stops a child whose stream goes past a limit: the limit, and the stop.
type OnFlood = (u64, Arc<dyn Fn() + Send + Sync>);

/// A stream being read on its own thread into a bounded buffer.
struct BoundedReader {
    captured: Arc<Mutex<Captured>>,
    done: mpsc::Receiver<()>,
}

/// Reads `stream` on its own thread, keeping its first `keep` bytes and
/// counting the rest; past `on_flood`'s limit it calls the stop and quits.
fn read_bounded(stream: Option<impl Read + Send + 'static>, keep: usize, on_flood: Option<OnFlood>) -> BoundedReader {
    let captured = Arc::new(Mutex::new(Captured::default()));
    let (finished, done) = mpsc::channel();
    if let Some(mut stream) = stream {
        let shared = Arc::clone(&captured);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 16 * 1024];
            while let Ok(read) = stream.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                let Ok(mut captured) = shared.lock() else { break };
                let total = captured.take(&buffer[..read], keep);
                if let Some((limit, stop)) = &on_flood
                    && total > *limit
                {
                    stop();
                    break;
                }
            }
            let _ = finished.send(());
        });
    }
    BoundedReader { captured, done }
}

impl BoundedReader {
    /// What was read. A stream still held open by a process that escaped the
    /// group is not waited for beyond [`DRAIN`]: the grader must never hang.
    fn collect(self) -> Captured {
        let _ = self.done.recv_timeout(DRAIN);
        self.captured.lock().map(|captured| captured.clone()).unwrap_or_default()
    }
}

pub use unix::cpu_used;

/// The name and meaning of a signal, for reports.
pub fn signal_name(signal: i32) -> &'static str {
    unix::signal_name(signal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.arg("-c").arg(script);
        command
    }

    fn limits(timeout_ms: u64) -> Limits {
        Limits::new(Duration::from_millis(timeout_ms), 1024)
    }

    #[test]
    fn a_hang_is_killed_at_its_timeout_with_its_children() {
        let started = Instant::now();
        let finished = run_with_timeout(shell("sleep 30 & sleep 30"), &limits(300)).unwrap();
        assert!(matches!(finished.exit, Exit::TimedOut { .. }), "{:?}", finished.exit);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn output_beyond_the_cap_is_counted_not_kept() {
        let finished = run_with_timeout(shell("head -c 100000 /dev/zero; echo err >&2"), &limits(5000)).unwrap();
        assert_eq!(finished.exit, Exit::Code(0));
        assert_eq!(finished.stdout.bytes.len(), 1024);
        assert_eq!(finished.stdout.dropped, 100_000 - 1024);
        assert_eq!(finished.stderr.text(), "err\n");
    }

    #[test]
    fn a_signal_and_a_left_behind_process_are_reported() {
        let finished = run_with_timeout(shell("kill -SEGV $$"), &limits(5000)).unwrap();
        assert_eq!(finished.exit, Exit::Signal(libc::SIGSEGV));
        let finished = run_with_timeout(shell("sleep 30 >/dev/null 2>&1 & exit 3"), &limits(5000)).unwrap();
        assert_eq!(finished.exit, Exit::Code(3));
        assert!(finished.left_processes);
    }
}
