//! `--ab A B`: an interleaved comparison of two engines on the kernels, for
//! one question at a time — what the JIT's Spectre mask costs
//! (`--ab strata-jit strata-jit-nospectre`) — on a machine that may be
//! shared.
//!
//! Criterion's cells run one after another, so a change of load between two
//! cells skews their ratio. Here both engines' instances of a kernel stay
//! loaded and alternate in short rounds (A B, then B A, ...): each round
//! times one batch of calls on each (about [`BATCH`] of work), and a cell's
//! figure is the median over rounds of the per-round ratio A/B, so a load
//! drift slower than a round cancels out. The ratio of the two engines'
//! fastest rounds is given beside it. Every call's checksum is checked, as
//! in the main run.

use std::fmt::Write;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::engines::{Instance, Runner};
use crate::kernels::{Kernel, Width};
use crate::report::{fmt_time, geomean};

/// Target duration of one engine's batch in a round.
const BATCH: Duration = Duration::from_millis(40);
/// Rounds timed per cell, after [`WARMUP_ROUNDS`].
const ROUNDS: usize = 60;
/// Rounds with `--quick`.
const QUICK_ROUNDS: usize = 10;
/// Rounds run and discarded first.
const WARMUP_ROUNDS: usize = 3;

/// One kernel and width.
pub struct Row {
    /// Kernel name.
    pub kernel: &'static str,
    /// Build width.
    pub width: Width,
    /// Median seconds per call of A and of B over the rounds.
    pub median: (f64, f64),
    /// Fastest round of A and of B, seconds per call.
    pub fastest: (f64, f64),
    /// Per-round ratios A/B: median, first and third quartile.
    pub ratio: (f64, f64, f64),
    /// Rounds timed.
    pub rounds: usize,
}

/// Times one batch of `calls` calls, checking each checksum; seconds per
/// call.
fn batch(instance: &mut dyn Instance, n: u32, expected: u64, calls: u32) -> Result<f64> {
    let start = Instant::now();
    for _ in 0..calls {
        let got = instance.run(n)?;
        if got != expected {
            bail!("checksum {got:#018x}, expected {expected:#018x}");
        }
    }
    Ok(start.elapsed().as_secs_f64() / f64::from(calls))
}

/// The `q`-quantile of sorted `v` (nearest rank).
fn quantile(v: &[f64], q: f64) -> f64 {
    let i = ((v.len() - 1) as f64 * q).round() as usize;
    v.get(i).copied().unwrap_or(f64::NAN)
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Compares `a` with `b` on one kernel build.
fn cell(
    kernel: &Kernel,
    width: Width,
    (a, b): (&dyn Runner, &dyn Runner),
    quick: bool,
) -> Result<Row> {
    let n = kernel.n(quick);
    let expected = (kernel.native)(n);
    let wasm = kernel.wasm(width);
    let mut ia = a.load(wasm).context("loading on A")?;
    let mut ib = b.load(wasm).context("loading on B")?;
    let one = batch(ia.as_mut(), n, expected, 1)?.max(batch(ib.as_mut(), n, expected, 1)?);
    let calls = (BATCH.as_secs_f64() / one).clamp(1.0, 1e6) as u32;
    let rounds = if quick { QUICK_ROUNDS } else { ROUNDS };
    let (mut ta, mut tb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..WARMUP_ROUNDS + rounds {
        let (x, y) = if round % 2 == 0 {
            let x = batch(ia.as_mut(), n, expected, calls)?;
            (x, batch(ib.as_mut(), n, expected, calls)?)
        } else {
            let y = batch(ib.as_mut(), n, expected, calls)?;
            (batch(ia.as_mut(), n, expected, calls)?, y)
        };
        if round >= WARMUP_ROUNDS {
            ta.push(x);
            tb.push(y);
            ratios.push(x / y);
        }
    }
    let (ta, tb, ratios) = (sorted(ta), sorted(tb), sorted(ratios));
    Ok(Row {
        kernel: kernel.name,
        width,
        median: (quantile(&ta, 0.5), quantile(&tb, 0.5)),
        fastest: (quantile(&ta, 0.0), quantile(&tb, 0.0)),
        ratio: (
            quantile(&ratios, 0.5),
            quantile(&ratios, 0.25),
            quantile(&ratios, 0.75),
        ),
        rounds,
    })
}

/// Runs the comparison on `kernels`, both widths, printing each row.
///
/// # Errors
/// A kernel that does not load, fails or returns a wrong checksum on
/// either engine.
pub fn run(
    kernels: &[&Kernel],
    (a, b): (&dyn Runner, &dyn Runner),
    quick: bool,
) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for kernel in kernels {
        for width in Width::ALL {
            let row = cell(kernel, width, (a, b), quick)
                .with_context(|| format!("{} {}", kernel.name, width.name()))?;
            println!(
                "{:<8} {:<7} ratio {:.3} [{:.3} {:.3}]  fastest {:.3}",
                row.kernel,
                row.width.name(),
                row.ratio.0,
                row.ratio.1,
                row.ratio.2,
                row.fastest.0 / row.fastest.1
            );
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The rows as a Markdown table with geometric means, `a` and `b` naming
/// the engines.
pub fn markdown(a: &str, b: &str, rows: &[Row]) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "`{a}` against `{b}`, interleaved: per kernel and width, {} rounds of one \
         ~{} ms batch of `run` calls on each engine, alternating which goes first; \
         the ratio is the median over rounds of the per-round time ratio {a} / {b} \
         (first–third quartile in brackets), beside the ratio of each engine's fastest \
         round.\n",
        rows.first().map_or(0, |r| r.rounds),
        BATCH.as_millis()
    );
    let _ = writeln!(
        md,
        "| kernel | width | {a} | {b} | ratio (median of rounds) | ratio of fastest rounds |"
    );
    let _ = writeln!(md, "|---|---|---:|---:|---:|---:|");
    for r in rows {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {:.3} [{:.3}–{:.3}] | {:.3} |",
            r.kernel,
            r.width.name(),
            fmt_time(r.median.0),
            fmt_time(r.median.1),
            r.ratio.0,
            r.ratio.1,
            r.ratio.2,
            r.fastest.0 / r.fastest.1
        );
    }
    let _ = writeln!(md);
    let mut groups: Vec<(String, Vec<&Row>)> = Width::ALL
        .iter()
        .map(|w| {
            (
                w.name().to_string(),
                rows.iter().filter(|r| r.width == *w).collect(),
            )
        })
        .collect();
    groups.push(("both widths".to_string(), rows.iter().collect()));
    for (name, of) in groups {
        let medians: Vec<f64> = of.iter().map(|r| r.ratio.0).collect();
        let fastest: Vec<f64> = of.iter().map(|r| r.fastest.0 / r.fastest.1).collect();
        if let (Some(g), Some(f)) = (geomean(&medians), geomean(&fastest)) {
            let _ = writeln!(
                md,
                "- geometric mean, {name} ({} cells): **{g:.3}** (fastest rounds: {f:.3})",
                of.len()
            );
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let v = sorted(vec![5.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.25), 2.0);
        assert_eq!(quantile(&v, 1.0), 5.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn the_table_has_a_row_per_cell_and_geometric_means() {
        let row = |kernel, width, ratio: f64| Row {
            kernel,
            width,
            median: (ratio * 1e-3, 1e-3),
            fastest: (ratio * 1e-3, 1e-3),
            ratio: (ratio, ratio, ratio),
            rounds: 60,
        };
        let rows = [
            row("sort", Width::W32, 1.02),
            row("sort", Width::W64, 1.08),
            row("sha256", Width::W32, 1.0),
        ];
        let md = markdown("a", "b", &rows);
        assert_eq!(md.matches("\n| sort |").count(), 2);
        assert!(md.contains("| 1.080 [1.080–1.080] | 1.080 |"), "{md}");
        assert!(md.contains("wasm64 (1 cells): **1.080**"), "{md}");
        let both = (1.02f64 * 1.08 * 1.0).powf(1.0 / 3.0);
        assert!(
            md.contains(&format!("both widths (3 cells): **{both:.3}**")),
            "{md}"
        );
    }
}
