//! `strata run` with WASI: guest arguments after FILE, `--env`, `--dir`,
//! the guest's exit status, traps as status 134, and link errors for WASI
//! imports of the wrong width.

mod common;

use common::{strata, temp_file, workspace_root};

#[test]
fn wasm64_program_sees_its_arguments_and_environment() {
    let out = strata(&[
        "run",
        "--env",
        "GREETING=hi",
        "examples/args64.wat",
        "one",
        "--two",
        "--invoke",
    ]);
    assert_eq!(out.code, Some(3), "{out:#?}");
    assert_eq!(
        out.stdout,
        "examples/args64.wat\none\n--two\n--invoke\nGREETING=hi\n"
    );
    for tier in ["interp", "jit"] {
        let out = strata(&["run", "--tier", tier, "examples/args64.wat"]);
        assert_eq!(out.ok(), "examples/args64.wat\n", "{tier}");
    }
}

#[test]
fn env_without_value_passes_the_hosts() {
    let out = strata(&["run", "--env", "PATH", "examples/args64.wat"]);
    let path = std::env::var("PATH").unwrap_or_default();
    assert_eq!(out.stdout, format!("examples/args64.wat\nPATH={path}\n"));
    let err = strata(&[
        "run",
        "--env",
        "STRATA_SURELY_UNSET_VAR",
        "examples/args64.wat",
    ]);
    assert!(err.err().contains("no such variable"), "{err:#?}");
}

/// A wasm32 program that writes "from wasi\n" to `out.txt` in its preopen
/// `/`, then exits with status 0.
const WRITE_FILE: &str = r#"
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "out.txt")
  (data (i32.const 32) "from wasi\n")
  (func (export "_start")
    (local $err i32)
    ;; fd 3 is the first preopen; O_CREAT, rights fd_write.
    (local.set $err (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 7)
      (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (local.get $err) (then (call $exit (i32.add (i32.const 100) (local.get $err)))))
    (i32.store (i32.const 8) (i32.const 32))
    (i32.store (i32.const 12) (i32.const 10))
    (drop (call $write (i32.load (i32.const 0)) (i32.const 8) (i32.const 1) (i32.const 4)))))
"#;

#[test]
fn dir_preopens_a_host_folder() {
    let file = temp_file("wasi_dir", "write.wat", WRITE_FILE);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi_dir_root");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the folder");
    let arg = format!("{}::/", dir.display());
    strata(&["run", "--dir", &arg, &file]).ok();
    let written = std::fs::read_to_string(dir.join("out.txt")).expect("the guest wrote the file");
    assert_eq!(written, "from wasi\n");
    // Without a preopen, fd 3 does not exist: errno 8 (badf), status 108.
    assert_eq!(strata(&["run", &file]).code, Some(108));
    let err = strata(&["run", "--dir", "/surely/not/a/folder", &file])
        .err()
        .to_string();
    assert!(err.contains("cannot open"), "{err}");
}

#[test]
fn traps_exit_with_134_and_a_backtrace() {
    let file = temp_file(
        "wasi_trap",
        "trap.wat",
        r#"(module (func $inner unreachable) (func (export "_start") (call $inner)))"#,
    );
    let err = strata(&["run", &file]).trap().to_string();
    assert!(err.contains("unreachable") && err.contains("at "), "{err}");
}

#[test]
fn wasi_imports_of_the_wrong_width_do_not_link() {
    let file = temp_file(
        "wasi_width",
        "wrong.wat",
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
             (memory i64 1)
             (func (export "_start")))"#,
    );
    let err = strata(&["run", &file]).err().to_string();
    assert!(
        err.contains("fd_write") && err.contains("(func (param i32 i64 i64 i64) (result i32))"),
        "{err}"
    );
    assert!(workspace_root().join("examples/args64.wat").is_file());
}
