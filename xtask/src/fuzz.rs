//! `cargo xtask fuzz [--minutes N] [--target NAME]... [--jobs J]`: runs the
//! cargo-fuzz targets in `fuzz/` (a cargo workspace of its own) for N
//! minutes each (default 5) with the nightly toolchain, installing
//! cargo-fuzz first if it is missing.
//!
//! Each target fuzzes a working corpus `fuzz/work/<target>/` (not
//! committed), seeded from the committed `fuzz/corpus/<target>/`, in
//! libFuzzer's fork mode with J workers (default 1), which keeps going
//! after a crash, a timeout or an out-of-memory input and saves each to
//! `fuzz/artifacts/<target>/`. libFuzzer's output goes to
//! `fuzz/work/<target>.log`; the terminal shows its periodic status lines
//! and, per target, the executions, coverage, corpus size and the new
//! findings. The task fails if any target found something.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};

use crate::steps::workspace_root;

/// The targets, in the order a full run takes them (`fuzz/Cargo.toml`'s
/// `[[bin]]`s; a test checks the two agree).
pub const TARGETS: &[&str] = &[
    "loader",
    "translate_interp",
    "translate_jit",
    "translate_aot",
    "differential",
    "artifact",
];

/// Slowest input libFuzzer accepts before reporting a timeout, in seconds.
const UNIT_TIMEOUT: u64 = 60;

/// Parsed options.
#[derive(Debug, PartialEq)]
struct Options {
    minutes: f64,
    targets: Vec<String>,
    jobs: u32,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options {
        minutes: 5.0,
        targets: Vec::new(),
        jobs: 1,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .with_context(|| format!("`{flag}` needs a value"))
        };
        match flag {
            "--minutes" => {
                let v = value()?;
                options.minutes = v
                    .parse()
                    .ok()
                    .filter(|m: &f64| m.is_finite() && *m > 0.0)
                    .with_context(|| format!("`--minutes {v}`: not a positive number"))?;
            }
            "--target" => {
                let t = value()?;
                if !TARGETS.contains(&t.as_str()) {
                    bail!(
                        "unknown fuzz target `{t}` (targets: {})",
                        TARGETS.join(", ")
                    );
                }
                options.targets.push(t);
            }
            "--jobs" => {
                let v = value()?;
                options.jobs = v
                    .parse()
                    .ok()
                    .filter(|j| *j > 0)
                    .with_context(|| format!("`--jobs {v}`: not a positive integer"))?;
            }
            _ => bail!("unknown option `{arg}` (fuzz takes --minutes N, --target NAME, --jobs J)"),
        }
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.iter().map(|t| (*t).to_string()).collect();
    }
    Ok(options)
}

/// What one target's run reported.
#[derive(Debug, Default, PartialEq)]
struct Stats {
    executions: Option<u64>,
    coverage: Option<u64>,
    features: Option<u64>,
    corpus: Option<u64>,
}

/// The number after `key` in `line` (`cov: 1234`, `corp: 56/7Kb`).
fn number_after(line: &str, key: &str) -> Option<u64> {
    let rest = &line[line.find(key)? + key.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

impl Stats {
    /// Read the stats from libFuzzer's output: the last status line
    /// (`#N ... cov: C ft: F corp: K...`, plain or fork mode) and the final
    /// `stat::number_of_executed_units` if printed.
    fn parse(log: &str) -> Stats {
        let mut stats = Stats::default();
        for line in log.lines() {
            if line.starts_with('#') && line.contains("cov: ") {
                stats.executions = number_after(line, "#");
                stats.coverage = number_after(line, "cov:");
                stats.features = number_after(line, "ft:");
                stats.corpus = number_after(line, "corp:");
            }
            if let Some(n) = number_after(line, "stat::number_of_executed_units:") {
                stats.executions = Some(n);
            }
        }
        stats
    }
}

/// Whether a libFuzzer output line is worth showing on the terminal.
fn shown(line: &str) -> bool {
    (line.starts_with('#') && (line.contains("pulse") || line.contains("DONE")))
        || line.contains("INFO: fuzzed for")
        || line.contains("ERROR")
        || line.contains("SUMMARY")
        || line.contains("panicked")
        || line.contains("Test unit written")
        || line.contains("CRASH")
        || line.contains("TIMEOUT")
        || line.contains("OOM")
        || (line.starts_with('#') && line.contains(": cov: ") && line.contains("job:"))
}

/// Files under `dir` modified at or after `since`.
fn new_files(dir: &Path, since: SystemTime) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| {
                    e.metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t >= since)
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// `cargo +nightly ARGS` from the repository root, through rustup's proxy
/// (`$CARGO` is the stable toolchain's own cargo, which takes no `+`).
fn nightly(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("cargo");
    command
        .arg("+nightly")
        .args(args)
        .current_dir(root)
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO");
    command
}

fn ensure_tools(root: &Path) -> Result<()> {
    let ok = |mut c: Command| {
        c.stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !ok(nightly(root, &["--version"])) {
        bail!("fuzzing needs the nightly toolchain: rustup toolchain install nightly");
    }
    if !ok(nightly(root, &["fuzz", "--version"])) {
        println!("==> installing cargo-fuzz: cargo install cargo-fuzz --locked");
        let status = Command::new("cargo")
            .args(["install", "cargo-fuzz", "--locked"])
            .env_remove("RUSTUP_TOOLCHAIN")
            .status()
            .context("cannot run `cargo install cargo-fuzz`")?;
        if !status.success() {
            bail!("`cargo install cargo-fuzz --locked` failed");
        }
    }
    Ok(())
}

/// Runs the fuzz task with `args` (after `fuzz`).
///
/// # Errors
/// Bad options, missing tools, a failed build, or findings.
pub fn run(args: &[String]) -> Result<()> {
    let options = parse(args)?;
    let root = workspace_root()?;
    ensure_tools(&root)?;
    let started = Instant::now();
    println!("==> cargo +nightly fuzz build --fuzz-dir fuzz");
    let status = nightly(&root, &["fuzz", "build", "--fuzz-dir", "fuzz"])
        .status()
        .context("cannot run `cargo +nightly fuzz build`")?;
    if !status.success() {
        bail!("`cargo +nightly fuzz build` failed");
    }
    let seconds = (options.minutes * 60.0).round().max(1.0) as u64;
    let mut results = Vec::new();
    for target in &options.targets {
        results.push(run_target(&root, target, seconds, options.jobs)?);
    }
    println!(
        "\nfuzzing done in {:.0} s:",
        started.elapsed().as_secs_f64()
    );
    println!(
        "  {:<18} {:>12} {:>8} {:>8} {:>8}  findings",
        "target", "executions", "cov", "ft", "corpus"
    );
    let show = |n: Option<u64>| n.map_or_else(|| "?".to_string(), |n| n.to_string());
    let mut found = 0;
    for (target, stats, findings) in &results {
        println!(
            "  {target:<18} {:>12} {:>8} {:>8} {:>8}  {}",
            show(stats.executions),
            show(stats.coverage),
            show(stats.features),
            show(stats.corpus),
            findings.len()
        );
        for f in findings {
            println!("      {}", f.display());
        }
        found += findings.len();
    }
    if found > 0 {
        bail!(
            "{found} finding(s); replay one with `cargo +nightly fuzz run --fuzz-dir fuzz TARGET FILE`"
        );
    }
    Ok(())
}

type TargetResult = (String, Stats, Vec<PathBuf>);

fn run_target(root: &Path, target: &str, seconds: u64, jobs: u32) -> Result<TargetResult> {
    let fuzz = root.join("fuzz");
    let work = fuzz.join("work").join(target);
    let seeds = fuzz.join("corpus").join(target);
    let artifacts = fuzz.join("artifacts").join(target);
    for dir in [&work, &seeds, &artifacts] {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    let log_path = fuzz.join("work").join(format!("{target}.log"));
    let mut log = File::create(&log_path)
        .with_context(|| format!("cannot create `{}`", log_path.display()))?;
    let (work_s, seeds_s) = (work.to_string_lossy(), seeds.to_string_lossy());
    let flags = [
        format!("-max_total_time={seconds}"),
        format!("-timeout={UNIT_TIMEOUT}"),
        format!("-fork={jobs}"),
        "-ignore_crashes=1".to_string(),
        "-ignore_timeouts=1".to_string(),
        "-ignore_ooms=1".to_string(),
        "-print_final_stats=1".to_string(),
    ];
    let mut args = vec![
        "fuzz",
        "run",
        "--fuzz-dir",
        "fuzz",
        target,
        &work_s,
        &seeds_s,
        "--",
    ];
    args.extend(flags.iter().map(String::as_str));
    println!(
        "\n==> {target}: {seconds} s, {jobs} job(s); log {}",
        log_path.display()
    );
    let since = SystemTime::now() - Duration::from_secs(1);
    let mut child = nightly(root, &args)
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start `cargo +nightly fuzz run`")?;
    // libFuzzer writes to stderr, into the log; cargo-fuzz's own few lines
    // (how to replay a finding) go to the terminal.
    let mut text = String::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let line = line.context("cannot read libFuzzer's output")?;
            writeln!(log, "{line}").context("cannot write the log")?;
            if shown(&line) {
                println!("    {line}");
            }
            text.push_str(&line);
            text.push('\n');
        }
    }
    let status = child.wait().context("cannot wait for cargo fuzz")?;
    let stats = Stats::parse(&text);
    let findings = new_files(&artifacts, since);
    if !status.success() && findings.is_empty() {
        bail!(
            "`cargo fuzz run {target}` failed ({status}) without a finding; see {}",
            log_path.display()
        );
    }
    Ok((target.to_string(), stats, findings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn options() -> Result<()> {
        let o = parse(&strings(&[
            "--minutes",
            "60",
            "--target=loader",
            "--jobs",
            "2",
        ]))?;
        assert_eq!(o.minutes, 60.0);
        assert_eq!(o.targets, ["loader"]);
        assert_eq!(o.jobs, 2);
        assert_eq!(parse(&[])?.targets.len(), TARGETS.len());
        assert!(parse(&strings(&["--target", "nope"])).is_err());
        assert!(parse(&strings(&["--minutes", "0"])).is_err());
        assert!(parse(&strings(&["--jobs"])).is_err());
        Ok(())
    }

    #[test]
    fn stats_from_plain_and_fork_mode() {
        let plain = "#2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb\n\
                     #4096\tpulse  cov: 1200 ft: 3400 corp: 210/40Kb lim: 4096 exec/s: 800\n\
                     #9000\tDONE   cov: 1300 ft: 3600 corp: 230/45Kb lim: 4096 exec/s: 750\n\
                     stat::number_of_executed_units: 9001\n";
        assert_eq!(
            Stats::parse(plain),
            Stats {
                executions: Some(9001),
                coverage: Some(1300),
                features: Some(3600),
                corpus: Some(230),
            }
        );
        let fork = "#31337: cov: 900 ft: 2000 corp: 150 exec/s: 500 oom/timeout/crash: 0/0/1 time: 60s job: 4 dft_time: 0\n";
        let s = Stats::parse(fork);
        assert_eq!(s.executions, Some(31337));
        assert_eq!(s.corpus, Some(150));
        assert!(shown(fork.trim_end()));
    }

    #[test]
    fn targets_match_the_fuzz_manifest() -> Result<()> {
        let manifest = std::fs::read_to_string(workspace_root()?.join("fuzz").join("Cargo.toml"))?;
        let mut names = Vec::new();
        let mut in_bin = false;
        for line in manifest.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_bin = line == "[[bin]]";
            } else if in_bin {
                if let Some(name) = line.strip_prefix("name = ") {
                    names.push(name.trim_matches('"').to_string());
                }
            }
        }
        assert_eq!(names, TARGETS);
        Ok(())
    }
}
