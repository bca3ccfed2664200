//! Reports: per directive ([`Failure`]), per file ([`FileReport`]) and per
//! run ([`SuiteReport`]), and their human-readable text.
//!
//! Every directive of a file lands in exactly one of four buckets: passed,
//! failed, skipped (a construct the runner does not execute, with the
//! reason), or expected failure (failed, and listed in the tier's
//! expected-failure list). The last line of [`SuiteReport::render`] is
//! always exactly `N passed, N failed, N skipped`.

use std::fmt::Write as _;
use std::path::PathBuf;

/// How many failures [`SuiteReport::render`] lists per file.
pub const FAILURES_SHOWN_PER_FILE: usize = 20;

/// One directive that did not pass (or was skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// 1-based line of the directive in its file (0 if the file could not
    /// be read or parsed at all).
    pub line: u32,
    /// The directive, e.g. `assert_return`, `module`, `assert_trap`.
    pub directive_kind: &'static str,
    /// What happened (for a skip: why it was skipped).
    pub message: String,
}

/// The outcome of one `.wast` file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    /// The file.
    pub path: PathBuf,
    /// Directives that passed.
    pub passed: usize,
    /// Directives that failed and are not expected to (including listed ones
    /// that passed, and panics of the runner or the engine).
    pub failed: usize,
    /// Directives the runner does not execute.
    pub skipped: usize,
    /// Directives that failed as the expected-failure list says.
    pub expected_failed: usize,
    /// Details of the failed directives.
    pub failures: Vec<Failure>,
    /// Details of the skipped directives.
    pub skips: Vec<Failure>,
    /// Details of the expected failures (message: what happened).
    pub expected_failures: Vec<Failure>,
    /// Lines listed as expected failures for this file that hold no
    /// directive (the list is stale there).
    pub stale_expected: Vec<u32>,
}

impl FileReport {
    /// An empty report for `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            ..Self::default()
        }
    }

    /// Number of directives counted.
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.skipped + self.expected_failed
    }

    /// Record a pass.
    pub(crate) fn pass(&mut self) {
        self.passed += 1;
    }

    /// Record a failure.
    pub(crate) fn fail(&mut self, line: u32, directive_kind: &'static str, message: String) {
        self.failed += 1;
        self.failures.push(Failure {
            line,
            directive_kind,
            message,
        });
    }

    /// Record a skip.
    pub(crate) fn skip(&mut self, line: u32, directive_kind: &'static str, reason: String) {
        self.skipped += 1;
        self.skips.push(Failure {
            line,
            directive_kind,
            message: reason,
        });
    }

    /// Record an expected failure.
    pub(crate) fn expected_fail(
        &mut self,
        line: u32,
        directive_kind: &'static str,
        message: String,
    ) {
        self.expected_failed += 1;
        self.expected_failures.push(Failure {
            line,
            directive_kind,
            message,
        });
    }

    /// `path: N passed, N failed, N skipped` (plus expected failures when
    /// there are any).
    pub fn summary_line(&self) -> String {
        let mut s = format!(
            "{}: {} passed, {} failed, {} skipped",
            self.path.display(),
            self.passed,
            self.failed,
            self.skipped
        );
        if self.expected_failed > 0 {
            let _ = write!(s, " ({} expected failures)", self.expected_failed);
        }
        s
    }
}

/// The outcome of a list of files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuiteReport {
    /// Per-file reports, in the order the files were given.
    pub files: Vec<FileReport>,
    /// Total passed.
    pub passed: usize,
    /// Total failed (not expected).
    pub failed: usize,
    /// Total skipped.
    pub skipped: usize,
    /// Total expected failures.
    pub expected_failed: usize,
}

impl SuiteReport {
    /// A report over `files`, with totals.
    pub fn from_files(files: Vec<FileReport>) -> Self {
        let mut r = Self {
            files,
            ..Self::default()
        };
        for f in &r.files {
            r.passed += f.passed;
            r.failed += f.failed;
            r.skipped += f.skipped;
            r.expected_failed += f.expected_failed;
        }
        r
    }

    /// Number of stale expected-failure entries over all files.
    pub fn stale_expected(&self) -> usize {
        self.files.iter().map(|f| f.stale_expected.len()).sum()
    }

    /// Whether nothing failed unexpectedly, nothing was skipped and the
    /// expected-failure list has no stale entries.
    pub fn is_success(&self) -> bool {
        self.failed == 0 && self.skipped == 0 && self.stale_expected() == 0
    }

    /// The human report: per file its summary line and up to
    /// [`FAILURES_SHOWN_PER_FILE`] failures (then skips), and as the last
    /// line exactly `N passed, N failed, N skipped`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            out.push_str(&f.summary_line());
            out.push('\n');
            let listed = f.failures.iter().map(|x| ("FAIL", x));
            let skips = f.skips.iter().map(|x| ("SKIP", x));
            let all: Vec<_> = listed.chain(skips).collect();
            for (tag, x) in all.iter().take(FAILURES_SHOWN_PER_FILE) {
                let msg = x.message.replace('\n', "\n      ");
                let _ = writeln!(out, "  {tag} line {}: {}: {msg}", x.line, x.directive_kind);
            }
            if all.len() > FAILURES_SHOWN_PER_FILE {
                let _ = writeln!(
                    out,
                    "  ... and {} more",
                    all.len() - FAILURES_SHOWN_PER_FILE
                );
            }
            for line in &f.stale_expected {
                let _ = writeln!(
                    out,
                    "  STALE expected-failure entry {}:{line}: no directive on that line",
                    f.path.display()
                );
            }
        }
        if self.expected_failed > 0 {
            let _ = writeln!(
                out,
                "{} expected failures (listed in the tier's expected-failure list)",
                self.expected_failed
            );
        }
        let _ = write!(
            out,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_ends_with_the_totals_line() {
        let mut a = FileReport::new("a.wast");
        a.pass();
        a.fail(3, "assert_return", "wrong\nresult".into());
        let mut b = FileReport::new("b.wast");
        b.skip(7, "thread", "threads are not supported".into());
        b.expected_fail(9, "assert_trap", "no trap".into());
        let r = SuiteReport::from_files(vec![a, b]);
        let text = r.render();
        assert_eq!(text.lines().last(), Some("1 passed, 1 failed, 1 skipped"));
        assert!(text.contains("a.wast: 1 passed, 1 failed, 0 skipped\n"));
        assert!(text.contains("b.wast: 0 passed, 0 failed, 1 skipped (1 expected failures)"));
        assert!(text.contains("FAIL line 3: assert_return: wrong\n      result"));
        assert!(!r.is_success());
    }

    #[test]
    fn render_limits_failures_per_file() {
        let mut a = FileReport::new("a.wast");
        for i in 0..30 {
            a.fail(i, "invoke", "x".into());
        }
        let text = SuiteReport::from_files(vec![a]).render();
        assert!(text.contains("... and 10 more"));
        assert_eq!(text.matches("FAIL").count(), FAILURES_SHOWN_PER_FILE);
    }
}
