//! What the grader and its supervisor say to each other.
//!
//! The supervisor (`grader __supervise`, see [`super::supervisor`]) is the
//! grader's own code, started inside a grading's sandbox. The grader sends it
//! [`Request`]s on its stdin and reads [`Response`]s from its stdout. Both
//! sides are trusted: no student code ever holds either end (the supervisor
//! keeps the pipes to itself, and it cannot be read or traced by the
//! processes it runs).
//!
//! Each message is one frame: a small JSON header, then the raw bytes that
//! travel with it (a test's input, a process's output), so megabytes of input
//! never pass through a JSON encoder. Reading a frame never trusts a length
//! beyond the caps given.

use std::io::{Read, Write};
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Exit, LimitHit};

/// One process for the supervisor to run, watch and report on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub program: PathBuf,
    pub args: Vec<String>,
    /// The whole environment of the process.
    pub env: Vec<(String, String)>,
    pub cwd: PathBuf,
    pub timeout_ms: u64,
    /// Bytes kept of stdout and of stderr each; the rest is counted.
    pub output_bytes: usize,
    /// A stream longer than this stops the process.
    pub output_limit: Option<u64>,
    /// Give the process a result channel on fd 3, keeping this many bytes of it.
    pub channel_bytes: Option<usize>,
    /// Trace the job: count the threads and processes it creates, and stop
    /// it at `tasks`. Each thread it starts then costs a few round trips to
    /// the supervisor, which a job that starts thousands of threads to no
    /// verdict's benefit is spared.
    pub trace: bool,
    /// The program is a test harness that can serve as a fork server: start
    /// it once and fork each such job from it (see `fork_server`).
    #[serde(default)]
    pub fork_server: bool,
    /// Run the job and every thread it starts on one CPU, the supervisor's
    /// choice, the next one for each such job: its threads, and the
    /// supervisor's thread that traces them, then wake each other without
    /// moving between CPUs. Not for a job whose threads must truly overlap.
    #[serde(default)]
    pub one_cpu: bool,
    /// Threads and processes alive at once; one more stops a traced job.
    pub tasks: Option<u64>,
    pub address_space: Option<u64>,
    pub cpu_secs: Option<u64>,
    pub file_bytes: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Run a job; the frame's one blob is its stdin.
    Run { id: u64, job: Job },
    /// Copy a file the sandbox wrote to a place the grader can read, if it
    /// is no larger than `max_bytes`.
    Export { id: u64, from: PathBuf, to: PathBuf, max_bytes: u64 },
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Response {
    /// The frame's three blobs are the kept stdout, stderr and channel bytes.
    Ran { id: u64, ran: Ran },
    Exported { id: u64, result: Result<u64, String> },
    /// The supervisor could not start the job at all.
    Failed { id: u64, error: String },
}

/// What the supervisor saw of one job, from outside the process.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ran {
    pub exit: Exit,
    pub duration_ms: u64,
    /// CPU time (user and system) of every process of the job.
    pub cpu_ms: u64,
    pub stdout_dropped: u64,
    pub stderr_dropped: u64,
    pub channel_dropped: u64,
    /// Processes of the job were still alive when its first process ended.
    pub left_processes: bool,
    /// A limit the supervisor itself stopped the job at.
    pub limit: Option<LimitHit>,
    /// Threads and processes the job created, counted by tracing it; None
    /// where the kernel does not allow tracing.
    pub tasks: Option<Tasks>,
}

/// The threads and processes one job created, as the kernel reported them to
/// the tracer: every `clone` of a thread and every `fork`, whatever API made it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tasks {
    pub threads: u64,
    pub processes: u64,
    /// The most threads and processes alive at once, the first one included.
    pub peak: u64,
}

/// The largest JSON header either side accepts.
const HEADER_BYTES: usize = 1 << 20;

/// Writes one frame: the header as JSON, then each blob, given as the
/// pieces it is made of (so that a test's input need not be copied into one
/// buffer with what goes before it).
pub fn write_frame(out: &mut impl Write, header: &impl Serialize, blobs: &[&[&[u8]]]) -> std::io::Result<()> {
    let json = serde_json::to_vec(header).map_err(std::io::Error::other)?;
    let mut head = Vec::with_capacity(json.len() + 8);
    head.extend_from_slice(&(json.len() as u32).to_le_bytes());
    head.extend_from_slice(&json);
    head.extend_from_slice(&(blobs.len() as u32).to_le_bytes());
    out.write_all(&head)?;
    for pieces in blobs {
        let len: usize = pieces.iter().map(|piece| piece.len()).sum();
        out.write_all(&(len as u64).to_le_bytes())?;
        for piece in *pieces {
            out.write_all(piece)?;
        }
    }
    out.flush()
}

/// Reads one frame, or None at the end of the stream. `blob_bytes` caps the
/// blobs' total size.
pub fn read_frame<T: DeserializeOwned>(input: &mut impl Read, blob_bytes: u64) -> std::io::Result<Option<(T, Vec<Vec<u8>>)>> {
    let mut length = [0u8; 4];
    match input.read_exact(&mut length) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let length = u32::from_le_bytes(length) as usize;
    if length > HEADER_BYTES {
        return Err(invalid("a frame header is too large"));
    }
    let mut json = vec![0u8; length];
    input.read_exact(&mut json)?;
    let header = serde_json::from_slice(&json).map_err(|error| invalid(&format!("an unreadable frame header: {error}")))?;
    let mut count = [0u8; 4];
    input.read_exact(&mut count)?;
    let count = u32::from_le_bytes(count);
    if count > 16 {
        return Err(invalid("a frame has too many blobs"));
    }
    let mut blobs = Vec::with_capacity(count as usize);
    let mut left = blob_bytes;
    for _ in 0..count {
        let mut size = [0u8; 8];
        input.read_exact(&mut size)?;
        let size = u64::from_le_bytes(size);
        if size > left {
            return Err(invalid("a frame's data is larger than allowed"));
        }
        left -= size;
        let mut blob = vec![0u8; size as usize];
        input.read_exact(&mut blob)?;
        blobs.push(blob);
    }
    Ok(Some((header, blobs)))
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_round_trips_with_its_blobs_and_respects_the_cap() {
        let mut bytes = Vec::new();
        let request = Request::Export { id: 7, from: "/a".into(), to: "/b".into(), max_bytes: 9 };
        write_frame(&mut bytes, &request, &[&[b"in", b"", b"put"], &[]]).unwrap();
        let (read, blobs): (Request, _) = read_frame(&mut bytes.as_slice(), 100).unwrap().unwrap();
        assert!(matches!(read, Request::Export { id: 7, max_bytes: 9, .. }));
        assert_eq!(blobs, vec![b"input".to_vec(), Vec::new()]);
        assert!(read_frame::<Request>(&mut bytes.as_slice(), 4).is_err());
        assert!(read_frame::<Request>(&mut &b""[..], 4).unwrap().is_none());
    }
}
