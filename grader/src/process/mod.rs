//! Every child process the grader starts (rustc, the harness) goes through
//! [`run_with_timeout`], and nowhere else.
//!
//! Modelled on how nextest runs tests: each child leads its own process group;
//! when its time is up it gets SIGTERM, a short grace period, then SIGKILL for
//! the whole group; its output is read through bounded buffers (the first part
//! kept, the rest counted and dropped), so a child that prints gigabytes costs
//! the grader no memory; and a child that leaves processes behind is noticed
//! and they are killed. This module runs processes and reports what happened;
//! it does not judge results.

mod unix;

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

/// How long a child that got SIGTERM may take to go before SIGKILL.
const GRACE: Duration = Duration::from_millis(200);
/// How long to wait for output still buffered in the pipes after the child ended.
const DRAIN: Duration = Duration::from_secs(1);
/// The result channel carries answers, which can be large (20,000 pairs), but never this large.
const CHANNEL_BYTES: usize = 64 * 1024 * 1024;

pub struct Limits {
    pub timeout: Duration,
    /// Bytes kept of stdout and of stderr each.
    pub output_bytes: usize,
}

/// The kept start of one output stream.
#[derive(Debug, Default, Clone)]
pub struct Captured {
    pub bytes: Vec<u8>,
    /// Bytes the child wrote beyond the kept part.
    pub dropped: u64,
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    /// Killed when its time was up; `cpu` is the CPU time it had used by then,
    /// which tells a deadlock (little) from an endless loop (a lot).
    TimedOut { cpu: Option<Duration> },
}

#[derive(Debug)]
pub struct Finished {
    pub exit: Exit,
    pub stdout: Captured,
    pub stderr: Captured,
    /// What the child wrote on its result channel (file descriptor 3).
    pub channel: Vec<u8>,
    pub duration: Duration,
    /// The child left processes running in its group after it ended.
    pub left_processes: bool,
}

/// Runs `command` to its end or its timeout. With `result_channel`, the child
/// gets the write end of a fresh pipe as file descriptor 3.
pub fn run_with_timeout(mut command: Command, limits: &Limits, result_channel: bool) -> std::io::Result<Finished> {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    unix::lead_own_group(&mut command);
    let channel = if result_channel {
        let (reader, writer) = std::io::pipe()?;
        unix::pass_as_fd3(&mut command, &writer);
        Some((reader, writer))
    } else {
        None
    };
    let started = Instant::now();
    let mut child = command.spawn()?;
    // Close the parent's copy of the write end, so the reader sees the end of
    // the stream once the child's copies close.
    let channel = channel.map(|(reader, _writer)| reader);
    let group = child.id() as i32;
    let stdout = read_bounded(child.stdout.take(), limits.output_bytes);
    let stderr = read_bounded(child.stderr.take(), limits.output_bytes);
    let channel = read_bounded(channel, CHANNEL_BYTES);

    let exit = match child.wait_timeout(limits.timeout)? {
        Some(status) => unix::exit_of(status),
        None => {
            let cpu = unix::cpu_time(group);
            unix::signal_group(group, libc::SIGTERM);
            if child.wait_timeout(GRACE)?.is_none() {
                unix::signal_group(group, libc::SIGKILL);
                child.wait()?;
            }
            Exit::TimedOut { cpu }
        }
    };
    let duration = started.elapsed();
    let left_processes = unix::group_alive(group);
    if left_processes {
        unix::signal_group(group, libc::SIGKILL);
    }
    Ok(Finished {
        exit,
        stdout: stdout.collect(),
        stderr: stderr.collect(),
        channel: channel.collect().bytes,
        duration,
        left_processes,
    })
}

/// A stream being read on its own thread into a bounded buffer.
struct BoundedReader {
    captured: Arc<Mutex<Captured>>,
    done: mpsc::Receiver<()>,
}

fn read_bounded(stream: Option<impl Read + Send + 'static>, keep: usize) -> BoundedReader {
    let captured = Arc::new(Mutex::new(Captured::default()));
    let (finished, done) = mpsc::channel();
    if let Some(mut stream) = stream {
        let shared = Arc::clone(&captured);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 16 * 1024];
            while let Ok(read) = stream.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                let Ok(mut captured) = shared.lock() else { break };
                let room = keep.saturating_sub(captured.bytes.len()).min(read);
                captured.bytes.extend_from_slice(&buffer[..room]);
                captured.dropped += (read - room) as u64;
            }
            let _ = finished.send(());
        });
    }
    BoundedReader { captured, done }
}

impl BoundedReader {
    /// What was read. A stream still held open by a process that escaped the
    /// group is not waited for beyond [`DRAIN`]: the grader must never hang.
    fn collect(self) -> Captured {
        let _ = self.done.recv_timeout(DRAIN);
        self.captured.lock().map(|captured| captured.clone()).unwrap_or_default()
    }
}

/// The name and meaning of a signal, for reports.
pub fn signal_name(signal: i32) -> &'static str {
    unix::signal_name(signal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.arg("-c").arg(script);
        command
    }

    fn limits(timeout_ms: u64) -> Limits {
        Limits { timeout: Duration::from_millis(timeout_ms), output_bytes: 1024 }
    }

    #[test]
    fn a_hang_is_killed_at_its_timeout_with_its_children() {
        let started = Instant::now();
        let finished = run_with_timeout(shell("sleep 30 & sleep 30"), &limits(300), false).unwrap();
        assert!(matches!(finished.exit, Exit::TimedOut { .. }), "{:?}", finished.exit);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn output_beyond_the_cap_is_counted_not_kept() {
        let finished = run_with_timeout(shell("head -c 100000 /dev/zero; echo err >&2"), &limits(5000), false).unwrap();
        assert_eq!(finished.exit, Exit::Code(0));
        assert_eq!(finished.stdout.bytes.len(), 1024);
        assert_eq!(finished.stdout.dropped, 100_000 - 1024);
        assert_eq!(finished.stderr.text(), "err\n");
    }

    #[test]
    fn the_result_channel_is_fd_3_and_separate_from_stdout() {
        let finished = run_with_timeout(shell("echo shown; echo answer >&3"), &limits(5000), true).unwrap();
        assert_eq!(finished.channel, b"answer\n");
        assert_eq!(finished.stdout.text(), "shown\n");
    }

    #[test]
    fn a_signal_and_a_left_behind_process_are_reported() {
        let finished = run_with_timeout(shell("kill -SEGV $$"), &limits(5000), false).unwrap();
        assert_eq!(finished.exit, Exit::Signal(libc::SIGSEGV));
        let finished = run_with_timeout(shell("sleep 30 >/dev/null 2>&1 & exit 3"), &limits(5000), false).unwrap();
        assert_eq!(finished.exit, Exit::Code(3));
        assert!(finished.left_processes);
    }
}
