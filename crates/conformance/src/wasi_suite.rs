//! The official WASI testsuite runner: the prebuilt preview1 tests of
//! wasi-testsuite (`tests/*/testsuite/wasm32-wasip1/*.wasm`), each with an
//! optional `NAME.json` of args, env, a root directory, the expected exit
//! code and stdout/stderr (the legacy form of the suite's specification,
//! plus `stdin`, the text the test reads, for the repository's own programs),
//! run in-process on an engine of any [`Config`], so on any tier.
//!
//! Each test's root directory is copied to a fresh temporary directory
//! first (the suite may be read-only, and tests write into it), preopened
//! as `/`. A test passes if its exit code and every expected stream match.
//! Test files whose specification uses the operation form (`operations`,
//! `proposals`: sockets, HTTP) are skipped and counted as skipped, with the
//! reason. The report ends with `N passed, N failed, N skipped`.

use std::path::{Path, PathBuf};

use strata_api::{Config, Engine, Linker, Module, Store};
use strata_wasi::{DirPerms, FilePerms, MemoryInputPipe, MemoryOutputPipe, WasiCtx};

use crate::error::Error;

/// The environment variable naming the WASI testsuite folder.
pub const WASI_TESTSUITE_ENV: &str = "STRATA_WASI_TESTSUITE";

/// Most bytes a test may write to stdout or stderr.
const OUTPUT_CAPACITY: usize = 16 << 20;

/// The WASI testsuite folder: `$STRATA_WASI_TESTSUITE`, else
/// `<workspace>/../shared/wasi-testsuite`.
pub fn default_wasi_testsuite_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(WASI_TESTSUITE_ENV) {
        return PathBuf::from(dir);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/wasi-testsuite");
    dir.canonicalize().unwrap_or(dir)
}

/// The preview1 test folders of a wasi-testsuite checkout:
/// `tests/*/testsuite/wasm32-wasip1`, sorted.
///
/// # Errors
/// [`Error::SuiteNotFound`] if `suite` has no `tests` folder.
pub fn wasi_test_dirs(suite: &Path) -> Result<Vec<PathBuf>, Error> {
    let tests = suite.join("tests");
    let entries = std::fs::read_dir(&tests).map_err(|_| Error::SuiteNotFound(tests.clone()))?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path().join("testsuite").join("wasm32-wasip1"))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// What a test's `.json` asks for (defaults when there is none).
#[derive(Debug, Default)]
struct Spec {
    args: Vec<String>,
    env: Vec<(String, String)>,
    root: Option<String>,
    exit_code: i32,
    stdout: Option<String>,
    stderr: Option<String>,
    /// What the test reads on stdin (an extension of the format, for the
    /// repository's own programs; empty by default).
    stdin: String,
    /// Why the test cannot run here, if it cannot.
    unsupported: Option<String>,
}

fn parse_spec(text: &str) -> Result<Spec, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let obj = v
        .as_object()
        .ok_or("the specification is not a JSON object")?;
    let mut spec = Spec::default();
    for key in ["operations", "proposals"] {
        if obj.contains_key(key) {
            spec.unsupported = Some(format!(
                "uses the operation-based specification (`{key}`), which this runner does not execute"
            ));
        }
    }
    let string = |v: &serde_json::Value, what: &str| -> Result<String, String> {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("`{what}` holds a non-string"))
    };
    if let Some(args) = obj.get("args") {
        let list = args.as_array().ok_or("`args` is not an array")?;
        spec.args = list
            .iter()
            .map(|a| string(a, "args"))
            .collect::<Result<_, _>>()?;
    }
    if let Some(env) = obj.get("env") {
        let map = env.as_object().ok_or("`env` is not an object")?;
        for (k, v) in map {
            spec.env.push((k.clone(), string(v, "env")?));
        }
    }
    if let Some(root) = obj.get("root").filter(|r| !r.is_null()) {
        spec.root = Some(string(root, "root")?);
    }
    if let Some(code) = obj.get("exit_code") {
        let code = code.as_i64().ok_or("`exit_code` is not an integer")?;
        spec.exit_code = i32::try_from(code).map_err(|_| "`exit_code` out of range")?;
    }
    if let Some(out) = obj.get("stdout").filter(|s| !s.is_null()) {
        spec.stdout = Some(string(out, "stdout")?);
    }
    if let Some(err) = obj.get("stderr").filter(|s| !s.is_null()) {
        spec.stderr = Some(string(err, "stderr")?);
    }
    if let Some(input) = obj.get("stdin").filter(|s| !s.is_null()) {
        spec.stdin = string(input, "stdin")?;
    }
    Ok(spec)
}

/// The outcome of one test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WasiOutcome {
    /// Exit code and output as expected.
    Passed,
    /// Something differed or failed; the message says what.
    Failed(String),
    /// Not run; the message says why.
    Skipped(String),
}

/// One test's result.
#[derive(Debug, Clone)]
pub struct WasiTestResult {
    /// The `.wasm` file.
    pub path: PathBuf,
    /// What happened.
    pub outcome: WasiOutcome,
    /// The process's peak resident memory while the test ran, in KiB, where
    /// the OS reports it (Linux: the high-water mark is reset before each
    /// test).
    pub peak_rss_kib: Option<u64>,
}

/// Tests whose peak resident memory reaches this many KiB show it in the
/// report.
const RSS_SHOWN_KIB: u64 = 256 << 10;

/// The results of a run.
#[derive(Debug, Clone, Default)]
pub struct WasiReport {
    /// Every test, in the order run.
    pub tests: Vec<WasiTestResult>,
}

impl WasiReport {
    fn count(&self, f: impl Fn(&WasiOutcome) -> bool) -> usize {
        self.tests.iter().filter(|t| f(&t.outcome)).count()
    }

    /// Tests that passed.
    pub fn passed(&self) -> usize {
        self.count(|o| *o == WasiOutcome::Passed)
    }

    /// Tests that failed.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, WasiOutcome::Failed(_)))
    }

    /// Tests not run.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, WasiOutcome::Skipped(_)))
    }

    /// The report as text: one line per test, then per folder, then the
    /// total `N passed, N failed, N skipped`.
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let mut folders: Vec<(PathBuf, [usize; 3])> = Vec::new();
        for t in &self.tests {
            let name = t.path.file_name().map_or_else(
                || t.path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let (word, detail, slot) = match &t.outcome {
                WasiOutcome::Passed => ("ok     ", String::new(), 0),
                WasiOutcome::Failed(m) => ("FAILED ", format!(": {m}"), 1),
                WasiOutcome::Skipped(m) => ("SKIPPED", format!(": {m}"), 2),
            };
            let rss = match t.peak_rss_kib {
                Some(kib) if kib >= RSS_SHOWN_KIB => format!(" (peak RSS {} MiB)", kib >> 10),
                _ => String::new(),
            };
            let _ = writeln!(out, "{word} {name}{rss}{detail}");
            let folder = t.path.parent().map(Path::to_path_buf).unwrap_or_default();
            match folders.iter_mut().find(|(f, _)| *f == folder) {
                Some((_, c)) => c[slot] += 1,
                None => {
                    let mut c = [0; 3];
                    c[slot] = 1;
                    folders.push((folder, c));
                }
            }
        }
        for (folder, [p, f, s]) in &folders {
            let _ = writeln!(
                out,
                "{}: {p} passed, {f} failed, {s} skipped",
                folder.display()
            );
        }
        let _ = write!(
            out,
            "{} passed, {} failed, {} skipped",
            self.passed(),
            self.failed(),
            self.skipped()
        );
        out
    }
}

/// Run every `.wasm` test in each of `dirs` on an engine of `config`.
///
/// # Errors
/// If the engine cannot be made or a folder cannot be listed.
pub fn run_wasi_tests(config: &Config, dirs: &[PathBuf]) -> Result<WasiReport, Error> {
    let engine = Engine::new(config)?;
    let mut report = WasiReport::default();
    for dir in dirs {
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        let mut tests: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
            .collect();
        tests.sort();
        for path in tests {
            crate::process_memory::reset_peak_rss();
            let outcome = run_one(&engine, &path);
            report.tests.push(WasiTestResult {
                path,
                outcome,
                peak_rss_kib: crate::process_memory::peak_rss_kib(),
            });
        }
    }
    Ok(report)
}

/// Run one test.
fn run_one(engine: &Engine, wasm: &Path) -> WasiOutcome {
    let spec_path = wasm.with_extension("json");
    let spec = if spec_path.is_file() {
        match std::fs::read_to_string(&spec_path)
            .map_err(|e| e.to_string())
            .and_then(|t| parse_spec(&t))
        {
            Ok(s) => s,
            Err(e) => return WasiOutcome::Failed(format!("{}: {e}", spec_path.display())),
        }
    } else {
        Spec::default()
    };
    if let Some(why) = spec.unsupported {
        return WasiOutcome::Skipped(why);
    }
    let scratch = match Scratch::new(wasm) {
        Ok(s) => s,
        Err(e) => return WasiOutcome::Failed(format!("cannot make a scratch folder: {e}")),
    };
    match execute(engine, wasm, &spec, &scratch) {
        Ok(outcome) => outcome,
        Err(e) => WasiOutcome::Failed(e),
    }
}

fn execute(
    engine: &Engine,
    wasm: &Path,
    spec: &Spec,
    scratch: &Scratch,
) -> Result<WasiOutcome, String> {
    let bytes = std::fs::read(wasm).map_err(|e| format!("cannot read: {e}"))?;
    let module = Module::new(engine, &bytes).map_err(|e| e.to_string())?;
    let stdout = MemoryOutputPipe::new(OUTPUT_CAPACITY);
    let stderr = MemoryOutputPipe::new(OUTPUT_CAPACITY);
    let mut b = WasiCtx::builder();
    let name = wasm
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    b.arg(name)
        .args(&spec.args)
        .stdin(MemoryInputPipe::new(spec.stdin.as_bytes()))
        .stdout(stdout.clone())
        .stderr(stderr.clone());
    for (k, v) in &spec.env {
        b.env(k, v);
    }
    if let Some(root) = &spec.root {
        let host = scratch.copy_root(&wasm.parent().unwrap_or(Path::new(".")).join(root))?;
        b.preopened_dir(&host, "/", DirPerms::all(), FilePerms::all())
            .map_err(|e| format!("cannot preopen {}: {e}", host.display()))?;
    }
    struct State {
        wasi: WasiCtx,
    }
    let mut store = Store::new(engine, State { wasi: b.build() });
    let mut linker = Linker::new(engine);
    strata_wasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi)
        .map_err(|e| e.to_string())?;
    let run = linker
        .instantiate(&mut store, &module)
        .and_then(|instance| {
            let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
            start.call(&mut store, ())
        });
    let code = match run {
        Ok(()) => 0,
        Err(e) => match e.exit_status() {
            Some(code) => code,
            None => {
                return Ok(WasiOutcome::Failed(format!(
                    "{e}; stderr: {}",
                    String::from_utf8_lossy(&stderr.contents()).trim_end()
                )))
            }
        },
    };
    let mut problems = Vec::new();
    if code != spec.exit_code {
        problems.push(format!("exit code {code}, expected {}", spec.exit_code));
    }
    for (what, pipe, expected) in [
        ("stdout", &stdout, &spec.stdout),
        ("stderr", &stderr, &spec.stderr),
    ] {
        if let Some(expected) = expected {
            let got = String::from_utf8_lossy(&pipe.contents()).into_owned();
            if got != *expected {
                problems.push(format!("{what} {got:?}, expected {expected:?}"));
            }
        }
    }
    if problems.is_empty() {
        Ok(WasiOutcome::Passed)
    } else {
        let err = String::from_utf8_lossy(&stderr.contents())
            .trim_end()
            .to_string();
        if !err.is_empty() && spec.stderr.is_none() {
            problems.push(format!("stderr: {err}"));
        }
        Ok(WasiOutcome::Failed(problems.join("; ")))
    }
}

/// A temporary folder for one test, removed when dropped.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(wasm: &Path) -> std::io::Result<Scratch> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let stem = wasm
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let dir = std::env::temp_dir().join(format!(
            "strata-wasi-{}-{}-{stem}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch { dir })
    }

    /// Copy the test's root folder into the scratch folder; the copy.
    fn copy_root(&self, root: &Path) -> Result<PathBuf, String> {
        let to = self.dir.join("root");
        copy_tree(root, &to).map_err(|e| format!("cannot copy {}: {e}", root.display()))?;
        Ok(to)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Copy a folder tree (files, folders and symlinks), with write permission
/// for the owner whatever the source's.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(to)?;
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o755))?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let ty = entry.file_type()?;
        let dest = to.join(entry.file_name());
        if ty.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else if ty.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o644))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_with_defaults() {
        let s = parse_spec(r#"{"root": "fs-tests.dir", "args": ["a"], "env": {"K": "V"}, "exit_code": 3, "stdout": "x", "stdin": "in"}"#)
            .expect("valid");
        assert_eq!(s.args, ["a"]);
        assert_eq!(s.env, [("K".to_string(), "V".to_string())]);
        assert_eq!(s.root.as_deref(), Some("fs-tests.dir"));
        assert_eq!(s.stdin, "in");
        assert_eq!(
            (s.exit_code, s.stdout.as_deref(), s.stderr),
            (3, Some("x"), None)
        );
        assert!(parse_spec(r#"{"operations": []}"#)
            .expect("valid")
            .unsupported
            .is_some());
        assert!(parse_spec("[1]").is_err());
        assert!(parse_spec(r#"{"args": [1]}"#).is_err());
    }
}
