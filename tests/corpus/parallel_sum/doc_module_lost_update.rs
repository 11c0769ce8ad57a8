// Bug: lost update, the module's helper reads the shared total and stores it back in two steps (load, then store).
mod summing {
    //! Summing a slice on scoped threads.
    //!
    //! The slice is cut into pieces, each piece is summed on its own scoped
    //! thread, and every thread adds its partial sum to one shared total.

    use std::sync::atomic::{AtomicU64, Ordering};
    use std::thread;

    /// Adds `amount` to the running total.
    fn add_to(total: &AtomicU64, amount: u64) {
        let current = total.load(Ordering::SeqCst);
        total.store(current + amount, Ordering::SeqCst);
    }

    /// Sums `data` in at most `pieces` contiguous pieces, one thread each.
    pub fn sum_in_pieces(data: &[u64], pieces: usize) -> u64 {
        let size = data.len().div_ceil(pieces.max(1)).max(1);
        let total = AtomicU64::new(0);
        thread::scope(|scope| {
            for piece in data.chunks(size) {
                let total = &total;
                scope.spawn(move || add_to(total, piece.iter().sum()));
            }
        });
        total.into_inner()
    }
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    summing::sum_in_pieces(data, chunks)
}

fn main() {
    let data: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&data, 8);
    let expected = 1_000_000u64 * 1_000_001 / 2;
    println!("parallel sum = {total}, expected = {expected}");
}
