//! The supervisor's threads, kept for the next job once one is done.
//!
//! Each job needs a thread that traces it and one that moves its input and
//! output. Starting a thread costs the supervisor a stack, a signal stack
//! and the address-space lock twice (mapping them, then unmapping them at
//! the end), and with a grading's dozens of tests side by side those locks
//! were what its threads waited for. A thread of the pool runs one task at a
//! time and then waits for the next, so a grading starts about as many
//! threads as it runs tests at once.

use std::io;
use std::sync::Mutex;
use std::sync::mpsc;

type Task = Box<dyn FnOnce() + Send>;

/// Threads waiting for a task, each by the sender of its queue.
pub struct Pool {
    idle: Mutex<Vec<mpsc::Sender<Task>>>,
}

/// The supervisor's pool.
pub static THREADS: Pool = Pool::new();

impl Pool {
    pub const fn new() -> Pool {
        Pool { idle: Mutex::new(Vec::new()) }
    }

    /// Takes an idle thread, or starts one; an error only when the system
    /// has no thread left to give.
    pub fn worker(&'static self) -> io::Result<Worker> {
        if let Some(idle) = self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            return Ok(Worker(idle));
        }
        let (sender, tasks) = mpsc::channel::<Task>();
        let again = sender.clone();
        std::thread::Builder::new().spawn(move || {
            for task in tasks {
                // A task that panics ends its thread here, as a thread of its
                // own would have ended; it is not offered again.
                task();
                match self.idle.lock() {
                    Ok(mut idle) => idle.push(again.clone()),
                    Err(_) => return,
                }
            }
        })?;
        Ok(Worker(sender))
    }

    /// Runs `task` on a thread of the pool.
    pub fn run(&'static self, task: impl FnOnce() + Send + 'static) -> io::Result<()> {
        self.worker()?.run(task);
        Ok(())
    }
}

/// A thread set aside for one task: an idle one, or one just started.
pub struct Worker(mpsc::Sender<Task>);

impl Worker {
    /// Runs `task` on this worker's thread and returns at once.
    pub fn run(self, task: impl FnOnce() + Send + 'static) {
        // Taken idle, its thread is waiting on this queue, so the send
        // cannot fail; were the thread gone, the task is dropped unrun and
        // whoever waits for its result sees its channel close.
        let _ = self.0.send(Box::new(task));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> &'static Pool {
        Box::leak(Box::new(Pool::new()))
    }

    #[test]
    fn a_thread_is_used_again_once_its_task_is_done() {
        let pool = pool();
        let (sender, done) = mpsc::channel();
        let first = sender.clone();
        pool.run(move || first.send(std::thread::current().id()).unwrap()).unwrap();
        let first = done.recv().unwrap();
        let mut seen = Vec::new();
        for _ in 0..4 {
            // Back among the idle once its task has returned: wait for that.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while pool.idle.lock().unwrap().is_empty() && std::time::Instant::now() < deadline {
                std::thread::yield_now();
            }
            let sender = sender.clone();
            pool.run(move || sender.send(std::thread::current().id()).unwrap()).unwrap();
            seen.push(done.recv().unwrap());
        }
        assert_eq!(seen, [first; 4], "one thread, used again for each task in turn");
    }

    #[test]
    fn tasks_at_the_same_time_get_threads_of_their_own() {
        let pool = pool();
        let (started, waiting) = mpsc::channel();
        let (release, gate) = mpsc::channel::<()>();
        let gate = std::sync::Arc::new(Mutex::new(gate));
        for _ in 0..3 {
            let (started, gate) = (started.clone(), std::sync::Arc::clone(&gate));
            pool.run(move || {
                started.send(std::thread::current().id()).unwrap();
                let _ = gate.lock().unwrap().recv();
            })
            .unwrap();
        }
        let ids: std::collections::HashSet<_> = (0..3).map(|_| waiting.recv().unwrap()).collect();
        assert_eq!(ids.len(), 3);
        drop(release);
    }
}
