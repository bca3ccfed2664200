//! Renders [`Results`] as `BENCHMARKS.md` (tables of medians and spreads,
//! ratios against the best peer per category, wasm64/wasm32 ratios, the real
//! programs (`report_programs`), compile throughput, where Strata is
//! behind), `bench/report/chart.svg`, `bench/report/programs.svg` and
//! `bench/report/results.json`. A quick run writes `*-quick` files beside
//! them instead, so it never overwrites the committed full-run report.
//!
//! Every number in the output comes from the measured results.

use std::fmt::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::chart;
use crate::engines::Category;
use crate::generate;
use crate::kernels::Width;
use crate::measure::Plan;
use crate::report_programs;
use crate::results::{EngineInfo, Outcome, Results};

/// Interpreter target from the issue: at most this fraction of wasmi's time.
const INTERP_TARGET: f64 = 0.8;
/// Interpreter target: wasm64 at most this much slower than wasm32.
const WIDTH_TARGET: f64 = 1.02;

/// Writes the report files under `out_dir`.
///
/// # Errors
/// If a file cannot be written.
pub fn write(results: &Results, out_dir: &Path) -> Result<()> {
    let suffix = if results.quick { "-quick" } else { "" };
    let report_dir = out_dir.join("bench").join("report");
    std::fs::create_dir_all(&report_dir)
        .with_context(|| format!("creating {}", report_dir.display()))?;
    let chart_name = format!("chart{suffix}.svg");
    let chart_path = report_dir.join(&chart_name);
    std::fs::write(&chart_path, chart::render(results))
        .with_context(|| format!("writing {}", chart_path.display()))?;
    let programs_chart_name = format!("programs{suffix}.svg");
    let programs_chart_path = report_dir.join(&programs_chart_name);
    std::fs::write(&programs_chart_path, chart::render_program_widths(results))
        .with_context(|| format!("writing {}", programs_chart_path.display()))?;
    let json_path = report_dir.join(format!("results{suffix}.json"));
    let json = serde_json::to_string_pretty(results).context("serializing results")?;
    std::fs::write(&json_path, json).with_context(|| format!("writing {}", json_path.display()))?;
    let md_path = if results.quick {
        report_dir.join("BENCHMARKS-quick.md")
    } else {
        out_dir.join("BENCHMARKS.md")
    };
    let link = |name: &str| {
        if results.quick {
            name.to_string()
        } else {
            format!("bench/report/{name}")
        }
    };
    let chart_link = link(&chart_name);
    let programs_chart_link = link(&programs_chart_name);
    std::fs::write(
        &md_path,
        markdown(results, &chart_link, &programs_chart_link),
    )
    .with_context(|| format!("writing {}", md_path.display()))?;
    println!(
        "wrote {}, {} and {}",
        md_path.display(),
        chart_path.display(),
        json_path.display()
    );
    Ok(())
}

/// A duration in seconds, with three significant digits.
pub fn fmt_time(secs: f64) -> String {
    let (value, unit) = if secs >= 1.0 {
        (secs, "s")
    } else if secs >= 1e-3 {
        (secs * 1e3, "ms")
    } else {
        (secs * 1e6, "µs")
    };
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$} {unit}")
}

/// Geometric mean; `None` for an empty slice.
pub fn geomean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some((values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
}

fn fmt_ratio(r: Option<f64>) -> String {
    r.map(|r| format!("{r:.2}x"))
        .unwrap_or_else(|| "–".to_string())
}

/// How criterion sampled the cells, as the report states it.
fn describe_plan(plan: &Plan) -> String {
    format!(
        "measured by criterion: {} ms of warm-up, then {} samples of an equal number of calls \
         (about {} ms in all, more when one call takes longer); the figure is criterion's median \
         per call, ± is criterion's median absolute deviation as a share of the median, then the \
         fastest–slowest sample. Cells run one after another, so the load figures of the machine \
         above matter",
        plan.warmup.as_millis(),
        plan.sample_size,
        plan.measurement.as_millis()
    )
}

/// The header and separator rows of a run-time table: `columns`, then one
/// column per engine.
pub fn table_head(md: &mut String, columns: &[&str], engines: &[&EngineInfo]) {
    let names = columns
        .iter()
        .copied()
        .chain(engines.iter().map(|e| e.name));
    let (mut head, mut rule) = (String::from("|"), String::from("|"));
    for name in names {
        let _ = write!(head, " {name} |");
        rule.push_str("---|");
    }
    let _ = writeln!(md, "{head}\n{rule}");
}

/// A cell of the run-time table: median, MAD and range, or why not.
pub fn fmt_cell(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Measured(s) => format!(
            "**{}** ±{:.1}% ({}–{})",
            fmt_time(s.median),
            100.0 * s.mad / s.median,
            fmt_time(s.min),
            fmt_time(s.max)
        ),
        Outcome::NotAvailable(why) => format!("n/a: {}", escape(why)),
        Outcome::Failed(why) => format!("failed: {}", escape(why)),
        Outcome::Mismatch { got, .. } => format!("wrong checksum `{got:#x}`"),
    }
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The fastest peer median in `category` for one kernel and width.
fn best_peer(
    results: &Results,
    category: Category,
    kernel: &str,
    width: Width,
) -> Option<(&'static str, f64)> {
    results
        .kernel_engines()
        .into_iter()
        .filter(|e| !e.strata && e.category == category)
        .filter_map(|e| {
            Some((
                e.name,
                results.run(kernel, width, e.name)?.outcome.median()?,
            ))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// Strata-tier / best-peer ratio per kernel and width.
fn category_ratios(
    results: &Results,
    tier: &str,
    category: Category,
) -> Vec<(&'static str, Width, f64, &'static str)> {
    let mut out = Vec::new();
    for row in &results.native {
        for width in Width::ALL {
            let ours = results
                .run(row.kernel, width, tier)
                .and_then(|c| c.outcome.median());
            if let (Some(ours), Some((peer, theirs))) =
                (ours, best_peer(results, category, row.kernel, width))
            {
                out.push((row.kernel, width, ours / theirs, peer));
            }
        }
    }
    out
}

/// wasm64 / wasm32 median ratio per kernel for one engine.
fn width_ratios(results: &Results, engine: &str) -> Vec<(&'static str, f64)> {
    results
        .native
        .iter()
        .filter_map(|row| {
            let w32 = results
                .run(row.kernel, Width::W32, engine)?
                .outcome
                .median()?;
            let w64 = results
                .run(row.kernel, Width::W64, engine)?
                .outcome
                .median()?;
            Some((row.kernel, w64 / w32))
        })
        .collect()
}

fn markdown(results: &Results, chart_link: &str, programs_chart_link: &str) -> String {
    let mut md = String::new();
    let engines = results.kernel_engines();
    let strata_tiers: Vec<_> = engines.iter().filter(|e| e.strata).collect();
    let mode = if results.quick {
        "`cargo xtask bench --quick`: small inputs, few samples, indicative only"
    } else {
        "`cargo xtask bench`, the full run"
    };
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Generated by {mode}, on {}. Every number below is measured \
         in that one run, on one machine, with every engine side by side; nothing is \
         written by hand. Regenerate with `cargo xtask bench`.\n",
        results.machine.date
    );

    let busiest = [Some(&results.machine), results.machine_after.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|m| m.load.split_whitespace().next()?.parse::<f64>().ok())
        .fold(0.0_f64, f64::max);
    if busiest > 0.5 * results.machine.cores as f64 {
        let _ = writeln!(
            md,
            "**The machine was shared during this run** (1-minute load average up to {busiest:.2} on {} \
             logical cores, see the end): absolute times and spreads are inflated. Criterion times the cells \
             one after another, with the engines of one kernel and width back to back, so a ratio \
             compares runs seconds apart; a change of load within those seconds skews it.\n",
            results.machine.cores
        );
    }

    // Headline.
    let _ = writeln!(md, "## Headline\n");
    for tier in &strata_tiers {
        let ratios = category_ratios(results, tier.name, tier.category);
        for width in Width::ALL {
            let of_width: Vec<f64> = ratios
                .iter()
                .filter(|r| r.1 == width)
                .map(|r| r.2)
                .collect();
            if let (Some(g), Some(peer)) = (geomean(&of_width), ratios.first().map(|r| r.3)) {
                let _ = writeln!(
                    md,
                    "- **{}** run time vs **{peer}** ({}, geometric mean over {} kernels): **{g:.2}x**{}",
                    tier.name,
                    width.name(),
                    of_width.len(),
                    if g <= 1.0 { " (faster)" } else { " (slower)" }
                );
            }
        }
    }
    for engine in &engines {
        let ratios: Vec<f64> = width_ratios(results, engine.name)
            .iter()
            .map(|r| r.1)
            .collect();
        if let Some(g) = geomean(&ratios) {
            let _ = writeln!(
                md,
                "- wasm64/wasm32 run-time ratio, **{}**: **{g:.3}** (geometric mean)",
                engine.name
            );
        }
    }
    if let Some(interp) = strata_tiers
        .iter()
        .find(|e| e.category == Category::Interpreter)
    {
        let ratios: Vec<f64> = category_ratios(results, interp.name, Category::Interpreter)
            .iter()
            .map(|r| r.2)
            .collect();
        let widths: Vec<f64> = width_ratios(results, interp.name)
            .iter()
            .map(|r| r.1)
            .collect();
        if !ratios.is_empty() || !widths.is_empty() {
            let _ = writeln!(md, "\nTargets for the interpreter:\n");
        }
        if let Some(g) = geomean(&ratios) {
            let _ = writeln!(
                md,
                "- at most {INTERP_TARGET}x wasmi's run time: {}, at {g:.2}x",
                if g <= INTERP_TARGET {
                    "**met**"
                } else {
                    "**not met**"
                }
            );
        }
        if let Some(g) = geomean(&widths) {
            let _ = writeln!(
                md,
                "- wasm64/wasm32 at most {WIDTH_TARGET}: {}, at {g:.3}",
                if g <= WIDTH_TARGET {
                    "**met**"
                } else {
                    "**not met**"
                }
            );
        }
    }
    report_programs::headline(results, &mut md);
    let _ = writeln!(
        md,
        "\n![run time relative to native, log scale]({chart_link})\n"
    );
    if let Some(section) = crate::report_spectre::section(results) {
        md.push_str(&section);
    }

    // Where Strata is behind.
    let _ = writeln!(md, "## Where Strata is behind\n");
    let mut behind = 0;
    for tier in &strata_tiers {
        let ratios = category_ratios(results, tier.name, tier.category);
        let slower: Vec<_> = ratios.iter().filter(|r| r.2 > 1.0).collect();
        if let (Some(peer), false) = (ratios.first().map(|r| r.3), slower.is_empty()) {
            behind += 1;
            let worst = slower.iter().copied().max_by(|a, b| a.2.total_cmp(&b.2));
            let _ = writeln!(
                md,
                "- run time: {} is slower than {peer} in {} of {} cells; worst {}",
                tier.name,
                slower.len(),
                ratios.len(),
                worst
                    .map(|w| format!("`{}` ({}) at {:.2}x", w.0, w.1.name(), w.2))
                    .unwrap_or_default()
            );
        }
        let heavy: Vec<String> = width_ratios(results, tier.name)
            .iter()
            .filter(|r| r.1 > WIDTH_TARGET)
            .map(|r| format!("`{}` {:.3}", r.0, r.1))
            .collect();
        if !heavy.is_empty() {
            behind += 1;
            let _ = writeln!(
                md,
                "- memory64: in {}, wasm64 costs more than {WIDTH_TARGET}x wasm32 on {}",
                tier.name,
                heavy.join(", ")
            );
        }
    }
    for category in Category::ALL {
        if !strata_tiers.iter().any(|t| t.category == category) {
            let peers: Vec<_> = engines
                .iter()
                .filter(|e| e.category == category)
                .map(|e| e.name)
                .collect();
            if !peers.is_empty() {
                behind += 1;
                let _ = writeln!(
                    md,
                    "- no Strata {} is built yet: {} has no Strata counterpart in this run",
                    category.name(),
                    peers.join(", ")
                );
            }
        }
    }
    for tier in &strata_tiers {
        let ours: Vec<(Width, f64)> = compile_medians(results, tier.name);
        for (width, t) in ours {
            if let Some((peer, theirs)) = results
                .engines
                .iter()
                .filter(|e| !e.strata && e.category == tier.category)
                .filter_map(|e| Some((e.name, compile_median(results, e.name, width)?)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
            {
                if t > theirs {
                    behind += 1;
                    let _ = writeln!(
                        md,
                        "- compile + instantiate ({}): {} takes {:.2}x the time of {peer}",
                        width.name(),
                        tier.name,
                        t / theirs
                    );
                }
            }
        }
    }
    for line in report_programs::behind(results) {
        behind += 1;
        let _ = writeln!(md, "{line}");
    }
    if behind == 0 {
        let _ = writeln!(md, "Nowhere in this run.");
    }

    // Run-time table.
    let _ = writeln!(md, "\n## Run time per kernel\n");
    let _ = writeln!(
        md,
        "Time per call of `run(n)`, {}. Each call's checksum is checked against the native build. \
         Native is the same C built by the host C compiler at -O2.\n",
        describe_plan(&results.run_plan)
    );
    table_head(&mut md, &["kernel", "n", "width", "native"], &engines);
    for row in &results.native {
        for width in Width::ALL {
            let native = if width == Width::W32 {
                fmt_cell(&Outcome::Measured(row.stats.clone()))
            } else {
                "″".to_string()
            };
            let _ = write!(
                md,
                "| {} | {} | {} | {native} |",
                row.kernel,
                row.n,
                width.name()
            );
            for e in &engines {
                let cell = results
                    .run(row.kernel, width, e.name)
                    .map(|c| fmt_cell(&c.outcome))
                    .unwrap_or_else(|| "–".to_string());
                let _ = write!(md, " {cell} |");
            }
            md.push('\n');
        }
    }

    // Ratios per category.
    let _ = writeln!(md, "\n## Strata against the best peer in each category\n");
    let _ = writeln!(md, "Strata's median divided by the fastest peer's median in the same category (below 1 is faster).\n");
    let _ = writeln!(md, "| category | Strata tier | peers in this run |");
    let _ = writeln!(md, "|---|---|---|");
    for category in Category::ALL {
        let tier = strata_tiers
            .iter()
            .find(|t| t.category == category)
            .map(|t| t.name)
            .unwrap_or("not built yet");
        let peers: Vec<_> = engines
            .iter()
            .filter(|e| !e.strata && e.category == category)
            .map(|e| e.name)
            .collect();
        let _ = writeln!(
            md,
            "| {} | {tier} | {} |",
            category.name(),
            peers.join(", ")
        );
    }
    for tier in &strata_tiers {
        let ratios = category_ratios(results, tier.name, tier.category);
        let _ = writeln!(md, "\n**{}** ({}):\n", tier.name, tier.category.name());
        let _ = writeln!(md, "| kernel | wasm32 | wasm64 |");
        let _ = writeln!(md, "|---|---|---|");
        for row in &results.native {
            let get = |w: Width| {
                ratios
                    .iter()
                    .find(|r| r.0 == row.kernel && r.1 == w)
                    .map(|r| format!("{:.2}x vs {}", r.2, r.3))
                    .unwrap_or_else(|| "–".to_string())
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                row.kernel,
                get(Width::W32),
                get(Width::W64)
            );
        }
        let g = |w: Width| {
            fmt_ratio(geomean(
                &ratios
                    .iter()
                    .filter(|r| r.1 == w)
                    .map(|r| r.2)
                    .collect::<Vec<_>>(),
            ))
        };
        let _ = writeln!(
            md,
            "| **geometric mean** | **{}** | **{}** |",
            g(Width::W32),
            g(Width::W64)
        );
    }

    // Width ratios.
    let _ = writeln!(md, "\n## What memory64 costs: wasm64 / wasm32 per engine\n");
    let _ = writeln!(md, "The same C source built for wasm64 and for wasm32; median run time of the wasm64 build divided by the wasm32 build's.\n");
    let _ = write!(md, "| kernel |");
    for e in &engines {
        let _ = write!(md, " {} |", e.name);
    }
    let _ = write!(md, "\n|---|");
    for _ in &engines {
        let _ = write!(md, "---|");
    }
    md.push('\n');
    let per_engine: Vec<Vec<(&str, f64)>> = engines
        .iter()
        .map(|e| width_ratios(results, e.name))
        .collect();
    for row in &results.native {
        let _ = write!(md, "| {} |", row.kernel);
        for ratios in &per_engine {
            let r = ratios
                .iter()
                .find(|r| r.0 == row.kernel)
                .map(|r| format!("{:.3}", r.1));
            let _ = write!(md, " {} |", r.unwrap_or_else(|| "–".to_string()));
        }
        md.push('\n');
    }
    let _ = write!(md, "| **geometric mean** |");
    for ratios in &per_engine {
        let g = geomean(&ratios.iter().map(|r| r.1).collect::<Vec<_>>());
        let _ = write!(
            md,
            " **{}** |",
            g.map(|g| format!("{g:.3}"))
                .unwrap_or_else(|| "–".to_string())
        );
    }
    md.push('\n');

    // Compile throughput.
    report_programs::section(results, &mut md, programs_chart_link);

    let _ = writeln!(md, "\n## Compile throughput\n");
    let sizes: Vec<String> = results
        .compile_module_bytes
        .iter()
        .map(|(w, b)| format!("{} KiB ({})", b / 1024, w.name()))
        .collect();
    let _ = writeln!(
        md,
        "A generated module of {} functions (integer loops with loads and stores, f64 arithmetic, \
         `br_table`, calls; {}): time from bytes to a runnable instance (compile + instantiate), \
         {}. Each engine then calls `run(1000)` and the results are compared across engines{}.\n",
        generate::functions(results.quick),
        sizes.join(", "),
        describe_plan(&results.compile_plan),
        if results.compile_disagreements.is_empty() {
            " (all agree)"
        } else {
            " (**some disagree**, below)"
        }
    );
    let _ = writeln!(
        md,
        "| engine | wasm32 | MiB/s | functions/s | wasm64 | MiB/s | functions/s |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    let functions = generate::functions(results.quick) as f64;
    for e in &results.engines {
        let _ = write!(md, "| {} |", e.name);
        for width in Width::ALL {
            let bytes = results
                .compile_module_bytes
                .iter()
                .find(|(w, _)| *w == width)
                .map_or(0.0, |(_, b)| *b as f64);
            match results
                .compile
                .iter()
                .find(|c| c.engine == e.name && c.width == width)
            {
                Some(cell) => {
                    let (mib_per_sec, per_sec) = match cell.outcome.median() {
                        Some(m) => (
                            format!("{:.1}", bytes / (1024.0 * 1024.0) / m),
                            format!("{:.0}", functions / m),
                        ),
                        None => ("–".to_string(), "–".to_string()),
                    };
                    let _ = write!(
                        md,
                        " {} | {mib_per_sec} | {per_sec} |",
                        fmt_cell(&cell.outcome)
                    );
                }
                None => {
                    let _ = write!(md, " – | – | – |");
                }
            }
        }
        md.push('\n');
    }
    for line in &results.compile_disagreements {
        let _ = writeln!(md, "- disagreement: {line}");
    }

    // Checksums.
    let _ = writeln!(md, "\n## Kernels and checksums\n");
    let _ = writeln!(md, "C sources in `kernels/`, built for wasm32 and wasm64 by `cargo xtask build-kernels` (the `.wasm` files are committed). Every engine must return the native checksum before its time counts.\n");
    let _ = writeln!(
        md,
        "| kernel | what it does | n | native checksum | cells that agree |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|");
    for row in &results.native {
        let agree = results
            .runs
            .iter()
            .filter(|c| c.kernel == row.kernel && matches!(c.outcome, Outcome::Measured(_)))
            .count();
        let total = results
            .runs
            .iter()
            .filter(|c| c.kernel == row.kernel)
            .count();
        let _ = writeln!(
            md,
            "| {} | {} | {} | `{:#018x}` | {agree} of {total} |",
            row.kernel, row.what, row.n, row.checksum
        );
    }

    // Machine and versions.
    let m = &results.machine;
    let _ = writeln!(md, "\n## Machine and versions\n");
    let _ = writeln!(md, "| | |\n|---|---|");
    let _ = writeln!(md, "| processor | {} |", m.cpu);
    let _ = writeln!(md, "| logical cores | {} |", m.cores);
    let _ = writeln!(md, "| memory | {} |", m.memory);
    let _ = writeln!(md, "| system | {} |", m.os);
    let _ = writeln!(
        md,
        "| load average (1, 5, 15 min) | {} at the start, {} at the end |",
        m.load,
        results
            .machine_after
            .as_ref()
            .map(|a| a.load.as_str())
            .unwrap_or("unknown")
    );
    let _ = writeln!(md, "| Rust | {} |", m.rustc);
    let _ = writeln!(md, "| host C compiler (native kernels) | {} |", m.cc);
    let _ = writeln!(
        md,
        "| strata-api | {} (this tree) |",
        env!("BENCH_STRATA_VERSION")
    );
    let _ = writeln!(md, "| wasmi | {} |", env!("BENCH_WASMI_VERSION"));
    let _ = writeln!(md, "| wasmtime | {} |", env!("BENCH_WASMTIME_VERSION"));
    let _ = writeln!(
        md,
        "| criterion (the timing) | {} |",
        env!("BENCH_CRITERION_VERSION")
    );
    let _ = writeln!(
        md,
        "| wall time of this run | {:.0} s |",
        results.elapsed_seconds
    );
    let _ = writeln!(md, "\n| engine | category | configuration |\n|---|---|---|");
    for e in &results.engines {
        let _ = writeln!(md, "| {} | {} | {} |", e.name, e.category.name(), e.how);
    }
    md
}

fn compile_median(results: &Results, engine: &str, width: Width) -> Option<f64> {
    results
        .compile
        .iter()
        .find(|c| c.engine == engine && c.width == width)?
        .outcome
        .median()
}

fn compile_medians(results: &Results, engine: &str) -> Vec<(Width, f64)> {
    Width::ALL
        .iter()
        .filter_map(|&w| Some((w, compile_median(results, engine, w)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_three_significant_digits() {
        assert_eq!(fmt_time(0.012_345), "12.3 ms");
        assert_eq!(fmt_time(0.000_845_1), "845 µs");
        assert_eq!(fmt_time(1.5), "1.50 s");
    }

    /// A two-engine result set: Strata's interpreter twice as slow as wasmi on
    /// wasm32, and winch unable to load the wasm64 module.
    fn sample_results() -> Results {
        use crate::engines::all;
        use crate::machine::Machine;
        use crate::measure::Stats;
        use crate::results::{NativeRow, RunCell};
        let plan = Plan {
            warmup: std::time::Duration::from_millis(1),
            measurement: std::time::Duration::from_millis(3),
            sample_size: 10,
            resamples: 10,
        };
        let stats = |median: f64| Stats {
            median,
            median_low: median,
            median_high: median,
            mad: 0.0,
            mean: median,
            std_dev: 0.0,
            min: median,
            max: median,
            samples: 10,
            calls: 10,
        };
        let mut results = Results::new(false, Machine::probe(), &all(), plan, plan, plan);
        results.native.push(NativeRow {
            kernel: "sort",
            what: "test",
            n: 1,
            checksum: 7,
            stats: stats(0.001),
        });
        let mut cell = |width, engine, outcome| {
            results.runs.push(RunCell {
                kernel: "sort",
                width,
                engine,
                outcome,
            })
        };
        cell(Width::W32, "strata-interp", Outcome::Measured(stats(0.02)));
        cell(Width::W32, "wasmi", Outcome::Measured(stats(0.01)));
        cell(Width::W64, "strata-interp", Outcome::Measured(stats(0.021)));
        cell(Width::W64, "wasmi", Outcome::Measured(stats(0.01)));
        cell(
            Width::W64,
            "wasmtime-winch",
            Outcome::NotAvailable("memory64 | unsupported".to_string()),
        );
        results
    }

    #[test]
    fn markdown_reports_ratios_gaps_and_reasons() {
        let md = markdown(&sample_results(), "chart.svg", "programs.svg");
        assert!(
            md.contains("| sort | 2.00x vs wasmi | 2.10x vs wasmi |"),
            "{md}"
        );
        assert!(
            md.contains("strata-interp is slower than wasmi in 2 of 2 cells"),
            "{md}"
        );
        assert!(
            md.contains("wasm64/wasm32 run-time ratio, **strata-interp**: **1.050**"),
            "{md}"
        );
        assert!(md.contains("n/a: memory64 \\| unsupported"), "{md}");
        assert!(
            md.contains("at most 0.8x wasmi's run time: **not met**, at 2.05x"),
            "{md}"
        );
        assert!(md.contains("![run time relative to native, log scale](chart.svg)"));
    }

    #[test]
    fn chart_has_a_bar_per_measured_cell() {
        let svg = crate::chart::render(&sample_results());
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("x native</title>").count(), 4);
    }

    #[test]
    fn geometric_mean() {
        let g = geomean(&[2.0, 8.0]).expect("non-empty");
        assert!((g - 4.0).abs() < 1e-12);
        assert!(geomean(&[]).is_none());
    }
}
