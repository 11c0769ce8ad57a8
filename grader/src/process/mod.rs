//! Every child process the grader starts (rustc, the harness) goes through
//! [`run_with_timeout`], and nowhere else.
//!
//! Modelled on how nextest runs tests: each child leads its own process group;
//! when its time is up it gets SIGTERM, a short grace period, then SIGKILL for
//! the whole group; its output is read through bounded buffers (the first part
//! kept, the rest counted and dropped), so a child that prints gigabytes costs
//! the grader no memory; and a child that leaves processes behind is noticed
//! and they are killed. Children that run or compile student code are also
//! confined: inside bubblewrap ([`sandbox`]), in control groups that cap their
//! memory and threads ([`cgroup`]), and under rlimits for CPU time, file size
//! and, where no memory group can be made, address space. This module runs
//! processes and reports what happened, a limit hit included; it does not
//! judge results.

mod cgroup;
mod sandbox;
mod unix;

pub use sandbox::{Sandbox, SandboxMode, configure as configure_sandbox, notes as sandbox_notes};

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

/// How long a child that got SIGTERM may take to go before SIGKILL.
const GRACE: Duration = Duration::from_millis(200);
/// How long to wait for output still buffered in the pipes after the child ended.
const DRAIN: Duration = Duration::from_secs(1);
/// How long the rest of a child's group may take to end after the child did.
const SETTLE: Duration = Duration::from_millis(100);
/// The result channel carries answers, which can be large (20,000 pairs), but never this large.
const CHANNEL_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone)]
pub struct Limits {
    pub timeout: Duration,
    /// Bytes kept of stdout and of stderr each.
    pub output_bytes: usize,
    /// A stream longer than this stops the child: a flood is reported, not read to its end.
    pub output_limit: Option<u64>,
    /// Memory of the child and everything it starts.
    pub memory_bytes: Option<u64>,
    /// Threads and processes alive at once, the child's own included.
    pub tasks: Option<u64>,
    pub cpu_secs: Option<u64>,
    /// The largest file the child may write.
    pub file_bytes: Option<u64>,
    /// Run inside bubblewrap, seeing only these paths, where it is available.
    pub sandbox: Option<Sandbox>,
}

impl Limits {
    /// A time limit and an output cap, nothing else: for the grader's own tools.
    pub fn new(timeout: Duration, output_bytes: usize) -> Limits {
        Limits {
            timeout,
            output_bytes,
            output_limit: None,
            memory_bytes: None,
            tasks: None,
            cpu_secs: None,
            file_bytes: None,
            sandbox: None,
        }
    }
}

/// The limit a child was stopped at, with its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LimitHit {
    Memory(Option<u64>),
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
            LimitHit::Threads(_) => "the thread limit",
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
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    /// Killed when its time was up; `cpu` is the CPU time it had used by then,
    /// which tells a deadlock (little) from an endless loop (a lot).
    TimedOut { cpu: Option<Duration> },
}

#[derive(Debug)]
pub struct Finished {
    pub exit: Exit,
    pub stdout: Captured,
    pub stderr: Captured,
    /// What the child wrote on its result channel (file descriptor 3).
    pub channel: Vec<u8>,
    pub duration: Duration,
    /// The child left processes running in its group after it ended.
    pub left_processes: bool,
    /// The resource limit that stopped it, if one did.
    pub limit: Option<LimitHit>,
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
        let groups = RUNNING.lock().map(|groups| groups.clone()).unwrap_or_default();
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

/// Runs `command` to its end or its timeout. With `result_channel`, the child
/// gets the write end of a fresh pipe as file descriptor 3.
pub fn run_with_timeout(command: Command, limits: &Limits, result_channel: bool) -> std::io::Result<Finished> {
    let starting = Starting::begin();
    if limits.sandbox.is_some() {
        sandbox::warn_once();
    }
    let user = limits.sandbox.as_ref().and_then(sandbox::unprivileged_user);
    let wrapped = limits.sandbox.as_ref().and_then(|sandbox| sandbox::wrap(&command, sandbox, user.is_some()));
    let sandboxed = wrapped.is_some();
    let user = user.filter(|_| sandboxed);
    let mut command = wrapped.unwrap_or(command);
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    unix::lead_own_group(&mut command);
    let groups = cgroup::create(limits.memory_bytes, limits.tasks);
    let rlimits = unix::Rlimits {
        address_space: limits.memory_bytes.filter(|_| !groups.caps_memory()),
        cpu_secs: limits.cpu_secs,
        file_bytes: limits.file_bytes,
        user,
    };
    unix::confine_child(&mut command, rlimits, groups.join_fds());
    let channel = if result_channel {
        let (reader, writer) = std::io::pipe()?;
        unix::pass_as_fd3(&mut command, &writer);
        Some((reader, writer))
    } else {
        None
    };
    let started = Instant::now();
    let spawned = command.spawn();
    if let Ok(child) = &spawned
        && let Ok(mut running) = RUNNING.lock()
    {
        running.push(child.id() as i32);
    }
    drop(starting);
    let mut child = spawned?;
    // Close the parent's copy of the write end, so the reader sees the end of
    // the stream once the child's copies close.
    let channel = channel.map(|(reader, _writer)| reader);
    let group = child.id() as i32;
    let flood = Flood { group, limit: limits.output_limit, flooded: Arc::new(AtomicBool::new(false)) };
    let stdout = read_bounded(child.stdout.take(), limits.output_bytes, Some(&flood));
    let stderr = read_bounded(child.stderr.take(), limits.output_bytes, Some(&flood));
    let channel = read_bounded(channel, CHANNEL_BYTES, None);

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
    // In the sandbox, whatever the student started lives in its PID namespace
    // and dies with it; what stays in the group is bubblewrap's own helper,
    // still tearing the namespaces down (at times for over a second).
    let left_processes = !sandboxed && group_outlives(group, SETTLE);
    if left_processes {
        unix::signal_group(group, libc::SIGKILL);
    }
    // Processes that left the process group are still in the control groups.
    groups.kill_all();
    if stopping() {
        // An outcome of a test stopped halfway must not reach a report (or a
        // batch's cache): remove its control groups, then wait for the exit.
        drop(groups);
        unlist(group);
        wait_for_the_end();
    }
    unlist(group);
    // bwrap ends with 128 + the signal that ended what it ran.
    let exit = match exit {
        Exit::Code(code) if sandboxed && (129..=128 + 64).contains(&code) => Exit::Signal(code - 128),
        exit => exit,
    };
    let stdout = stdout.collect();
    let stderr = stderr.collect();
    let limit = limit_hit(limits, &groups, flood.flooded.load(Ordering::SeqCst), exit, &stderr);
    Ok(Finished { exit, stdout, stderr, channel: channel.collect().bytes, duration, left_processes, limit })
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

/// Which limit, if any, ended the child.
fn limit_hit(limits: &Limits, groups: &cgroup::Groups, flooded: bool, exit: Exit, stderr: &Captured) -> Option<LimitHit> {
    if flooded {
        return limits.output_limit.map(LimitHit::Output);
    }
    if exit == Exit::Code(0) || matches!(exit, Exit::TimedOut { .. }) {
        return None;
    }
    let reached = groups.reached();
    let stderr = String::from_utf8_lossy(&stderr.bytes);
    let killed = exit == Exit::Signal(libc::SIGKILL);
    if reached.memory || (killed && reached.memory_full) || stderr.contains("memory allocation of") {
        return Some(LimitHit::Memory(limits.memory_bytes));
    }
    if reached.tasks || stderr.contains("failed to spawn thread") {
        return Some(LimitHit::Threads(limits.tasks.filter(|_| groups.caps_threads())));
    }
    match exit {
        Exit::Signal(libc::SIGXCPU) => Some(LimitHit::Cpu(limits.cpu_secs)),
        Exit::Signal(libc::SIGXFSZ) => Some(LimitHit::FileSize(limits.file_bytes)),
        _ => None,
    }
}

/// Stops the child when one of its streams goes past the output limit.
struct Flood {
    group: i32,
    limit: Option<u64>,
    flooded: Arc<AtomicBool>,
}

/// A stream being read on its own thread into a bounded buffer.
struct BoundedReader {
    captured: Arc<Mutex<Captured>>,
    done: mpsc::Receiver<()>,
}

fn read_bounded(stream: Option<impl Read + Send + 'static>, keep: usize, flood: Option<&Flood>) -> BoundedReader {
    let captured = Arc::new(Mutex::new(Captured::default()));
    let (finished, done) = mpsc::channel();
    let flood = flood.and_then(|flood| Some((flood.group, flood.limit?, Arc::clone(&flood.flooded))));
    if let Some(mut stream) = stream {
        let shared = Arc::clone(&captured);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 16 * 1024];
            while let Ok(read) = stream.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                let Ok(mut captured) = shared.lock() else { break };
                let room = keep.saturating_sub(captured.bytes.len()).min(read);
                captured.bytes.extend_from_slice(&buffer[..room]);
                captured.dropped += (read - room) as u64;
                if let Some((group, limit, flooded)) = &flood
                    && captured.bytes.len() as u64 + captured.dropped > *limit
                {
                    flooded.store(true, Ordering::SeqCst);
                    unix::signal_group(*group, libc::SIGKILL);
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
        let finished = run_with_timeout(shell("sleep 30 & sleep 30"), &limits(300), false).unwrap();
        assert!(matches!(finished.exit, Exit::TimedOut { .. }), "{:?}", finished.exit);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn output_beyond_the_cap_is_counted_not_kept() {
        let finished = run_with_timeout(shell("head -c 100000 /dev/zero; echo err >&2"), &limits(5000), false).unwrap();
        assert_eq!(finished.exit, Exit::Code(0));
        assert_eq!(finished.stdout.bytes.len(), 1024);
        assert_eq!(finished.stdout.dropped, 100_000 - 1024);
        assert_eq!(finished.stderr.text(), "err\n");
    }

    #[test]
    fn the_result_channel_is_fd_3_and_separate_from_stdout() {
        let finished = run_with_timeout(shell("echo shown; echo answer >&3"), &limits(5000), true).unwrap();
        assert_eq!(finished.channel, b"answer\n");
        assert_eq!(finished.stdout.text(), "shown\n");
    }

    #[test]
    fn a_sandboxed_child_keeps_its_channel_and_sees_only_its_paths() {
        if sandbox::confinement().bwrap.is_none() {
            eprintln!("SKIPPED: bubblewrap is not available here");
            return;
        }
        let limits = Limits { sandbox: Some(Sandbox::default()), ..limits(5000) };
        let script = "echo answer >&3; ls /root /home 2>/dev/null; echo $HOME; touch /usr/x 2>/dev/null && echo wrote";
        let finished = run_with_timeout(shell(script), &limits, true).unwrap();
        assert_eq!(finished.channel, b"answer\n");
        assert_eq!(finished.stdout.text(), "\n");
        let finished = run_with_timeout(shell("kill -SEGV $$"), &limits, false).unwrap();
        assert_eq!(finished.exit, Exit::Signal(libc::SIGSEGV));
    }

    #[test]
    fn a_flood_is_stopped_at_the_output_limit() {
        let limits = Limits { output_limit: Some(1 << 20), ..limits(20_000) };
        let finished = run_with_timeout(shell("cat /dev/zero"), &limits, false).unwrap();
        assert_eq!(finished.limit, Some(LimitHit::Output(1 << 20)));
        assert_eq!(finished.stdout.bytes.len(), 1024);
    }

    #[test]
    fn a_signal_and_a_left_behind_process_are_reported() {
        let finished = run_with_timeout(shell("kill -SEGV $$"), &limits(5000), false).unwrap();
        assert_eq!(finished.exit, Exit::Signal(libc::SIGSEGV));
        let finished = run_with_timeout(shell("sleep 30 >/dev/null 2>&1 & exit 3"), &limits(5000), false).unwrap();
        assert_eq!(finished.exit, Exit::Code(3));
        assert!(finished.left_processes);
    }
}
