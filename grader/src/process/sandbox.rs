//! Isolation with bubblewrap: what a sandboxed child may see, and the one
//! decision, made once per grader run, of whether sandboxing is available.
//!
//! A sandboxed child runs under `bwrap` with no network (not even loopback),
//! fresh PID, IPC, UTS and cgroup namespaces, all capabilities dropped, no
//! terminal, a private `/tmp`, the system folders read-only, and nothing else
//! of the file system but the paths its [`Sandbox`] names. Its environment is
//! only what the caller set on the [`Command`]. Killing `bwrap` kills the namespace's init, and with it every
//! process the student started, which is what makes a timeout final. This
//! module only rewrites commands; running them is `run_with_timeout`'s job.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::OnceLock;

/// What `--sandbox` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SandboxMode {
    /// Refuse to grade without bubblewrap: for TAs and CI.
    Required,
    /// Sandbox where bubblewrap works; otherwise grade with the limits that remain and warn once.
    Auto,
    /// No sandbox at all, for debugging the grader.
    Off,
}

/// The paths a sandboxed child may use beyond the read-only system folders.
#[derive(Debug, Clone, Default)]
pub struct Sandbox {
    pub read_only: Vec<PathBuf>,
    pub writable: Vec<PathBuf>,
    /// The child runs student code: a root grader runs it as nobody, outside
    /// the sandbox as well as inside. (rustc runs the toolchain, which may sit
    /// in root's home, and runs no student code, so it is not.)
    pub unprivileged: bool,
    /// The size of the private /tmp; 0 for bwrap's default.
    pub tmp_bytes: u64,
    /// The command is PID 1 of the sandbox's PID namespace, with no reaper
    /// of bwrap's in front of it: signals from inside cannot kill it.
    pub as_pid_1: bool,
}

/// System folders every program needs to start (the dynamic loader, libc,
/// the C toolchain rustc links with), bound read-only where they exist.
/// `/etc` as a whole is left out: only the two entries programs need.
const SYSTEM_PATHS: &[&str] =
    &["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc/ld.so.cache", "/etc/alternatives"];

/// The devices a program may need; no terminal among them.
const DEVICES: &[&str] = &["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"];

/// The user a sandboxed child runs as when the grader runs as root.
const NOBODY: u32 = 65534;

/// What this machine offers, found out once.
pub struct Confinement {
    pub mode: SandboxMode,
    /// bubblewrap, when it is installed and works here.
    pub bwrap: Option<PathBuf>,
    /// Whether a root grader's children run as nobody in a user namespace
    /// (some containers allow no user namespaces even to root).
    pub as_nobody: bool,
    /// Whether a root grader can start bwrap as the real user nobody, so that
    /// student code holds no root rights even outside its namespaces.
    pub drops_root: bool,
    /// Whether this bwrap can cap the size of the private /tmp (`--size`, 0.7 and later).
    pub sized_tmp: bool,
    /// What could not be applied, for the report's notes and one warning.
    pub missing: Vec<String>,
    /// Why bubblewrap cannot be used here, when it cannot.
    pub refused: Option<Refusal>,
}

/// Why bubblewrap cannot isolate submissions here, and what would let it.
#[derive(Debug)]
pub struct Refusal {
    pub cause: String,
    pub remedy: Option<String>,
}

/// What bwrap prints when AppArmor (Ubuntu 23.10 and later) keeps an
/// unprivileged process from using the user namespace it made: bwrap dies
/// writing its uid map.
const APPARMOR_REFUSAL: &str = "setting up uid map: Permission denied";

impl Refusal {
    /// The sentence for the report's notes and the warning: cause, cost, remedy.
    fn sentence(&self, consequence: &str) -> String {
        match &self.remedy {
            Some(remedy) => format!("{}, so {consequence}; {remedy}", self.cause),
            None => format!("{}, so {consequence}", self.cause),
        }
    }
}

/// Why `bwrap`, started as `starter` ("" for the grader's own user), failed
/// its probe, read from what it printed there.
fn refusal(bwrap: &Path, starter: &str, stderr: &str) -> Refusal {
    if stderr.contains(APPARMOR_REFUSAL) {
        return Refusal {
            cause: format!(
                "AppArmor keeps bubblewrap ({}){starter} from setting up a user namespace, as Ubuntu 23.10 and later do for programs without a profile",
                bwrap.display()
            ),
            remedy: Some(apparmor_remedy(bwrap)),
        };
    }
    let said = stderr.lines().map(str::trim).find(|line| !line.is_empty()).map(|line| line.chars().take(300).collect::<String>());
    Refusal {
        cause: match said {
            Some(said) => format!("bubblewrap ({}) cannot create namespaces here (it said: {said})", bwrap.display()),
            None => format!("bubblewrap ({}) cannot create namespaces here", bwrap.display()),
        },
        remedy: None,
    }
}

/// The two ways past AppArmor's restriction, each with where it fits: a
/// profile that lets bwrap alone make user namespaces, or the sysctl that
/// lifts the restriction for every program.
fn apparmor_remedy(bwrap: &Path) -> String {
    // The profile attaches to the real path of the program, not to a symlink.
    let bwrap = std::fs::canonicalize(bwrap).unwrap_or_else(|_| bwrap.to_path_buf());
    format!(
        "on a machine that grades regularly, allow bwrap alone: `printf 'abi <abi/4.0>,\\ninclude <tunables/global>\\nprofile bwrap {} flags=(unconfined) {{\\n  userns,\\n}}\\n' | sudo tee /etc/apparmor.d/bwrap && sudo apparmor_parser -r /etc/apparmor.d/bwrap`; on a throw-away VM or CI runner, lifting the restriction for the whole machine is enough: `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`",
        bwrap.display()
    )
}

static CONFINEMENT: OnceLock<Confinement> = OnceLock::new();

/// Decides how children are confined for the rest of this run, or says why
/// `required` cannot be met. Called once, before any grading; without it the
/// grader behaves as with `auto`.
pub fn configure(mode: SandboxMode) -> Result<(), String> {
    let confinement = CONFINEMENT.get_or_init(|| detect(mode));
    if confinement.mode == SandboxMode::Required && confinement.bwrap.is_none() {
        let refused = confinement.refused.as_ref();
        let cause = refused.map_or("the sandbox is not available", |refused| refused.cause.as_str());
        let remedy = refused.and_then(|refused| refused.remedy.as_deref()).map_or(String::new(), |remedy| format!("{remedy}; or "));
        return Err(format!(
            "the sandbox is required (the default for `batch`, or --sandbox required), but {cause}; {remedy}grade with \
             --sandbox auto to go on with the limits that remain"
        ));
    }
    Ok(())
}

/// Prints, once per run and only when student code is about to run, the one
/// line that says what protection is missing; the report's notes say it too.
pub fn warn_once() {
    static WARNED: std::sync::Once = std::sync::Once::new();
    let missing = &confinement().missing;
    if !missing.is_empty() {
        WARNED.call_once(|| eprintln!("warning: {}", missing.join("; ")));
    }
}

pub fn confinement() -> &'static Confinement {
    CONFINEMENT.get_or_init(|| detect(SandboxMode::Auto))
}

/// Sentences for the report's notes: what protection this grading lacked.
pub fn notes() -> Vec<String> {
    confinement().missing.iter().map(|missing| format!("Grading was less isolated than it should be: {missing}.")).collect()
}

/// What a sandbox that cannot start costs.
const UNISOLATED: &str = "submissions ran without file system and network isolation";

fn detect(mode: SandboxMode) -> Confinement {
    let mut missing = Vec::new();
    let mut refused = None;
    // SAFETY: getuid only reads the calling process's user id.
    let mut as_nobody = unsafe { libc::getuid() } == 0;
    let found = find_bwrap();
    let sized_tmp = found.as_ref().is_some_and(|bwrap| supports_size(bwrap));
    let bwrap = match mode {
        SandboxMode::Off => {
            missing.push("the sandbox is off (--sandbox off): submissions ran with the grader's own rights".to_string());
            None
        }
        _ => match found {
            None => {
                let not_installed = Refusal {
                    cause: "bubblewrap (bwrap) is not installed".to_string(),
                    remedy: Some("install it (apt-get install bubblewrap)".to_string()),
                };
                missing.push(not_installed.sentence(UNISOLATED));
                refused = Some(not_installed);
                None
            }
            Some(bwrap) => {
                let mut probed = probe(&bwrap, as_nobody, None, sized_tmp);
                if probed.is_err() && as_nobody && probe(&bwrap, false, None, sized_tmp).is_ok() {
                    as_nobody = false;
                    missing.push("no user namespace could be made, so submissions ran as root (without capabilities)".to_string());
                    probed = Ok(());
                }
                match probed {
                    Ok(()) => Some(bwrap),
                    Err(stderr) => {
                        let failure = refusal(&bwrap, "", &stderr);
                        missing.push(failure.sentence(UNISOLATED));
                        refused = Some(failure);
                        None
                    }
                }
            }
        },
    };
    let as_unprivileged = bwrap.as_ref().filter(|_| as_nobody).map(|bwrap| (bwrap, probe(bwrap, false, Some(NOBODY), sized_tmp)));
    let drops_root = matches!(as_unprivileged, Some((_, Ok(()))));
    if let Some((bwrap, Err(stderr))) = as_unprivileged {
        let consequence = "submissions ran as root mapped to nobody in a user namespace";
        missing.push(if stderr.contains(APPARMOR_REFUSAL) {
            refusal(bwrap, " started as nobody", &stderr).sentence(consequence)
        } else {
            format!("bubblewrap cannot start as an unprivileged user here, so {consequence}")
        });
    }
    missing.extend(super::cgroup::missing());
    Confinement { mode, bwrap, as_nobody, drops_root, sized_tmp, missing, refused }
}

fn find_bwrap() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    std::env::split_paths(&path).map(|dir| dir.join("bwrap")).find(|candidate| candidate.is_file())
}

/// Whether this bwrap can cap the size of a tmpfs (`--size`).
fn supports_size(bwrap: &Path) -> bool {
    Command::new(bwrap)
        .arg("--help")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains("--size"))
}

/// Whether bwrap can set up a sandboxed child's namespaces: mapping root to
/// nobody itself (`as_nobody`), or started as `user` (it then makes its own
/// user namespace, as for any unprivileged caller). On failure, what bwrap
/// printed, which tells why.
fn probe(bwrap: &Path, as_nobody: bool, user: Option<u32>, sized_tmp: bool) -> Result<(), String> {
    let mut probe = Command::new("/bin/true");
    probe.env_clear();
    let Some(mut command) = wrap_with(bwrap, as_nobody, sized_tmp, &probe, &Sandbox::default()) else {
        return Err(String::new());
    };
    if let Some(user) = user {
        // SAFETY: only setgroups, setgid and setuid between fork and exec.
        unsafe {
            command.pre_exec(move || super::unix::become_user(user));
        }
    }
    command.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
    match command.output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
        Err(error) => Err(error.to_string()),
    }
}

/// The user a sandboxed child becomes before it starts bwrap, if any: nobody,
/// when the grader is root, the child runs student code, and nobody can reach
/// every path the child is given. Its writable paths are handed to nobody.
pub fn unprivileged_user(sandbox: &Sandbox) -> Option<u32> {
    let confinement = confinement();
    let reachable = sandbox.read_only.iter().chain(&sandbox.writable).all(|path| reachable_by_others(path));
    if !(sandbox.unprivileged && confinement.drops_root && confinement.bwrap.is_some() && reachable) {
        return None;
    }
    for path in &sandbox.writable {
        std::os::unix::fs::chown(path, Some(NOBODY), Some(NOBODY)).ok()?;
    }
    Some(NOBODY)
}

/// Whether a user with no rights of its own can reach `path`: every folder
/// above it searchable by others, and the path itself readable by them.
fn reachable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Ok(path) = std::path::absolute(path) else { return false };
    let mode = |path: &Path| std::fs::metadata(path).map(|metadata| metadata.permissions().mode()).unwrap_or(0);
    path.ancestors().skip(1).all(|folder| mode(folder) & 0o001 != 0) && mode(&path) & 0o004 != 0
}

/// `command` rewritten to run inside bwrap, or None when it runs as it is.
/// `dropped`: the child becomes [`unprivileged_user`] before bwrap starts, and
/// bwrap then maps it into its namespace by itself.
pub fn wrap(command: &Command, sandbox: &Sandbox, dropped: bool) -> Option<Command> {
    let confinement = confinement();
    let map_to_nobody = confinement.as_nobody && !dropped;
    wrap_with(confinement.bwrap.as_ref()?, map_to_nobody, confinement.sized_tmp, command, sandbox)
}

fn wrap_with(bwrap: &Path, as_nobody: bool, sized_tmp: bool, command: &Command, sandbox: &Sandbox) -> Option<Command> {
    let mut wrapped = Command::new(bwrap);
    wrapped.env_clear();
    // No `--new-session`: with the kernel's autogroup scheduling a new session
    // is a scheduling group of its own, and a test's 8 threads would then get
    // the CPU share of one thread of a neighbouring test. The terminal stays
    // out of reach anyway: no tty descriptor is passed and /dev has no tty.
    wrapped.args(["--unshare-all", "--die-with-parent", "--cap-drop", "ALL"]);
    if sandbox.as_pid_1 {
        wrapped.arg("--as-pid-1");
    }
    if as_nobody {
        // Inside, the student is nobody, with no claim to root's name.
        wrapped.args(["--unshare-user", "--uid", &NOBODY.to_string(), "--gid", &NOBODY.to_string()]);
    }
    for path in SYSTEM_PATHS {
        wrapped.arg("--ro-bind-try").args([path, path]);
    }
    // A small private /tmp, never the host's disk (its pages also count
    // against the memory cgroup, where one is made).
    if sized_tmp && sandbox.tmp_bytes > 0 {
        wrapped.args(["--size", &sandbox.tmp_bytes.to_string()]);
    }
    wrapped.args(["--tmpfs", "/tmp", "--proc", "/proc"]);
    for device in DEVICES {
        wrapped.arg("--dev-bind-try").args([device, device]);
    }
    for path in &sandbox.read_only {
        wrapped.arg("--ro-bind").arg(path).arg(path);
    }
    for path in &sandbox.writable {
        wrapped.arg("--bind").arg(path).arg(path);
    }
    wrapped.arg("--clearenv");
    for (name, value) in command.get_envs() {
        if let Some(value) = value {
            wrapped.arg("--setenv").arg(name).arg(value);
        }
    }
    if !command.get_envs().any(|(name, _)| name == "PATH") {
        wrapped.args(["--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin"]);
    }
    if let Some(dir) = command.get_current_dir() {
        wrapped.arg("--chdir").arg(absolute(dir)?);
    }
    wrapped.arg("--").arg(command.get_program()).args(command.get_args());
    Some(wrapped)
}

fn absolute(path: &Path) -> Option<OsString> {
    std::path::absolute(path).ok().map(PathBuf::into_os_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_apparmor_refusal_is_named_with_both_remedies() {
        // What bwrap printed on an Ubuntu 24.04 runner, for an unprivileged user.
        let refused = refusal(Path::new("/usr/bin/bwrap"), "", "bwrap: setting up uid map: Permission denied\n");
        let sentence = refused.sentence(UNISOLATED);
        assert!(sentence.starts_with("AppArmor keeps bubblewrap (/usr/bin/bwrap) from setting up a user namespace"), "{sentence}");
        assert!(sentence.contains("so submissions ran without file system and network isolation; on a machine that grades regularly"));
        let profile = ["abi <abi/4.0>,", "profile bwrap /usr/bin/bwrap flags=(unconfined) {", "userns,", "/etc/apparmor.d/bwrap"];
        for part in profile.into_iter().chain(["apparmor_parser -r"]) {
            assert!(sentence.contains(part), "{part:?} is missing from {sentence}");
        }
        assert!(sentence.contains("throw-away VM or CI runner") && sentence.contains("kernel.apparmor_restrict_unprivileged_userns=0"));
        assert!(!sentence.contains('\n'), "one line: {sentence}");
    }

    #[test]
    fn another_namespace_failure_quotes_bwrap_and_blames_no_apparmor() {
        let said = "bwrap: No permissions to create a new namespace, likely because the kernel does not allow non-privileged user namespaces.";
        let refused = refusal(Path::new("/usr/bin/bwrap"), "", &format!("{said}\n"));
        assert!(!refused.cause.contains("AppArmor") && refused.remedy.is_none(), "{refused:?}");
        assert!(refused.cause.contains(said), "{refused:?}");
        let silent = refusal(Path::new("/usr/bin/bwrap"), "", "");
        assert_eq!(silent.cause, "bubblewrap (/usr/bin/bwrap) cannot create namespaces here");
    }
}
