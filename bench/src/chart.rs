//! The report's chart, written as SVG by hand (no plotting dependency):
//! for each kernel and width, one horizontal bar per engine showing its
//! median run time as a multiple of the native build's, on a log scale.

use std::fmt::Write;

use crate::engines::Category;
use crate::kernels::Width;
use crate::results::Results;

/// Per category: Strata's tier in the strong shade, its peers in the light one.
const STRONG: [&str; 3] = ["#d62728", "#1f77b4", "#2ca02c"];
const LIGHT: [&str; 3] = ["#f4a3a3", "#9ec9ee", "#a6dba0"];
const LEFT: f64 = 150.0;
const RIGHT: f64 = 40.0;
const PLOT_WIDTH: f64 = 700.0;
const BAR: f64 = 11.0;
const GROUP_GAP: f64 = 10.0;
const LEGEND_PER_ROW: usize = 4;

/// The chart for `results`, as an SVG document.
pub fn render(results: &Results) -> String {
    let infos = results.kernel_engines();
    let engines: Vec<&str> = infos.iter().map(|e| e.name).collect();
    let colors: Vec<&str> = infos
        .iter()
        .map(|e| {
            let shades = if e.strata { &STRONG } else { &LIGHT };
            let index = Category::ALL
                .iter()
                .position(|c| *c == e.category)
                .unwrap_or(0);
            shades[index % shades.len()]
        })
        .collect();
    let mut groups = Vec::new();
    for row in &results.native {
        for width in Width::ALL {
            let bars: Vec<Option<f64>> = engines
                .iter()
                .map(|e| {
                    let median = results.run(row.kernel, width, e)?.outcome.median()?;
                    Some(median / row.stats.median)
                })
                .collect();
            groups.push((format!("{} {}", row.kernel, width.name()), bars));
        }
    }
    let max_ratio = groups
        .iter()
        .flat_map(|(_, bars)| bars.iter().flatten().copied())
        .fold(1.0_f64, f64::max);
    let decades = max_ratio.log10().ceil().max(1.0);
    let x = |ratio: f64| LEFT + PLOT_WIDTH * (ratio.max(1.0).log10() / decades);
    let legend_rows = engines.len().div_ceil(LEGEND_PER_ROW).max(1);
    let top = 50.0 + 18.0 * legend_rows as f64;
    let group_height = engines.len() as f64 * BAR + GROUP_GAP;
    let height = top + groups.len() as f64 * group_height + 40.0;
    let width = LEFT + PLOT_WIDTH + RIGHT;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{LEFT}" y="18" font-size="14" font-weight="bold">Run time as a multiple of native (log scale, lower is better){}</text>"#,
        if results.quick { " — quick run" } else { "" }
    );
    for (i, name) in engines.iter().enumerate() {
        let lx = LEFT + ((i % LEGEND_PER_ROW) as f64) * 170.0;
        let ly = 30.0 + 18.0 * (i / LEGEND_PER_ROW) as f64;
        let color = colors[i];
        let _ = writeln!(
            svg,
            r#"<rect x="{lx}" y="{ly}" width="12" height="12" fill="{color}"/>"#
        );
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}">{name}</text>"#,
            lx + 16.0,
            ly + 10.0
        );
    }
    // Grid: 1, 2, 5 per decade.
    let bottom = height - 30.0;
    for decade in 0..(decades as u32) {
        for step in [1.0, 2.0, 5.0] {
            let ratio = step * 10f64.powi(decade as i32);
            let gx = x(ratio);
            let _ = writeln!(
                svg,
                r##"<line x1="{gx:.1}" y1="{}" x2="{gx:.1}" y2="{bottom}" stroke="#ddd"/>"##,
                top - 8.0
            );
            let _ = writeln!(
                svg,
                r#"<text x="{gx:.1}" y="{}" text-anchor="middle">{ratio}x</text>"#,
                bottom + 14.0
            );
        }
    }
    let end = x(10f64.powf(decades));
    let _ = writeln!(
        svg,
        r#"<text x="{end:.1}" y="{}" text-anchor="middle">{}x</text>"#,
        bottom + 14.0,
        10f64.powf(decades)
    );
    for (g, (label, bars)) in groups.iter().enumerate() {
        let gy = top + g as f64 * group_height;
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{label}</text>"#,
            LEFT - 8.0,
            gy + engines.len() as f64 * BAR / 2.0 + 4.0
        );
        for (i, bar) in bars.iter().enumerate() {
            let by = gy + i as f64 * BAR;
            match bar {
                Some(ratio) => {
                    let color = colors[i];
                    let w = (x(*ratio) - LEFT).max(1.0);
                    let _ = writeln!(
                        svg,
                        r#"<rect x="{LEFT}" y="{by:.1}" width="{w:.1}" height="{:.1}" fill="{color}"><title>{}: {ratio:.2}x native</title></rect>"#,
                        BAR - 2.0,
                        engines[i]
                    );
                    let _ = writeln!(
                        svg,
                        r#"<text x="{:.1}" y="{:.1}" font-size="9">{ratio:.1}x</text>"#,
                        LEFT + w + 3.0,
                        by + BAR - 3.0
                    );
                }
                None => {
                    let _ = writeln!(
                        svg,
                        r##"<text x="{}" y="{:.1}" font-size="9" fill="#888">{}: n/a</text>"##,
                        LEFT + 3.0,
                        by + BAR - 3.0,
                        engines[i]
                    );
                }
            }
        }
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{LEFT}" y1="{}" x2="{LEFT}" y2="{bottom}" stroke="#333"/>"##,
        top - 8.0
    );
    svg.push_str("</svg>\n");
    svg
}
