// Correct: the pool is laid out in nested modules (pool::queue and pool::crew), each opening with
// //! docs; the crate root only re-exports what it needs.
mod pool {
    //! A fixed crew of scoped workers draining one shared queue.

    pub mod queue {
        //! The shared queue: taking a job is a single locked step.
        use std::collections::VecDeque;
        use std::sync::Mutex;

        pub struct JobQueue(Mutex<VecDeque<u32>>);

        impl JobQueue {
            pub fn new(jobs: Vec<u32>) -> Self {
                JobQueue(Mutex::new(jobs.into()))
            }

            pub fn take(&self) -> Option<u32> {
                self.0.lock().unwrap().pop_front()
            }
        }
    }

    pub mod crew {
        //! Workers that keep their own results and hand them back when joined.
        use super::queue::JobQueue;
        use std::thread;

        pub fn run(queue: &JobQueue, size: usize) -> Vec<(u32, u32)> {
            thread::scope(|s| {
                let members: Vec<_> = (0..size).map(|_| s.spawn(|| drain(queue))).collect();
                members.into_iter().flat_map(|m| m.join().unwrap()).collect()
            })
        }

        fn drain(queue: &JobQueue) -> Vec<(u32, u32)> {
            std::iter::from_fn(|| queue.take()).map(|n| (n, n * n)).collect()
        }
    }
}

use pool::crew;
use pool::queue::JobQueue;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = JobQueue::new(jobs);
    let mut pairs = crew::run(&queue, workers.max(1));
    pairs.sort();
    pairs
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    let result = worker_pool(jobs, 4);
    println!("{:?}", result);
}
