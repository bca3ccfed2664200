//! Running the steps of a task: each is a cargo command run from the
//! workspace root with inherited output; the first failure stops the task.
//! Every step prints its command before and its elapsed time after, and the
//! task ends with a table of all timings.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// The steps run so far and the cargo to run them with.
pub struct Steps {
    cargo: OsString,
    root: PathBuf,
    started: Instant,
    done: Vec<(String, Duration)>,
    summaries: Vec<(String, String)>,
}

impl Steps {
    /// Steps run by the cargo that runs xtask (`$CARGO`), from the workspace
    /// root.
    ///
    /// # Errors
    /// If the workspace root cannot be found.
    pub fn new() -> Result<Self> {
        Ok(Self {
            cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            root: workspace_root()?,
            started: Instant::now(),
            done: Vec::new(),
            summaries: Vec::new(),
        })
    }

    /// Run `cargo ARGS...` as the step `name`.
    ///
    /// # Errors
    /// If cargo cannot be started or exits unsuccessfully.
    pub fn cargo(&mut self, name: &str, args: &[&str]) -> Result<()> {
        self.run(name, args, false)
    }

    /// Like [`Steps::cargo`], and also keep the last `N passed, N failed,
    /// N skipped` line the command prints, to repeat it at the end.
    ///
    /// # Errors
    /// If cargo cannot be started or exits unsuccessfully.
    pub fn cargo_with_summary(&mut self, name: &str, args: &[&str]) -> Result<()> {
        self.run(name, args, true)
    }

    fn run(&mut self, name: &str, args: &[&str], keep_summary: bool) -> Result<()> {
        let shown = format!("cargo {}", args.join(" "));
        println!("\n==> [{}] {name}: {shown}", self.done.len() + 1);
        std::io::stdout()
            .flush()
            .context("cannot write to stdout")?;
        let start = Instant::now();
        let mut command = Command::new(&self.cargo);
        command.args(args).current_dir(&self.root);
        if keep_summary {
            command.stdout(Stdio::piped());
        }
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot start `{shown}`"))?;
        if let Some(stdout) = child.stdout.take() {
            let mut out = std::io::stdout().lock();
            for line in BufReader::new(stdout).lines() {
                let line = line.with_context(|| format!("cannot read the output of `{shown}`"))?;
                writeln!(out, "{line}").context("cannot write to stdout")?;
                if is_summary(&line) {
                    self.summaries.push((name.to_string(), line));
                }
            }
        }
        let status = child
            .wait()
            .with_context(|| format!("cannot wait for `{shown}`"))?;
        let elapsed = start.elapsed();
        if !status.success() {
            let code = status
                .code()
                .map_or_else(|| "a signal".to_string(), |c| format!("exit code {c}"));
            bail!(
                "step `{name}` FAILED ({code}) after {}: `{shown}`",
                seconds(elapsed)
            );
        }
        println!("<== {name}: ok in {}", seconds(elapsed));
        self.done.push((name.to_string(), elapsed));
        Ok(())
    }

    /// Print the timing table.
    pub fn finish(self) {
        println!("\nall steps passed:");
        for (name, elapsed) in &self.done {
            println!("  {name:<16} {:>9}", seconds(*elapsed));
        }
        println!("  {:<16} {:>9}", "total", seconds(self.started.elapsed()));
        for (name, line) in &self.summaries {
            println!("{name}: {line}");
        }
        if let Some((_, line)) = self.summaries.last() {
            println!("{line}");
        }
    }
}

/// The workspace root: the parent of this crate's folder.
///
/// # Errors
/// If xtask was built outside a workspace folder.
pub fn workspace_root() -> Result<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask is not inside a workspace folder")?;
    if !root.join("Cargo.toml").is_file() {
        bail!("no Cargo.toml in the workspace root `{}`", root.display());
    }
    Ok(root.to_path_buf())
}

/// Whether `line` is a `N passed, N failed, N skipped` total.
fn is_summary(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    matches!(
        words.as_slice(),
        [p, "passed,", f, "failed,", s, "skipped"]
            if [p, f, s].iter().all(|n| n.parse::<u64>().is_ok())
    )
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines() {
        assert!(is_summary("12 passed, 0 failed, 3 skipped"));
        assert!(!is_summary("a.wast: 12 passed, 0 failed, 3 skipped"));
        assert!(!is_summary("x passed, 0 failed, 3 skipped"));
    }
}
