//! The report's charts, written as SVG by hand (no plotting dependency):
//! for each kernel and width, one horizontal bar per engine showing its
//! median run time as a multiple of the native build's, on a log scale
//! ([`render`]); and for each real program, one bar per engine showing its
//! wasm64/wasm32 run-time ratio ([`render_program_widths`]).

use std::fmt::Write;

use crate::engines::Category;
use crate::kernels::Width;
use crate::report_programs;
use crate::results::{EngineInfo, Results};

/// Per category: Strata's tier in the strong shade, its peers in the light one.
const STRONG: [&str; 3] = ["#d62728", "#1f77b4", "#2ca02c"];
const LIGHT: [&str; 3] = ["#f4a3a3", "#9ec9ee", "#a6dba0"];
const LEFT: f64 = 150.0;
const RIGHT: f64 = 40.0;
const PLOT_WIDTH: f64 = 700.0;
const BAR: f64 = 11.0;
const GROUP_GAP: f64 = 10.0;
const LEGEND_PER_ROW: usize = 4;

/// Each engine's bar colour: its category's, strong for Strata.
fn colors(infos: &[&EngineInfo]) -> Vec<&'static str> {
    infos
        .iter()
        .map(|e| {
            let shades = if e.strata { &STRONG } else { &LIGHT };
            let index = Category::ALL
                .iter()
                .position(|c| *c == e.category)
                .unwrap_or(0);
            shades[index % shades.len()]
        })
        .collect()
}

/// The legend: one swatch and name per engine, `LEGEND_PER_ROW` per row.
fn legend(svg: &mut String, engines: &[&str], colors: &[&str]) {
    for (i, (name, color)) in engines.iter().zip(colors).enumerate() {
        let lx = LEFT + ((i % LEGEND_PER_ROW) as f64) * 170.0;
        let ly = 30.0 + 18.0 * (i / LEGEND_PER_ROW) as f64;
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
}

/// A chart's layout and its opening: the document, title and legend.
struct Frame {
    /// Where the first group of bars starts.
    top: f64,
    /// The height of one group (a bar per engine and a gap).
    group_height: f64,
    /// Where the plot ends and the axis labels go.
    bottom: f64,
    /// The document so far.
    svg: String,
}

impl Frame {
    /// Opens a chart titled `title` of `groups` groups, one bar per engine.
    fn begin(
        title: &str,
        quick: bool,
        (engines, colors): (&[&str], &[&str]),
        groups: usize,
    ) -> Frame {
        let legend_rows = engines.len().div_ceil(LEGEND_PER_ROW).max(1);
        let top = 50.0 + 18.0 * legend_rows as f64;
        let group_height = engines.len() as f64 * BAR + GROUP_GAP;
        let height = top + groups as f64 * group_height + 40.0;
        let width = LEFT + PLOT_WIDTH + RIGHT;
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
        );
        let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let _ = writeln!(
            svg,
            r#"<text x="{LEFT}" y="18" font-size="14" font-weight="bold">{title}{}</text>"#,
            if quick { " — quick run" } else { "" }
        );
        legend(&mut svg, engines, colors);
        Frame {
            top,
            group_height,
            bottom: height - 30.0,
            svg,
        }
    }
}

/// The kernel chart for `results`, as an SVG document.
pub fn render(results: &Results) -> String {
    let infos = results.kernel_engines();
    let engines: Vec<&str> = infos.iter().map(|e| e.name).collect();
    let colors = colors(&infos);
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
    let Frame {
        top,
        group_height,
        bottom,
        mut svg,
    } = Frame::begin(
        "Run time as a multiple of native (log scale, lower is better)",
        results.quick,
        (&engines, &colors),
        groups.len(),
    );
    // Grid: 1, 2, 5 per decade.
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

/// The real-program chart: per program, one bar per engine from 1.0 to its
/// wasm64/wasm32 ratio, on a linear scale, with the tiers' targets marked.
pub fn render_program_widths(results: &Results) -> String {
    let infos = results.program_engines();
    let engines: Vec<&str> = infos.iter().map(|e| e.name).collect();
    let colors = colors(&infos);
    let groups: Vec<(&str, Vec<Option<f64>>)> = results
        .programs
        .iter()
        .map(|row| {
            let bars = engines
                .iter()
                .map(|e| {
                    report_programs::width_ratios(results, e)
                        .into_iter()
                        .find(|r| r.0 == row.program)
                        .map(|r| r.1)
                })
                .collect();
            (row.program, bars)
        })
        .collect();
    let ratios = groups
        .iter()
        .flat_map(|(_, bars)| bars.iter().flatten().copied());
    let (low, high) = ratios.fold((0.9_f64, 1.3_f64), |(lo, hi), r| (lo.min(r), hi.max(r)));
    let (low, high) = ((low * 10.0).floor() / 10.0, (high * 10.0).ceil() / 10.0);
    let x = |ratio: f64| LEFT + PLOT_WIDTH * (ratio - low) / (high - low);
    let Frame {
        top,
        group_height,
        bottom,
        mut svg,
    } = Frame::begin(
        "Real programs: wasm64 run time / wasm32 run time (lower is better)",
        results.quick,
        (&engines, &colors),
        groups.len(),
    );
    let mut tick = low;
    while tick <= high + 1e-9 {
        let gx = x(tick);
        let stroke = if (tick - 1.0).abs() < 1e-9 {
            "#333"
        } else {
            "#ddd"
        };
        let _ = writeln!(
            svg,
            r#"<line x1="{gx:.1}" y1="{}" x2="{gx:.1}" y2="{bottom}" stroke="{stroke}"/>"#,
            top - 8.0
        );
        let _ = writeln!(
            svg,
            r#"<text x="{gx:.1}" y="{}" text-anchor="middle">{tick:.1}</text>"#,
            bottom + 14.0
        );
        tick += 0.1;
    }
    for (target, label) in [(1.05, "AOT target"), (1.15, "JIT target")] {
        let gx = x(target);
        let _ = writeln!(
            svg,
            r##"<line x1="{gx:.1}" y1="{}" x2="{gx:.1}" y2="{bottom}" stroke="#888" stroke-dasharray="4 3"/>"##,
            top - 8.0
        );
        let _ = writeln!(
            svg,
            r##"<text x="{gx:.1}" y="{}" font-size="9" fill="#555" text-anchor="middle">{label}</text>"##,
            top - 10.0
        );
    }
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
                    let (from, to) = (x(ratio.min(1.0)), x(ratio.max(1.0)));
                    let _ = writeln!(
                        svg,
                        r#"<rect x="{from:.1}" y="{by:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{}: wasm64/wasm32 {ratio:.3}</title></rect>"#,
                        (to - from).max(1.0),
                        BAR - 2.0,
                        colors[i],
                        engines[i]
                    );
                    let _ = writeln!(
                        svg,
                        r#"<text x="{:.1}" y="{:.1}" font-size="9">{ratio:.3}</text>"#,
                        to + 3.0,
                        by + BAR - 3.0
                    );
                }
                None => {
                    let _ = writeln!(
                        svg,
                        r##"<text x="{:.1}" y="{:.1}" font-size="9" fill="#888">{}: n/a</text>"##,
                        x(1.0) + 3.0,
                        by + BAR - 3.0,
                        engines[i]
                    );
                }
            }
        }
    }
    svg.push_str("</svg>\n");
    svg
}
