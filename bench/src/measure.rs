//! Timing and statistics: warm-up, then many timed samples taken
//! round-robin across cells, summarized by median, median absolute
//! deviation, minimum and maximum.

use std::time::{Duration, Instant};

use anyhow::Result;

/// How many runs to make before and while measuring.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Plan {
    /// Warm-up runs before any sample counts (at least this many ...).
    pub warmup_runs: usize,
    /// (... and at least this long in total).
    pub warmup_time: Duration,
    /// Timed samples; each sample is one call.
    pub samples: usize,
    /// Stop sampling early once this much time was spent (and at least
    /// `min_samples` were taken), so slow cells cannot stall a run.
    pub budget: Duration,
    /// Samples always taken, whatever the budget.
    pub min_samples: usize,
}

/// Summary of the samples of one cell, in seconds.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Stats {
    /// Median sample.
    pub median: f64,
    /// Median absolute deviation from the median.
    pub mad: f64,
    /// Fastest sample.
    pub min: f64,
    /// Slowest sample.
    pub max: f64,
    /// Number of samples.
    pub samples: usize,
    /// Warm-up runs made before the first sample.
    pub warmup_runs: usize,
}

impl Stats {
    /// Summarizes `samples` (seconds); `None` if there are none.
    pub fn from_samples(samples: &[f64], warmup_runs: usize) -> Option<Stats> {
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let median = median_of_sorted(&sorted)?;
        let mut deviations: Vec<f64> = sorted.iter().map(|s| (s - median).abs()).collect();
        deviations.sort_by(f64::total_cmp);
        Some(Stats {
            median,
            mad: median_of_sorted(&deviations)?,
            min: *sorted.first()?,
            max: *sorted.last()?,
            samples: sorted.len(),
            warmup_runs,
        })
    }
}

fn median_of_sorted(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    Some(if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    })
}

/// A closure timed by [`measure_interleaved`]; it checks its own result.
pub type Timed<'a> = Box<dyn FnMut() -> Result<()> + 'a>;

/// Times several closures round-robin: every closure is warmed up, then each
/// round takes one sample of each, so a change in machine load during the
/// run falls on all of them alike and their ratios stay fair. `budget` and
/// `min_samples` count rounds. A closure that fails is dropped from later
/// rounds and reports its error.
pub fn measure_interleaved(plan: &Plan, timed: &mut [Timed<'_>]) -> Vec<Result<Stats>> {
    let mut failed: Vec<Option<anyhow::Error>> = timed.iter().map(|_| None).collect();
    let mut samples: Vec<Vec<f64>> = timed
        .iter()
        .map(|_| Vec::with_capacity(plan.samples))
        .collect();
    let start = Instant::now();
    let mut warmup_runs = 0;
    while warmup_runs < plan.warmup_runs || start.elapsed() < plan.warmup_time {
        for (f, fail) in timed.iter_mut().zip(&mut failed) {
            if fail.is_none() {
                if let Err(err) = f() {
                    *fail = Some(err);
                }
            }
        }
        warmup_runs += 1;
    }
    let sampling = Instant::now();
    let mut rounds = 0;
    while rounds < plan.samples && (rounds < plan.min_samples || sampling.elapsed() < plan.budget) {
        for ((f, fail), out) in timed.iter_mut().zip(&mut failed).zip(&mut samples) {
            if fail.is_none() {
                let t = Instant::now();
                match f() {
                    Ok(()) => out.push(t.elapsed().as_secs_f64()),
                    Err(err) => *fail = Some(err),
                }
            }
        }
        rounds += 1;
    }
    failed
        .into_iter()
        .zip(samples)
        .map(|(fail, samples)| match fail {
            Some(err) => Err(err),
            None => Stats::from_samples(&samples, warmup_runs)
                .ok_or_else(|| anyhow::anyhow!("no samples taken")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_odd_and_even_counts() {
        let s = Stats::from_samples(&[3.0, 1.0, 2.0, 10.0, 4.0], 0).expect("samples");
        assert_eq!((s.median, s.min, s.max, s.samples), (3.0, 1.0, 10.0, 5));
        // |x - 3| = 0, 2, 1, 7, 1 -> sorted 0 1 1 2 7 -> 1.
        assert_eq!(s.mad, 1.0);
        let s = Stats::from_samples(&[1.0, 2.0, 3.0, 4.0], 0).expect("samples");
        assert_eq!(s.median, 2.5);
        assert!(Stats::from_samples(&[], 0).is_none());
    }

    #[test]
    fn measure_warms_up_then_samples() {
        let plan = Plan {
            warmup_runs: 3,
            warmup_time: Duration::ZERO,
            samples: 5,
            budget: Duration::from_secs(60),
            min_samples: 5,
        };
        let mut calls = 0;
        let mut timed: Vec<Timed<'_>> = vec![Box::new(|| {
            calls += 1;
            Ok(())
        })];
        let stats = measure_interleaved(&plan, &mut timed)
            .remove(0)
            .expect("measured");
        drop(timed);
        assert_eq!((calls, stats.samples, stats.warmup_runs), (8, 5, 3));
    }

    #[test]
    fn interleaved_rounds_sample_every_closure_and_drop_failures() {
        let plan = Plan {
            warmup_runs: 2,
            warmup_time: Duration::ZERO,
            samples: 4,
            budget: Duration::from_secs(60),
            min_samples: 4,
        };
        let mut a = 0;
        let mut b = 0;
        let mut timed: Vec<Timed<'_>> = vec![
            Box::new(|| {
                a += 1;
                Ok(())
            }),
            Box::new(|| {
                b += 1;
                if b > 3 {
                    anyhow::bail!("trapped on call {b}")
                }
                Ok(())
            }),
        ];
        let stats = measure_interleaved(&plan, &mut timed);
        drop(timed);
        assert_eq!(stats[0].as_ref().map(|s| s.samples).ok(), Some(4));
        assert!(stats[1].is_err());
        assert_eq!((a, b), (6, 4));
    }

    #[test]
    fn measure_stops_at_the_first_error() {
        let plan = Plan {
            warmup_runs: 1,
            warmup_time: Duration::ZERO,
            samples: 5,
            budget: Duration::from_secs(60),
            min_samples: 1,
        };
        let mut timed: Vec<Timed<'_>> = vec![Box::new(|| anyhow::bail!("wrong checksum"))];
        assert!(measure_interleaved(&plan, &mut timed).remove(0).is_err());
    }
}
