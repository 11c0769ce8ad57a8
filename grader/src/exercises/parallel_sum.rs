//! `fn parallel_sum(data: &[u64], chunks: usize) -> u64`: cases and answers.

use super::{Contract, InputClass, ThreadBounds, preview};
use crate::rng::Rng;

pub struct ParallelSum;

/// Values stay below 2^40 so that even the large cases' sums fit in a u64.
const VALUE_LIMIT: u64 = 1 << 40;

fn random_data(rng: &mut Rng, len: usize, limit: u64) -> Vec<u64> {
    (0..len).map(|_| rng.between(0, limit)).collect()
}

/// `len % chunks`, where it says something about the pieces: 2 chunks or more.
fn remainder((data, chunks): &(Vec<u64>, usize)) -> Option<usize> {
    (*chunks >= 2).then(|| data.len() % chunks)
}

impl Contract for ParallelSum {
    type Input = (Vec<u64>, usize);
    type Output = u64;

    const TAKES_THREAD_COUNT: bool = true;

    const INPUT_CLASSES: &'static [InputClass<Self::Input>] = &[
        InputClass { name: "empty", holds: |(data, _)| data.is_empty() },
        InputClass { name: "one element", holds: |(data, _)| data.len() == 1 },
        InputClass { name: "zeros", holds: |(data, _)| data.contains(&0) },
        InputClass { name: "values over u32::MAX", holds: |(data, _)| data.iter().any(|&value| value > u64::from(u32::MAX)) },
        InputClass {
            name: "total near u64::MAX",
            holds: |(data, _)| data.iter().map(|&value| u128::from(value)).sum::<u128>() >= u128::from(u64::MAX - u64::MAX / 16),
        },
        InputClass { name: "len % chunks != 0", holds: |input| remainder(input).is_some_and(|rest| rest != 0) },
        InputClass { name: "len % chunks == chunks - 1", holds: |input| remainder(input).is_some_and(|rest| rest + 1 == input.1) },
        InputClass { name: "more chunks than items", holds: |(data, chunks)| *chunks > data.len() },
        InputClass { name: "0 chunks", holds: |(_, chunks)| *chunks == 0 },
        InputClass { name: "100,000 items or more", holds: |(data, _)| data.len() >= 100_000 },
    ];

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
        "zeros",
        "near_max",
        "one_short",
        "busy",
        "few",
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
            "zeros" => {
                // Zeros first, last and at every third place, and the whole
                // first half, whatever the seed: a sum that stops at a 0,
                // divides by one, or takes a piece summing to 0 for "not
                // done yet" is caught (with 2 threads or more, the first
                // piece is all zeros).
                let len = rng.index(2 * count.max(1), 300);
                let mut data = random_data(rng, len, VALUE_LIMIT);
                for (index, value) in data.iter_mut().enumerate() {
                    if index % 3 == 0 || index + 1 == len || index < len.div_ceil(2) {
                        *value = 0;
                    }
                }
                (data, count)
            }
            "near_max" => {
                // Values near u64::MAX / len that add up to exactly u64::MAX:
                // the total fits, but nothing narrower than a u64 (or a float)
                // holds it, and no step may go past it.
                let len = 2 * count.max(1) + 1;
                let share = u64::MAX / len as u64;
                let mut data: Vec<u64> = (1..len).map(|_| share - rng.between(0, 1 << 32)).collect();
                let rest = u64::MAX - data.iter().sum::<u64>();
                data.insert(rng.index(0, len - 1), rest);
                (data, count)
            }
            "one_short" => {
                // len % chunks == chunks - 1: the last piece is one element
                // shorter than the others.
                let chunks = count.max(1);
                let len = rng.index(1, 20) * chunks + chunks - 1;
                (random_data(rng, len, VALUE_LIMIT), count)
            }
            "busy" => (random_data(rng, 10_000, VALUE_LIMIT), count),
            // Two numbers a chunk: small inputs are split across threads too.
            "few" => (random_data(rng, 2 * count.max(1), VALUE_LIMIT), count),
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
