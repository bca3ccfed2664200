//! Helpers shared by the integration tests: run the `strata` binary and
//! capture its exit status and output.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of `strata` produced.
#[derive(Debug)]
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Assert exit code 0 and no stderr noise; return stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, Some(0), "strata failed: {self:#?}");
        &self.stdout
    }

    /// Assert exit code 1 with an `error: ` message and no panic; return stderr.
    pub fn err(&self) -> &str {
        self.failed_with(1, "failed")
    }

    /// Assert exit code 134 (a trap) with an `error: ` message and no
    /// panic; return stderr.
    pub fn trap(&self) -> &str {
        self.failed_with(134, "trapped")
    }

    fn failed_with(&self, code: i32, what: &str) -> &str {
        assert_eq!(
            self.code,
            Some(code),
            "strata should have {what}: {self:#?}"
        );
        assert!(
            self.stderr.starts_with("error: "),
            "no `error: ` message: {self:#?}"
        );
        assert!(
            !self.stderr.contains("panicked"),
            "strata panicked: {self:#?}"
        );
        &self.stderr
    }
}

/// Run `strata ARGS...` from the workspace root.
pub fn strata(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("the strata binary runs");
    Output {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The workspace root (where `examples/` is).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Write `text` to a fresh file named `name` in a per-test temp folder and
/// return its path as a string.
pub fn temp_file(test: &str, name: &str, text: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(test);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path.to_string_lossy().into_owned()
}
