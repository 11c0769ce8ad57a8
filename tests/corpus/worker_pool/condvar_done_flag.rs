// Correct: the caller feeds a Mutex-guarded queue one job at a time and signals a Condvar;
// a done flag in the same Mutex tells the waiting workers when feeding is over.
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

struct Inbox {
    jobs: VecDeque<u32>,
    done: bool,
}

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let shared = Arc::new((Mutex::new(Inbox { jobs: VecDeque::new(), done: false }), Condvar::new()));
    let results = Arc::new(Mutex::new(Vec::new()));

    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let shared = Arc::clone(&shared);
        let results = Arc::clone(&results);
        handles.push(thread::spawn(move || {
            let (inbox, wake) = &*shared;
            loop {
                let mut guard = wake.wait_while(inbox.lock().unwrap(), |b| b.jobs.is_empty() && !b.done).unwrap();
                // woken with an empty queue only when done is set
                let Some(n) = guard.jobs.pop_front() else { break };
                drop(guard);
                results.lock().unwrap().push((n, n * n));
            }
        }));
    }

    let (inbox, wake) = &*shared;
    for n in jobs {
        inbox.lock().unwrap().jobs.push_back(n);
        wake.notify_one();
    }
    inbox.lock().unwrap().done = true;
    wake.notify_all();

    for h in handles {
        h.join().unwrap();
    }
    let mut out = Arc::try_unwrap(results).expect("the workers are gone").into_inner().unwrap();
    out.sort();
    out
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    let result = worker_pool(jobs, 4);
    println!("{:?}", result);
}
