//! Runs one job and watches it from outside: the supervisor's side of every
//! process that runs student code.
//!
//! The job's first process is traced from its first instruction (it asks for
//! `PTRACE_TRACEME` between fork and exec), and every thread and process it
//! creates is traced too (`PTRACE_O_TRACECLONE`, `…FORK`, `…VFORK`), so the
//! kernel tells this module of each one: how many threads the job spawned,
//! how many processes, and the most alive at once. These counts are observed, not reported by the process, so
//! no code inside it can change them. The same tracing knows every process of
//! the job by its id, which makes a kill at a timeout, a flood or the task
//! cap reach all of them, whatever process group or session they moved to.
//!
//! The calling thread is the tracer (ptrace binds a tracee to the thread
//! that traced it), so each job runs on a thread of its own (one of the
//! supervisor's pool, used again once the job is done) and waits only
//! for its own tracees (`__WNOTHREAD`). Where the kernel forbids tracing
//! (a seccomp filter, Yama's `ptrace_scope` 3), jobs run untraced and their
//! counts are unknown.

use std::collections::{BTreeSet, HashSet};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::protocol::{Job, Ran, Tasks};
use super::fork_server;
use super::spawn::{self, Spawn};
use super::pool::THREADS;
use super::streams::{self, Minder, Output};
use super::{Captured, Exit, LimitHit, unix};

/// Whether this kernel lets the supervisor trace its jobs; found out by the first job.
static UNTRACEABLE: AtomicBool = AtomicBool::new(false);

/// A job's processes, shared by the tracer and the thread that minds the job's streams and clock.
#[derive(Default)]
struct JobState {
    /// Every process of the job still alive, by id.
    processes: Mutex<BTreeSet<i32>>,
    /// Set once the job is being stopped: any task seen from then on is killed on sight.
    stopping: AtomicBool,
    /// Why the supervisor stopped the job, when it did.
    reason: Mutex<Option<Stop>>,
    /// The first process's group, for a job that cannot be traced.
    group: Mutex<Option<i32>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stop {
    Timeout { cpu: Option<Duration> },
    Flood(u64),
    TaskCap(u64),
    LeftBehind,
}

impl JobState {
    /// Stops the job for `reason` (the first reason given is kept) with SIGKILL.
    fn stop(&self, reason: Stop) {
        if let Ok(mut kept) = self.reason.lock() {
            kept.get_or_insert(reason);
        }
        self.stopping.store(true, Ordering::SeqCst);
        self.signal_all(libc::SIGKILL);
    }

    fn signal_all(&self, signal: i32) {
        let processes = self.processes.lock().map(|processes| processes.clone()).unwrap_or_default();
        for pid in processes {
            // SAFETY: signals a process of this job, traced by this thread.
            unsafe {
                libc::kill(pid, signal);
            }
        }
        if let Some(group) = self.group.lock().ok().and_then(|group| *group) {
            unix::signal_group(group, signal);
        }
    }

    fn cpu_time(&self) -> Option<Duration> {
        let processes = self.processes.lock().map(|processes| processes.clone()).unwrap_or_default();
        processes.into_iter().map(unix::cpu_time).try_fold(Duration::ZERO, |total, cpu| Some(total + cpu?))
    }
}

/// What the job's streams' thread does to it.
impl streams::Watcher for JobState {
    fn time_up(&self) {
        let cpu = self.cpu_time();
        if let Ok(mut reason) = self.reason.lock() {
            reason.get_or_insert(Stop::Timeout { cpu });
        }
        self.signal_all(libc::SIGTERM);
    }

    fn grace_over(&self) {
        // The timeout is the reason already, with the CPU time it had.
        self.stop(Stop::Timeout { cpu: None });
    }

    fn flooded(&self, limit: u64) {
        self.stop(Stop::Flood(limit));
    }
}

/// What one job came to: what was seen of it, and its kept output.
pub struct Finished {
    pub ran: Ran,
    pub stdout: Captured,
    pub stderr: Captured,
    pub channel: Captured,
}

/// Runs `job` with `stdin` as its input, to its end, its timeout or a limit.
pub fn run(job: &Job, stdin: Vec<u8>) -> std::io::Result<Finished> {
    let traced = job.trace && !UNTRACEABLE.load(Ordering::SeqCst);
    // This thread traces the job and the streams' thread minds its pipes,
    // so they keep to the job's CPUs too. Where the kernel refuses, the job
    // runs on any CPU.
    let cpus = cpus_for(job);
    let _ = unix::keep_thread_to(&cpus);
    // Before the job starts: once it has, it must be minded.
    let minder = Minder::new(THREADS.worker()?)?;
    let (started, traced) = match start(job, traced) {
        Ok(started) => (started, traced),
        // TRACEME refused between fork and exec: this kernel does not allow tracing.
        Err(error) if traced && matches!(error.raw_os_error(), Some(libc::EPERM) | Some(libc::ENOSYS)) => {
            UNTRACEABLE.store(true, Ordering::SeqCst);
            (start(job, false)?, false)
        }
        Err(error) => return Err(error),
    };
    // Before it has its input, so before it starts a thread. Set for every
    // job: a fork server's children would otherwise have the CPU of the job
    // whose thread happened to start the server.
    let _ = unix::keep_task_to(started.pid, &cpus);
    Ok(watch(job, started, stdin, traced, minder, cpus))
}

/// Every CPU the grader has, as it told the supervisor.
static GRADER_CPUS: std::sync::OnceLock<Vec<usize>> = std::sync::OnceLock::new();

pub fn set_grader_cpus(cpus: Vec<usize>) {
    let _ = GRADER_CPUS.set(cpus);
}

/// The CPUs `job` runs on: for a job that runs on one, the next of the
/// supervisor's own CPUs in turn; for any other, every CPU the grader has,
/// even where a batch keeps this grading to fewer, so that real-thread tests
/// find in a batch what they find alone. Where there is one CPU to choose
/// from, the supervisor's own (its threads are used again from job to job).
fn cpus_for(job: &Job) -> Vec<usize> {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let own = unix::machine_cpus();
    if job.one_cpu {
        return match own.len() {
            0 | 1 => own.to_vec(),
            count => vec![own[NEXT.fetch_add(1, Ordering::Relaxed) % count]],
        };
    }
    let grader = GRADER_CPUS.get().map(Vec::as_slice).filter(|grader| !grader.is_empty()).unwrap_or(own);
    if grader.len() > 1 { grader.to_vec() } else { own.to_vec() }
}

struct Started {
    pid: i32,
    stdin: std::io::PipeWriter,
    stdout: std::io::PipeReader,
    stderr: std::io::PipeReader,
    channel: Option<std::io::PipeReader>,
    at: Instant,
    /// Forked by a fork server and seized, rather than started with
    /// `PTRACE_TRACEME` (or untraced).
    seized: bool,
}

fn start(job: &Job, traced: bool) -> std::io::Result<Started> {
    if fork_server::wanted(job)
        && let Ok(started) = start_with(job, traced, true)
    {
        return Ok(started);
    }
    // Pipes of its own: a server that failed may still have forked a child
    // holding the first ones, which then reads an empty case and ends.
    start_with(job, traced, false)
}

/// Starts `job`, forked by its program's fork server when `forked` (an
/// error then if the server cannot), or started afresh.
fn start_with(job: &Job, traced: bool, forked: bool) -> std::io::Result<Started> {
    let (stdin_reader, stdin) = std::io::pipe()?;
    let (stdout, stdout_writer) = std::io::pipe()?;
    let (stderr, stderr_writer) = std::io::pipe()?;
    let channel = job.channel_bytes.map(|_| std::io::pipe()).transpose()?;
    let rlimits = unix::Rlimits {
        address_space: job.address_space,
        cpu_secs: job.cpu_secs,
        file_bytes: job.file_bytes,
        user: None,
    };
    let fds = [
        Some(stdin_reader.as_raw_fd()),
        Some(stdout_writer.as_raw_fd()),
        Some(stderr_writer.as_raw_fd()),
        channel.as_ref().map(|(_, writer)| writer.as_raw_fd()),
    ];
    let at = Instant::now();
    let pid = if forked {
        let [Some(stdin), Some(stdout), Some(stderr), Some(channel)] = fds else {
            return Err(std::io::Error::other("a forked job needs a result channel"));
        };
        // A job that is not counted is still seized, to wait for it, but
        // without the events that would stop it at each thread.
        let options = if traced { OPTIONS } else { libc::PTRACE_O_EXITKILL };
        fork_server::start(job, [stdin, stdout, stderr, channel], rlimits, options)?
    } else {
        spawn::spawn(&Spawn { program: &job.program, args: &job.args, env: &job.env, cwd: &job.cwd, fds, rlimits, traced })?
    };
    // The parent's copies of the child's ends close here, so each stream
    // ends when the job's processes have closed theirs.
    Ok(Started { pid, stdin, stdout, stderr, channel: channel.map(|(reader, _writer)| reader), at, seized: forked })
}

fn watch(job: &Job, started: Started, input: Vec<u8>, traced: bool, minder: Minder, cpus: Vec<usize>) -> Finished {
    let Started { pid, stdin, stdout, stderr, channel, at, seized } = started;
    let state = Arc::new(JobState::default());
    if let Ok(mut processes) = state.processes.lock() {
        processes.insert(pid);
    }
    if let Ok(mut group) = state.group.lock() {
        *group = Some(pid);
    }
    let outputs = [
        Some(Output { reader: stdout, keep: job.output_bytes, flood: job.output_limit }),
        Some(Output { reader: stderr, keep: job.output_bytes, flood: job.output_limit }),
        channel.map(|reader| Output { reader, keep: job.channel_bytes.unwrap_or(0), flood: None }),
    ];
    let deadline = at + Duration::from_millis(job.timeout_ms);
    let watcher: Arc<dyn streams::Watcher> = state.clone();
    let minded = minder.mind(stdin, input, outputs, deadline, watcher, cpus);

    let (status, cpu, tasks, left) = match (seized, traced) {
        (_, true) => trace(job, pid, &state, seized),
        (false, false) => wait_untraced(pid, &state),
        // Seized only to be waited for: its threads and processes were not
        // reported, so what it left behind is looked for in its group.
        (true, false) => {
            let (status, cpu, _, _) = trace(job, pid, &state, true);
            (status, cpu, None, left_in_group(pid, &state))
        }
    };
    let duration = at.elapsed();
    let [stdout, stderr, channel] = minded.ended();
    let reason = state.reason.lock().ok().and_then(|reason| *reason);
    let exit = match (reason, status) {
        (Some(Stop::Timeout { cpu }), _) => Exit::TimedOut { cpu },
        (_, Some(status)) => exit_of(status),
        (_, None) => Exit::Signal(libc::SIGKILL),
    };
    let limit = match (reason, exit) {
        (Some(Stop::Flood(limit)), _) => Some(LimitHit::Output(limit)),
        (Some(Stop::TaskCap(cap)), _) => Some(LimitHit::Threads(Some(cap))),
        (_, Exit::Signal(libc::SIGXCPU)) => Some(LimitHit::Cpu(job.cpu_secs)),
        // A test that ignored SIGXCPU is killed a second later.
        (_, Exit::Signal(libc::SIGKILL)) if job.cpu_secs.is_some_and(|secs| cpu >= Duration::from_secs(secs)) => {
            Some(LimitHit::Cpu(job.cpu_secs))
        }
        (_, Exit::Signal(libc::SIGXFSZ)) => Some(LimitHit::FileSize(job.file_bytes)),
        (_, Exit::Code(0)) | (_, Exit::TimedOut { .. }) => None,
        _ if String::from_utf8_lossy(&stderr.bytes).contains("memory allocation of") => {
            Some(LimitHit::Memory(job.address_space))
        }
        _ => None,
    };
    let ran = Ran {
        exit,
        duration_ms: duration.as_millis() as u64,
        cpu_ms: cpu.as_millis() as u64,
        stdout_dropped: stdout.dropped,
        stderr_dropped: stderr.dropped,
        channel_dropped: channel.dropped,
        left_processes: left,
        limit,
        tasks,
    };
    Finished { ran, stdout, stderr, channel }
}

fn exit_of(status: i32) -> Exit {
    if libc::WIFSIGNALED(status) { Exit::Signal(libc::WTERMSIG(status)) } else { Exit::Code(libc::WEXITSTATUS(status)) }
}

/// What the tracer saw: the first process's wait status, the CPU time of the
/// job's processes, the tasks created, and whether processes outlived the first.
type Watched = (Option<i32>, Duration, Option<Tasks>, bool);

/// Waits for a job that cannot be traced: its first process, then what is
/// left in its process group.
fn wait_untraced(pid: i32, state: &JobState) -> Watched {
    let mut status = 0;
    // SAFETY: rusage is plain data the kernel fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for this thread's own child.
    let waited = loop {
        let result = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if result != -1 || std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            break result;
        }
    };
    if let Ok(mut processes) = state.processes.lock() {
        processes.clear();
    }
    let status = (waited == pid).then_some(status);
    (status, cpu_of(&usage), None, left_in_group(pid, state))
}

/// Whether processes of the job's group outlived its first process, which
/// has ended; they are stopped.
fn left_in_group(pid: i32, state: &JobState) -> bool {
    let left = unix::group_alive(pid);
    if left {
        state.stop(Stop::LeftBehind);
    }
    left
}

fn cpu_of(usage: &libc::rusage) -> Duration {
    let time = |value: libc::timeval| Duration::new(value.tv_sec as u64, value.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

const OPTIONS: libc::c_int = libc::PTRACE_O_TRACECLONE
    | libc::PTRACE_O_TRACEFORK
    | libc::PTRACE_O_TRACEVFORK
    | libc::PTRACE_O_TRACEEXEC
    | libc::PTRACE_O_EXITKILL;

/// The tracer's loop: every stop and exit of every task of the job, until
/// none is left. A `seized` job was attached with its options already set.
fn trace(job: &Job, pid: i32, state: &JobState, seized: bool) -> Watched {
    let mut tasks = Tasks { peak: 1, ..Tasks::default() };
    let mut alive: HashSet<i32> = HashSet::from([pid]);
    // Tasks whose end came before their creator's event: a new thread can
    // start, run and end while the tracer has yet to read that event.
    let mut ended_unknown: HashSet<i32> = HashSet::new();
    let mut first_status = None;
    let mut cpu = Duration::ZERO;
    let mut left = false;
    let mut options_set = seized;
    while !alive.is_empty() {
        let mut status = 0;
        // SAFETY: rusage is plain data the kernel fills in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits only for this thread's own children and tracees.
        let tid = unsafe { libc::wait4(-1, &mut status, libc::__WALL | libc::__WNOTHREAD, &mut usage) };
        if tid == -1 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            break;
        }
        if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
            if !alive.remove(&tid) {
                ended_unknown.insert(tid);
            }
            let was_process = state.processes.lock().map(|mut processes| processes.remove(&tid)).unwrap_or(false);
            if was_process {
                cpu += cpu_of(&usage);
            }
            if tid == pid {
                first_status = Some(status);
                // Its threads died with it; anything still alive is a process it started.
                let others = state.processes.lock().map(|processes| !processes.is_empty()).unwrap_or(false);
                if others {
                    left = true;
                    state.stop(Stop::LeftBehind);
                }
            }
            continue;
        }
        if !libc::WIFSTOPPED(status) {
            continue;
        }
        if alive.insert(tid) {
            // The first stop of a task this loop had not heard of yet: its
            // creator's event may come after it.
            tasks.peak = tasks.peak.max(alive.len() as u64);
        }
        if !options_set && tid == pid {
            // The stop after exec: from here on the kernel reports every task it creates.
            // SAFETY: sets options on this thread's own tracee.
            unsafe {
                libc::ptrace(libc::PTRACE_SETOPTIONS, pid, 0, OPTIONS as libc::c_ulong);
            }
            options_set = true;
            resume(tid, 0);
            continue;
        }
        let signal = libc::WSTOPSIG(status);
        let event = status >> 16;
        let mut deliver = 0;
        match event {
            libc::PTRACE_EVENT_CLONE | libc::PTRACE_EVENT_FORK | libc::PTRACE_EVENT_VFORK => {
                let mut new: libc::c_ulong = 0;
                // SAFETY: reads the new task's id from this thread's own tracee.
                unsafe {
                    libc::ptrace(libc::PTRACE_GETEVENTMSG, tid, 0, &mut new as *mut libc::c_ulong);
                }
                let new = new as i32;
                let ended = ended_unknown.remove(&new);
                if event == libc::PTRACE_EVENT_CLONE {
                    tasks.threads += 1;
                } else {
                    tasks.processes += 1;
                    if !ended && let Ok(mut processes) = state.processes.lock() {
                        processes.insert(new);
                    }
                }
                if !ended && alive.insert(new) {
                    tasks.peak = tasks.peak.max(alive.len() as u64);
                }
                if let Some(cap) = job.tasks
                    && alive.len() as u64 > cap
                {
                    state.stop(Stop::TaskCap(cap));
                }
            }
            // An exec, or under PTRACE_SEIZE a new task's first stop.
            libc::PTRACE_EVENT_EXEC | libc::PTRACE_EVENT_STOP => {}
            _ => {
                // A signal on its way to the task. Stop signals are not passed
                // on (a stopped job would only wait for its timeout), nor the
                // first SIGSTOP of a newly traced task; every other signal is.
                if ![libc::SIGSTOP, libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU].contains(&signal) {
                    deliver = signal;
                }
            }
        }
        if state.stopping.load(Ordering::SeqCst) {
            // SAFETY: kills a task of this job that appeared while it was being stopped.
            unsafe {
                libc::kill(tid, libc::SIGKILL);
            }
        }
        resume(tid, deliver);
    }
    (first_status, cpu, Some(tasks), left)
}

fn resume(tid: i32, signal: i32) {
    // SAFETY: continues this thread's own tracee, delivering `signal` (0 for none).
    unsafe {
        libc::ptrace(libc::PTRACE_CONT, tid, 0, signal as libc::c_ulong);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str, timeout_ms: u64) -> Job {
        Job {
            program: "/bin/sh".into(),
            args: vec!["-c".into(), script.into()],
            env: vec![("PATH".into(), "/usr/bin:/bin".into())],
            cwd: "/".into(),
            timeout_ms,
            output_bytes: 4096,
            output_limit: Some(1 << 20),
            channel_bytes: Some(1024),
            trace: true,
            fork_server: false,
            one_cpu: false,
            tasks: Some(64),
            address_space: None,
            cpu_secs: Some(10),
            file_bytes: None,
        }
    }

    #[test]
    fn counts_the_processes_a_job_starts_and_reads_its_channel() {
        let finished = run(&shell("echo answer >&3; /bin/true; /bin/true; echo out", 5000), Vec::new()).unwrap();
        assert_eq!(finished.ran.exit, Exit::Code(0));
        assert_eq!(finished.channel.bytes, b"answer\n");
        assert_eq!(finished.stdout.bytes, b"out\n");
        if let Some(tasks) = finished.ran.tasks {
            assert_eq!(tasks.processes, 2, "{tasks:?}");
        }
    }

    #[test]
    fn a_hang_is_stopped_at_its_timeout_with_what_it_started() {
        let started = Instant::now();
        let finished = run(&shell("sleep 30 & sleep 30", 300), Vec::new()).unwrap();
        assert!(matches!(finished.ran.exit, Exit::TimedOut { .. }), "{:?}", finished.ran.exit);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_process_left_behind_is_noticed_and_killed() {
        let finished = run(&shell("setsid sleep 30 >/dev/null 2>&1 & exit 3", 5000), Vec::new()).unwrap();
        assert_eq!(finished.ran.exit, Exit::Code(3));
        assert!(finished.ran.left_processes);
    }

    #[test]
    fn a_spin_past_its_cpu_time_is_a_limit_even_when_it_ignores_sigxcpu() {
        for script in ["while :; do :; done", "trap '' XCPU; while :; do :; done"] {
            let job = Job { cpu_secs: Some(1), ..shell(script, 20_000) };
            let finished = run(&job, Vec::new()).unwrap();
            assert_eq!(finished.ran.limit, Some(LimitHit::Cpu(Some(1))), "{script}: {:?}", finished.ran.exit);
        }
    }

    #[test]
    fn a_fork_loop_is_stopped_at_the_task_cap() {
        let job = Job { tasks: Some(20), ..shell("while true; do sleep 5 & done", 10_000) };
        let started = Instant::now();
        let finished = run(&job, Vec::new()).unwrap();
        if finished.ran.tasks.is_some() {
            assert_eq!(finished.ran.limit, Some(LimitHit::Threads(Some(20))));
            assert!(started.elapsed() < Duration::from_secs(5));
        }
    }

    #[test]
    fn an_input_larger_than_a_pipe_arrives_whole_and_one_left_unread_holds_nothing_up() {
        let input = vec![b'x'; 3 << 20];
        let finished = run(&shell("wc -c", 5000), input.clone()).unwrap();
        assert_eq!(finished.stdout.text().trim(), (3 << 20).to_string());
        let started = Instant::now();
        let finished = run(&shell("echo done", 5000), input).unwrap();
        assert_eq!((finished.ran.exit, finished.stdout.bytes.as_slice()), (Exit::Code(0), &b"done\n"[..]));
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    }

    #[test]
    fn output_past_the_kept_part_is_counted_and_each_stream_kept_apart() {
        let finished = run(&shell("head -c 10000 /dev/zero; echo err >&2; echo channel >&3", 5000), Vec::new()).unwrap();
        assert_eq!((finished.stdout.bytes.len(), finished.stdout.dropped), (4096, 10000 - 4096));
        assert_eq!(finished.stderr.bytes, b"err\n");
        assert_eq!(finished.channel.bytes, b"channel\n");
    }

    #[test]
    fn input_arrives_on_stdin_and_a_flood_is_stopped() {
        let finished = run(&shell("cat", 5000), b"the input".to_vec()).unwrap();
        assert_eq!(finished.stdout.bytes, b"the input");
        let finished = run(&shell("cat /dev/zero", 20_000), Vec::new()).unwrap();
        assert_eq!(finished.ran.limit, Some(LimitHit::Output(1 << 20)));
    }
}
