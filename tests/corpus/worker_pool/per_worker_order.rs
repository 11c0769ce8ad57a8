// Bug: the jobs are sorted up front and the workers' buffers are concatenated unsorted, so interleaved workers give an unsorted list.
use std::collections::VecDeque;
use std::sync::Mutex;
use std::thread;

fn worker_pool(mut jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    // Sorted jobs, taken from the front, keep every worker's results in order.
    jobs.sort_unstable();
    let queue = Mutex::new(VecDeque::from(jobs));

    thread::scope(|s| {
        let handles: Vec<_> = (0..workers.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let next = queue.lock().unwrap().pop_front();
                        let Some(n) = next else { break };
                        done.push((n, n * n));
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().flat_map(|handle| handle.join().unwrap()).collect()
    })
}

fn main() {
    let jobs: Vec<u32> = (1..=10).collect();
    println!("{:?}", worker_pool(jobs, 4));
}
