//! Expected failures: the per-tier list of directives known to fail, kept as
//! data in `crates/conformance/expected/<tier>.txt`.
//!
//! One entry a line, `file.wast:LINE reason`; blank lines and lines starting
//! with `#` are ignored. `file.wast` is matched against the end of the path
//! of the file being run, component-wise (`legacy/try.wast` matches
//! `.../testsuite/legacy/try.wast`). A listed directive that fails counts as
//! an expected failure; one that passes is reported as a failure, so the list
//! can only shrink.

use std::collections::HashMap;
use std::path::Path;

/// The list of the `interp` tier, compiled in.
const INTERP: &str = include_str!("../expected/interp.txt");
/// The list of the `jit` tier, compiled in.
const JIT: &str = include_str!("../expected/jit.txt");
/// The list of the `aot` tier, compiled in.
const AOT: &str = include_str!("../expected/aot.txt");

/// A malformed line of an expected-failure list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected-failure list, line {line}: {message}")]
pub struct ExpectedParseError {
    /// 1-based line number in the list.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A set of expected failures: `(file, line) -> reason`.
#[derive(Debug, Clone, Default)]
pub struct ExpectedFailures {
    entries: HashMap<String, HashMap<u32, String>>,
}

impl ExpectedFailures {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// The list committed for a built-in tier (empty for other tiers).
    ///
    /// # Errors
    /// If the committed list is malformed.
    pub fn builtin(tier: &str) -> Result<Self, ExpectedParseError> {
        match tier {
            "interp" => Self::parse(INTERP),
            "jit" => Self::parse(JIT),
            "aot" => Self::parse(AOT),
            _ => Ok(Self::new()),
        }
    }

    /// Parse a list.
    ///
    /// # Errors
    /// On a line that is not `file:LINE reason`.
    pub fn parse(text: &str) -> Result<Self, ExpectedParseError> {
        let mut list = Self::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: &str| ExpectedParseError {
                line: i + 1,
                message: format!("{message}: `{line}`"),
            };
            let (location, reason) = line
                .split_once(char::is_whitespace)
                .map_or((line, ""), |(l, r)| (l, r.trim()));
            let (file, number) = location
                .rsplit_once(':')
                .ok_or_else(|| err("expected `file.wast:LINE reason`"))?;
            let number: u32 = number
                .parse()
                .map_err(|_| err("the line number is not a number"))?;
            if file.is_empty() {
                return Err(err("the file name is empty"));
            }
            list.insert(file, number, reason);
        }
        Ok(list)
    }

    /// Add an entry.
    pub fn insert(&mut self, file: &str, line: u32, reason: &str) {
        self.entries
            .entry(file.to_string())
            .or_default()
            .insert(line, reason.to_string());
    }

    /// Add every entry of `other` (its reason wins for a line in both).
    pub fn extend(&mut self, other: ExpectedFailures) {
        for (file, lines) in other.entries {
            self.entries.entry(file).or_default().extend(lines);
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.values().map(HashMap::len).sum()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries for the file at `path`: line -> reason.
    pub(crate) fn for_file(&self, path: &Path) -> HashMap<u32, String> {
        let mut out = HashMap::new();
        for (file, lines) in &self.entries {
            if path.ends_with(Path::new(file)) {
                out.extend(lines.iter().map(|(l, r)| (*l, r.clone())));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_comments() {
        let list = ExpectedFailures::parse(
            "# comment\n\naddress.wast:12 traps wrong\nlegacy/try.wast:3   needs exceptions # really\n",
        )
        .expect("valid list");
        assert_eq!(list.len(), 2);
        let a = list.for_file(Path::new("/x/testsuite/address.wast"));
        assert_eq!(a.get(&12).map(String::as_str), Some("traps wrong"));
        assert!(list
            .for_file(Path::new("/x/testsuite/xaddress.wast"))
            .is_empty());
        let t = list.for_file(Path::new("suite/legacy/try.wast"));
        assert_eq!(
            t.get(&3).map(String::as_str),
            Some("needs exceptions # really")
        );
    }

    #[test]
    fn rejects_malformed_lines() {
        let e = ExpectedFailures::parse("ok.wast:1 x\naddress.wast reason\n").expect_err("bad");
        assert_eq!(e.line, 2);
        assert!(ExpectedFailures::parse("a.wast:x reason").is_err());
    }

    #[test]
    fn builtin_lists_parse() {
        assert!(ExpectedFailures::builtin("interp").is_ok());
        assert!(ExpectedFailures::builtin("someone-elses-tier").is_ok_and(|l| l.is_empty()));
    }
}
