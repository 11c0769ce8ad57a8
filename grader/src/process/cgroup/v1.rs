//! Where groups are made under cgroup v1: under the grader's own group in
//! the `pids` and in the `memory` hierarchy, wherever the grader may make a
//! child group (as root, usually). It changes nothing outside those groups.

use std::path::{Path, PathBuf};

use super::{MEMORY_FALLBACK, Parent, Setup, THREADS_UNCAPPED, Version};

pub(super) fn setup() -> Setup {
    let pids = usable("pids");
    let memory = usable("memory");
    let mut missing = Vec::new();
    if pids.is_none() {
        missing.push(format!("no pids control group could be made, so {THREADS_UNCAPPED}"));
    }
    if memory.is_none() {
        missing.push(format!("no memory control group could be made, so {MEMORY_FALLBACK}"));
    }
    let pids = pids.map(|dir| Parent { dir, memory: false, pids: true });
    let memory = memory.map(|dir| Parent { dir, memory: true, pids: false });
    Setup { version: Version::V1, parents: pids.into_iter().chain(memory).collect(), missing }
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
