//! Timing through criterion: every cell is a criterion benchmark (warm-up,
//! then flat sampling: the same number of calls in each sample), and its
//! statistics are criterion's own, read back from the `estimates.json` and
//! `sample.json` it saves for the benchmark.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use criterion::{Criterion, SamplingMode};

/// How criterion samples one cell.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Plan {
    /// Warm-up time before sampling.
    pub warmup: Duration,
    /// Target time spent sampling (criterion takes longer when even one
    /// call per sample exceeds it).
    pub measurement: Duration,
    /// Samples per cell (criterion's minimum is 10).
    pub sample_size: usize,
    /// Bootstrap resamples for the confidence intervals.
    pub resamples: usize,
}

/// Criterion's statistics of one cell, in seconds per call.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Stats {
    /// Median time per call (criterion's point estimate).
    pub median: f64,
    /// Lower bound of the median's 95% confidence interval.
    pub median_low: f64,
    /// Upper bound of the median's 95% confidence interval.
    pub median_high: f64,
    /// Median absolute deviation of the per-sample times (criterion scales it
    /// by 1.4826, a normal distribution's factor).
    pub mad: f64,
    /// Mean time per call.
    pub mean: f64,
    /// Standard deviation of the per-sample times.
    pub std_dev: f64,
    /// Fastest sample, per call.
    pub min: f64,
    /// Slowest sample, per call.
    pub max: f64,
    /// Number of samples.
    pub samples: usize,
    /// Timed calls over all samples.
    pub calls: u64,
}

/// The part of criterion's `new/estimates.json` read here.
#[derive(serde::Deserialize)]
struct SavedEstimates {
    mean: SavedEstimate,
    median: SavedEstimate,
    median_abs_dev: SavedEstimate,
    std_dev: SavedEstimate,
}

#[derive(serde::Deserialize)]
struct SavedEstimate {
    point_estimate: f64,
    confidence_interval: SavedInterval,
}

#[derive(serde::Deserialize)]
struct SavedInterval {
    lower_bound: f64,
    upper_bound: f64,
}

/// The part of criterion's `new/sample.json` read here: per sample, the
/// number of calls and their total time.
#[derive(serde::Deserialize)]
struct SavedSample {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// Nanoseconds (criterion's unit for wall time) to seconds.
const NS: f64 = 1e-9;

impl Stats {
    /// Reads the statistics criterion saved for the benchmark in `dir`.
    fn load(dir: &Path) -> Result<Stats> {
        let estimates: SavedEstimates = read_json(&dir.join("estimates.json"))?;
        let sample: SavedSample = read_json(&dir.join("sample.json"))?;
        let per_call: Vec<f64> = sample
            .iters
            .iter()
            .zip(&sample.times)
            .map(|(iters, time)| time / iters * NS)
            .collect();
        let min = per_call.iter().copied().reduce(f64::min);
        let max = per_call.iter().copied().reduce(f64::max);
        let (Some(min), Some(max)) = (min, max) else {
            return Err(anyhow!("criterion saved no samples in {}", dir.display()));
        };
        Ok(Stats {
            median: estimates.median.point_estimate * NS,
            median_low: estimates.median.confidence_interval.lower_bound * NS,
            median_high: estimates.median.confidence_interval.upper_bound * NS,
            mad: estimates.median_abs_dev.point_estimate * NS,
            mean: estimates.mean.point_estimate * NS,
            std_dev: estimates.std_dev.point_estimate * NS,
            min,
            max,
            samples: per_call.len(),
            calls: sample.iters.iter().sum::<f64>() as u64,
        })
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading criterion's {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing criterion's {}", path.display()))
}

/// A closure timed by [`Bench::measure`]; it checks its own result.
pub type Timed<'a> = dyn FnMut() -> Result<()> + 'a;

/// One criterion instance and the directory it saves its data in.
pub struct Bench {
    criterion: Criterion,
    dir: PathBuf,
    /// What a batch reports once a call has failed: longer than warm-up and
    /// sampling together, so criterion ends the cell at once.
    after_failure: Duration,
}

impl Bench {
    /// A criterion configured by `plan`, saving under `dir` (which a quick
    /// and a full run keep apart, so criterion's "change since the last run"
    /// compares like with like).
    pub fn new(plan: &Plan, dir: PathBuf) -> Bench {
        let criterion = Criterion::default()
            .warm_up_time(plan.warmup)
            .measurement_time(plan.measurement)
            .sample_size(plan.sample_size.max(10))
            .nresamples(plan.resamples.max(1))
            .without_plots()
            .output_directory(&dir);
        Bench {
            criterion,
            dir,
            after_failure: (plan.warmup + plan.measurement) * 2,
        }
    }

    /// Times `timed` as criterion benchmark `group/name` and returns its
    /// statistics. Names must be plain (letters, digits, `-`, `_`), as they
    /// name criterion's directories. If a call fails, no further call is
    /// made and the first error is returned.
    pub fn measure(&mut self, group: &str, name: &str, timed: &mut Timed<'_>) -> Result<Stats> {
        self.measure_after(group, name, &mut || Ok(()), timed)
    }

    /// Like [`Bench::measure`], but runs `setup` before every call of
    /// `timed`, outside the timed span (for example to give a program a
    /// fresh copy of its files). A failing `setup` stops the cell as a
    /// failing call does.
    pub fn measure_after(
        &mut self,
        group: &str,
        name: &str,
        setup: &mut Timed<'_>,
        timed: &mut Timed<'_>,
    ) -> Result<Stats> {
        let failure: RefCell<Option<anyhow::Error>> = RefCell::new(None);
        let after_failure = self.after_failure;
        {
            let mut benchmark = self.criterion.benchmark_group(group);
            benchmark.sampling_mode(SamplingMode::Flat);
            benchmark.bench_function(name, |bencher| {
                bencher.iter_custom(|calls| {
                    if failure.borrow().is_some() {
                        return after_failure;
                    }
                    let mut total = Duration::ZERO;
                    for _ in 0..calls {
                        if let Err(err) = setup() {
                            *failure.borrow_mut() = Some(err);
                            return after_failure;
                        }
                        let start = Instant::now();
                        let result = timed();
                        total += start.elapsed();
                        if let Err(err) = result {
                            *failure.borrow_mut() = Some(err);
                            return after_failure;
                        }
                    }
                    total
                })
            });
            benchmark.finish();
        }
        if let Some(err) = failure.into_inner() {
            return Err(err);
        }
        Stats::load(&self.dir.join(group).join(name).join("new"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("strata-bench-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn tiny_plan() -> Plan {
        Plan {
            warmup: Duration::from_millis(10),
            measurement: Duration::from_millis(50),
            sample_size: 10,
            resamples: 100,
        }
    }

    #[test]
    fn criterion_statistics_are_read_back_per_call() {
        let dir = scratch("stats");
        let mut bench = Bench::new(&tiny_plan(), dir.clone());
        let mut calls = 0_u64;
        let stats = bench
            .measure("test", "sleep", &mut || {
                calls += 1;
                std::thread::sleep(Duration::from_micros(200));
                Ok(())
            })
            .expect("measured");
        assert_eq!(stats.samples, 10);
        assert!(
            stats.calls >= 10 && stats.calls < calls,
            "warm-up calls are not counted"
        );
        // Every call sleeps at least 200 µs; scheduling only adds time.
        assert!(stats.min >= 200e-6, "min {}", stats.min);
        assert!(stats.min <= stats.median && stats.median <= stats.max);
        assert!(stats.median_low <= stats.median && stats.median <= stats.median_high);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failing_call_stops_the_cell_with_its_error() {
        let dir = scratch("fail");
        let mut bench = Bench::new(&tiny_plan(), dir.clone());
        let mut calls = 0;
        let err = bench
            .measure("test", "fails", &mut || {
                calls += 1;
                if calls > 3 {
                    anyhow::bail!("wrong checksum on call {calls}")
                }
                std::thread::sleep(Duration::from_micros(100));
                Ok(())
            })
            .expect_err("the fourth call fails");
        assert_eq!(err.to_string(), "wrong checksum on call 4");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn setup_runs_before_every_call_outside_the_timed_span() {
        let dir = scratch("setup");
        let mut bench = Bench::new(&tiny_plan(), dir.clone());
        let (mut setups, mut calls) = (0_u64, 0_u64);
        let stats = bench
            .measure_after(
                "test",
                "setup",
                &mut || {
                    setups += 1;
                    std::thread::sleep(Duration::from_millis(2));
                    Ok(())
                },
                &mut || {
                    calls += 1;
                    std::thread::sleep(Duration::from_micros(100));
                    Ok(())
                },
            )
            .expect("measured");
        assert_eq!(setups, calls);
        // The 2 ms setup would dominate every sample if it were timed.
        assert!(stats.min >= 100e-6 && stats.median < 1.5e-3, "{stats:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
