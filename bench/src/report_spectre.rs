//! The price of the JIT's Spectre mask: when a run measured both
//! `strata-jit` and `strata-jit-nospectre` (`--engine` names them), a table
//! of their medians per kernel and width, the ratio mask/no-mask, and its
//! geometric mean against the target (at most 3%).

use std::fmt::Write;

use crate::engines::{JIT, NO_SPECTRE_JIT};
use crate::kernels::Width;
use crate::report::{fmt_time, geomean};
use crate::results::Results;

/// The target: the mask costs at most this ratio (geometric mean).
const TARGET: f64 = 1.03;

/// One kernel and width measured on both engines: (kernel, width, masked
/// median, unmasked median).
fn pairs(results: &Results) -> Vec<(&'static str, Width, f64, f64)> {
    let median = |kernel: &str, width: Width, engine: &str| {
        results
            .runs
            .iter()
            .find(|c| c.kernel == kernel && c.width == width && c.engine == engine)
            .and_then(|c| c.outcome.median())
    };
    let mut out = Vec::new();
    for cell in results.runs.iter().filter(|c| c.engine == JIT) {
        if let (Some(on), Some(off)) = (
            cell.outcome.median(),
            median(cell.kernel, cell.width, NO_SPECTRE_JIT),
        ) {
            out.push((cell.kernel, cell.width, on, off));
        }
    }
    out
}

/// The section, or `None` if no kernel was measured on both engines.
pub fn section(results: &Results) -> Option<String> {
    let pairs = pairs(results);
    if pairs.is_empty() {
        return None;
    }
    let mut md = String::new();
    let _ = writeln!(md, "## Spectre hardening in the JIT\n");
    let _ = writeln!(
        md,
        "`{JIT}` (the mask on, the default) against `{NO_SPECTRE_JIT}` \
         (`JitConfig::spectre_hardening(false)`), criterion medians per `run` call; \
         the ratio is masked / unmasked.\n"
    );
    let _ = writeln!(md, "| kernel | width | {JIT} | {NO_SPECTRE_JIT} | ratio |");
    let _ = writeln!(md, "|---|---|---:|---:|---:|");
    for (kernel, width, on, off) in &pairs {
        let _ = writeln!(
            md,
            "| {kernel} | {} | {} | {} | {:.3} |",
            width.name(),
            fmt_time(*on),
            fmt_time(*off),
            on / off
        );
    }
    let _ = writeln!(md);
    let mut lines = Vec::new();
    for width in Width::ALL {
        let ratios: Vec<f64> = pairs
            .iter()
            .filter(|p| p.1 == width)
            .map(|p| p.2 / p.3)
            .collect();
        if let Some(g) = geomean(&ratios) {
            lines.push(format!(
                "- geometric mean, {} ({} kernels): **{g:.3}**",
                width.name(),
                ratios.len()
            ));
        }
    }
    let all: Vec<f64> = pairs.iter().map(|p| p.2 / p.3).collect();
    if let Some(g) = geomean(&all) {
        lines.push(format!(
            "- geometric mean, both widths ({} cells): **{g:.3}**; target at most {TARGET}: {}",
            all.len(),
            if g <= TARGET {
                "**met**"
            } else {
                "**not met**"
            }
        ));
    }
    for line in lines {
        let _ = writeln!(md, "{line}");
    }
    let _ = writeln!(md);
    Some(md)
}
