//! Starting a job's first process without copying the supervisor.
//!
//! `fork` copies the page tables of the whole calling process, and the
//! supervisor holds the inputs of every test under way and a few threads a
//! test. Measured on the development machine, a fork and exec costs 2.7 ms
//! of CPU from a process of 100 MiB and 20 threads (8.3 ms at 300 MiB and
//! 40), against 0.35 ms for `posix_spawn` whatever the size. std's `Command`
//! forks as soon as the child must do anything `posix_spawn` cannot, and a
//! job's child must ask to be traced and set its limits. So this module does
//! what `posix_spawn` does inside: `clone` with `CLONE_VM | CLONE_VFORK`, the
//! child on a stack of its own, sharing the supervisor's memory (the calling
//! thread waits) until it calls `execve`. Until then the child makes only
//! system calls on data prepared before the `clone`: it allocates nothing,
//! takes no lock and returns nowhere.

use std::ffi::{CString, OsStr};
use std::io;
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::unix::{Limit, Rlimits};

/// One process to start.
pub struct Spawn<'a> {
    pub program: &'a Path,
    pub args: &'a [String],
    /// The whole environment of the process.
    pub env: &'a [(String, String)],
    pub cwd: &'a Path,
    /// What becomes the child's descriptors 0, 1, 2 and 3; `None` leaves one closed.
    pub fds: [Option<RawFd>; 4],
    /// Limits the child sets on itself; `user` is not supported here.
    pub rlimits: Rlimits,
    /// The child asks to be traced by the calling thread (`PTRACE_TRACEME`)
    /// and stops at its `execve`.
    pub traced: bool,
}

/// The child's stack: it only makes system calls.
const STACK_BYTES: usize = 64 * 1024;

/// Everything the child reads, made before the `clone`.
struct Context {
    program: *const libc::c_char,
    argv: *const *const libc::c_char,
    envp: *const *const libc::c_char,
    cwd: *const libc::c_char,
    fds: [RawFd; 4],
    limits: *const Limit,
    limit_count: usize,
    traced: bool,
    /// Written by the child when a step fails: its errno.
    error: i32,
}

/// Starts `spawn` and returns its process id. The child leads its own
/// process group and has no core dumps. An error is the step that failed in
/// the child (a program that cannot be run, a limit that cannot be set,
/// tracing refused: `EPERM`).
pub fn spawn(spawn: &Spawn) -> io::Result<i32> {
    let program = c_string(resolve(spawn.program, spawn.env).as_os_str())?;
    let mut argv_strings = vec![c_string(spawn.program.as_os_str())?];
    for arg in spawn.args {
        argv_strings.push(c_string(OsStr::new(arg))?);
    }
    let env_strings =
        spawn.env.iter().map(|(name, value)| c_string(OsStr::new(&format!("{name}={value}")))).collect::<io::Result<Vec<_>>>()?;
    let argv = pointers(&argv_strings);
    let envp = pointers(&env_strings);
    let cwd = c_string(spawn.cwd.as_os_str())?;
    let limits = spawn.rlimits.limits();
    let mut context = Context {
        program: program.as_ptr(),
        argv: argv.as_ptr(),
        envp: envp.as_ptr(),
        cwd: cwd.as_ptr(),
        fds: spawn.fds.map(|fd| fd.unwrap_or(-1)),
        limits: limits.as_ptr(),
        limit_count: limits.len(),
        traced: spawn.traced,
        error: 0,
    };
    let mut stack = vec![0u8; STACK_BYTES];
    // SAFETY: the stack's top, aligned down to 16 bytes as the ABI wants; the
    // stack outlives the child's use of it (CLONE_VFORK returns after execve).
    let top = unsafe { stack.as_mut_ptr().add(STACK_BYTES) };
    let top = (top as usize & !15) as *mut libc::c_void;
    // SAFETY: all signals are blocked in this thread across the clone, so no
    // handler of the supervisor's runs on the child's shared memory; the
    // child unblocks them just before execve. `context`, the strings and
    // limits it points to and the stack live until clone returns, which with
    // CLONE_VFORK is after the child's execve or _exit.
    let (pid, error) = unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
        let pid = libc::clone(
            child,
            top,
            libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
            (&mut context as *mut Context).cast::<libc::c_void>(),
        );
        let clone_error = io::Error::last_os_error();
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        if pid == -1 {
            return Err(clone_error);
        }
        (pid, std::ptr::read_volatile(&context.error))
    };
    drop(stack);
    if error != 0 {
        let mut status = 0;
        // SAFETY: reaps the child that failed before its execve.
        unsafe {
            libc::waitpid(pid, &mut status, 0);
        }
        return Err(io::Error::from_raw_os_error(error));
    }
    Ok(pid)
}

/// The child, between clone and execve: system calls only.
extern "C" fn child(context: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `context` is the parent's Context, alive and not touched by
    // the parent (its thread waits) until this child has exec'd or exited.
    unsafe {
        let context = &mut *context.cast::<Context>();
        let fail = |context: &mut Context| -> ! {
            context.error = (*libc::__errno_location()).max(1);
            libc::_exit(127)
        };
        // Ignored stays ignored across execve, and Rust's runtime ignores SIGPIPE.
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        if libc::setpgid(0, 0) == -1 {
            fail(context);
        }
        for (resource, limit) in std::slice::from_raw_parts(context.limits, context.limit_count) {
            if libc::setrlimit(*resource, limit) == -1 {
                fail(context);
            }
        }
        // 0, 1 and 2 first: their sources are never 0, 1 or 2 (the
        // supervisor's own), so the channel's source, if it is one of them,
        // is still open when it moves to 3.
        for target in 0..4 {
            let source = context.fds[target as usize];
            let placed = if source < 0 {
                libc::close(target);
                0
            } else if source == target {
                // dup2 onto itself would leave close-on-exec set.
                libc::fcntl(source, libc::F_SETFD, 0)
            } else {
                libc::dup2(source, target)
            };
            if placed == -1 {
                fail(context);
            }
        }
        if libc::chdir(context.cwd) == -1 {
            fail(context);
        }
        if context.traced && libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) == -1 {
            fail(context);
        }
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
        libc::execve(context.program, context.argv, context.envp);
        fail(context)
    }
}

fn c_string(text: &OsStr) -> io::Result<CString> {
    CString::new(text.as_bytes()).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in an argument"))
}

/// The strings' pointers, ending with a null one, as execve wants them.
fn pointers(strings: &[CString]) -> Vec<*const libc::c_char> {
    strings.iter().map(|string| string.as_ptr()).chain(std::iter::once(std::ptr::null())).collect()
}

/// A program named without a folder, looked up in the PATH it is given, as
/// `Command` would; a path as it is.
fn resolve(program: &Path, env: &[(String, String)]) -> PathBuf {
    if program.as_os_str().as_bytes().contains(&b'/') {
        return program.to_path_buf();
    }
    let path = env.iter().find(|(name, _)| name == "PATH").map_or("/usr/bin:/bin", |(_, value)| value.as_str());
    std::env::split_paths(path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file()).unwrap_or_else(|| program.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::fd::AsRawFd;

    fn wait(pid: i32) -> i32 {
        let mut status = 0;
        // SAFETY: waits for this test's own child.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        status
    }

    /// `program` in `cwd` with nothing else: no arguments, environment,
    /// descriptors or limits beyond no core dumps.
    fn bare<'a>(program: &'a str, cwd: &'a str) -> Spawn<'a> {
        Spawn {
            program: Path::new(program),
            args: &[],
            env: &[],
            cwd: Path::new(cwd),
            fds: [None; 4],
            rlimits: Rlimits::default(),
            traced: false,
        }
    }

    #[test]
    fn a_child_gets_its_arguments_environment_folder_descriptors_and_limits() {
        let (mut out, out_writer) = std::io::pipe().unwrap();
        let (mut channel, channel_writer) = std::io::pipe().unwrap();
        let script = "echo \"$1 $GREETING $(pwd)\"; ulimit -f; ulimit -c; echo answer >&3; echo \"$$ $(cut -d' ' -f5 /proc/$$/stat)\"";
        let args = ["-c".to_string(), script.to_string(), "sh".to_string(), "first".to_string()];
        let env = [("GREETING".to_string(), "hello".to_string()), ("PATH".to_string(), "/usr/bin:/bin".to_string())];
        let pid = spawn(&Spawn {
            program: Path::new("sh"),
            args: &args,
            env: &env,
            cwd: Path::new("/tmp"),
            fds: [None, Some(out_writer.as_raw_fd()), Some(out_writer.as_raw_fd()), Some(channel_writer.as_raw_fd())],
            rlimits: Rlimits { file_bytes: Some(1024 * 512), ..Rlimits::default() },
            traced: false,
        })
        .unwrap();
        drop((out_writer, channel_writer));
        let mut text = String::new();
        out.read_to_string(&mut text).unwrap();
        let mut answer = String::new();
        channel.read_to_string(&mut answer).unwrap();
        assert_eq!(wait(pid), 0);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "first hello /tmp", "{text}");
        assert_eq!(lines[1], "1024", "512 KiB are 1,024 blocks of 512 bytes: {text}");
        assert_eq!(lines[2], "0", "no core dumps: {text}");
        assert_eq!(answer, "answer\n");
        let ids: Vec<&str> = lines[3].split_whitespace().collect();
        assert_eq!(ids[0], ids[1], "the child leads its own process group: {text}");
    }

    #[test]
    fn a_program_that_cannot_run_is_an_error_not_a_child() {
        let error = spawn(&bare("/nonexistent/program", "/")).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        let error = spawn(&bare("/bin/true", "/nonexistent/folder")).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn sigpipe_is_the_default_again_in_the_child() {
        let (mut out, out_writer) = std::io::pipe().unwrap();
        let args = ["-c".to_string(), "grep SigIgn /proc/self/status".to_string()];
        let pid = spawn(&Spawn { args: &args, fds: [None, Some(out_writer.as_raw_fd()), None, None], ..bare("/bin/sh", "/") }).unwrap();
        drop(out_writer);
        let mut text = String::new();
        out.read_to_string(&mut text).unwrap();
        wait(pid);
        let ignored = u64::from_str_radix(text.split_whitespace().nth(1).unwrap(), 16).unwrap();
        assert_eq!(ignored & (1 << (libc::SIGPIPE - 1)), 0, "{text}");
    }
}
