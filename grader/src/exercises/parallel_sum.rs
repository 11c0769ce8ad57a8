//! `fn parallel_sum(data: &[u64], chunks: usize) -> u64`: cases and answers.

use super::{Contract, ThreadBounds, preview};
use crate::rng::Rng;

pub struct ParallelSum;

/// Values stay below 2^40 so that even the large cases' sums fit in a u64.
const VALUE_LIMIT: u64 = 1 << 40;

fn random_data(rng: &mut Rng, len: usize, limit: u64) -> Vec<u64> {
    (0..len).map(|_| rng.between(0, limit)).collect()
}

impl Contract for ParallelSum {
    type Input = (Vec<u64>, usize);
    type Output = u64;

    const TAKES_THREAD_COUNT: bool = true;

    const CASES: &'static [&'static str] = &[
        "chapter",
        "random",
        "remainder",
        "fewer_items_than_chunks",
        "large",
        "large_values",
        "empty",
        "zero_chunks",
        "zero_chunks_empty",
        "single",
        "busy",
        "small",
    ];

    fn generate(case: &str, count: usize, rng: &mut Rng) -> Self::Input {
        match case {
            "chapter" => ((1..=1_000_000).collect(), 8),
            "random" => {
                let len = rng.index(0, 300);
                (random_data(rng, len, VALUE_LIMIT), count)
            }
            "remainder" => {
                // A length that `count` does not divide, so the last piece is short.
                let whole = rng.index(1, 20) * count.max(1);
                let len = if count > 1 { whole + rng.index(1, count - 1) } else { whole + 1 };
                (random_data(rng, len, VALUE_LIMIT), count)
            }
            "fewer_items_than_chunks" => {
                let len = rng.index(0, count.saturating_sub(1));
                (random_data(rng, len, VALUE_LIMIT), count)
            }
            "large" => (random_data(rng, 200_000, VALUE_LIMIT), count),
            "large_values" => (random_data(rng, 1_000, u64::MAX / 1_000), count),
            "empty" => (Vec::new(), 4),
            "zero_chunks" => (random_data(rng, 100, VALUE_LIMIT), 0),
            "zero_chunks_empty" => (Vec::new(), 0),
            "single" => (random_data(rng, 1, VALUE_LIMIT), 8),
            "busy" => (random_data(rng, 10_000, VALUE_LIMIT), count),
            // Race tests: few enough steps for shuttle to explore many schedules.
            "small" => {
                let len = rng.index(4, 12);
                (random_data(rng, len, 1_000), count)
            }
            other => unreachable!("the spec check admits only known cases, not `{other}`"),
        }
    }

    fn expected_answer((data, _): &Self::Input) -> u64 {
        data.iter().sum()
    }

    fn threads_given((_, chunks): &Self::Input) -> Option<usize> {
        Some(*chunks)
    }

    fn allowed_threads((data, chunks): &Self::Input) -> ThreadBounds {
        ThreadBounds::for_pool(*chunks, data.len())
    }

    fn describe((data, chunks): &Self::Input) -> String {
        format!("data: {} numbers {}, chunks: {chunks}", data.len(), preview(data))
    }

    fn answer_lines(answer: &u64) -> Vec<String> {
        vec![answer.to_string()]
    }
}
