//! A session: one sandbox, with the supervisor inside, that runs many jobs.
//!
//! A grading opens two: a build session, where rustc sees the toolchain and
//! writes only a private /tmp and an export folder, and a run session, where
//! the tests see their harness binaries and write only a private /tmp. Both
//! live in the grading's one control group ([`Budget`]), so all the
//! processes of a grading share one memory budget and one cap on tasks,
//! however many run at once. Starting one sandbox per grading instead of one
//! per test is also what keeps a grading cheap: namespace set-up and teardown
//! cost more than the tests themselves.
//!
//! [`Session::run`] can be called from many threads at once; each call sends
//! one job and waits for its own answer.

use std::collections::HashMap;
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};

use super::protocol::{self, Job, Request, Response};
use super::sandbox::{self, Sandbox};
use super::{
    BoundedReader, Captured, Exit, Finished, GRACE, LimitHit, Starting, cgroup, read_bounded, stopping, supervisor, unix, unlist,
    wait_for_the_end,
};

/// One grading's share of the machine: a control group capping the memory
/// and the tasks of every process of the grading together.
pub struct Budget {
    groups: cgroup::Groups,
    memory_bytes: u64,
    tasks: u64,
}

/// The budgets of the gradings under way, for an interrupted grader to
/// remove: an exit on Ctrl-C runs no destructors.
static BUDGETS: Mutex<Vec<std::sync::Weak<Budget>>> = Mutex::new(Vec::new());

impl Budget {
    pub fn new(memory_bytes: u64, tasks: u64) -> Arc<Budget> {
        let budget = Arc::new(Budget { groups: cgroup::create(Some(memory_bytes), Some(tasks)), memory_bytes, tasks });
        if let Ok(mut budgets) = BUDGETS.lock() {
            budgets.retain(|budget| budget.strong_count() > 0);
            budgets.push(Arc::downgrade(&budget));
        }
        budget
    }

    /// Kills every process of every grading under way and removes their groups.
    pub fn remove_all() {
        let budgets = BUDGETS.lock().map(|budgets| budgets.clone()).unwrap_or_default();
        for budget in budgets.iter().filter_map(std::sync::Weak::upgrade) {
            budget.groups.remove();
        }
    }

    /// Whether memory is capped by the control group; otherwise each job
    /// gets an address-space limit instead.
    pub fn caps_memory(&self) -> bool {
        self.groups.caps_memory()
    }
}

pub enum SessionKind {
    /// rustc: the toolchain and the shuttle cache to read, the scratch
    /// folder's export folder to write.
    Build,
    /// The tests: their harness binaries to read, nothing of the host to write.
    Run,
}

/// What a session's sandbox holds beyond the system folders.
pub struct SessionSpec {
    pub kind: SessionKind,
    pub read_only: Vec<PathBuf>,
    pub writable: Vec<PathBuf>,
    /// The size of the private /tmp, the only other place the session may write.
    pub tmp_bytes: u64,
}

type Reply = (Response, Vec<Vec<u8>>);

#[derive(Default)]
struct Waiting {
    /// The supervisor has stopped: nothing more will come.
    closed: bool,
    replies: HashMap<u64, mpsc::Sender<Reply>>,
}

pub struct Session {
    child: Mutex<Child>,
    input: Mutex<Option<ChildStdin>>,
    waiting: Arc<Mutex<Waiting>>,
    next_id: AtomicU64,
    group: i32,
    budget: Arc<Budget>,
    sandboxed: bool,
    reader: Option<JoinHandle<()>>,
    stderr: Mutex<Option<BoundedReader>>,
}

/// The most a reply may carry: a test's kept output and answer.
const REPLY_BYTES: u64 = 256 << 20;
/// How much longer than a job's own timeout the grader waits for its answer
/// before it gives the whole session up.
const BACKSTOP: Duration = Duration::from_secs(10);

impl Session {
    pub fn start(spec: &SessionSpec, budget: Arc<Budget>) -> Result<Session> {
        let starting = Starting::begin();
        sandbox::warn_once();
        let exe_fd = own_binary()?;
        let sandbox = Sandbox {
            read_only: spec.read_only.clone(),
            writable: spec.writable.clone(),
            unprivileged: matches!(spec.kind, SessionKind::Run),
            tmp_bytes: spec.tmp_bytes,
            as_pid_1: true,
        };
        let user = sandbox::unprivileged_user(&sandbox);
        let mut inner = Command::new(format!("/proc/self/fd/{SUPERVISOR_FD}"));
        // Real-thread tests run on every CPU the grader has, though a batch
        // keeps the rest of this grading to some.
        inner.arg(supervisor::COMMAND).arg(unix::cpu_list(unix::machine_cpus())).env_clear().current_dir("/");
        let (mut command, sandboxed) = match sandbox::wrap(&inner, &sandbox, user.is_some()) {
            Some(wrapped) => (wrapped, true),
            None => (inner, false),
        };
        let user = user.filter(|_| sandboxed);
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        unix::lead_own_group(&mut command);
        let rlimits = unix::Rlimits { user, ..unix::Rlimits::default() };
        // Joining the control groups writes to their descriptors, so it comes
        // before descriptor 3 is taken for the supervisor's binary.
        unix::confine_child(&mut command, rlimits, budget.groups.join_fds());
        let supervisor_fd = exe_fd.as_raw_fd();
        // SAFETY: dup2 and fcntl only, between fork and exec.
        unsafe {
            command.pre_exec(move || {
                let placed = if supervisor_fd == SUPERVISOR_FD {
                    libc::fcntl(SUPERVISOR_FD, libc::F_SETFD, 0)
                } else {
                    libc::dup2(supervisor_fd, SUPERVISOR_FD)
                };
                if placed == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let spawned = command.spawn();
        drop(exe_fd);
        let mut child = match spawned {
            Ok(child) => {
                starting.listed(child.id() as i32);
                child
            }
            Err(error) => {
                drop(starting);
                return Err(error).context("cannot start the grader's supervisor");
            }
        };
        let group = child.id() as i32;
        let input = child.stdin.take();
        let stderr = read_bounded(child.stderr.take(), 64 * 1024, None);
        let waiting = Arc::new(Mutex::new(Waiting::default()));
        let reader = child.stdout.take().map(|mut stdout| {
            let waiting = Arc::clone(&waiting);
            std::thread::spawn(move || {
                while let Ok(Some((response, blobs))) = protocol::read_frame::<Response>(&mut stdout, REPLY_BYTES) {
                    let id = match &response {
                        Response::Ran { id, .. } | Response::Exported { id, .. } | Response::Failed { id, .. } => *id,
                    };
                    let sender = waiting.lock().ok().and_then(|mut waiting| waiting.replies.remove(&id));
                    if let Some(sender) = sender {
                        let _ = sender.send((response, blobs));
                    }
                }
                if let Ok(mut waiting) = waiting.lock() {
                    waiting.closed = true;
                    waiting.replies.clear();
                }
            })
        });
        Ok(Session {
            child: Mutex::new(child),
            input: Mutex::new(input),
            waiting,
            next_id: AtomicU64::new(0),
            group,
            budget,
            sandboxed,
            reader,
            stderr: Mutex::new(Some(stderr)),
        })
    }

    /// Whether this session runs inside bubblewrap.
    pub fn sandboxed(&self) -> bool {
        self.sandboxed
    }

    /// Runs `job` with `stdin`, its pieces one after another, as its input
    /// and returns what became of it.
    /// An error means the job could not be run at all.
    pub fn run(&self, job: Job, stdin: &[&[u8]]) -> Result<Finished, String> {
        let backstop = Duration::from_millis(job.timeout_ms) + GRACE + BACKSTOP;
        let program = job.program.display().to_string();
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        match self.ask(Request::Run { id, job: job.clone() }, id, &[stdin], backstop)? {
            (Response::Ran { ran, .. }, blobs) => {
                let mut blobs = blobs.into_iter();
                let mut take = |dropped: u64| Captured { bytes: blobs.next().unwrap_or_default(), dropped };
                let stdout = take(ran.stdout_dropped);
                let stderr = take(ran.stderr_dropped);
                let channel = take(ran.channel_dropped);
                let limit = ran.limit.or_else(|| self.limit_reached(&job, ran.exit, &stderr));
                Ok(Finished {
                    exit: ran.exit,
                    stdout,
                    stderr,
                    channel,
                    duration: Duration::from_millis(ran.duration_ms),
                    cpu: Duration::from_millis(ran.cpu_ms),
                    left_processes: ran.left_processes,
                    limit,
                    tasks: ran.tasks,
                })
            }
            (Response::Failed { error, .. }, _) => Err(error),
            _ => Err(format!("the supervisor gave an unexpected answer for `{program}`")),
        }
    }

    /// Copies `from`, a file inside the sandbox, to `to` outside it, when it
    /// is no larger than `max_bytes`.
    pub fn export(&self, from: &Path, to: &Path, max_bytes: u64) -> Result<u64, String> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let request = Request::Export { id, from: from.to_path_buf(), to: to.to_path_buf(), max_bytes };
        match self.ask(request, id, &[], BACKSTOP)? {
            (Response::Exported { result, .. }, _) => result,
            _ => Err("the supervisor gave an unexpected answer to an export".to_string()),
        }
    }

    fn ask(&self, request: Request, id: u64, blobs: &[&[&[u8]]], backstop: Duration) -> Result<Reply, String> {
        let (sender, receiver) = mpsc::channel();
        {
            let mut waiting = self.waiting.lock().map_err(|_| "the session is broken".to_string())?;
            if waiting.closed {
                return Err(self.stopped());
            }
            waiting.replies.insert(id, sender);
        }
        {
            let mut input = self.input.lock().map_err(|_| "the session is broken".to_string())?;
            let Some(input) = input.as_mut() else { return Err(self.stopped()) };
            if protocol::write_frame(input, &request, blobs).and_then(|()| input.flush()).is_err() {
                return Err(self.stopped());
            }
        }
        let reply = receiver.recv_timeout(backstop);
        if stopping() {
            // An outcome of a job stopped halfway must not reach a report (or a
            // batch's cache): the thread that stops the grader ends the process.
            wait_for_the_end();
        }
        match reply {
            Ok(reply) => Ok(reply),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                self.kill();
                Err("the grader's supervisor did not answer in time, so the grading's sandbox was stopped".to_string())
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(self.stopped()),
        }
    }

    /// Why no answer can come: the supervisor has ended, with its last words.
    fn stopped(&self) -> String {
        let said = self.stderr.lock().ok().and_then(|mut stderr| stderr.take()).map(BoundedReader::collect);
        let said = said.map(|said| said.text()).unwrap_or_default();
        match said.lines().rev().find(|line| !line.trim().is_empty()) {
            Some(line) => format!("the grader's sandbox stopped: {}", line.trim()),
            None => "the grader's sandbox stopped".to_string(),
        }
    }

    fn kill(&self) {
        unix::signal_group(self.group, libc::SIGKILL);
        self.budget.groups.kill_all();
    }

    /// The budget's cap a job ran into, when the supervisor could not tell:
    /// the kernel killed it for memory, or its spawns failed at the task cap.
    fn limit_reached(&self, job: &Job, exit: Exit, stderr: &Captured) -> Option<LimitHit> {
        if matches!(exit, Exit::Code(0) | Exit::TimedOut { .. }) {
            return None;
        }
        let reached = self.budget.groups.reached();
        let text = String::from_utf8_lossy(&stderr.bytes);
        if (exit == Exit::Signal(libc::SIGKILL) && (reached.memory || reached.memory_full)) || text.contains("memory allocation of") {
            let memory = if self.budget.caps_memory() { Some(self.budget.memory_bytes) } else { job.address_space };
            return Some(LimitHit::Memory(memory));
        }
        if reached.tasks || text.contains("failed to spawn thread") || text.contains("Resource temporarily unavailable") {
            let tasks = job.tasks.or(self.budget.groups.caps_threads().then_some(self.budget.tasks));
            return Some(LimitHit::Threads(tasks));
        }
        None
    }
}

/// Where the supervisor's binary is passed to the sandbox: a descriptor the
/// sandbox runs as `/proc/self/fd/3`, so the binary need not be reachable by
/// path (a root grader's sandbox runs as nobody, who cannot enter /root).
const SUPERVISOR_FD: i32 = 3;

/// The grader's own running binary, opened once: it stays the same binary
/// even if a newer grader is installed over it while a batch runs.
fn own_binary() -> Result<OwnedFd> {
    static OWN: std::sync::OnceLock<std::result::Result<OwnedFd, String>> = std::sync::OnceLock::new();
    let own = OWN.get_or_init(|| {
        std::fs::File::open("/proc/self/exe")
            .or_else(|_| std::fs::File::open(std::env::current_exe()?))
            .map(OwnedFd::from)
            .map_err(|error| format!("cannot open the grader's own binary to start its supervisor: {error}"))
    });
    match own {
        Ok(fd) => fd.try_clone().context("cannot open the grader's own binary to start its supervisor"),
        Err(why) => Err(anyhow::anyhow!("{why}")),
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Closing its input ends the supervisor; killing makes sure.
        if let Ok(mut input) = self.input.lock() {
            input.take();
        }
        if let Ok(mut child) = self.child.lock() {
            let waited = (0..50).any(|_| {
                let done = matches!(child.try_wait(), Ok(Some(_)));
                if !done {
                    std::thread::sleep(Duration::from_millis(2));
                }
                done
            });
            if !waited {
                unix::signal_group(self.group, libc::SIGKILL);
                let _ = child.wait();
            }
        }
        self.budget.groups.kill_all();
        unlist(self.group);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}
