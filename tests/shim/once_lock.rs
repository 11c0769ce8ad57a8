//! Every thread asks a `OnceLock` and a `LazyLock` for a value that must be
//! computed exactly once (the count of initialisations is part of the
//! answer), reads a `static` `LazyLock`, and waits on a `OnceLock` the main
//! thread sets after spawning them. Correct: the cells run one initialiser
//! each, and the others wait for it under the scheduler.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, OnceLock};
use std::thread;

static UNIT: LazyLock<u64> = LazyLock::new(|| 1);

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let initialised = AtomicU64::new(0);
    let zero: OnceLock<u64> = OnceLock::new();
    let also_zero = LazyLock::new(|| {
        initialised.fetch_add(1, Ordering::SeqCst);
        0u64
    });
    let offset: OnceLock<u64> = OnceLock::new();
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        for piece in data.chunks(size) {
            let (initialised, zero, also_zero, offset, total) = (&initialised, &zero, &also_zero, &offset, &total);
            s.spawn(move || {
                let zero = *zero.get_or_init(|| {
                    initialised.fetch_add(1, Ordering::SeqCst);
                    0
                });
                let sum: u64 = piece.iter().map(|value| value * *UNIT).sum();
                total.fetch_add(sum + zero + **also_zero + *offset.wait(), Ordering::SeqCst);
            });
        }
        offset.set(0).expect("only the main thread sets the offset");
    });
    assert_eq!(zero.set(7), Err(7), "a cell is set once");
    let inits = match zero.into_inner() {
        Some(_) => initialised.load(Ordering::SeqCst) - 2,
        None => initialised.load(Ordering::SeqCst),
    };
    total.load(Ordering::SeqCst) + inits
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
