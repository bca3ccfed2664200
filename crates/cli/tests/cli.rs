//! Behaviour of the `strata` command itself: argument parsing, result
//! printing, and clean `error: ...` exits (never a panic) for bad input,
//! link errors and traps.

mod common;

use common::{strata, temp_file};

const NUMBERS: &str = r#"
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "wide") (param i64) (result i64 i64)
    (local.get 0) (i64.add (local.get 0) (i64.const 1)))
  (func (export "half") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 0.5)))
  (func (export "sq") (param f64) (result f64) (f64.mul (local.get 0) (local.get 0)))
  (func (export "none"))
  (global (export "g") i32 (i32.const 0)))
"#;

#[test]
fn results_print_one_per_line() {
    let file = temp_file("results", "numbers.wat", NUMBERS);
    let run = |args: &[&str]| {
        let mut all = vec!["run", "--invoke", args[0], file.as_str()];
        all.extend_from_slice(&args[1..]);
        strata(&all)
    };
    assert_eq!(run(&["add", "40", "2"]).ok(), "42\n");
    assert_eq!(run(&["add", "-1", "0xffffffff"]).ok(), "-2\n");
    assert_eq!(
        run(&["wide", "0x1_0000_0000"]).ok(),
        "4294967296\n4294967297\n"
    );
    assert_eq!(run(&["half", "7"]).ok(), "3.5\n");
    assert_eq!(run(&["half", "-inf"]).ok(), "-inf\n");
    assert_eq!(run(&["sq", "nan"]).ok(), "nan\n");
    assert_eq!(run(&["sq", "1.5"]).ok(), "2.25\n");
    assert_eq!(run(&["none"]).ok(), "");
}

#[test]
fn stats_report_load_and_instantiation() {
    let file = temp_file("stats", "numbers.wat", NUMBERS);
    let out = strata(&["run", "--stats", "--invoke", "add", file.as_str(), "1", "2"]);
    assert_eq!(out.stdout, "3\n");
    assert_eq!(out.code, Some(0));
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert!(
        lines[0].starts_with("stats: load + compile: "),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("stats: instantiate: "), "{}", lines[1]);
    if cfg!(target_os = "linux") {
        assert!(
            lines[0].contains("MiB") && lines[0].contains("x the module"),
            "{}",
            lines[0]
        );
    }
}

#[test]
fn bad_arguments_are_errors() {
    let file = temp_file("bad_args", "numbers.wat", NUMBERS);
    let err = strata(&["run", "--invoke", "add", &file, "1"])
        .err()
        .to_string();
    assert!(err.contains("takes 2 argument"), "{err}");
    let err = strata(&["run", "--invoke", "add", &file, "1", "x"])
        .err()
        .to_string();
    assert!(err.contains("invalid i32 argument `x`"), "{err}");
    let err = strata(&["run", "--invoke", "add", &file, "1", "4294967296"])
        .err()
        .to_string();
    assert!(err.contains("invalid i32"), "{err}");
    let err = strata(&["run", "--invoke", "nope", &file])
        .err()
        .to_string();
    assert!(
        err.contains("no function `nope`") && err.contains("`add`"),
        "{err}"
    );
    let err = strata(&["run", "--invoke", "g", &file]).err().to_string();
    assert!(err.contains("no function `g`"), "{err}");
    let err = strata(&["run", &file, "5"]).err().to_string();
    assert!(err.contains("neither `_start` nor `main`"), "{err}");
}

#[test]
fn binary_modules_run() {
    // (module (func (export "main") (result i32) (i32.const 42)))
    let bytes: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type: () -> i32
        0x03, 0x02, 0x01, 0x00, // func 0: type 0
        0x07, 0x08, 0x01, 0x04, b'm', b'a', b'i', b'n', 0x00, 0x00, // export "main"
        0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b, // body: i32.const 42
    ];
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("binary");
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let path = dir.join("answer.wasm");
    std::fs::write(&path, bytes).expect("write module");
    let out = strata(&["run", &path.to_string_lossy()]);
    assert_eq!(out.ok(), "42\n");
}

#[test]
fn module_without_entry_point_only_instantiates() {
    let file = temp_file("no_entry", "numbers.wat", NUMBERS);
    let out = strata(&["run", &file]);
    assert_eq!(out.code, Some(0), "{out:#?}");
    assert_eq!(out.stdout, "", "{out:#?}");
    // It says that nothing was called, and what could be.
    assert!(
        out.stderr.contains("exports neither `_start` nor `main`")
            && out.stderr.contains("nothing was called")
            && out.stderr.contains("--invoke"),
        "{out:#?}"
    );
}

#[test]
fn missing_and_malformed_files_are_errors() {
    let err = strata(&["run", "no/such/file.wasm"]).err().to_string();
    assert!(err.contains("cannot read"), "{err}");
    let file = temp_file("malformed", "bad.wat", "(module (func (result i32)))");
    let err = strata(&["run", &file]).err().to_string();
    assert!(err.contains("cannot load"), "{err}");
    let file = temp_file("malformed", "bad.wasm", "\0asm\x02\0\0\0");
    strata(&["run", &file]).err();
    // A text that does not parse: the error names the file, line and
    // column, and no binary offset (there is none).
    let file = temp_file(
        "malformed",
        "unparsed.wat",
        "(module\n  (func (i32.const)))",
    );
    let err = strata(&["run", &file]).err().to_string();
    assert!(err.contains(&format!("{file}:2:")), "{err}");
    assert!(!err.contains("at offset"), "{err}");
}

#[test]
fn unsatisfied_imports_are_link_errors() {
    let file = temp_file(
        "link",
        "imports.wat",
        r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))))"#,
    );
    let err = strata(&["run", &file]).err().to_string();
    assert!(err.contains("fd_write"), "{err}");
    // A known host function imported with the wrong type.
    let file = temp_file(
        "link",
        "wrong_type.wat",
        r#"(module (import "strata" "print_i32" (func (param i64))))"#,
    );
    let err = strata(&["run", &file]).err().to_string();
    assert!(err.contains("strata.print_i32"), "{err}");
}

#[test]
fn host_functions_under_env_and_memory32() {
    let file = temp_file(
        "host",
        "env.wat",
        r#"(module
             (import "env" "print_bytes" (func $pb (param i32 i32)))
             (import "env" "print_f64" (func $pf (param f64)))
             (memory (export "memory") 1)
             (data (i32.const 16) "hi\n")
             (func (export "_start")
               (call $pb (i32.const 16) (i32.const 3))
               (call $pf (f64.const -0.25))))"#,
    );
    assert_eq!(strata(&["run", &file]).ok(), "hi\n-0.25\n");
    let file = temp_file(
        "host",
        "oob.wat",
        r#"(module
             (import "strata" "print_bytes" (func $pb (param i32 i32)))
             (memory (export "memory") 1)
             (func (export "_start") (call $pb (i32.const 65535) (i32.const 2))))"#,
    );
    let err = strata(&["run", &file]).trap().to_string();
    assert!(err.contains("out of bounds"), "{err}");
}

#[test]
fn traps_are_errors() {
    let file = temp_file(
        "traps",
        "trap.wat",
        r#"(module
             (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
             (func $boom unreachable)
             (func (export "deep") (call 1)))"#,
    );
    let err = strata(&["run", "--invoke", "div", &file, "0"])
        .trap()
        .to_lowercase();
    assert!(
        err.contains("divide by zero") || err.contains("division by zero"),
        "{err}"
    );
    let err = strata(&["run", "--invoke", "deep", &file])
        .trap()
        .to_string();
    assert!(err.contains("at "), "a trap prints its backtrace: {err}");
    let file = temp_file(
        "traps",
        "start.wat",
        r#"(module (func $s unreachable) (start $s) (func (export "main") (result i32) (i32.const 1)))"#,
    );
    let out = strata(&["run", &file]);
    assert!(
        out.trap().to_lowercase().contains("unreachable"),
        "{out:#?}"
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn unbuilt_tiers_are_clear_errors() {
    let built = built_tiers();
    let unbuilt = ["jit", "aot"].into_iter().filter(|t| !built.contains(t));
    for tier in unbuilt {
        let err = strata(&["run", "--tier", tier, "examples/fib.wat"])
            .err()
            .to_string();
        assert!(err.contains("not built"), "{err}");
        let err = strata(&["wast", "--tier", tier, "x.wast"])
            .err()
            .to_string();
        assert!(err.contains("not built"), "{err}");
    }
}

#[test]
fn wast_counts_and_exit_code() {
    let pass = temp_file(
        "wast",
        "pass.wast",
        r#"(module (func (export "f") (param i64) (result i64) (i64.add (local.get 0) (i64.const 1))))
           (assert_return (invoke "f" (i64.const 1)) (i64.const 2))
           (assert_return (invoke "f" (i64.const -1)) (i64.const 0))
           (assert_trap (module (func $u unreachable) (start $u)) "unreachable")"#,
    );
    let out = strata(&["wast", &pass]);
    let last = out.ok().lines().last().unwrap_or_default().to_string();
    assert!(last.ends_with("passed, 0 failed, 0 skipped"), "{out:#?}");
    assert!(!last.starts_with("0 "), "{out:#?}");

    let fail = temp_file(
        "wast",
        "fail.wast",
        r#"(module (func (export "f") (result i32) (i32.const 1)))
           (assert_return (invoke "f") (i32.const 2))"#,
    );
    let out = strata(&["wast", &pass, &fail]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    let last = out.stdout.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(" failed, 0 skipped") && !last.contains(" 0 failed"),
        "{out:#?}"
    );
}

#[test]
fn wast_scope_files_resolve_against_the_suite_root() {
    let file = temp_file(
        "scope/suite",
        "one.wast",
        r#"(module (func (export "f") (result i32) (i32.const 7)))
           (assert_return (invoke "f") (i32.const 7))"#,
    );
    let scope = temp_file("scope/suite/scopes", "mine.txt", "# comment\none.wast\n\n");
    let out = strata(&["wast", "--scope", &scope]);
    assert!(
        out.ok().contains("one.wast: 2 passed") || out.stdout.contains("one.wast: 1 passed"),
        "{out:#?} {file}"
    );
    let missing = temp_file("scope/suite/scopes", "missing.txt", "nope.wast\n");
    let err = strata(&["wast", "--scope", &missing]).err().to_string();
    assert!(err.contains("nope.wast"), "{err}");
    strata(&["wast"]).err();
}

#[cfg(all(feature = "jit", target_arch = "x86_64"))]
#[test]
fn jit_tier_runs_programs_and_spec_files() {
    let out = strata(&["run", "--tier", "jit", "examples/fib.wat"]);
    assert_eq!(out.ok().trim(), "6765");
    let out = strata(&[
        "run",
        "--tier",
        "jit",
        "--invoke",
        "fib",
        "examples/fib.wat",
        "30",
    ]);
    assert_eq!(out.ok().trim(), "832040");
    // Host functions read the calling instance's memory (above 4 GiB).
    let out = strata(&["run", "--tier", "jit", "examples/hello64.wat"]);
    assert!(out.ok().contains("hello from above 4 GiB"), "{out:#?}");
    let out = strata(&["run", "--tier", "jit", "examples/sort64.wat"]);
    assert_eq!(out.ok().trim(), "8058710662330092173");
    let pass = temp_file(
        "wast-jit",
        "pass.wast",
        r#"(module (func (export "f") (param i64) (result i64) (i64.add (local.get 0) (i64.const 1))))
           (assert_return (invoke "f" (i64.const 1)) (i64.const 2))
           (assert_trap (module (func $u unreachable) (start $u)) "unreachable")"#,
    );
    let out = strata(&["wast", "--tier", "jit", &pass]);
    let last = out.ok().lines().last().unwrap_or_default().to_string();
    assert!(last.ends_with("3 passed, 0 failed, 0 skipped"), "{out:#?}");
}

/// The tiers this test binary's `strata` was built with.
fn built_tiers() -> Vec<&'static str> {
    let mut tiers = vec!["interp"];
    if cfg!(feature = "jit") {
        tiers.push("jit");
    }
    if cfg!(feature = "aot") {
        tiers.push("aot");
    }
    tiers
}

#[test]
fn fuel_and_timeout_bound_a_guest_in_every_built_tier() {
    let file = temp_file(
        "limits",
        "spin.wat",
        r#"(module
             (func (export "spin") (loop $l (br $l)))
             (func (export "count") (param i32) (result i32)
               (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
               (i32.const 7)))"#,
    );
    for tier in built_tiers() {
        let err = strata(&[
            "run",
            "--tier",
            tier,
            "--timeout",
            "200ms",
            "--invoke",
            "spin",
            &file,
        ])
        .trap()
        .to_string();
        assert!(
            err.contains("ran past its time limit (--timeout 200ms)")
                && err.contains("interrupted"),
            "{tier}: {err}"
        );
        let err = strata(&[
            "run", "--tier", tier, "--fuel", "5000", "--invoke", "spin", &file,
        ])
        .trap()
        .to_string();
        assert!(
            err.contains("used up its fuel (--fuel 5000)") && err.contains("all fuel consumed"),
            "{tier}: {err}"
        );
        // Within its bounds a guest runs as without them.
        let ok = strata(&[
            "run",
            "--tier",
            tier,
            "--fuel",
            "5000",
            "--timeout",
            "1m",
            "--invoke",
            "count",
            &file,
            "100",
        ]);
        assert_eq!(ok.ok(), "7\n", "{tier}");
    }
    // A bad duration is a usage error (exit status 2, as for any bad flag).
    let out = strata(&["run", "--timeout", "5 parsecs", "--invoke", "spin", &file]);
    assert_eq!(out.code, Some(2), "{out:#?}");
    assert!(out.stderr.contains("unknown unit"), "{out:#?}");
}

#[test]
fn wast_runs_the_scripts_of_a_directory_and_the_kit() {
    let one = temp_file(
        "wast-dir",
        "one.wast",
        r#"(module (func (export "f") (result i32) (i32.const 1)))
           (assert_return (invoke "f") (i32.const 1))"#,
    );
    temp_file(
        "wast-dir",
        "two.wast",
        "(assert_malformed (module quote \"(func\") \"\")",
    );
    temp_file("wast-dir", "notes.txt", "not a script");
    let dir = std::path::Path::new(&one)
        .parent()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = strata(&["wast", &dir]);
    let text = out.ok();
    assert!(text.contains("2 file(s)"), "{out:#?}");
    assert!(
        text.lines()
            .last()
            .unwrap_or_default()
            .ends_with("3 passed, 0 failed, 0 skipped"),
        "{out:#?}"
    );
    // With the kit, its five checks count too.
    let out = strata(&["wast", "--kit", &dir]);
    let text = out.ok();
    assert!(
        text.contains("check memory64 past 4 GiB: passed"),
        "{out:#?}"
    );
    assert!(
        text.lines()
            .last()
            .unwrap_or_default()
            .ends_with("8 passed, 0 failed, 0 skipped"),
        "{out:#?}"
    );
}

#[test]
fn wast_takes_an_expected_failure_list() {
    let file = temp_file(
        "wast-expected",
        "fails.wast",
        "(module (func (export \"f\") (result i32) (i32.const 1)))\n(assert_return (invoke \"f\") (i32.const 2))",
    );
    let list = temp_file(
        "wast-expected",
        "list.txt",
        "fails.wast:2 returns 1, not 2\n",
    );
    let out = strata(&["wast", &file]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    let out = strata(&["wast", "--expected-failures", &list, &file]);
    let text = out.ok();
    assert!(text.contains("1 expected failure(s)"), "{out:#?}");
    assert!(
        text.lines()
            .last()
            .unwrap_or_default()
            .ends_with("1 passed, 0 failed, 0 skipped"),
        "{out:#?}"
    );
}

#[test]
fn wast_bounds_each_directive_with_fuel_and_timeout() {
    let file = temp_file(
        "wast-limits",
        "spin.wast",
        r#"(module
             (func (export "spin") (loop $l (br $l)))
             (func (export "count") (param i32) (result i32)
               (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
               (i32.const 7)))
           (assert_return (invoke "count" (i32.const 1000)) (i32.const 7))
           (invoke "spin")
           (assert_return (invoke "count" (i32.const 1000)) (i32.const 7))"#,
    );
    for tier in built_tiers() {
        // Each directive gets the bound afresh: the loop of 1000 iterations
        // fits in 5000 units twice, around the spin that does not.
        let out = strata(&["wast", "--tier", tier, "--fuel", "5000", &file]);
        assert_eq!(out.code, Some(1), "{tier}: {out:#?}");
        assert!(
            out.stdout.contains("all fuel consumed")
                && out.stdout.contains("used up its fuel, --fuel 5000"),
            "{tier}: {out:#?}"
        );
        let last = out.stdout.lines().last().unwrap_or_default();
        assert!(
            last.ends_with("3 passed, 1 failed, 0 skipped"),
            "{tier}: {out:#?}"
        );
        let out = strata(&["wast", "--tier", tier, "--timeout", "200ms", &file]);
        assert!(
            out.stdout.contains("interrupted")
                && out
                    .stdout
                    .contains("ran past its time limit, --timeout 200ms"),
            "{tier}: {out:#?}"
        );
        let last = out.stdout.lines().last().unwrap_or_default();
        assert!(
            last.ends_with("3 passed, 1 failed, 0 skipped"),
            "{tier}: {out:#?}"
        );
    }
}

#[test]
fn artifacts_run_only_with_allow_precompiled() {
    let file = temp_file("precompiled", "forged.aot", "STRATAOT and then anything");
    let err = strata(&["run", &file]).err().to_string();
    assert!(
        err.contains("precompiled AOT artifact") && err.contains("--allow-precompiled"),
        "{err}"
    );
    // With the flag the artifact is looked at, and this one is refused for
    // what it is (or, without the `aot` feature, for that).
    let err = strata(&["run", "--allow-precompiled", &file])
        .err()
        .to_string();
    assert!(!err.contains("--allow-precompiled"), "{err}");
    assert!(err.contains("aot") || err.contains("artifact"), "{err}");
}
