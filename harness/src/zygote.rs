//! The fork server: one harness process that starts the tests of a grading
//! by `fork` instead of each test starting a program of its own.
//!
//! Starting a program costs about 0.8 ms of CPU here, most of it the loader
//! and the C library finding out the CPU; a `fork` of this small process
//! costs about 0.1. The supervisor starts the harness once with a socket as
//! its stdin; [`serve`] then waits for requests on it. Each request carries
//! the test's four descriptors (stdin, stdout, stderr and the result
//! channel) and the limits the test runs under. The server forks, answers
//! with the child's process id, and waits for the next one; the child sets
//! itself up and returns to [`crate::run`] as a test started the ordinary
//! way would, reading its case on stdin.
//!
//! No student code ever runs in the server itself: it only forks. Each test
//! is therefore a copy of the same untouched process, with statics and
//! thread-locals as a fresh start has them, and nothing one test does
//! reaches the next. The server is not dumpable, so a test (same user) can
//! neither trace it nor open its memory or its descriptors through /proc; a
//! test may kill it, which costs only the start of a new one. The child
//! becomes dumpable again, and tells the server once its set-up is done,
//! before the supervisor starts tracing it; it reads its case only after.

use std::ffi::c_void;

unsafe extern "C" {
    fn recvmsg(fd: i32, message: *mut MessageHeader, flags: i32) -> isize;
    fn send(fd: i32, buffer: *const c_void, length: usize, flags: i32) -> isize;
    fn getsockopt(fd: i32, level: i32, name: i32, value: *mut c_void, length: *mut u32) -> i32;
    fn fork() -> i32;
    fn pipe2(fds: *mut i32, flags: i32) -> i32;
    fn read(fd: i32, buffer: *mut c_void, count: usize) -> isize;
    fn write(fd: i32, buffer: *const c_void, count: usize) -> isize;
    fn close(fd: i32) -> i32;
    fn dup2(old: i32, new: i32) -> i32;
    fn setpgid(pid: i32, group: i32) -> i32;
    fn setrlimit(resource: i32, limit: *const [u64; 2]) -> i32;
    fn prctl(option: i32, arg2: u64, arg3: u64, arg4: u64, arg5: u64) -> i32;
    fn waitpid(pid: i32, status: *mut i32, options: i32) -> i32;
    fn syscall(number: i64, ...) -> i64;
    fn _exit(status: i32) -> !;
    fn __errno_location() -> *mut i32;
}

/// `struct msghdr` of 64-bit Linux.
#[repr(C)]
struct MessageHeader {
    name: *mut c_void,
    name_length: u32,
    io: *mut IoVector,
    io_length: usize,
    control: *mut c_void,
    control_length: usize,
    flags: i32,
}

/// Room for one control message, aligned as `struct cmsghdr` wants.
#[repr(C, align(8))]
struct Control([u8; CONTROL_BYTES]);

#[repr(C)]
struct IoVector {
    base: *mut c_void,
    length: usize,
}

const SOL_SOCKET: i32 = 1;
const SO_TYPE: i32 = 3;
const SCM_RIGHTS: i32 = 1;
const O_CLOEXEC: i32 = 0o2000000;
const PR_SET_DUMPABLE: i32 = 4;
const WNOHANG: i32 = 1;
const SYS_CLOSE_RANGE: i64 = 436;

/// The descriptors a request carries, in the order they become 0, 1, 2, 3.
const FDS: usize = 4;
/// `CMSG_SPACE(4 * sizeof(int))`: a 16-byte header and 16 bytes of descriptors.
const CONTROL_BYTES: usize = 32;
/// A request's data: a count, then at most this many limits of (resource, soft, hard).
const MAX_LIMITS: usize = 8;
const REQUEST_BYTES: usize = 8 + MAX_LIMITS * 24;

/// Whether this process was started as a fork server: its stdin is a socket.
pub fn started_as_server() -> bool {
    let mut kind = 0i32;
    let mut length = 4u32;
    // SAFETY: getsockopt writes at most `length` bytes into `kind`.
    unsafe { getsockopt(0, SOL_SOCKET, SO_TYPE, (&mut kind as *mut i32).cast(), &mut length) == 0 }
}

fn errno() -> i32 {
    // SAFETY: the calling thread's errno.
    unsafe { *__errno_location() }.max(1)
}

/// Serves fork requests on stdin until the supervisor closes it. Returns
/// only in a child, set up as the test the request asked for.
pub fn serve() {
    // SAFETY: a call on this process's own state.
    unsafe { prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) };
    loop {
        // The tests that have ended since the last request: the supervisor,
        // which traces each, has heard of its end first. Waiting for them
        // also adds their CPU time to this process's, and so to the grading's.
        reap();
        let Some((fds, limits)) = receive() else {
            reap();
            // SAFETY: the supervisor is done or spoke out of turn: end at once.
            unsafe { _exit(0) }
        };
        let answer = match start(&fds, &limits) {
            Started::Child => return,
            Started::Parent(answer) => answer,
        };
        for fd in fds {
            // SAFETY: closes the server's copies of the descriptors it was sent.
            unsafe { close(fd) };
        }
        let bytes = answer.to_le_bytes();
        // SAFETY: sends four bytes from a live buffer.
        if unsafe { send(0, bytes.as_ptr().cast(), bytes.len(), 0) } != bytes.len() as isize {
            // SAFETY: as above.
            unsafe { _exit(0) }
        }
    }
}

/// Waits for every child that has ended, without blocking.
fn reap() {
    // SAFETY: waits for this process's own children.
    while unsafe { waitpid(-1, std::ptr::null_mut(), WNOHANG) } > 0 {}
}

/// A resource limit as setrlimit takes it: the resource, then soft and hard.
type Limit = (i32, [u64; 2]);

/// One request: the test's four descriptors and its limits.
fn receive() -> Option<([i32; FDS], Vec<Limit>)> {
    let mut data = [0u8; REQUEST_BYTES];
    let mut control = Control([0; CONTROL_BYTES]);
    let mut io = IoVector { base: data.as_mut_ptr().cast(), length: data.len() };
    let mut header = MessageHeader {
        name: std::ptr::null_mut(),
        name_length: 0,
        io: &mut io,
        io_length: 1,
        control: control.0.as_mut_ptr().cast(),
        control_length: CONTROL_BYTES,
        flags: 0,
    };
    // SAFETY: the header points at live buffers of the sizes it gives.
    let received = unsafe { recvmsg(0, &mut header, 0) };
    if received < 8 {
        return None;
    }
    // The control message: cmsg_len (8 bytes), level, type, then the descriptors.
    let words = &control.0;
    let length = u64::from_le_bytes(words[0..8].try_into().ok()?) as usize;
    let level = i32::from_le_bytes(words[8..12].try_into().ok()?);
    let kind = i32::from_le_bytes(words[12..16].try_into().ok()?);
    if header.control_length < CONTROL_BYTES || level != SOL_SOCKET || kind != SCM_RIGHTS || length != 16 + 4 * FDS {
        return None;
    }
    let mut fds = [0i32; FDS];
    for (index, fd) in fds.iter_mut().enumerate() {
        *fd = i32::from_le_bytes(words[16 + 4 * index..20 + 4 * index].try_into().ok()?);
    }
    let data = &data[..received as usize];
    let count = u64::from_le_bytes(data[0..8].try_into().ok()?) as usize;
    if count > MAX_LIMITS || data.len() != 8 + 24 * count {
        return None;
    }
    let limits = data[8..]
        .chunks_exact(24)
        .map(|chunk| {
            let word = |at: usize| u64::from_le_bytes(chunk[at..at + 8].try_into().unwrap_or_default());
            (word(0) as i32, [word(8), word(16)])
        })
        .collect();
    Some((fds, limits))
}

enum Started {
    Child,
    /// The child's process id, or minus the error that stopped its set-up.
    Parent(i32),
}

/// Forks the test. The child sets itself up, says so on a pipe, and
/// returns; the parent waits for that word and gives the answer.
fn start(fds: &[i32; FDS], limits: &[Limit]) -> Started {
    let mut ready = [0i32; 2];
    // SAFETY: pipe2 fills the two descriptors.
    if unsafe { pipe2(ready.as_mut_ptr(), O_CLOEXEC) } != 0 {
        return Started::Parent(-errno());
    }
    // SAFETY: the server has one thread, so the child may go on as a whole process.
    let pid = unsafe { fork() };
    if pid == 0 {
        let word = match set_up(fds, limits) {
            Ok(()) => 0i32,
            Err(error) => error,
        };
        // SAFETY: writes four bytes to the pipe the parent reads.
        unsafe {
            write(ready[1], word.to_le_bytes().as_ptr().cast(), 4);
            if word != 0 {
                _exit(127);
            }
        }
        close_above_channel();
        return Started::Child;
    }
    let error = errno();
    let mut word = [0u8; 4];
    // SAFETY: closes this side's write end, then reads the child's word.
    let got = unsafe {
        close(ready[1]);
        let got = if pid > 0 { read(ready[0], word.as_mut_ptr().cast(), 4) } else { 0 };
        close(ready[0]);
        got
    };
    Started::Parent(match (pid, got) {
        (-1, _) => -error,
        (_, 4) if i32::from_le_bytes(word) != 0 => -i32::from_le_bytes(word),
        (_, 4) => pid,
        // The child died before its word: killed from outside.
        _ => -4,
    })
}

/// The child's set-up, before any student code runs: its descriptors, its
/// own process group, its limits, and dumpable again so that the supervisor
/// may trace it.
fn set_up(fds: &[i32; FDS], limits: &[Limit]) -> Result<(), i32> {
    // SAFETY: calls on this process's own descriptors and attributes.
    unsafe {
        // Received descriptors are 3 or above (0, 1 and 2 are open), so
        // only the last target can hold one still to be moved, and it is last.
        for (target, &fd) in fds.iter().enumerate() {
            if dup2(fd, target as i32) == -1 {
                return Err(errno());
            }
        }
        if setpgid(0, 0) == -1 {
            return Err(errno());
        }
        for (resource, limit) in limits {
            if setrlimit(*resource, limit) == -1 {
                return Err(errno());
            }
        }
        if prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == -1 {
            return Err(errno());
        }
    }
    Ok(())
}

/// Closes every descriptor above the result channel: the server's copies,
/// the ready pipe, and whatever else the server held.
fn close_above_channel() {
    // SAFETY: close_range on this process's own descriptors; on a kernel
    // without it, each is closed in turn.
    unsafe {
        if syscall(SYS_CLOSE_RANGE, 4u32, u32::MAX, 0u32) != 0 {
            for fd in 4..1024 {
                close(fd);
            }
        }
    }
}
