// Correct: jobs arrive in batches; idle workers wait on a Condvar with wait_timeout (re-checking
// every few milliseconds in case a wake-up is missed) until the queue is closed and empty.
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

const BATCH: usize = 16;

#[derive(Default)]
struct Queue {
    pending: Vec<u32>,
    closed: bool,
}

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue = Mutex::new(Queue::default());
    let changed = Condvar::new();

    let mut out: Vec<(u32, u32)> = thread::scope(|s| {
        let team: Vec<_> = (0..workers.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    let mut q = queue.lock().unwrap();
                    loop {
                        if let Some(n) = q.pending.pop() {
                            drop(q);
                            mine.push((n, n * n));
                            q = queue.lock().unwrap();
                        } else if q.closed {
                            return mine;
                        } else {
                            q = changed.wait_timeout(q, Duration::from_millis(5)).unwrap().0;
                        }
                    }
                })
            })
            .collect();

        for batch in jobs.chunks(BATCH) {
            queue.lock().unwrap().pending.extend_from_slice(batch);
            changed.notify_all();
        }
        queue.lock().unwrap().closed = true;
        changed.notify_all();

        team.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    out.sort_unstable();
    out
}

fn main() {
    let result = worker_pool((1..=10).collect(), 4);
    println!("{:?}", result);
}
