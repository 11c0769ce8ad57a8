// Correct: std is named through `extern crate std as s;`; scoped workers pop from a shared
// Mutex<Vec> and push into a shared results Mutex<Vec>.
extern crate std as s;

use s::sync::Mutex;

fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)> {
    let pending = Mutex::new(jobs);
    let finished = Mutex::new(Vec::new());
    let next_job = || pending.lock().unwrap().pop();

    s::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                while let Some(n) = next_job() {
                    finished.lock().unwrap().push((n, n * n));
                }
            });
        }
    });

    let mut finished = finished.into_inner().unwrap();
    finished.sort_unstable();
    finished
}

fn main() {
    let result = worker_pool((1..=10).collect(), 4);
    s::println!("{:?}", result);
}
