//! What a student uses of std's threads and locks beyond spawn and join: a
//! named scoped thread from `Builder::spawn_scoped`, `is_finished`, a scoped
//! thread spawned from another and left to the scope to join, and a lock
//! poisoned by a thread that panics holding it, found with `is_poisoned`,
//! handled and cleared. Correct: the panic is handled through `join`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::thread;

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let size = data.len().div_ceil(chunks.max(1)).max(1);
    let total = Mutex::new(0u64);
    let scale = RwLock::new(1u64);
    let spawned_inside = AtomicU64::new(0);
    thread::scope(|s| {
        let careless = s.spawn(|| {
            let _held = total.lock().unwrap();
            let _written = scale.write().unwrap();
            panic!("a deliberate panic while holding both locks");
        });
        assert!(careless.join().is_err(), "the panic comes back through join");
        assert!(total.is_poisoned() && scale.is_poisoned());
        total.clear_poison();
        scale.clear_poison();
        assert!(!total.is_poisoned() && !scale.is_poisoned());

        let handles: Vec<_> = data
            .chunks(size)
            .enumerate()
            .map(|(index, piece)| {
                let (total, scale, spawned_inside) = (&total, &scale, &spawned_inside);
                thread::Builder::new()
                    .name(format!("piece-{index}"))
                    .spawn_scoped(s, move || {
                        assert_eq!(thread::current().name(), Some(format!("piece-{index}").as_str()));
                        s.spawn(move || spawned_inside.fetch_add(1, Ordering::SeqCst));
                        *total.lock().unwrap() += piece.iter().sum::<u64>() * *scale.read().unwrap();
                    })
                    .expect("the thread starts")
            })
            .collect();
        for handle in handles {
            while !handle.is_finished() {
                thread::yield_now();
            }
            handle.join().expect("a summing thread panicked");
        }
    });
    assert_eq!(spawned_inside.into_inner(), data.chunks(size).count() as u64, "the scope joined every thread");
    total.into_inner().unwrap()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3, 4, 5], 4));
}
