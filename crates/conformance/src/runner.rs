//! [`Runner`]: runs `.wast` files on one engine and reports every directive.
//!
//! Each file gets a fresh store (with `spectest`) and runs on its own thread
//! with a large stack, so a deep host recursion in one file cannot take the
//! others down; each directive runs under `catch_unwind`, so a panic — a bug
//! in the runner or the engine, and reported as such — fails that directive
//! only. Files of a list run in parallel.

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use strata_api::{Config, Engine};
use wast::lexer::Lexer;
use wast::parser::ParseBuffer;

use crate::directive::{kind_name, parse_wast, FileContext, Outcome};
use crate::expected::ExpectedFailures;
use crate::limits::DirectiveLimits;
use crate::report::{FileReport, SuiteReport};

/// Stack size of the thread a file runs on.
const FILE_THREAD_STACK: usize = 256 << 20;

/// Runs spec-test files on one engine (one tier), with that tier's expected
/// failures.
///
/// ```no_run
/// # use strata_conformance::Runner;
/// # use strata_api::Config;
/// let runner = Runner::new(Config::default())?;
/// let report = runner.run_file("testsuite/i32.wast".as_ref());
/// println!("{}", report.summary_line());
/// # Ok::<(), strata_conformance::Error>(())
/// ```
#[derive(Debug)]
pub struct Runner {
    engine: Engine,
    expected: ExpectedFailures,
    parallelism: usize,
    limits: DirectiveLimits,
}

impl Runner {
    /// A runner on an engine of `config`, with the committed expected-failure
    /// list of its tier (see [`ExpectedFailures::builtin`]; empty for a tier
    /// outside this workspace — set one with
    /// [`Runner::with_expected_failures`]).
    ///
    /// # Errors
    /// If the engine cannot be created (no tier) or the committed list is
    /// malformed.
    pub fn new(config: Config) -> Result<Self, crate::Error> {
        let engine = Engine::new(&config)?;
        let expected = ExpectedFailures::builtin(engine.tier_name())?;
        let parallelism = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(Self {
            engine,
            expected,
            parallelism,
            limits: DirectiveLimits::default(),
        })
    }

    /// Replace the expected-failure list.
    pub fn with_expected_failures(mut self, expected: ExpectedFailures) -> Self {
        self.expected = expected;
        self
    }

    /// Run at most `n` files at once (at least one).
    pub fn with_parallelism(mut self, n: usize) -> Self {
        self.parallelism = n.max(1);
        self
    }

    /// Bound every directive by `limits` (fuel and wall-clock time): a
    /// directive past one fails, with the bound named.
    pub fn with_limits(mut self, limits: DirectiveLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The expected-failure list in force.
    pub fn expected_failures(&self) -> &ExpectedFailures {
        &self.expected
    }

    /// Run one file.
    pub fn run_file(&self, path: &Path) -> FileReport {
        match std::fs::read_to_string(path) {
            Ok(text) => self.run_source(path, &text),
            Err(e) => {
                let mut r = FileReport::new(path);
                r.fail(0, "file", format!("cannot read the file: {e}"));
                r
            }
        }
    }

    /// Run the text of a `.wast` file; `path` names it in the report and for
    /// the expected-failure list.
    pub fn run_source(&self, path: &Path, text: &str) -> FileReport {
        let outcome = std::thread::scope(|s| {
            std::thread::Builder::new()
                .name(format!("wast {}", path.display()))
                .stack_size(FILE_THREAD_STACK)
                .spawn_scoped(s, || self.run_source_here(path, text))
                .map(|h| h.join())
        });
        match outcome {
            Ok(Ok(report)) => report,
            Ok(Err(panic)) => {
                let mut r = FileReport::new(path);
                r.fail(
                    0,
                    "file",
                    format!("BUG: the runner panicked: {}", panic_message(&*panic)),
                );
                r
            }
            // No thread could be spawned: run here.
            Err(_) => self.run_source_here(path, text),
        }
    }

    /// Run `paths` (in parallel) and total the reports, in the given order.
    pub fn run_files(&self, paths: &[PathBuf]) -> SuiteReport {
        let next = AtomicUsize::new(0);
        let slots: Vec<Mutex<Option<FileReport>>> =
            paths.iter().map(|_| Mutex::new(None)).collect();
        let workers = self.parallelism.min(paths.len()).max(1);
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let report = self.run_file(path);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(report);
                    }
                });
            }
        });
        let files = slots
            .into_iter()
            .zip(paths)
            .map(|(slot, path)| {
                slot.into_inner().ok().flatten().unwrap_or_else(|| {
                    let mut r = FileReport::new(path);
                    r.fail(0, "file", "BUG: the file's worker thread died".into());
                    r
                })
            })
            .collect();
        SuiteReport::from_files(files)
    }

    fn run_source_here(&self, path: &Path, text: &str) -> FileReport {
        let mut report = FileReport::new(path);
        let expected = self.expected.for_file(path);
        let lines = LineIndex::new(text);
        let mut lexer = Lexer::new(text);
        lexer.allow_confusing_unicode(true);
        let buf = match ParseBuffer::new_with_lexer(lexer) {
            Ok(b) => b,
            Err(e) => {
                report.fail(
                    lines.line(e.span().offset()),
                    "file",
                    format!("lex error: {}", e.message()),
                );
                return report;
            }
        };
        let wast = match parse_wast(&buf) {
            Ok(w) => w,
            Err(e) => {
                report.fail(
                    lines.line(e.span().offset()),
                    "file",
                    format!("parse error: {}", e.message()),
                );
                return report;
            }
        };
        let mut cx = match FileContext::new(&self.engine, self.limits) {
            Ok(cx) => cx,
            Err(e) => {
                report.fail(
                    0,
                    "spectest",
                    format!("cannot define the spectest module: {e}"),
                );
                return report;
            }
        };
        let mut seen = HashSet::new();
        for d in wast.directives {
            let line = lines.line(d.span().offset());
            let kind = kind_name(&d);
            seen.insert(line);
            let outcome = catch_unwind(AssertUnwindSafe(|| cx.run(d))).unwrap_or_else(|p| {
                Outcome::Fail(format!("BUG: panicked: {}", panic_message(&*p)))
            });
            match (outcome, expected.get(&line)) {
                (Outcome::Pass, None) => report.pass(),
                (Outcome::Pass, Some(reason)) => report.fail(
                    line,
                    kind,
                    format!("passes, but is listed as an expected failure ({reason}): remove it from the list"),
                ),
                (Outcome::Fail(m), None) => report.fail(line, kind, m),
                (Outcome::Fail(m), Some(_)) => report.expected_fail(line, kind, m),
                (Outcome::Skip(reason), _) => report.skip(line, kind, reason),
            }
        }
        let mut stale: Vec<u32> = expected
            .keys()
            .filter(|l| !seen.contains(l))
            .copied()
            .collect();
        stale.sort_unstable();
        report.stale_expected = stale;
        report
    }
}

/// The text of a panic payload.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}

/// Byte offset to 1-based line number.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    fn line(&self, offset: usize) -> u32 {
        let n = match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// Run `paths` on an engine of `config` with its tier's expected failures.
///
/// # Errors
/// As [`Runner::new`].
pub fn run_files(config: Config, paths: &[PathBuf]) -> Result<SuiteReport, crate::Error> {
    Ok(Runner::new(config)?.run_files(paths))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index() {
        let l = LineIndex::new("a\nbc\n\nd");
        assert_eq!(l.line(0), 1);
        assert_eq!(l.line(1), 1);
        assert_eq!(l.line(2), 2);
        assert_eq!(l.line(5), 3);
        assert_eq!(l.line(6), 4);
    }
}
