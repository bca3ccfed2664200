//! The real-program part of `BENCHMARKS.md`: headline lines (the
//! wasm64/wasm32 ratio per Strata tier against the targets), the "where
//! Strata is behind" lines, and the section with the run-time table, the
//! wasm64/wasm32 table and the comparison with native and the peers.
//! `chart::render_program_widths` draws the ratios.

use std::fmt::Write;

use crate::engines::Category;
use crate::kernels::Width;
use crate::measure::Plan;
use crate::report::{fmt_cell, geomean, table_head};
use crate::results::{Outcome, Results};

/// The real-program targets for wasm64/wasm32: the AOT tier's and the
/// baseline JIT's (the interpreter's is the kernels' `WIDTH_TARGET`).
fn width_target(category: Category) -> Option<f64> {
    match category {
        Category::Optimizing => Some(1.05),
        Category::Baseline => Some(1.15),
        Category::Interpreter => None,
    }
}

/// wasm64 / wasm32 median ratio per program for one engine.
pub fn width_ratios(results: &Results, engine: &str) -> Vec<(&'static str, f64)> {
    results
        .programs
        .iter()
        .filter_map(|row| {
            let median = |width| {
                results
                    .program_run(row.program, width, engine)?
                    .outcome
                    .median()
            };
            Some((row.program, median(Width::W64)? / median(Width::W32)?))
        })
        .collect()
}

/// `program r, program r` for a list of ratios.
fn list(ratios: &[(&str, f64)]) -> String {
    ratios
        .iter()
        .map(|(p, r)| format!("{p} {r:.3}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Headline lines: per Strata tier, wasm64/wasm32 on the real programs and
/// whether it meets its target.
pub fn headline(results: &Results, md: &mut String) {
    if results.program_runs.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "\nReal programs (Lua, SQLite), wasm64/wasm32 run time:\n"
    );
    for engine in results.program_engines() {
        let ratios = width_ratios(results, engine.name);
        let Some(g) = geomean(&ratios.iter().map(|r| r.1).collect::<Vec<_>>()) else {
            continue;
        };
        let target = match (engine.strata, width_target(engine.category)) {
            (true, Some(t)) => format!(
                "; target at most {t}: {}",
                if g <= t { "**met**" } else { "**not met**" }
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            md,
            "- **{}**: {} (geometric mean **{g:.3}**){target}",
            engine.name,
            list(&ratios)
        );
    }
}

/// Lines for "Where Strata is behind": tiers over their width target and
/// tiers slower than the best peer of their category (wasm32).
pub fn behind(results: &Results) -> Vec<String> {
    let mut lines = Vec::new();
    for tier in results.program_engines().iter().filter(|e| e.strata) {
        if let Some(target) = width_target(tier.category) {
            let over: Vec<(&str, f64)> = width_ratios(results, tier.name)
                .into_iter()
                .filter(|r| r.1 > target)
                .collect();
            if !over.is_empty() {
                lines.push(format!(
                    "- memory64 on real programs: in {}, wasm64 costs more than {target}x wasm32 on {}",
                    tier.name,
                    list(&over)
                ));
            }
        }
        for row in &results.programs {
            let ours = results
                .program_run(row.program, Width::W32, tier.name)
                .and_then(|c| c.outcome.median());
            if let (Some(ours), Some((peer, theirs))) =
                (ours, best_peer(results, tier.category, row.program))
            {
                if ours > theirs {
                    lines.push(format!(
                        "- real program `{}` (wasm32): {} takes {:.2}x the time of {peer}",
                        row.program,
                        tier.name,
                        ours / theirs
                    ));
                }
            }
        }
    }
    lines
}

/// The fastest peer of `category` on `program` in wasm32 (the only width a
/// peer runs WASI programs in).
fn best_peer(results: &Results, category: Category, program: &str) -> Option<(&'static str, f64)> {
    results
        .program_engines()
        .into_iter()
        .filter(|e| !e.strata && e.category == category)
        .filter_map(|e| {
            let cell = results.program_run(program, Width::W32, e.name)?;
            Some((e.name, cell.outcome.median()?))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// How the program cells were sampled.
fn describe_plan(plan: &Plan) -> String {
    format!(
        "Each cell is timed by criterion: one warm-up run, then {} samples of one run each; the \
         figure is criterion's median, ± its median absolute deviation as a share of the median, \
         then the fastest–slowest run",
        plan.sample_size
    )
}

/// The "Real programs" section.
pub fn section(results: &Results, md: &mut String, chart_link: &str) {
    if results.programs.is_empty() {
        return;
    }
    let engines = results.program_engines();
    let _ = writeln!(md, "\n## Real programs\n");
    let _ = writeln!(
        md,
        "The Lua 5.4 interpreter and the SQLite 3 shell (`programs/`, built from Debian's sources \
         for wasm32-wasip1 and wasm64-wasip1 by `cargo xtask build-real-programs`) run as WASI \
         commands: Strata's tiers through `strata-wasi`, wasmtime through `wasmtime-wasi`'s \
         preview1, which has no wasm64 ABI (its wasm64 cells give wasmtime's link error). A run is \
         one instantiation (the module is compiled before timing), its arguments, a fresh copy of \
         its workload folder preopened as `/` (copied outside the timed span) and the run to \
         `proc_exit`. Native is the x86-64 build of the same sources with the same options (clang \
         22, `-O2`), run as a process in the same folder. {}. Every run's exit status and stdout \
         are checked against the reference.\n",
        describe_plan(&results.program_plan)
    );
    for row in &results.programs {
        let _ = writeln!(
            md,
            "- `{}`: {}; arguments `{}`; stdout ({} bytes) checked against {} output",
            row.program,
            row.what,
            row.args.join(" "),
            row.stdout_bytes,
            if row.reference.is_empty() {
                "no"
            } else {
                &row.reference
            }
        );
    }

    md.push('\n');
    table_head(md, &["program", "width", "native"], &engines);
    for row in &results.programs {
        for width in Width::ALL {
            let native = if width == Width::W32 {
                fmt_cell(&row.native)
            } else {
                "″".to_string()
            };
            let _ = write!(md, "| {} | {} | {native} |", row.program, width.name());
            for e in &engines {
                let cell = results
                    .program_run(row.program, width, e.name)
                    .map(|c| fmt_cell(&c.outcome))
                    .unwrap_or_else(|| "–".to_string());
                let _ = write!(md, " {cell} |");
            }
            md.push('\n');
        }
    }

    let _ = writeln!(
        md,
        "\n### wasm64 / wasm32 on real programs\n\n\
         The same program built for memory64, over its memory32 build, on one engine (below 1: \
         wasm64 is faster). Targets: at most 1.05 for the AOT tier, 1.15 for the JIT.\n\n\
         ![wasm64/wasm32 run-time ratio per engine on real programs]({chart_link})\n"
    );
    let _ = write!(md, "| engine |");
    for row in &results.programs {
        let _ = write!(md, " {} |", row.program);
    }
    let _ = writeln!(md, " geometric mean |");
    let _ = write!(md, "|---|");
    for _ in &results.programs {
        let _ = write!(md, "---|");
    }
    let _ = writeln!(md, "---|");
    for e in &engines {
        let ratios = width_ratios(results, e.name);
        let _ = write!(md, "| {} |", e.name);
        for row in &results.programs {
            let cell = ratios
                .iter()
                .find(|r| r.0 == row.program)
                .map(|r| format!("{:.3}", r.1))
                .unwrap_or_else(|| "–".to_string());
            let _ = write!(md, " {cell} |");
        }
        let g = geomean(&ratios.iter().map(|r| r.1).collect::<Vec<_>>());
        let _ = writeln!(
            md,
            " {} |",
            g.map(|g| format!("**{g:.3}**"))
                .unwrap_or_else(|| "–".to_string())
        );
    }

    let _ = writeln!(
        md,
        "\n### Against native and the peers\n\n\
         Median run time over the native build's, per width; and, for Strata's tiers, over the \
         fastest peer of the same category in wasm32.\n"
    );
    let _ = write!(md, "| engine |");
    for row in &results.programs {
        for width in Width::ALL {
            let _ = write!(md, " {} {} / native |", row.program, width.name());
        }
        let _ = write!(md, " {} wasm32 / peer |", row.program);
    }
    md.push_str("\n|---|");
    for _ in &results.programs {
        md.push_str("---|---|---|");
    }
    md.push('\n');
    for e in &engines {
        let _ = write!(md, "| {} |", e.name);
        for row in &results.programs {
            for width in Width::ALL {
                let ours = results
                    .program_run(row.program, width, e.name)
                    .and_then(|c| c.outcome.median());
                let cell = match (ours, &row.native) {
                    (Some(ours), Outcome::Measured(native)) => {
                        format!("{:.2}x", ours / native.median)
                    }
                    _ => "–".to_string(),
                };
                let _ = write!(md, " {cell} |");
            }
            let ours = results
                .program_run(row.program, Width::W32, e.name)
                .and_then(|c| c.outcome.median());
            let cell = match (e.strata, ours, best_peer(results, e.category, row.program)) {
                (true, Some(ours), Some((peer, theirs))) => {
                    format!("{:.2}x vs {peer}", ours / theirs)
                }
                _ => "–".to_string(),
            };
            let _ = write!(md, " {cell} |");
        }
        md.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::all;
    use crate::machine::Machine;
    use crate::measure::Stats;
    use crate::results::{ProgramCell, ProgramRow};

    fn stats(median: f64) -> Stats {
        Stats {
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
        }
    }

    fn sample() -> Results {
        let plan = Plan {
            warmup: std::time::Duration::from_millis(1),
            measurement: std::time::Duration::from_millis(1),
            sample_size: 10,
            resamples: 10,
        };
        let mut results = Results::new(false, Machine::probe(), &all(), plan, plan, plan);
        results.programs.push(ProgramRow {
            program: "lua",
            what: "test",
            args: vec!["bench.lua".into()],
            native: Outcome::Measured(stats(0.1)),
            reference: "the native build's".into(),
            stdout_bytes: 10,
        });
        let mut cell = |width, engine, outcome| {
            results.program_runs.push(ProgramCell {
                program: "lua",
                width,
                engine,
                outcome,
            })
        };
        cell(Width::W32, "strata-aot", Outcome::Measured(stats(0.2)));
        cell(Width::W64, "strata-aot", Outcome::Measured(stats(0.24)));
        cell(
            Width::W32,
            "wasmtime-cranelift",
            Outcome::Measured(stats(0.16)),
        );
        cell(
            Width::W64,
            "wasmtime-cranelift",
            Outcome::NotAvailable("unknown import".into()),
        );
        results
    }

    #[test]
    fn ratios_targets_and_peers_come_from_the_cells() {
        let results = sample();
        let ratios = width_ratios(&results, "strata-aot");
        assert_eq!(ratios.len(), 1);
        assert!((ratios[0].1 - 1.2).abs() < 1e-9);
        assert!(width_ratios(&results, "wasmtime-cranelift").is_empty());

        let mut md = String::new();
        headline(&results, &mut md);
        section(&results, &mut md, "programs.svg");
        assert!(md.contains("- **strata-aot**: lua 1.200 (geometric mean **1.200**); target at most 1.05: **not met**"), "{md}");
        assert!(
            md.contains("| 2.00x | 2.40x | 1.25x vs wasmtime-cranelift |"),
            "{md}"
        );
        assert!(md.contains("n/a: unknown import"), "{md}");
        let behind = behind(&results).join("\n");
        assert!(
            behind.contains("in strata-aot, wasm64 costs more than 1.05x wasm32 on lua 1.200"),
            "{behind}"
        );
        assert!(
            behind.contains("takes 1.25x the time of wasmtime-cranelift"),
            "{behind}"
        );
    }

    #[test]
    fn the_chart_has_a_bar_per_measured_ratio() {
        let svg = crate::chart::render_program_widths(&sample());
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("wasm64/wasm32 1.200").count(), 1);
        assert_eq!(svg.matches("</title></rect>").count(), 1);
    }
}
