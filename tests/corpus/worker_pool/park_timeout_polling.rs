// Correct: an inbox with a closed flag under one lock; idle 'static workers nap with
// park_timeout(1 ms) and check again, so nobody ever has to unpark them.
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

struct Inbox {
    jobs: Vec<u32>,
    closed: bool,
}

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let inbox = Arc::new(Mutex::new(Inbox { jobs: Vec::new(), closed: false }));
    let mut team = Vec::new();
    for _ in 0..workers.max(1) {
        let inbox = Arc::clone(&inbox);
        team.push(thread::spawn(move || {
            let mut done = Vec::new();
            loop {
                let (job, closed) = {
                    let mut inbox = inbox.lock().unwrap();
                    (inbox.jobs.pop(), inbox.closed)
                };
                match job {
                    Some(n) => done.push((n, n * n)),
                    None if closed => break done,
                    None => thread::park_timeout(Duration::from_millis(1)),
                }
            }
        }));
    }

    for n in jobs {
        inbox.lock().unwrap().jobs.push(n);
    }
    inbox.lock().unwrap().closed = true;

    let mut pairs = Vec::new();
    for member in team {
        pairs.extend(member.join().unwrap());
    }
    pairs.sort_unstable();
    pairs
}

fn main() {
    println!("{:?}", worker_pool((1..=10).collect(), 4));
}
