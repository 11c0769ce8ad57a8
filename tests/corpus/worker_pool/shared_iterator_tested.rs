// Correct: the queue is the jobs' own iterator behind a Mutex (next() is the pop); comes with
// unit tests that run several pools at once from their own threads.
use std::sync::Mutex;
use std::thread;
use std::vec;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let queue: Mutex<vec::IntoIter<u32>> = Mutex::new(jobs.into_iter());
    let mut pairs: Vec<(u32, u32)> = thread::scope(|s| {
        let handles: Vec<_> = (0..workers.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut local = Vec::new();
                    while let Some(n) = next_job(&queue) {
                        local.push((n, n * n));
                    }
                    local
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    pairs.sort_unstable();
    pairs
}

/// Takes the next job; the lock is released before the caller works on it.
fn next_job(queue: &Mutex<vec::IntoIter<u32>>) -> Option<u32> {
    queue.lock().unwrap().next()
}

fn main() {
    let result = worker_pool((1..=10).collect(), 4);
    println!("{:?}", result);
}

#[cfg(test)]
mod tests {
    use super::worker_pool;
    use std::thread;

    fn expected(jobs: &[u32]) -> Vec<(u32, u32)> {
        let mut pairs: Vec<_> = jobs.iter().map(|&n| (n, n * n)).collect();
        pairs.sort_unstable();
        pairs
    }

    #[test]
    fn pools_running_side_by_side_do_not_mix_jobs() {
        let checkers: Vec<_> = (1..=6u32)
            .map(|k| {
                thread::spawn(move || {
                    let jobs: Vec<u32> = (0..500).map(|i| (i * k) % 997).collect();
                    assert_eq!(worker_pool(jobs.clone(), k as usize), expected(&jobs));
                })
            })
            .collect();
        for c in checkers {
            c.join().expect("a checker thread failed");
        }
    }

    #[test]
    fn edges() {
        assert!(worker_pool(vec![], 0).is_empty());
        assert_eq!(worker_pool(vec![3, 3, 1], 0), vec![(1, 1), (3, 9), (3, 9)]);
        assert_eq!(worker_pool(vec![65535], 8), vec![(65535, 65535 * 65535)]);
    }
}
