//! Control groups that cap the memory and the number of threads and processes
//! of what the grader runs, and tell afterwards whether a cap was reached.
//!
//! [`create`] makes a fresh group (one per hierarchy under cgroup v1, a
//! single one under v2) that a child joins between fork and exec, so that
//! nothing runs before it is capped; dropping the [`Groups`] kills whatever is
//! left in it and removes it. Where groups can be made is found once per run,
//! by [`v1`] or [`v2`] according to the kernel's interface, and [`missing`] says what
//! could not be set up and what to do about it: memory then falls back to
//! RLIMIT_AS, and threads are not capped. This module reports what happened
//! in a group; what a reached cap means for a test is decided by its caller.

mod v1;
mod v2;

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The kernel's two interfaces to control groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// A hierarchy per controller (`/sys/fs/cgroup/memory`, `/sys/fs/cgroup/pids`).
    V1,
    /// One tree for every controller.
    V2,
}

impl Version {
    /// The settings that cap a group's memory at `bytes`. The swap cap is
    /// not required: its file exists only with swap accounting.
    fn memory_caps(self, bytes: u64) -> [Setting; 2] {
        match self {
            // memsw caps memory and swap together, so it gets the same value.
            Version::V1 => [("memory.limit_in_bytes", bytes, true), ("memory.memsw.limit_in_bytes", bytes, false)],
            // v2 caps swap apart: none at all, so a hog cannot escape into it.
            Version::V2 => [("memory.max", bytes, true), ("memory.swap.max", 0, false)],
        }
    }

    /// The file and the key of the count of processes the kernel killed for memory.
    fn oom_kills(self) -> (&'static str, &'static str) {
        match self {
            Version::V1 => ("memory.oom_control", "oom_kill "),
            Version::V2 => ("memory.events", "oom_kill "),
        }
    }

    /// The file and the key of the count of times the group's memory was full.
    fn memory_full(self) -> (&'static str, &'static str) {
        match self {
            Version::V1 => ("memory.failcnt", ""),
            Version::V2 => ("memory.events", "max "),
        }
    }

    /// The file with the most memory the group ever used (v2: Linux 5.19 and later).
    fn memory_peak(self) -> &'static str {
        match self {
            Version::V1 => "memory.max_usage_in_bytes",
            Version::V2 => "memory.peak",
        }
    }
}

/// A file of a group, its value, and whether the group is useless without it.
type Setting = (&'static str, u64, bool);

/// A group under which fresh groups can be made, and what they can cap.
#[derive(Debug)]
struct Parent {
    dir: PathBuf,
    memory: bool,
    pids: bool,
}

/// Where this grader makes its groups, found once per run.
struct Setup {
    version: Version,
    parents: Vec<Parent>,
    /// What cannot be capped, one sentence a cause.
    missing: Vec<String>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| match v2::tree() {
        Some(tree) => v2::setup(&tree),
        None => v1::setup(),
    })
}

/// What the memory cap falls back to where no group holds it.
const MEMORY_FALLBACK: &str = "memory was capped by address space (RLIMIT_AS) only";
/// What becomes of the thread cap where no group holds it.
const THREADS_UNCAPPED: &str = "threads and processes were not capped";

/// What cannot be capped on this machine, in words.
pub fn missing() -> Vec<String> {
    setup().missing.clone()
}

/// The group (or groups) of one run; dropping it kills what is left in it and removes it.
pub struct Groups {
    version: Version,
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
    /// A fork or a new thread failed at the group's cap.
    pub tasks: bool,
}

static NEXT: AtomicU64 = AtomicU64::new(0);

/// Fresh groups with these caps, as far as this machine allows.
pub fn create(memory_bytes: Option<u64>, tasks: Option<u64>) -> Groups {
    let setup = setup();
    let name = format!("grader-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let mut groups = Groups { version: setup.version, dirs: Vec::new(), procs: Vec::new(), memory: None, pids: None };
    for parent in &setup.parents {
        let tasks = tasks.filter(|_| parent.pids);
        let memory_bytes = memory_bytes.filter(|_| parent.memory);
        let mut settings: Vec<Setting> = Vec::new();
        settings.extend(tasks.map(|tasks| ("pids.max", tasks, true)));
        settings.extend(memory_bytes.map(|bytes| setup.version.memory_caps(bytes)).into_iter().flatten());
        if settings.is_empty() {
            continue;
        }
        let Some(dir) = groups.make(&parent.dir, &name, &settings) else { continue };
        if tasks.is_some() {
            groups.pids = Some(dir.clone());
        }
        if memory_bytes.is_some() {
            groups.memory = Some(dir);
        }
    }
    groups
}

impl Groups {
    /// Makes the group `name` under `parent` with `settings`, in their order.
    fn make(&mut self, parent: &Path, name: &str, settings: &[Setting]) -> Option<PathBuf> {
        let dir = parent.join(name);
        std::fs::create_dir(&dir).ok()?;
        self.dirs.push(dir.clone());
        for (file, value, required) in settings {
            if std::fs::write(dir.join(file), value.to_string()).is_err() && *required {
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
        let counter = |dir: &Option<PathBuf>, (file, key): (&str, &str)| {
            let text = dir.as_ref().and_then(|dir| std::fs::read_to_string(dir.join(file)).ok()).unwrap_or_default();
            text.lines().filter_map(|line| line.strip_prefix(key)).any(|count| count.trim().parse::<u64>().is_ok_and(|n| n > 0))
        };
        Reached {
            memory: counter(&self.memory, self.version.oom_kills()),
            memory_full: counter(&self.memory, self.version.memory_full()),
            tasks: counter(&self.pids, ("pids.events", "max ")),
        }
    }

    /// The most memory the group ever used, in bytes, where the kernel keeps it.
    #[cfg_attr(not(test), allow(dead_code, reason = "for the runner's reports; the tests read it today"))]
    pub fn memory_peak(&self) -> Option<u64> {
        let text = std::fs::read_to_string(self.memory.as_ref()?.join(self.version.memory_peak())).ok()?;
        text.trim().parse().ok()
    }

    /// Kills every process still in the groups.
    pub fn kill_all(&self) {
        for _ in 0..50 {
            let mut any = false;
            for dir in &self.dirs {
                let listed = std::fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
                let pids: Vec<i32> = listed.lines().filter_map(|line| line.trim().parse().ok()).collect();
                if pids.is_empty() {
                    continue;
                }
                any = true;
                // cgroup.kill (v2, Linux 5.14 and later) also catches a process
                // that forks while the list is being read.
                if self.version == Version::V2 && std::fs::write(dir.join("cgroup.kill"), "1").is_ok() {
                    continue;
                }
                for pid in pids {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Output, Stdio};

    /// Set where the groups must work (the VM scripts in tests/vm): a test
    /// that cannot make its group then fails instead of being skipped.
    const REQUIRED: &str = "GRADER_REQUIRE_CGROUPS";
    /// Set in the child that [`forks_fail_with_eagain_at_the_task_cap`] starts.
    const FORK_LOOP: &str = "GRADER_TEST_FORK_LOOP";

    /// Groups with these caps, or None (the test is skipped) where this
    /// machine cannot make them and [`REQUIRED`] is not set.
    fn capped_groups(memory_bytes: Option<u64>, tasks: Option<u64>) -> Option<Groups> {
        let groups = create(memory_bytes, tasks);
        if (memory_bytes.is_none() || groups.caps_memory()) && (tasks.is_none() || groups.caps_threads()) {
            return Some(groups);
        }
        let missing = missing().join("; ");
        assert!(std::env::var_os(REQUIRED).is_none(), "{REQUIRED} is set, but the caps could not be set up: {missing}");
        eprintln!("SKIPPED: {missing}");
        None
    }

    /// Runs `command` to its end inside `groups`, joined the way the grader joins them.
    fn run_inside(groups: &Groups, mut command: Command) -> Output {
        let fds = groups.join_fds();
        // SAFETY: join_in_child makes only async-signal-safe calls.
        unsafe {
            command.pre_exec(move || join_in_child(&fds));
        }
        command.stdin(Stdio::null()).output().expect("the test's child starts")
    }

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.arg("-c").arg(script);
        command
    }

    #[test]
    fn a_memory_hog_is_killed_at_the_memory_cap() {
        let cap = 64 << 20;
        let Some(groups) = capped_groups(Some(cap), None) else { return };
        // tail keeps the last line whole until it ends, and this one is 200 MiB long.
        let output = run_inside(&groups, shell("head -c 200M /dev/zero | tail >/dev/null"));
        assert_eq!(output.status.code(), Some(128 + libc::SIGKILL), "{output:?}");
        let reached = groups.reached();
        println!("{:?} {reached:?}, peak {:?}", groups.version, groups.memory_peak());
        // Not memory_full: cgroup v1's failcnt stays 0 through an OOM kill on recent kernels.
        assert!(reached.memory && !reached.tasks, "{reached:?}");
        let peak_file = groups.memory.as_ref().map(|dir| dir.join(groups.version.memory_peak()));
        if peak_file.is_some_and(|file| file.exists()) {
            let peak = groups.memory_peak().expect("the peak is a number");
            assert!((cap / 2..=cap).contains(&peak), "peak {peak} for a cap of {cap}");
        } else {
            eprintln!("NOTE: this kernel keeps no memory peak (memory.peak came with Linux 5.19)");
        }
    }

    #[test]
    fn forks_fail_with_eagain_at_the_task_cap() {
        if std::env::var_os(FORK_LOOP).is_some() {
            return start_sleepers_until_refused();
        }
        let cap = 16;
        let Some(groups) = capped_groups(None, Some(cap)) else { return };
        let module = module_path!().split_once("::").map_or(module_path!(), |(_, path)| path);
        let mut itself = Command::new(std::env::current_exe().expect("the test binary's path"));
        itself.args(["--exact", &format!("{module}::forks_fail_with_eagain_at_the_task_cap"), "--nocapture", "--test-threads=1"]);
        itself.env(FORK_LOOP, "1");
        let output = run_inside(&groups, itself);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let report = stdout.lines().find_map(|line| Some(line.split_once("started ")?.1));
        let report = report.unwrap_or_else(|| panic!("no report: {output:?}"));
        let (started, error) = report.split_once(" then errno ").unwrap_or_else(|| panic!("no refusal: {report}"));
        let started: u64 = started.parse().expect("a count");
        assert!((1..cap).contains(&started), "{started} sleepers started under a cap of {cap} tasks");
        assert_eq!(error.parse::<i32>().ok(), Some(libc::EAGAIN), "a start failed with errno {error}, not EAGAIN");
        assert!(groups.reached().tasks, "pids.events counted no refusal");
    }

    /// The child's part: starts sleepers until the kernel refuses one, then
    /// prints how many started and the refusal's errno. Its group kills them.
    fn start_sleepers_until_refused() {
        let mut sleepers = Vec::new();
        let error = loop {
            match Command::new("sleep").arg("30").stdout(Stdio::null()).stderr(Stdio::null()).spawn() {
                Ok(sleeper) if sleepers.len() < 1000 => sleepers.push(sleeper),
                Ok(_) => break None,
                Err(error) => break error.raw_os_error(),
            }
        };
        println!("started {} then errno {}", sleepers.len(), error.map_or("none".to_string(), |errno| errno.to_string()));
    }

    #[test]
    fn dropping_the_groups_kills_what_is_left_and_removes_them() {
        let Some(groups) = capped_groups(Some(64 << 20), Some(16)) else { return };
        // The shell ends at once; its two sleepers stay behind in the groups.
        let output = run_inside(&groups, shell("sleep 30 >/dev/null 2>&1 & sleep 30 >/dev/null 2>&1 & echo $!"));
        let sleeper: i32 = String::from_utf8_lossy(&output.stdout).trim().parse().expect("a pid");
        let dirs = groups.dirs.clone();
        let listed = std::fs::read_to_string(dirs[0].join("cgroup.procs")).unwrap_or_default();
        assert_eq!(listed.lines().count(), 2, "the sleepers are in the group: {listed:?}");
        drop(groups);
        assert!(dirs.iter().all(|dir| !dir.exists()), "{dirs:?} are left");
        // Killed, it may linger as a zombie until init reaps it.
        let stat = std::fs::read_to_string(format!("/proc/{sleeper}/stat")).unwrap_or_default();
        let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next());
        assert!(matches!(state, None | Some("Z")), "sleeper {sleeper} outlived its groups: {stat}");
    }

    #[test]
    fn missing_names_exactly_the_caps_that_do_not_hold() {
        let groups = create(Some(64 << 20), Some(16));
        let missing = missing();
        println!("caps memory: {}, caps threads: {}, missing: {missing:?}", groups.caps_memory(), groups.caps_threads());
        let says = |words: &str| missing.iter().any(|sentence| sentence.contains(words));
        assert_eq!(says(MEMORY_FALLBACK), !groups.caps_memory(), "{missing:?}");
        assert_eq!(says(THREADS_UNCAPPED), !groups.caps_threads(), "{missing:?}");
    }
}
