// Correct: glob imports of std::sync::atomic and std::thread; a few scoped threads claim rows
// with a SeqCst fetch_add counter and store each maximum in that row's AtomicI32 slot.
use std::sync::atomic::*;
use std::thread::*;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let slots: Vec<AtomicI32> = (0..matrix.len()).map(|_| AtomicI32::new(i32::MIN)).collect();
    let next_row = AtomicUsize::new(0);
    let crew = matrix.len().min(3);

    scope(|s| {
        for _ in 0..crew {
            s.spawn(|| {
                loop {
                    let r = next_row.fetch_add(1, Ordering::SeqCst);
                    if r >= matrix.len() {
                        break;
                    }
                    if let Some(&best) = matrix[r].iter().max() {
                        slots[r].store(best, Ordering::SeqCst);
                    }
                }
            });
        }
    });

    slots.into_iter().map(AtomicI32::into_inner).collect()
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
