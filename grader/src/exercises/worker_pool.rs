//! `fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)>`: cases and answers.

use super::{Contract, InputClass, ThreadBounds, preview};
use crate::rng::Rng;

pub struct WorkerPool;

/// The contract keeps jobs at or below 65535, so `n * n` fits in a u32.
const LARGEST_JOB: u64 = 65_535;

fn random_jobs(rng: &mut Rng, len: usize) -> Vec<u32> {
    (0..len).map(|_| rng.between(0, LARGEST_JOB) as u32).collect()
}

impl Contract for WorkerPool {
    type Input = (Vec<u32>, usize);
    type Output = Vec<(u32, u32)>;

    const TAKES_THREAD_COUNT: bool = true;

    const INPUT_CLASSES: &'static [InputClass<Self::Input>] = &[
        InputClass { name: "empty", holds: |(jobs, _)| jobs.is_empty() },
        InputClass { name: "one job", holds: |(jobs, _)| jobs.len() == 1 },
        InputClass { name: "job 0", holds: |(jobs, _)| jobs.contains(&0) },
        InputClass { name: "job 65535", holds: |(jobs, _)| jobs.contains(&(LARGEST_JOB as u32)) },
        InputClass {
            name: "repeated jobs",
            holds: |(jobs, _)| {
                let mut sorted = jobs.clone();
                sorted.sort_unstable();
                sorted.windows(2).any(|pair| pair[0] == pair[1])
            },
        },
        InputClass { name: "jobs out of order", holds: |(jobs, _)| !jobs.is_sorted() },
        InputClass { name: "more workers than jobs", holds: |(jobs, workers)| *workers > jobs.len() },
        InputClass { name: "0 workers", holds: |(_, workers)| *workers == 0 },
        InputClass { name: "10,000 jobs or more", holds: |(jobs, _)| jobs.len() >= 10_000 },
    ];

    const CASES: &'static [&'static str] = &[
        "chapter",
        "random",
        "repeated",
        "fewer_jobs_than_workers",
        "large",
        "empty",
        "zero_workers",
        "zero_workers_empty",
        "single",
        "all_same",
        "job_zero",
        "busy",
        "few",
        "small",
    ];

    fn generate(case: &str, count: usize, rng: &mut Rng) -> Self::Input {
        match case {
            "chapter" => ((1..=10).collect(), 4),
            "random" => {
                let len = rng.index(0, 200);
                (random_jobs(rng, len), count)
            }
            "repeated" => {
                let values = random_jobs(rng, 5);
                let len = rng.index(50, 150);
                ((0..len).map(|_| values[rng.index(0, values.len() - 1)]).collect(), count)
            }
            "fewer_jobs_than_workers" => {
                let len = rng.index(0, count.saturating_sub(1));
                (random_jobs(rng, len), count)
            }
            "large" => (random_jobs(rng, 20_000), count),
            "empty" => (Vec::new(), 4),
            "zero_workers" => (random_jobs(rng, 30), 0),
            "zero_workers_empty" => (Vec::new(), 0),
            "single" => (random_jobs(rng, 1), 8),
            "all_same" => (vec![LARGEST_JOB as u32; 64], 4),
            "job_zero" => {
                // Job 0 first, in the middle and last, and the largest job,
                // whatever the seed: a pool that takes 0 as its signal to stop
                // loses pairs every time. A few more jobs than workers, so that
                // a thread per job would be over the bound.
                let len = 2 * count.max(1) + 3;
                let mut jobs = random_jobs(rng, len);
                for index in [0, len / 2, len - 1] {
                    jobs[index] = 0;
                }
                jobs[1] = LARGEST_JOB as u32;
                (jobs, count)
            }
            "busy" => (random_jobs(rng, 2_000), count),
            // Two jobs a worker: a few jobs are shared by the pool too.
            "few" => (random_jobs(rng, 2 * count.max(1)), count),
            // Race tests: few enough steps for shuttle to explore many schedules.
            "small" => {
                let len = rng.index(4, 12);
                ((0..len).map(|_| rng.between(0, 1_000) as u32).collect(), count)
            }
            other => unreachable!("the spec check admits only known cases, not `{other}`"),
        }
    }

    fn expected_answer((jobs, _): &Self::Input) -> Vec<(u32, u32)> {
        let mut pairs: Vec<(u32, u32)> = jobs.iter().map(|&n| (n, n * n)).collect();
        pairs.sort_unstable();
        pairs
    }

    fn threads_given((_, workers): &Self::Input) -> Option<usize> {
        Some(*workers)
    }

    fn allowed_threads((jobs, workers): &Self::Input) -> ThreadBounds {
        ThreadBounds::for_pool(*workers, jobs.len())
    }

    fn describe((jobs, workers): &Self::Input) -> String {
        format!("jobs: {} values {}, workers: {workers}", jobs.len(), preview(jobs))
    }

    fn answer_lines(pairs: &Vec<(u32, u32)>) -> Vec<String> {
        let mut lines = vec![format!("{} pairs", pairs.len())];
        lines.extend(pairs.iter().map(|(n, square)| format!("({n}, {square})")));
        lines
    }
}
