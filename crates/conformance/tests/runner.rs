//! Tests of the runner itself on small hand-written `.wast` snippets: every
//! directive kind, the pass/fail decisions, NaN patterns, host references,
//! `module definition`/`module instance`, expected failures and the report.

use std::path::Path;

use strata_api::Config;
use strata_conformance::{ExpectedFailures, FileReport, Runner, SuiteReport};

fn runner() -> Runner {
    match Runner::new(Config::default()) {
        Ok(r) => r.with_expected_failures(ExpectedFailures::new()),
        Err(e) => panic!("cannot create the runner: {e}"),
    }
}

fn run(text: &str) -> FileReport {
    runner().run_source(Path::new("snippet.wast"), text)
}

/// Lines of the failed directives.
fn failed_lines(r: &FileReport) -> Vec<u32> {
    r.failures.iter().map(|f| f.line).collect()
}

fn assert_counts(r: &FileReport, passed: usize, failed: usize, skipped: usize) {
    assert_eq!(
        (r.passed, r.failed, r.skipped),
        (passed, failed, skipped),
        "report: {}\nfailures: {:#?}\nskips: {:#?}",
        r.summary_line(),
        r.failures,
        r.skips
    );
}

#[test]
fn assert_return_passes_and_fails() {
    let r = run(r#"
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "two") (result i64 f64) (i64.const 2) (f64.const 2.5)))
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))
(assert_return (invoke "two") (i64.const 2) (f64.const 2.5))
(assert_return (invoke "two") (i64.const 2))
(assert_return (invoke "missing"))
(invoke "add" (i32.const 0) (i32.const 0))
"#);
    assert_counts(&r, 4, 3, 0);
    assert_eq!(failed_lines(&r), [6, 8, 9]);
    assert!(
        r.failures[0]
            .message
            .contains("expected (i32.const 4), got (i32.const 3)"),
        "{:?}",
        r.failures[0]
    );
    assert_eq!(r.failures[0].directive_kind, "assert_return");
}

#[test]
fn nan_patterns_and_float_bits() {
    let r = run(r#"
(module
  (func (export "nan32") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "nan64") (result f64) (f64.div (f64.const 0) (f64.const 0)))
  (func (export "neg0") (result f32) (f32.const -0)))
(assert_return (invoke "nan32") (f32.const nan:canonical))
(assert_return (invoke "nan32") (f32.const nan:arithmetic))
(assert_return (invoke "nan64") (f64.const nan:canonical))
(assert_return (invoke "neg0") (f32.const -0))
(assert_return (invoke "neg0") (f32.const 0))
(assert_return (invoke "neg0") (f32.const nan:arithmetic))
"#);
    assert_counts(&r, 5, 2, 0);
    assert_eq!(failed_lines(&r), [10, 11]);
}

#[test]
fn traps_exhaustion_and_uninstantiable_modules() {
    let r = run(r#"
(module
  (memory 1)
  (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func $rec (export "rec") (call $rec)))
(assert_trap (invoke "div" (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "load" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load" (i32.const 65536)) "out of bounds")
(assert_trap (invoke "div" (i32.const 1)) "integer divide by zero")
(assert_trap (invoke "load" (i32.const 65536)) "unreachable")
(assert_exhaustion (invoke "rec") "call stack exhausted")
(assert_trap (module (memory 1) (data (i32.const 65536) "x")) "out of bounds memory access")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_trap (module (func $s) (start $s)) "unreachable")
"#);
    assert_counts(&r, 7, 3, 0);
    assert_eq!(failed_lines(&r), [10, 11, 15]);
    assert_eq!(r.failures[2].directive_kind, "assert_trap (module)");
}

#[test]
fn invalid_and_malformed_modules() {
    let r = run(r#"
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
(assert_malformed (module quote "(func (result i32) (i32.const 0x))") "unknown operator")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_malformed (module binary "\00asm\01\00\00\00") "nothing wrong here")
(assert_invalid (module binary "\00asm\02\00\00\00") "malformed is not invalid")
"#);
    assert_counts(&r, 3, 3, 0);
    assert_eq!(failed_lines(&r), [3, 6, 7]);
    assert!(
        r.failures[2].message.contains("malformed module instead"),
        "{:?}",
        r.failures[2]
    );
}

#[test]
fn linking_register_and_spectest() {
    let r = run(r#"
(module $A
  (global (export "g") i32 (i32.const 42))
  (func (export "f") (result i32) (i32.const 7)))
(register "a" $A)
(module
  (import "a" "f" (func $f (result i32)))
  (import "a" "g" (global $g i32))
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "global_i32" (global $sg i32))
  (import "spectest" "global_f64" (global f64))
  (import "spectest" "table" (table 10 funcref))
  (import "spectest" "table64" (table $t64 i64 0 funcref))
  (import "spectest" "memory" (memory 1 2))
  (func (export "sum") (result i32)
    (call $print (i32.const 1))
    (i32.add (i32.add (call $f) (global.get $g)) (global.get $sg))))
(assert_return (invoke "sum") (i32.const 715))
(assert_return (get $A "g") (i32.const 42))
(assert_unlinkable (module (import "spectest" "unknown" (func))) "unknown import")
(assert_unlinkable (module (import "a" "f" (func (param i32)))) "incompatible import type")
(assert_unlinkable (module (func)) "this one links")
"#);
    assert_counts(&r, 7, 1, 0);
    assert_eq!(failed_lines(&r), [22]);
}

#[test]
fn module_definition_and_instances() {
    let r = run(r#"
(module definition $M
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "inc") (global.set $g (i32.add (global.get $g) (i32.const 1)))))
(module instance $I1 $M)
(module instance $I2 $M)
(invoke $I1 "inc")
(assert_return (get $I1 "g") (i32.const 1))
(assert_return (get $I2 "g") (i32.const 0))
(module definition (memory 65536))
(module instance $nope $Unknown)
"#);
    assert_counts(&r, 7, 1, 0);
    assert_eq!(failed_lines(&r), [11]);
}

#[test]
fn references_and_either() {
    let r = run(r#"
(module
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "f") (result funcref) (ref.func 0))
  (func (export "null") (result funcref) (ref.null func))
  (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "id" (ref.extern 1)) (ref.extern 1))
(assert_return (invoke "id" (ref.extern 1)) (ref.extern))
(assert_return (invoke "id" (ref.extern 1)) (ref.extern 2))
(assert_return (invoke "id" (ref.null extern)) (ref.null extern))
(assert_return (invoke "f") (ref.func))
(assert_return (invoke "null") (ref.null func))
(assert_return (invoke "null") (ref.null))
(assert_return (invoke "null") (ref.func))
(assert_return (invoke "one") (either (i32.const 0) (i32.const 1)))
(assert_return (invoke "one") (either (i32.const 0) (i32.const 2)))
"#);
    assert_counts(&r, 8, 3, 0);
    assert_eq!(failed_lines(&r), [9, 14, 16]);
}

#[test]
fn unsupported_directives_are_skipped_with_a_reason() {
    let r = run(r#"
(module (func (export "f")))
(thread $T (invoke "f"))
(wait $T)
"#);
    assert_counts(&r, 1, 0, 2);
    assert!(r.skips.iter().all(|s| !s.message.is_empty()));
    assert_eq!(r.skips[0].directive_kind, "thread");
}

#[test]
fn assert_exception_wants_an_uncaught_exception() {
    let r = run(r#"
(module
  (tag $e (param i32))
  (func (export "throws") (throw $e (i32.const 1)))
  (func (export "traps") (unreachable))
  (func (export "returns")))
(assert_exception (invoke "throws"))
(assert_exception (invoke "traps"))
(assert_exception (invoke "returns"))
"#);
    assert_counts(&r, 2, 2, 0);
    assert_eq!(failed_lines(&r), [8, 9]);
    assert!(
        r.failures[0].message.contains("unreachable"),
        "{:?}",
        r.failures[0]
    );
}

#[test]
fn failed_module_clears_the_current_instance() {
    let r = run(r#"
(module (func (export "f") (result i32) (i32.const 1)))
(module (import "nowhere" "x" (func)) (func (export "f") (result i32) (i32.const 2)))
(assert_return (invoke "f") (i32.const 1))
"#);
    assert_counts(&r, 1, 2, 0);
    assert_eq!(failed_lines(&r), [3, 4]);
    assert!(
        r.failures[0].message.contains("nowhere"),
        "{:?}",
        r.failures[0]
    );
}

#[test]
fn parse_errors_fail_the_file_once() {
    let r = run("(module (func (export \"f\")))\n(assert_return (invoke \"f\")\n");
    assert_counts(&r, 0, 1, 0);
    assert_eq!(r.failures[0].directive_kind, "file");
}

#[test]
fn expected_failures_count_separately_and_may_only_shrink() {
    let text = r#"(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 2))
(assert_return (invoke "one") (i32.const 1))
"#;
    let list = ExpectedFailures::parse(
        "# test list\nsnippet.wast:2 known bug\nsnippet.wast:3 fixed since\nsnippet.wast:9 stale\nother.wast:1 x\n",
    )
    .expect("valid list");
    let r = runner()
        .with_expected_failures(list)
        .run_source(Path::new("suite/snippet.wast"), text);
    assert_counts(&r, 1, 1, 0);
    assert_eq!(r.expected_failed, 1);
    assert_eq!(r.expected_failures[0].line, 2);
    assert_eq!(failed_lines(&r), [3]);
    assert!(r.failures[0].message.contains("remove it from the list"));
    assert_eq!(r.stale_expected, [9]);
    let suite = SuiteReport::from_files(vec![r]);
    assert!(!suite.is_success());
    let text = suite.render();
    assert!(text.contains("STALE"), "{text}");
    assert_eq!(text.lines().last(), Some("1 passed, 1 failed, 0 skipped"));
}

#[test]
fn run_files_totals_and_reports_unreadable_files() {
    let dir = std::env::temp_dir().join(format!("strata-conformance-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let good = dir.join("good.wast");
    std::fs::write(&good, "(module (func (export \"f\")))\n(invoke \"f\")\n").expect("write");
    let missing = dir.join("missing.wast");
    let report = runner().run_files(&[good, missing]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!((report.passed, report.failed, report.skipped), (2, 1, 0));
    assert_eq!(report.files.len(), 2);
    assert!(report.files[1].failures[0].message.contains("cannot read"));
    let text = report.render();
    assert!(
        text.contains("good.wast: 2 passed, 0 failed, 0 skipped"),
        "{text}"
    );
    assert_eq!(text.lines().last(), Some("2 passed, 1 failed, 0 skipped"));
}
