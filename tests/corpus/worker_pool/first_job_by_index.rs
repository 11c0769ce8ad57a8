// Bug: every worker is handed its first job by index, so more workers than jobs slices past the end and panics.
use std::sync::Mutex;
use std::thread;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    if jobs.is_empty() {
        return Vec::new();
    }
    let pool = workers.max(1);
    // Each worker starts on a job of its own; the rest wait in the queue.
    let queue = Mutex::new(jobs[pool..].to_vec());

    let mut results: Vec<(u32, u32)> = thread::scope(|s| {
        let handles: Vec<_> = jobs[..pool]
            .iter()
            .map(|&first| {
                let queue = &queue;
                s.spawn(move || {
                    let mut done = vec![(first, first * first)];
                    loop {
                        let next = queue.lock().unwrap().pop();
                        let Some(n) = next else { break };
                        done.push((n, n * n));
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().flat_map(|handle| handle.join().unwrap()).collect()
    });
    results.sort_unstable();
    results
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
