// Correct: private helpers compute the piece boundaries; comes with its own unit tests.
use std::ops::Range;
use std::thread::{self, ScopedJoinHandle};

/// Splits 0..len into at most `pieces` non-empty contiguous ranges (none at all when len == 0).
fn split_ranges(len: usize, pieces: usize) -> Vec<Range<usize>> {
    let pieces = pieces.max(1).min(len);
    (0..pieces)
        .map(|i| (i * len / pieces)..((i + 1) * len / pieces))
        .collect()
}

fn sum_slice(part: &[u64]) -> u64 {
    part.iter().copied().sum()
}

fn expected_sum(n: u64) -> u64 {
    n * (n + 1) / 2
}

fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let ranges = split_ranges(data.len(), chunks);
    thread::scope(|s| {
        let handles: Vec<ScopedJoinHandle<'_, u64>> = ranges
            .into_iter()
            .map(|r| {
                let part = &data[r];
                s.spawn(move || sum_slice(part))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn main() {
    let n = 1_000_000u64;
    let data: Vec<u64> = (1..=n).collect();
    let total = parallel_sum(&data, 8);
    println!("parallel sum = {}, expected = {}", total, expected_sum(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_sums_to_zero() {
        assert_eq!(parallel_sum(&[], 4), 0);
        assert_eq!(parallel_sum(&[], 0), 0);
    }

    #[test]
    fn zero_chunks_means_one() {
        assert_eq!(parallel_sum(&[1, 2, 3], 0), 6);
    }

    #[test]
    fn more_chunks_than_items() {
        assert_eq!(parallel_sum(&[5, 6], 16), 11);
    }

    #[test]
    fn ranges_cover_everything_once() {
        for len in 0..50 {
            for pieces in 0..10 {
                let r = split_ranges(len, pieces);
                assert!(r.len() <= pieces.max(1));
                let covered: Vec<usize> = r.into_iter().flatten().collect();
                assert_eq!(covered, (0..len).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn closed_form() {
        let data: Vec<u64> = (1..=1000).collect();
        assert_eq!(parallel_sum(&data, 7), expected_sum(1000));
    }
}
