// Correct: the Rust Book's ThreadPool: boxed closures sent over a channel whose Receiver the
// workers share as Arc<Mutex<mpsc::Receiver<Job>>>; dropping the pool joins them.
use std::sync::mpsc;

mod pool
{
    use std::sync::{mpsc, Arc, Mutex};
    use std::thread;

    type Job = Box<dyn FnOnce() + Send + 'static>;

    pub struct ThreadPool {
        workers: Vec<Worker>,
        sender: Option<mpsc::Sender<Job>>,
    }

    impl ThreadPool {
        /// Starts `size` workers; `size` must be at least 1.
        pub fn new(size: usize) -> ThreadPool {
            assert!(size > 0, "a pool needs at least one worker");
            let (sender, receiver) = mpsc::channel();
            let receiver = Arc::new(Mutex::new(receiver));
            let workers = (0..size).map(|id| Worker::new(id, Arc::clone(&receiver))).collect();
            ThreadPool { workers, sender: Some(sender) }
        }

        pub fn execute<F>(&self, f: F)
        where
            F: FnOnce() + Send + 'static,
        {
            let job: Job = Box::new(f);
            self.sender.as_ref().expect("the pool is running").send(job).expect("the workers are alive");
        }
    }

    impl Drop for ThreadPool {
        fn drop(&mut self) {
            // Closing the channel makes every worker's recv() fail once the jobs are gone.
            drop(self.sender.take());
            for worker in self.workers.drain(..) {
                if worker.thread.join().is_err() {
                    eprintln!("worker {} panicked", worker.id);
                }
            }
        }
    }

    struct Worker {
        id: usize,
        thread: thread::JoinHandle<()>,
    }

    impl Worker {
        fn new(id: usize, receiver: Arc<Mutex<mpsc::Receiver<Job>>>) -> Worker {
            let thread = thread::spawn(move || {
                loop {
                    // the guard is dropped at the end of this statement, before the job runs
                    let message = receiver.lock().unwrap().recv();
                    match message {
                        Ok(job) => job(),
                        Err(_) => break,
                    }
                }
            });
            Worker { id, thread }
        }
    }
}

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let (results_tx, results_rx) = mpsc::channel();
    {
        let pool = pool::ThreadPool::new(workers.max(1));
        for n in jobs {
            let results_tx = results_tx.clone();
            pool.execute(move || {
                results_tx.send((n, n * n)).expect("the caller is listening");
            });
        }
        // the pool is dropped here, which waits for every job to run
    }
    drop(results_tx);
    let mut results: Vec<(u32, u32)> = results_rx.into_iter().collect();
    results.sort();
    results
}

fn main() {
    let result = worker_pool((1..=10).collect(), 4);
    println!("{:?}", result);
}
