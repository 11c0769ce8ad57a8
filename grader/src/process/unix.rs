//! The Unix calls behind the process module: process groups, signals, the
//! result channel's file descriptor, and CPU time read from /proc.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus};
use std::time::Duration;

use super::Exit;

pub fn lead_own_group(command: &mut Command) {
    command.process_group(0);
}

pub fn exit_of(status: ExitStatus) -> Exit {
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(signal)) => Exit::Signal(signal),
        (None, None) => Exit::Code(-1),
    }
}

pub fn signal_group(group: i32, signal: i32) {
    // SAFETY: sends a signal; the group is the child's own, created at spawn.
    unsafe {
        libc::killpg(group, signal);
    }
}

/// Whether any process of the group is still running. A zombie does not
/// count: where PID 1 does not reap orphans (a bare container), bubblewrap's
/// helper lingers as one after the test has ended.
pub fn group_alive(group: i32) -> bool {
    // SAFETY: signal 0 only checks that the group exists.
    if unsafe { libc::killpg(group, 0) } != 0 {
        return false;
    }
    let Ok(entries) = std::fs::read_dir("/proc") else { return true };
    entries.flatten().any(|entry| {
        let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<i32>().ok()) else { return false };
        matches!(state_and_group(pid), Some((state, pgrp)) if pgrp == group && state != 'Z')
    })
}

/// A process's state letter and process group, from /proc.
fn state_and_group(pid: i32) -> Option<(char, i32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let pgrp = fields.nth(1)?.parse().ok()?;
    Some((state, pgrp))
}

/// The CPU time (user and system, all threads) a process has used so far.
pub fn cpu_time(pid: i32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (per_second > 0).then(|| Duration::from_secs_f64(ticks as f64 / per_second as f64))
}

/// CPU time (user and system) of the grader itself and of every process it
/// has waited for so far: stage by stage, where a grading spends its CPU.
pub fn cpu_used() -> Duration {
    let of = |who| {
        // SAFETY: getrusage only fills the struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut usage) } != 0 {
            return Duration::ZERO;
        }
        let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        time(usage.ru_utime) + time(usage.ru_stime)
    };
    of(libc::RUSAGE_SELF) + of(libc::RUSAGE_CHILDREN)
}

pub fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGSEGV => "SIGSEGV (segmentation fault)",
        libc::SIGABRT => "SIGABRT (abort)",
        libc::SIGKILL => "SIGKILL (killed)",
        libc::SIGBUS => "SIGBUS (bus error)",
        libc::SIGFPE => "SIGFPE (arithmetic error)",
        libc::SIGILL => "SIGILL (illegal instruction)",
        libc::SIGTERM => "SIGTERM (terminated)",
        libc::SIGXCPU => "SIGXCPU (CPU time limit)",
        libc::SIGXFSZ => "SIGXFSZ (file size limit)",
        libc::SIGPIPE => "SIGPIPE (broken pipe)",
        _ => "a signal",
    }
}

/// Resource limits set on the child between fork and exec, and the user it
/// becomes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rlimits {
    pub address_space: Option<u64>,
    pub cpu_secs: Option<u64>,
    pub file_bytes: Option<u64>,
    /// A root grader's child gives up root for this user (and its group).
    pub user: Option<u32>,
}

/// One resource limit a child sets on itself.
pub type Limit = (libc::__rlimit_resource_t, libc::rlimit);

impl Rlimits {
    /// The limits a child sets, no core dumps first; made before fork or
    /// clone, so the child only walks the list.
    pub fn limits(&self) -> Vec<Limit> {
        let limit = |resource, soft: u64, hard: u64| {
            (resource, libc::rlimit { rlim_cur: soft as libc::rlim_t, rlim_max: hard as libc::rlim_t })
        };
        let mut limits = vec![limit(libc::RLIMIT_CORE, 0, 0)];
        if let Some(bytes) = self.address_space {
            limits.push(limit(libc::RLIMIT_AS, bytes, bytes));
        }
        if let Some(secs) = self.cpu_secs {
            // SIGXCPU at the limit, which names it; with the hard limit
            // equal, the kernel sends SIGKILL instead, which names nothing.
            limits.push(limit(libc::RLIMIT_CPU, secs, secs.saturating_add(1)));
        }
        if let Some(bytes) = self.file_bytes {
            limits.push(limit(libc::RLIMIT_FSIZE, bytes, bytes));
        }
        limits
    }
}

/// Sets `rlimits` (and no core dumps) in the child, joins the control groups
/// whose `cgroup.procs` are open as `cgroup_fds`, then becomes `rlimits.user`.
pub fn confine_child(command: &mut Command, rlimits: Rlimits, cgroup_fds: Vec<i32>) {
    let limits = rlimits.limits();
    // SAFETY: only async-signal-safe calls (setrlimit, write) between fork and exec.
    unsafe {
        command.pre_exec(move || {
            for (resource, limit) in &limits {
                if libc::setrlimit(*resource, limit) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            super::cgroup::join_in_child(&cgroup_fds)?;
            if let Some(user) = rlimits.user {
                become_user(user)?;
            }
            Ok(())
        });
    }
}

/// The CPUs the calling thread may run on, by number.
fn allowed_cpus() -> std::io::Result<Vec<usize>> {
    // SAFETY: an all-zero cpu_set_t is the empty set.
    let mut allowed: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: the kernel fills the set it is given, of the size it is told.
    if unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut allowed) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: CPU_ISSET reads a bit of the set, within CPU_SETSIZE.
    Ok((0..libc::CPU_SETSIZE as usize).filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &allowed) }).collect())
}

/// The CPUs this process may use, as its first thread to ask found them: the
/// grader asks before a batch keeps to fewer, the supervisor before a job's
/// thread keeps to one.
pub fn machine_cpus() -> &'static [usize] {
    static CPUS: std::sync::OnceLock<Vec<usize>> = std::sync::OnceLock::new();
    CPUS.get_or_init(|| allowed_cpus().unwrap_or_default())
}

/// `0,1,3`: a list of CPUs as the supervisor's argument.
pub fn cpu_list(cpus: &[usize]) -> String {
    cpus.iter().map(usize::to_string).collect::<Vec<_>>().join(",")
}

/// The CPUs of a list `cpu_list` wrote; none of a malformed one.
pub fn parse_cpu_list(list: &str) -> Vec<usize> {
    list.split(',').map(str::parse).collect::<Result<Vec<usize>, _>>().unwrap_or_default()
}

/// Keeps the calling thread, and every thread and process it starts from now
/// on, to `cpus`. A process below may widen its own set again; that gains it
/// nothing but the CPU time it would have had anyway.
pub fn keep_thread_to(cpus: &[usize]) -> std::io::Result<()> {
    keep_task_to(0, cpus)
}

/// Keeps every thread of this process, and every thread and process they
/// start from now on, to `cpus`.
pub fn keep_process_to(cpus: &[usize]) -> std::io::Result<()> {
    for task in std::fs::read_dir("/proc/self/task")?.flatten() {
        if let Some(tid) = task.file_name().to_str().and_then(|name| name.parse::<i32>().ok()) {
            keep_task_to(tid, cpus)?;
        }
    }
    Ok(())
}

/// Keeps thread `tid` (0: the calling one), and every thread and process it
/// starts from now on, to `cpus`.
pub fn keep_task_to(tid: i32, cpus: &[usize]) -> std::io::Result<()> {
    // SAFETY: an all-zero cpu_set_t is the empty set.
    let mut kept: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for &cpu in cpus.iter().filter(|&&cpu| cpu < libc::CPU_SETSIZE as usize) {
        // SAFETY: CPU_SET writes a bit within CPU_SETSIZE.
        unsafe { libc::CPU_SET(cpu, &mut kept) };
    }
    // SAFETY: sets the CPUs of a thread of this process or a child of it, from a set of the size it is told.
    if unsafe { libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &kept) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Drops root for `user`: no supplementary groups, its group and its uid, for
/// good. Only async-signal-safe calls: it runs between fork and exec.
pub fn become_user(user: u32) -> std::io::Result<()> {
    // SAFETY: plain system calls on the calling process's credentials.
    let failed = unsafe { libc::setgroups(0, std::ptr::null()) == -1 || libc::setgid(user) == -1 || libc::setuid(user) == -1 };
    if failed { Err(std::io::Error::last_os_error()) } else { Ok(()) }
}

/// The CPU time of `pid` and every process below it: a sandboxed child's own
/// process is bwrap, which does nothing but wait.
pub fn tree_cpu_time(pid: i32) -> Option<Duration> {
    let mut total = cpu_time(pid)?;
    let mut pending = children(pid);
    let mut seen = 0;
    while let Some(child) = pending.pop() {
        seen += 1;
        if seen > 10_000 {
            break;
        }
        total += cpu_time(child).unwrap_or_default();
        pending.extend(children(child));
    }
    Some(total)
}

fn children(pid: i32) -> Vec<i32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Vec::new() };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|list| list.split_whitespace().filter_map(|pid| pid.parse().ok()).collect::<Vec<i32>>())
        .collect()
}
