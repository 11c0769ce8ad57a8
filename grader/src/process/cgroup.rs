//! Control groups (v1) that cap one child's memory and its number of threads
//! and processes, and tell afterwards whether it hit either cap.
//!
//! Each child gets a fresh group under the grader's own (`pids` and `memory`
//! hierarchies), joined between fork and exec so that nothing runs before it
//! is capped, and removed when the child is done, after killing anything left
//! in it. Where the hierarchies are missing or not writable (cgroup v2
//! without delegation, a Mac, an unprivileged user) nothing is created and
//! [`missing`] says so: memory then falls back to RLIMIT_AS.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The grader's own group in each hierarchy it can use.
struct Hierarchies {
    pids: Option<PathBuf>,
    memory: Option<PathBuf>,
}

fn hierarchies() -> &'static Hierarchies {
    static HIERARCHIES: OnceLock<Hierarchies> = OnceLock::new();
    HIERARCHIES.get_or_init(|| Hierarchies { pids: usable("pids"), memory: usable("memory") })
}

/// The grader's group in the v1 hierarchy `controller`, if a child group can be made there.
fn usable(controller: &str) -> Option<PathBuf> {
    let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = own.lines().find_map(|line| {
        let mut fields = line.splitn(3, ':');
        let (_, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
        controllers.split(',').any(|name| name == controller).then(|| path.trim_start_matches('/').to_string())
    })?;
    let base = Path::new("/sys/fs/cgroup").join(controller).join(path);
    let probe = base.join(format!("grader-probe-{}", std::process::id()));
    std::fs::create_dir(&probe).ok()?;
    let _ = std::fs::remove_dir(&probe);
    Some(base)
}

/// What cannot be capped on this machine, in words.
pub fn missing() -> Vec<String> {
    let hierarchies = hierarchies();
    let mut missing = Vec::new();
    if hierarchies.pids.is_none() {
        missing.push("no pids control group could be made, so threads and processes were not capped".to_string());
    }
    if hierarchies.memory.is_none() {
        missing.push("no memory control group could be made, so memory was capped by address space (RLIMIT_AS) only".to_string());
    }
    missing
}

/// One child's groups; dropping it kills what is left in them and removes them.
pub struct Groups {
    dirs: Vec<PathBuf>,
    /// `cgroup.procs` of each group, open for the child to join between fork and exec.
    procs: Vec<OwnedFd>,
    memory: Option<PathBuf>,
    pids: Option<PathBuf>,
}

/// Which cap a child reached.
#[derive(Debug, Default, Clone, Copy)]
pub struct Reached {
    /// The kernel killed a process of the group for memory.
    pub memory: bool,
    /// The group's memory was full at some point.
    pub memory_full: bool,
    pub tasks: bool,
}

static NEXT: AtomicU64 = AtomicU64::new(0);

/// Fresh groups with these caps, as far as this machine allows.
pub fn create(memory_bytes: Option<u64>, tasks: Option<u64>) -> Groups {
    let hierarchies = hierarchies();
    let name = format!("grader-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let mut groups = Groups { dirs: Vec::new(), procs: Vec::new(), memory: None, pids: None };
    if let (Some(base), Some(tasks)) = (&hierarchies.pids, tasks) {
        groups.pids = groups.make(base, &name, &[("pids.max", tasks)]);
    }
    if let (Some(base), Some(bytes)) = (&hierarchies.memory, memory_bytes) {
        // The swap cap exists only with swap accounting; without it swap is simply not counted.
        groups.memory = groups.make(base, &name, &[("memory.limit_in_bytes", bytes), ("memory.memsw.limit_in_bytes", bytes)]);
    }
    groups
}

impl Groups {
    fn make(&mut self, base: &Path, name: &str, settings: &[(&str, u64)]) -> Option<PathBuf> {
        let dir = base.join(name);
        std::fs::create_dir(&dir).ok()?;
        self.dirs.push(dir.clone());
        // The first setting is the cap itself and must hold; the others are best effort.
        for (index, (file, value)) in settings.iter().enumerate() {
            if std::fs::write(dir.join(file), value.to_string()).is_err() && index == 0 {
                return None;
            }
        }
        let procs = std::fs::OpenOptions::new().write(true).open(dir.join("cgroup.procs")).ok()?;
        self.procs.push(procs.into());
        Some(dir)
    }

    /// Raw descriptors of `cgroup.procs` files, for the child to write "0" to.
    pub fn join_fds(&self) -> Vec<i32> {
        self.procs.iter().map(AsRawFd::as_raw_fd).collect()
    }

    pub fn caps_threads(&self) -> bool {
        self.pids.is_some()
    }

    pub fn caps_memory(&self) -> bool {
        self.memory.is_some()
    }

    /// Which caps the child ran into.
    pub fn reached(&self) -> Reached {
        let counter = |dir: &Option<PathBuf>, file: &str, key: &str| {
            let text = dir.as_ref().and_then(|dir| std::fs::read_to_string(dir.join(file)).ok()).unwrap_or_default();
            text.lines().filter_map(|line| line.strip_prefix(key)).any(|count| count.trim().parse::<u64>().is_ok_and(|n| n > 0))
        };
        Reached {
            memory: counter(&self.memory, "memory.oom_control", "oom_kill "),
            memory_full: counter(&self.memory, "memory.failcnt", ""),
            tasks: counter(&self.pids, "pids.events", "max "),
        }
    }

    /// Kills every process still in the groups.
    pub fn kill_all(&self) {
        for _ in 0..50 {
            let mut any = false;
            for dir in &self.dirs {
                let listed = std::fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
                for pid in listed.lines().filter_map(|line| line.trim().parse::<i32>().ok()) {
                    any = true;
                    // SAFETY: sends a signal to a process that is in the child's own group.
                    unsafe {
                        libc::kill(pid, libc::SIGKILL);
                    }
                }
            }
            if !any {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }
}

impl Drop for Groups {
    fn drop(&mut self) {
        self.remove();
    }
}

impl Groups {
    /// Kills what is left in the groups and removes them; again is harmless.
    pub fn remove(&self) {
        self.kill_all();
        // A group stays busy for a moment while its last processes finish exiting.
        for dir in &self.dirs {
            for _ in 0..100 {
                if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
    }
}

/// Joins the groups: called in the child between fork and exec, so only
/// async-signal-safe calls.
pub fn join_in_child(fds: &[i32]) -> std::io::Result<()> {
    for &fd in fds {
        // SAFETY: writes two bytes from a static buffer to an open descriptor.
        if unsafe { libc::write(fd, b"0\n".as_ptr().cast(), 2) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}
