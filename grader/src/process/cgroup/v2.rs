//! Where groups are made under cgroup v2, where one tree holds every
//! controller and a group that passes controllers to child groups may not
//! hold processes itself (the tree's root excepted).
//!
//! As root the grader makes its groups at the root of the tree, after
//! turning the `memory` and `pids` controllers on for the root's children
//! (failing that, beside its own group, then under it). As another user it
//! may only use its own group, and only when that group is delegated to it
//! (systemd's `Delegate=`, or a folder a TA handed over with `chown`): it then
//! moves itself into a leaf, `<own>/grader-self`, so that its own group holds
//! no process and may pass the controllers on, and makes its groups beside
//! that leaf. The grader moves no process but itself; the leaf stays after it
//! exits, and a grader started inside it later makes its groups beside it.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::{MEMORY_FALLBACK, Parent, Setup, THREADS_UNCAPPED, Version};

/// The leaf the grader moves into when it makes groups under its own group.
const LEAF: &str = "grader-self";

/// The controllers the grader caps with, by their names in `cgroup.controllers`.
const CONTROLLERS: [&str; 2] = ["memory", "pids"];

/// How a user without a delegated group gets one.
const DELEGATE: &str =
    "run the grader as root, or as the only process of a delegated group (`systemd-run --user --scope -p Delegate=yes grader …`)";

/// The cgroup2 tree and the grader's own group in it.
pub(super) struct Tree {
    mount: PathBuf,
    own: Option<PathBuf>,
}

/// The cgroup2 tree, when this machine uses cgroup v2 alone.
pub(super) fn tree() -> Option<Tree> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    let membership = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mount = unified_mount(&mounts, &membership)?;
    let own = own_group(&mount, &membership);
    Some(Tree { mount, own })
}

/// Where cgroup2 is mounted, if it is the interface to use: mounted at
/// /sys/fs/cgroup itself, or the only one this process is in (`0::` lines
/// alone). A hybrid machine (v1 hierarchies, and cgroup2 with no controllers
/// at /sys/fs/cgroup/unified) is not v2.
fn unified_mount(mounts: &str, membership: &str) -> Option<PathBuf> {
    let points: Vec<&str> = mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (_, point, kind) = (fields.next()?, fields.next()?, fields.next()?);
            (kind == "cgroup2").then_some(point)
        })
        .collect();
    let standard = "/sys/fs/cgroup";
    if points.contains(&standard) {
        return Some(PathBuf::from(standard));
    }
    let unified_only = !membership.trim().is_empty() && membership.lines().all(|line| line.starts_with("0::"));
    points.first().filter(|_| unified_only).map(PathBuf::from)
}

/// The grader's own group, in the tree mounted at `mount`.
fn own_group(mount: &Path, membership: &str) -> Option<PathBuf> {
    let path = membership.lines().find_map(|line| line.strip_prefix("0::"))?.trim();
    // A group outside this cgroup namespace reads "/../…": it cannot be reached from the mount.
    if !path.starts_with('/') || path.split('/').any(|part| part == "..") {
        return None;
    }
    let relative = path.trim_start_matches('/');
    Some(if relative.is_empty() { mount.to_path_buf() } else { mount.join(relative) })
}

/// Why groups cannot be made in a group.
#[derive(Debug)]
enum Lack {
    /// /proc/self/cgroup names no group inside the tree.
    NoOwnGroup,
    /// The group offers neither controller to its children.
    NoControllers { dir: PathBuf, offered: String },
    /// This user may not change the group.
    NotDelegated { dir: PathBuf },
    /// Other processes share the grader's group, so it may pass no controllers on.
    Shared { dir: PathBuf },
    Failed { dir: PathBuf, error: std::io::Error },
}

pub(super) fn setup(tree: &Tree) -> Setup {
    // SAFETY: geteuid only reads the calling process's user id.
    let root = unsafe { libc::geteuid() } == 0;
    let mut lack = Lack::NoOwnGroup;
    for (dir, is_own) in candidates(tree, root) {
        match prepare(&dir, is_own) {
            Ok((parent, swap_accounted)) => {
                let mut missing = absent_controllers(&parent, root, dir == tree.mount);
                missing.extend(unaccounted_swap(&parent, swap_accounted));
                return Setup { version: Version::V2, parents: vec![parent], missing };
            }
            Err(reason) => lack = reason,
        }
    }
    Setup { version: Version::V2, parents: Vec::new(), missing: vec![sentence(&lack, root)] }
}

/// The groups to try making groups under, in order, each with whether it is
/// the grader's own (which it may move out of into a leaf).
fn candidates(tree: &Tree, root: bool) -> Vec<(PathBuf, bool)> {
    let Some(own) = &tree.own else { return Vec::new() };
    let mut candidates = Vec::new();
    if root {
        candidates.push((tree.mount.clone(), *own == tree.mount));
    }
    // Root may use the group above its own; another user only the group
    // above a leaf made for graders: a grader started there (where an earlier
    // one moved itself) makes its groups beside it.
    if let Some(parent) = own.parent().filter(|parent| parent.starts_with(&tree.mount))
        && (root || own.ends_with(LEAF))
    {
        candidates.push((parent.to_path_buf(), false));
    }
    candidates.push((own.clone(), true));
    candidates.dedup_by(|later, earlier| later.0 == earlier.0);
    candidates
}

/// Turns the controllers `dir` offers on for its children, moving the grader
/// into a leaf first if `dir` is its own group and holds it, and checks that
/// a child group can be made there. Also says whether such a group accounts
/// for swap.
fn prepare(dir: &Path, is_own: bool) -> Result<(Parent, bool), Lack> {
    let failed = |error: std::io::Error| classify(dir, error);
    let offered = std::fs::read_to_string(dir.join("cgroup.controllers")).map_err(failed)?;
    let wanted: Vec<&str> = CONTROLLERS.into_iter().filter(|name| offered.split_whitespace().any(|offer| offer == *name)).collect();
    if wanted.is_empty() {
        return Err(Lack::NoControllers { dir: dir.to_path_buf(), offered: offered.trim().to_string() });
    }
    let subtree_control = dir.join("cgroup.subtree_control");
    let enabled = std::fs::read_to_string(&subtree_control).map_err(failed)?;
    let request: Vec<String> =
        wanted.iter().filter(|name| !enabled.split_whitespace().any(|on| on == **name)).map(|name| format!("+{name}")).collect();
    if !request.is_empty() {
        let request = request.join(" ");
        let mut enabling = std::fs::write(&subtree_control, &request);
        if is_own && enabling.as_ref().is_err_and(busy) {
            move_into_leaf(dir).map_err(failed)?;
            enabling = std::fs::write(&subtree_control, &request);
        }
        enabling.map_err(failed)?;
    }
    let probe = dir.join(format!("grader-probe-{}", std::process::id()));
    std::fs::create_dir(&probe).map_err(failed)?;
    let swap_accounted = probe.join("memory.swap.max").exists();
    let _ = std::fs::remove_dir(&probe);
    let enabled = std::fs::read_to_string(&subtree_control).map_err(failed)?;
    let on = |name: &str| enabled.split_whitespace().any(|on| on == name);
    Ok((Parent { dir: dir.to_path_buf(), memory: on("memory"), pids: on("pids") }, swap_accounted))
}

/// Moves the grader, all its threads, into `<dir>/grader-self`.
fn move_into_leaf(dir: &Path) -> std::io::Result<()> {
    let leaf = dir.join(LEAF);
    if let Err(error) = std::fs::create_dir(&leaf)
        && error.kind() != ErrorKind::AlreadyExists
    {
        return Err(error);
    }
    std::fs::write(leaf.join("cgroup.procs"), std::process::id().to_string())
}

/// EBUSY from `cgroup.subtree_control`: the group holds processes.
fn busy(error: &std::io::Error) -> bool {
    error.raw_os_error() == Some(libc::EBUSY)
}

fn classify(dir: &Path, error: std::io::Error) -> Lack {
    let dir = dir.to_path_buf();
    match error.kind() {
        ErrorKind::PermissionDenied => Lack::NotDelegated { dir },
        _ if busy(&error) => Lack::Shared { dir },
        _ => Lack::Failed { dir, error },
    }
}

/// Why no group could be made, what it cost, and what to do, in one sentence.
fn sentence(lack: &Lack, root: bool) -> String {
    let lost = format!("{MEMORY_FALLBACK} and {THREADS_UNCAPPED}");
    match lack {
        Lack::NoOwnGroup => format!("the grader's own control group is not in the cgroup v2 tree (see /proc/self/cgroup), so {lost}"),
        Lack::NoControllers { dir, offered } => {
            let offered = if offered.is_empty() { "none" } else { offered };
            format!("{} offers neither the memory nor the pids controller (only: {offered}), so {lost}", dir.display())
        }
        Lack::NotDelegated { dir } if root => format!("root may not make control groups in {}, so {lost}", dir.display()),
        Lack::NotDelegated { dir } => {
            format!("this user may not make control groups in {} (cgroup v2, not delegated), so {lost}; {DELEGATE}", dir.display())
        }
        Lack::Shared { dir } => format!(
            "the grader's control group {} also holds other processes, and under cgroup v2 a group with processes cannot cap groups below it, so {lost}; run the grader as the only process of its group (`systemd-run --user --scope -p Delegate=yes grader …` does that)",
            dir.display()
        ),
        Lack::Failed { dir, error } => format!("no control group could be made in {} ({error}), so {lost}", dir.display()),
    }
}

/// A sentence for each controller the groups under `parent` go without.
fn absent_controllers(parent: &Parent, root: bool, at_the_root: bool) -> Vec<String> {
    let remedy = if at_the_root {
        "the kernel has it switched off (cgroup_disable= on its command line) or lacks it"
    } else if root {
        "turn it on in the cgroup.subtree_control of the groups above"
    } else {
        "have it delegated too (systemd: `Delegate=memory pids`)"
    };
    [("memory", parent.memory, MEMORY_FALLBACK), ("pids", parent.pids, THREADS_UNCAPPED)]
        .into_iter()
        .filter(|(_, on, _)| !on)
        .map(|(name, _, lost)| format!("{} does not offer the {name} controller, so {lost}; {remedy}", parent.dir.display()))
        .collect()
}

/// A sentence when the machine has swap that groups do not account for:
/// memory pushed out to swap then escapes the memory cap.
fn unaccounted_swap(parent: &Parent, swap_accounted: bool) -> Option<String> {
    if !parent.memory || swap_accounted {
        return None;
    }
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let swap_kib: u64 = meminfo.lines().find_map(|line| line.strip_prefix("SwapTotal:"))?.trim_end_matches("kB").trim().parse().ok()?;
    (swap_kib > 0).then(|| {
        "this kernel does not account swap to control groups (no memory.swap.max) and the machine has swap, so a test could go past its memory cap into swap".to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hybrid_machine_is_not_v2_and_a_unified_one_is() {
        let hybrid_mounts = "tmpfs /sys/fs/cgroup tmpfs ro 0 0\n\
                             cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n\
                             cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n";
        let hybrid_membership = "8:pids:/\n4:memory:/a/b\n0::/\n";
        assert_eq!(unified_mount(hybrid_mounts, hybrid_membership), None);
        let unified_mounts = "cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate 0 0\n";
        let unified_membership = "0::/user.slice/user-1000.slice/session-3.scope\n";
        assert_eq!(unified_mount(unified_mounts, unified_membership), Some(PathBuf::from("/sys/fs/cgroup")));
        let mount = Path::new("/sys/fs/cgroup");
        let own = PathBuf::from("/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope");
        assert_eq!(own_group(mount, unified_membership), Some(own));
        assert_eq!(own_group(mount, "0::/\n").map(PathBuf::into_os_string), Some("/sys/fs/cgroup".into()));
        // Mounted elsewhere, but the only interface this process is in.
        assert_eq!(unified_mount("none /cg cgroup2 rw 0 0\n", "0::/\n"), Some(PathBuf::from("/cg")));
        assert_eq!(own_group(mount, "0::/../../other\n"), None);
    }

    #[test]
    fn root_tries_the_root_first_and_a_user_only_its_own_group_or_the_one_above_a_leaf() {
        let tried = |own: &str, root: bool| -> Vec<String> {
            let tree = Tree { mount: PathBuf::from("/cg"), own: Some(PathBuf::from(own)) };
            let named = |(dir, is_own): (PathBuf, bool)| format!("{}{}", dir.display(), if is_own { " (own)" } else { "" });
            candidates(&tree, root).into_iter().map(named).collect()
        };
        assert_eq!(tried("/cg", true), ["/cg (own)"]);
        assert_eq!(tried("/cg/system.slice/x.service", true), ["/cg", "/cg/system.slice", "/cg/system.slice/x.service (own)"]);
        assert_eq!(tried("/cg/ta", false), ["/cg/ta (own)"]);
        assert_eq!(tried("/cg/ta/grader-self", false), ["/cg/ta", "/cg/ta/grader-self (own)"]);
    }

    #[test]
    fn a_lack_says_what_was_lost_and_what_to_do() {
        let dir = PathBuf::from("/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope");
        let not_delegated = sentence(&Lack::NotDelegated { dir: dir.clone() }, false);
        assert!(not_delegated.contains("session-3.scope") && not_delegated.contains("not delegated"), "{not_delegated}");
        assert!(not_delegated.contains(MEMORY_FALLBACK) && not_delegated.contains(THREADS_UNCAPPED), "{not_delegated}");
        assert!(not_delegated.contains("Delegate=yes"), "{not_delegated}");
        // Root is not told to become root.
        assert!(!sentence(&Lack::NotDelegated { dir: dir.clone() }, true).contains("as root"));
        let only_pids = Parent { dir, memory: false, pids: true };
        let absent = absent_controllers(&only_pids, false, false);
        assert_eq!(absent.len(), 1, "{absent:?}");
        assert!(absent[0].contains("memory controller") && absent[0].contains(MEMORY_FALLBACK), "{absent:?}");
        assert!(!absent[0].contains(THREADS_UNCAPPED), "pids are capped, and no sentence may say otherwise: {absent:?}");
    }
}
