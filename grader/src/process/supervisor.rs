//! The supervisor: the grader's own binary, started as `grader __supervise`
//! inside a grading's sandbox, which runs every process of the grading for it.
//!
//! It reads [`Request`]s on stdin and answers each with a [`Response`] on
//! stdout, running jobs side by side, each on a thread that traces it
//! ([`super::trace`]) and is kept for a later job once this one is done. It
//! holds no student code and no expected answer; it is trusted because
//! nothing in the sandbox can reach it:
//!
//! - it makes itself non-dumpable first, so processes of the same user can
//!   neither trace it nor open its memory or its file descriptors (and with
//!   them the pipes to the grader) through `/proc`;
//! - in the sandbox it is PID 1 of its PID namespace (`bwrap --as-pid-1`),
//!   which signals from inside the namespace cannot kill or stop;
//! - every descriptor it inherited is closed on exec, so the jobs it starts
//!   get their own pipes and nothing else.

use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use super::protocol::{self, Request, Response};
use super::pool::THREADS;
use super::{fork_server, trace};

/// The hidden subcommand that starts the supervisor.
pub const COMMAND: &str = "__supervise";

/// The most input one job may be given: the largest test case is a few MiB.
const JOB_INPUT_BYTES: u64 = 256 << 20;

pub fn main() -> ExitCode {
    trace::set_grader_cpus(std::env::args().nth(2).map(|list| super::unix::parse_cpu_list(&list)).unwrap_or_default());
    // Its own CPUs, asked here before any job's thread keeps to one.
    super::unix::machine_cpus();
    // SAFETY: prctl and fcntl on the calling process and its own descriptors.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
        for fd in 3..1024 {
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        }
    }
    let output = Arc::new(Mutex::new(std::io::stdout()));
    let mut input = std::io::stdin().lock();
    loop {
        match protocol::read_frame::<Request>(&mut input, JOB_INPUT_BYTES) {
            Ok(Some((Request::Run { id, job }, mut blobs))) => {
                let stdin = blobs.pop().unwrap_or_default();
                let sent = Arc::clone(&output);
                let ran = THREADS.run(move || {
                    let (response, blobs) = match trace::run(&job, stdin) {
                        Ok(finished) => (
                            Response::Ran { id, ran: finished.ran },
                            vec![finished.stdout.bytes, finished.stderr.bytes, finished.channel.bytes],
                        ),
                        Err(error) => {
                            let error = format!("cannot start `{}`: {error}", job.program.display());
                            (Response::Failed { id, error }, Vec::new())
                        }
                    };
                    send(&sent, &response, &blobs);
                });
                if let Err(error) = ran {
                    send(&output, &Response::Failed { id, error: format!("cannot start a thread to run the job: {error}") }, &[]);
                }
            }
            Ok(Some((Request::Export { id, from, to, max_bytes }, _))) => {
                send(&output, &Response::Exported { id, result: export(&from, &to, max_bytes) }, &[]);
            }
            // The grader closed the channel: the grading is over.
            Ok(None) => {
                fork_server::end_all();
                return ExitCode::SUCCESS;
            }
            Err(error) => {
                eprintln!("supervisor: {error}");
                return ExitCode::from(2);
            }
        }
    }
}

fn send(output: &Mutex<std::io::Stdout>, response: &Response, blobs: &[Vec<u8>]) {
    let blobs: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
    let blobs: Vec<&[&[u8]]> = blobs.iter().map(std::slice::from_ref).collect();
    if let Ok(output) = output.lock() {
        let mut output = output.lock();
        if protocol::write_frame(&mut output, response, &blobs).is_err() {
            // The grader is gone; so is the point of going on.
            std::process::exit(3);
        }
        let _ = output.flush();
    }
}

/// Copies a regular file out of the sandbox when it is no larger than `max_bytes`.
fn export(from: &std::path::Path, to: &std::path::Path, max_bytes: u64) -> Result<u64, String> {
    let metadata = std::fs::symlink_metadata(from).map_err(|error| format!("`{}`: {error}", from.display()))?;
    if !metadata.is_file() {
        return Err(format!("`{}` is not a file", from.display()));
    }
    if metadata.len() > max_bytes {
        return Err(format!("it is {} MiB, over the {} MiB the grader keeps", metadata.len() >> 20, max_bytes >> 20));
    }
    std::fs::copy(from, to).map_err(|error| format!("cannot copy `{}`: {error}", from.display()))
}
