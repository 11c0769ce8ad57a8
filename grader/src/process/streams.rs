//! A job's input, its three outputs and its time limit, minded by one thread.
//!
//! The thread writes the case to the job's stdin as the job reads it, keeps
//! the first part of stdout, stderr and the result channel (counting the
//! rest), stops a stream that floods, and at the deadline gives the job
//! SIGTERM, then SIGKILL after a grace; all with `poll(2)` over the pipes and
//! an eventfd that says when the job has ended. After the end it reads what
//! is still in the pipes for at most [`DRAIN`]: a stream held open by a
//! process that escaped must never hold the grading up. One thread per job
//! in place of five (a writer, three readers and a watchdog), and that one
//! taken from the supervisor's pool.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Arc, mpsc};
use std::time::Instant;

use super::pool::Worker;
use super::{Captured, DRAIN, GRACE, unix};

/// One output stream of a job: where it is read, how much of it is kept,
/// and the size past which the job is stopped.
pub struct Output<R> {
    pub reader: R,
    pub keep: usize,
    pub flood: Option<u64>,
}

/// What the streams' thread does to the job.
pub trait Watcher: Send + Sync {
    /// The deadline has passed: give the job SIGTERM.
    fn time_up(&self);
    /// The grace after SIGTERM is over and the job has not ended: SIGKILL.
    fn grace_over(&self);
    /// A stream went past `limit` bytes: stop the job.
    fn flooded(&self, limit: u64);
}

/// The streams of a job under way.
pub struct Minded {
    ended: Arc<OwnedFd>,
    results: mpsc::Receiver<[Captured; 3]>,
}

impl Minded {
    /// The job has ended: what it wrote, once read to the end of each
    /// stream or for [`DRAIN`] more.
    pub fn ended(self) -> [Captured; 3] {
        let one: u64 = 1;
        // SAFETY: writes eight bytes from a live u64 to the eventfd.
        unsafe {
            libc::write(self.ended.as_raw_fd(), (&one as *const u64).cast(), 8);
        }
        // Closed unanswered only if the thread is gone: nothing was kept.
        self.results.recv().unwrap_or_default()
    }
}

/// A thread and an eventfd set aside for one job's streams, taken before
/// the job starts: once it has, minding it cannot fail.
pub struct Minder {
    worker: Worker,
    ended: OwnedFd,
}

impl Minder {
    pub fn new(worker: Worker) -> io::Result<Minder> {
        // SAFETY: eventfd makes a new descriptor, owned from here on.
        let ended = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if ended == -1 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the eventfd was just made and is owned by nothing else.
        Ok(Minder { worker, ended: unsafe { OwnedFd::from_raw_fd(ended) } })
    }

    /// Starts minding a job's streams: `input` goes to `stdin`, `outputs`
    /// (stdout, stderr, the channel) are read, and `watcher` is told when
    /// the job passes `deadline` or floods. The thread keeps to `cpus`.
    pub fn mind<W, R>(
        self,
        stdin: W,
        input: Vec<u8>,
        outputs: [Option<Output<R>>; 3],
        deadline: Instant,
        watcher: Arc<dyn Watcher>,
        cpus: Vec<usize>,
    ) -> Minded
    where
        W: Write + AsRawFd + Send + 'static,
        R: Read + AsRawFd + Send + 'static,
    {
        let Minder { worker, ended } = self;
        set_nonblocking(stdin.as_raw_fd());
        for output in outputs.iter().flatten() {
            set_nonblocking(output.reader.as_raw_fd());
        }
        let (send, results) = mpsc::channel();
        let ended = Arc::new(ended);
        let told = Arc::clone(&ended);
        worker.run(move || {
            if !cpus.is_empty() {
                let _ = unix::keep_thread_to(&cpus);
            }
            let _ = send.send(pump(&told, stdin, input, outputs, deadline, &*watcher));
        });
        Minded { ended, results }
    }
}

fn set_nonblocking(fd: RawFd) {
    // SAFETY: reads and sets the status flags of a descriptor this module holds.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags != -1 {
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
    }
}

/// Writes what the pipe takes of `input` from `written` on; true once all
/// of it is written or the job has closed its end.
fn write_some(stdin: &mut impl Write, input: &[u8], written: &mut usize) -> bool {
    while *written < input.len() {
        match stdin.write(&input[*written..]) {
            Ok(count) if count > 0 => *written += count,
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => return false,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            _ => return true,
        }
    }
    true
}

/// Where the job is with its time limit.
#[derive(Clone, Copy)]
enum Clock {
    Running,
    /// Given SIGTERM; SIGKILL at this instant if still running.
    Terminated(Instant),
    Killed,
}

fn pump<W: Write + AsRawFd, R: Read + AsRawFd>(
    ended: &OwnedFd,
    stdin: W,
    input: Vec<u8>,
    outputs: [Option<Output<R>>; 3],
    deadline: Instant,
    watcher: &dyn Watcher,
) -> [Captured; 3] {
    let mut captured: [Captured; 3] = Default::default();
    let mut outputs = outputs;
    // The input and how much of it is written; closed once all of it is.
    let mut writing = (!input.is_empty()).then_some((stdin, 0usize));
    let mut clock = Clock::Running;
    let mut ended_at: Option<Instant> = None;
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let now = Instant::now();
        let until = match ended_at {
            Some(at) => {
                if outputs.iter().all(Option::is_none) || now >= at + DRAIN {
                    break;
                }
                Some(at + DRAIN)
            }
            None => {
                clock = match clock {
                    Clock::Running if now >= deadline => {
                        watcher.time_up();
                        Clock::Terminated(now + GRACE)
                    }
                    Clock::Terminated(kill_at) if now >= kill_at => {
                        watcher.grace_over();
                        Clock::Killed
                    }
                    clock => clock,
                };
                match clock {
                    Clock::Running => Some(deadline),
                    Clock::Terminated(kill_at) => Some(kill_at),
                    Clock::Killed => None,
                }
            }
        };
        let mut polled = Vec::with_capacity(5);
        if ended_at.is_none() {
            polled.push(libc::pollfd { fd: ended.as_raw_fd(), events: libc::POLLIN, revents: 0 });
        }
        if let Some((stdin, _)) = &writing {
            polled.push(libc::pollfd { fd: stdin.as_raw_fd(), events: libc::POLLOUT, revents: 0 });
        }
        for output in outputs.iter().flatten() {
            polled.push(libc::pollfd { fd: output.reader.as_raw_fd(), events: libc::POLLIN, revents: 0 });
        }
        let timeout = until.map_or(-1, |until| {
            let left = until.saturating_duration_since(now);
            // Rounded up, so a wake-up never comes a little before its time and spins.
            (left.as_micros().div_ceil(1000)).min(i32::MAX as u128) as i32
        });
        // SAFETY: polls descriptors this thread holds, from a live array.
        let ready = unsafe { libc::poll(polled.as_mut_ptr(), polled.len() as libc::nfds_t, timeout) };
        if ready == -1 {
            if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            // Not a state this loop can go on from: stop minding.
            break;
        }
        let ready = |fd: RawFd| polled.iter().find(|entry| entry.fd == fd).is_some_and(|entry| entry.revents != 0);
        if ended_at.is_none() && ready(ended.as_raw_fd()) {
            ended_at = Some(Instant::now());
            // A job that ended without reading all of its input never will.
            writing = None;
        }
        if let Some((stdin, written)) = &mut writing
            && ready(stdin.as_raw_fd())
            && write_some(stdin, &input, written)
        {
            writing = None;
        }
        for (slot, kept) in outputs.iter_mut().zip(captured.iter_mut()) {
            let Some(output) = slot else { continue };
            if !ready(output.reader.as_raw_fd()) {
                continue;
            }
            match output.reader.read(&mut buffer) {
                Ok(0) => *slot = None,
                Ok(read) => {
                    let total = kept.take(&buffer[..read], output.keep);
                    if let Some(limit) = output.flood
                        && total > limit
                    {
                        watcher.flooded(limit);
                        *slot = None;
                    }
                }
                Err(error) if matches!(error.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted) => {}
                Err(_) => *slot = None,
            }
        }
    }
    captured
}
