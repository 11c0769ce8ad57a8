//! The supervisor's side of the harness's fork server (harness/src/zygote.rs).
//!
//! A test program started afresh pays the loader and the C library's start-up
//! each time, about 0.8 ms of CPU; the tests of one grading all run the same
//! program. So the supervisor starts each harness program once, as a fork
//! server with a socket for its stdin, and asks it for a fork per test,
//! sending the test's four descriptors and its limits. The child is set up
//! before any student code runs and waits for its case on stdin; the
//! calling thread then traces it (`PTRACE_SEIZE`) before writing that case,
//! so it is watched from its first student instruction, as a test started
//! with `PTRACE_TRACEME` is.
//!
//! A test may kill or stop its server (same user). The test that finds its
//! server gone, or silent for two seconds, is started the ordinary way, and
//! so are the program's tests after it; so is every test where the kernel
//! does not let the supervisor trace a child that is not its own.

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::sync::{Mutex, mpsc};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::protocol::Job;
use super::spawn::{self, Spawn};
use super::unix::{Limit, Rlimits};

/// Set when a fork could not be traced: from then on every test is started
/// the ordinary way, which finds out for itself whether tracing works.
static OFF: AtomicBool = AtomicBool::new(false);

/// A running server: the supervisor's end of its socket.
struct Server {
    socket: OwnedFd,
    pid: i32,
}

impl Server {
    /// Ends the server and waits for it, which adds the CPU time of the
    /// tests it waited for to the supervisor's. A server told to end by its
    /// socket's close ends at once, unless a test stopped or killed it;
    /// after `grace` it is killed.
    fn end(self, grace: Duration) {
        // SAFETY: shuts this side of the socket, then waits for (and if
        // need be kills) the server this supervisor started.
        unsafe {
            libc::shutdown(self.socket.as_raw_fd(), libc::SHUT_RDWR);
            let until = Instant::now() + grace;
            while libc::waitpid(self.pid, std::ptr::null_mut(), libc::WNOHANG) == 0 {
                if Instant::now() >= until {
                    libc::kill(self.pid, libc::SIGKILL);
                    libc::waitpid(self.pid, std::ptr::null_mut(), 0);
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }
}

/// Ends every server, when the supervisor is done.
pub fn end_all() {
    let servers = SERVERS.lock().ok().and_then(|mut servers| servers.take()).unwrap_or_default();
    for server in servers.into_values().flatten() {
        server.end(Duration::from_secs(1));
    }
}

/// How long a server may take to answer a request: a fork and a child's
/// set-up take well under a millisecond.
const ANSWER_SECS: libc::time_t = 2;

/// What starts a server: the program, its arguments, environment and folder.
type Key = (PathBuf, Vec<String>, Vec<(String, String)>, PathBuf);

/// The servers by program, None for a program whose server failed. One
/// lock for all: a fork takes a tenth of a millisecond, and a server
/// answers one request at a time.
static SERVERS: Mutex<Option<HashMap<Key, Option<Server>>>> = Mutex::new(None);

/// Whether `job` is to be forked by a server.
pub fn wanted(job: &Job) -> bool {
    job.fork_server && job.channel_bytes.is_some() && !OFF.load(Ordering::SeqCst)
}

/// Forks `job` from its program's server with `fds` as its 0, 1, 2 and 3
/// and `rlimits` set, and traces it from the calling thread with `options`.
/// Returns its process id. An error means the test is to be started the
/// ordinary way.
pub fn start(job: &Job, fds: [RawFd; 4], rlimits: Rlimits, options: libc::c_int) -> io::Result<i32> {
    let limits = rlimits.limits();
    let pid = fork(job, fds, &limits)?;
    // SAFETY: PTRACE_SEIZE of the new child, which waits for its case and
    // so has run no student code yet; it is this supervisor's grandchild.
    if unsafe { libc::ptrace(libc::PTRACE_SEIZE, pid, 0, options as libc::c_ulong) } == -1 {
        let error = io::Error::last_os_error();
        OFF.store(true, Ordering::SeqCst);
        // SAFETY: kills the child that could not be traced; its server reaps it.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
        return Err(error);
    }
    Ok(pid)
}

fn fork(job: &Job, fds: [RawFd; 4], limits: &[Limit]) -> io::Result<i32> {
    let key: Key = (job.program.clone(), job.args.clone(), job.env.clone(), job.cwd.clone());
    let mut servers = SERVERS.lock().map_err(|_| io::Error::other("the fork servers' lock is poisoned"))?;
    let servers = servers.get_or_insert_with(HashMap::new);
    if !servers.contains_key(&key) {
        servers.insert(key.clone(), Some(launch(job)?));
    }
    // None: its server was stopped or killed before, so not again.
    let Some(Some(server)) = servers.get(&key) else {
        return Err(io::Error::other("this program's fork server failed"));
    };
    match request(server, fds, limits) {
        Ok(answer) if answer > 0 => Ok(answer),
        // The server forked, but the child could not set itself up.
        Ok(answer) => Err(io::Error::from_raw_os_error(-answer)),
        Err(error) => {
            // The server is gone or stopped, by a test most likely, which
            // could do it again: this program's tests are started the
            // ordinary way from now on.
            if let Some(Some(server)) = servers.insert(key, None) {
                server.end(Duration::ZERO);
            }
            Err(error)
        }
    }
}

/// Starts `job`'s program as a server, from one thread kept for that.
///
/// A server is the child of the thread that starts it. A job's thread waits
/// for "any of its own" children and tracees until its tracees are gone,
/// and a server among them, which never ends, would make that wait block
/// for good where it should find none left.
fn launch(job: &Job) -> io::Result<Server> {
    type Launch = (Job, mpsc::Sender<io::Result<Server>>);
    static LAUNCHER: Mutex<Option<mpsc::Sender<Launch>>> = Mutex::new(None);
    let launcher = {
        let mut launcher = LAUNCHER.lock().map_err(|_| io::Error::other("the fork servers' launcher is poisoned"))?;
        launcher
            .get_or_insert_with(|| {
                let (sender, requests) = mpsc::channel::<Launch>();
                std::thread::spawn(move || {
                    for (job, reply) in requests {
                        let _ = reply.send(start_server(&job));
                    }
                });
                sender
            })
            .clone()
    };
    let (reply, answer) = mpsc::channel();
    launcher.send((job.clone(), reply)).map_err(|_| io::Error::other("the fork servers' launcher has ended"))?;
    answer.recv().map_err(|_| io::Error::other("the fork servers' launcher has ended"))?
}

/// Starts `job`'s program as a server, untraced, with a socket as its stdin.
fn start_server(job: &Job) -> io::Result<Server> {
    let mut pair = [0 as RawFd; 2];
    // SAFETY: socketpair fills the two descriptors.
    if unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0, pair.as_mut_ptr()) } == -1 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors are new and owned here.
    let (ours, theirs) = unsafe { (OwnedFd::from_raw_fd(pair[0]), OwnedFd::from_raw_fd(pair[1])) };
    // A server a test has stopped must not hold up the grading: its
    // answer is awaited this long, then it is replaced.
    let timeout = libc::timeval { tv_sec: ANSWER_SECS, tv_usec: 0 };
    for option in [libc::SO_RCVTIMEO, libc::SO_SNDTIMEO] {
        // SAFETY: sets a socket option from a live timeval.
        unsafe {
            libc::setsockopt(
                ours.as_raw_fd(),
                libc::SOL_SOCKET,
                option,
                (&timeout as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            );
        }
    }
    let pid = spawn::spawn(&Spawn {
        program: &job.program,
        args: &job.args,
        env: &job.env,
        cwd: &job.cwd,
        fds: [Some(theirs.as_raw_fd()), None, None, None],
        rlimits: Rlimits::default(),
        traced: false,
    })?;
    Ok(Server { socket: ours, pid })
}

/// Sends one request and reads the answer: the child's id, or minus an error.
fn request(server: &Server, fds: [RawFd; 4], limits: &[Limit]) -> io::Result<i32> {
    let mut data = Vec::with_capacity(8 + 24 * limits.len());
    data.extend_from_slice(&(limits.len() as u64).to_le_bytes());
    for (resource, limit) in limits {
        data.extend_from_slice(&(*resource as u64).to_le_bytes());
        data.extend_from_slice(&limit.rlim_cur.to_le_bytes());
        data.extend_from_slice(&limit.rlim_max.to_le_bytes());
    }
    let fd_bytes = std::mem::size_of_val(&fds) as u32;
    // SAFETY: CMSG_SPACE only computes a size.
    let space = unsafe { libc::CMSG_SPACE(fd_bytes) } as usize;
    let mut control = vec![0u64; space.div_ceil(8)];
    let mut io = libc::iovec { iov_base: data.as_mut_ptr().cast(), iov_len: data.len() };
    // SAFETY: msghdr is plain data; every pointer set below is to a live buffer.
    let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
    header.msg_iov = &mut io;
    header.msg_iovlen = 1;
    header.msg_control = control.as_mut_ptr().cast();
    header.msg_controllen = space as _;
    // SAFETY: the control buffer holds one message of CMSG_SPACE(fd_bytes),
    // filled through the CMSG macros within it.
    unsafe {
        let message = libc::CMSG_FIRSTHDR(&header);
        (*message).cmsg_level = libc::SOL_SOCKET;
        (*message).cmsg_type = libc::SCM_RIGHTS;
        (*message).cmsg_len = libc::CMSG_LEN(fd_bytes) as _;
        std::ptr::copy_nonoverlapping(fds.as_ptr(), libc::CMSG_DATA(message).cast::<RawFd>(), fds.len());
        if libc::sendmsg(server.socket.as_raw_fd(), &header, libc::MSG_NOSIGNAL) != data.len() as isize {
            return Err(io::Error::last_os_error());
        }
    }
    let mut answer = [0u8; 4];
    // SAFETY: reads at most four bytes into a live buffer.
    let got = unsafe { libc::recv(server.socket.as_raw_fd(), answer.as_mut_ptr().cast(), answer.len(), 0) };
    if got != 4 {
        return Err(io::Error::new(io::ErrorKind::BrokenPipe, "the fork server ended"));
    }
    Ok(i32::from_le_bytes(answer))
}
