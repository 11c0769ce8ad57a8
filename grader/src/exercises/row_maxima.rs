//! `fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32>`: cases and answers.
//!
//! The function takes no thread count: the contract is one scoped thread per
//! row (or per band of rows), so the spec's thread counts are used as row
//! counts, and a test's `threads` is null.

use super::{Contract, InputClass, ThreadBounds, preview};
use crate::rng::Rng;

pub struct RowMaxima;

fn random_row(rng: &mut Rng, len: usize, low: i32, high: i32) -> Vec<i32> {
    (0..len).map(|_| rng.i32_between(low, high)).collect()
}

fn any_value(matrix: &[Vec<i32>], wanted: impl Fn(i32) -> bool) -> bool {
    matrix.iter().flatten().any(|&value| wanted(value))
}

fn random_matrix(rng: &mut Rng, rows: usize, longest: usize, low: i32, high: i32) -> Vec<Vec<i32>> {
    (0..rows)
        .map(|_| {
            let len = rng.index(0, longest);
            random_row(rng, len, low, high)
        })
        .collect()
}

impl Contract for RowMaxima {
    type Input = Vec<Vec<i32>>;
    type Output = Vec<i32>;

    const TAKES_THREAD_COUNT: bool = false;

    const INPUT_CLASSES: &'static [InputClass<Self::Input>] = &[
        InputClass { name: "no rows", holds: |matrix| matrix.is_empty() },
        InputClass { name: "one row", holds: |matrix| matrix.len() == 1 },
        InputClass { name: "empty row", holds: |matrix| matrix.iter().any(Vec::is_empty) },
        InputClass { name: "one element", holds: |matrix| matrix.iter().any(|row| row.len() == 1) },
        InputClass { name: "i32::MIN", holds: |matrix| any_value(matrix, |value| value == i32::MIN) },
        InputClass { name: "i32::MAX", holds: |matrix| any_value(matrix, |value| value == i32::MAX) },
        InputClass { name: "zeros", holds: |matrix| any_value(matrix, |value| value == 0) },
        InputClass {
            name: "all negative",
            holds: |matrix| {
                !matrix.is_empty() && matrix.iter().all(|row| !row.is_empty() && row.iter().all(|&value| value < 0))
            },
        },
        InputClass { name: "a row of 100,000 values", holds: |matrix| matrix.iter().any(|row| row.len() >= 100_000) },
        InputClass {
            name: "a row count no band count divides",
            holds: |matrix| matrix.len() > 4 && (2..=4).all(|bands| matrix.len() % bands != 0),
        },
    ];

    const CASES: &'static [&'static str] = &[
        "chapter",
        "random",
        "all_negative",
        "empty_rows",
        "skewed",
        "large",
        "empty_matrix",
        "single_row",
        "extremes",
        "one_element_rows",
        "seven_rows",
        "busy",
        "small",
    ];

    fn generate(case: &str, rows: usize, rng: &mut Rng) -> Self::Input {
        match case {
            "chapter" => vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]],
            "random" => random_matrix(rng, rows, 40, i32::MIN, i32::MAX),
            "all_negative" => (0..rows)
                .map(|_| {
                    let len = rng.index(1, 20);
                    random_row(rng, len, i32::MIN, -1)
                })
                .collect(),
            "empty_rows" => (0..rows)
                .map(|row| if row % 2 == 0 { Vec::new() } else { random_row(rng, 5, -100, 100) })
                .collect(),
            "skewed" => {
                let long = rng.index(0, rows.saturating_sub(1));
                (0..rows)
                    .map(|row| {
                        let len = if row == long { 100_000 } else { rng.index(0, 5) };
                        random_row(rng, len, -1_000_000, 1_000_000)
                    })
                    .collect()
            }
            "large" => (0..rows).map(|_| random_row(rng, 5_000, i32::MIN, i32::MAX)).collect(),
            "empty_matrix" => Vec::new(),
            "single_row" => vec![random_row(rng, 10, -50, 50)],
            "extremes" => vec![
                vec![i32::MIN],
                vec![i32::MAX, i32::MIN],
                vec![i32::MIN, i32::MIN],
                vec![],
                vec![0, i32::MAX],
                vec![-1],
                vec![i32::MIN, -1, i32::MIN],
                vec![i32::MAX],
            ],
            "one_element_rows" => (0..rows)
                .map(|row| match row % 4 {
                    0 => vec![i32::MAX],
                    1 => vec![i32::MIN],
                    2 => vec![0],
                    _ => random_row(rng, 1, i32::MIN, i32::MAX),
                })
                .collect(),
            // 7 rows: no split into 2, 3 or 4 bands comes out even, so rows
            // left over after the last full band must still be done.
            "seven_rows" => (0..7).map(|_| random_row(rng, 6, -1_000, 1_000)).collect(),
            "busy" => (0..rows).map(|_| random_row(rng, 1_000, -1_000, 1_000)).collect(),
            // Race tests: few enough steps for shuttle to explore many schedules.
            "small" => random_matrix(rng, rows, 3, -50, 50),
            other => unreachable!("the spec check admits only known cases, not `{other}`"),
        }
    }

    fn expected_answer(matrix: &Self::Input) -> Vec<i32> {
        matrix.iter().map(|row| row.iter().copied().max().unwrap_or(i32::MIN)).collect()
    }

    fn threads_given(_: &Self::Input) -> Option<usize> {
        None
    }

    fn allowed_threads(matrix: &Self::Input) -> ThreadBounds {
        ThreadBounds::for_pool(matrix.len(), matrix.len())
    }

    fn describe(matrix: &Self::Input) -> String {
        let lengths: Vec<usize> = matrix.iter().map(Vec::len).collect();
        let rows: Vec<String> = matrix.iter().take(3).map(|row| preview(row)).collect();
        format!("{} rows of lengths {}: {}", matrix.len(), preview(&lengths), rows.join(", "))
    }

    fn answer_lines(maxima: &Vec<i32>) -> Vec<String> {
        let mut lines = vec![format!("{} rows", maxima.len())];
        lines.extend(maxima.iter().enumerate().map(|(row, max)| format!("row {row}: {max}")));
        lines
    }
}
