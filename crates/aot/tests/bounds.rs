//! Out-of-bounds accesses trap in the AOT tier, for both index widths, at
//! every boundary: the last valid byte works, one byte further traps, and
//! memory64 addresses near 2^64 never wrap into the memory.

mod common;

use common::{aot_engine, call, instantiate};
use strata_api::Val;

const OOB: &str = "out of bounds memory access";

const WAT32: &str = r#"(module
  (memory 1)
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load64_off") (param i32) (result i64) (i64.load offset=0xfffffff0 (local.get 0)))
  (func (export "store64") (param i32) (i64.store (local.get 0) (i64.const -1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

const WAT64: &str = r#"(module
  (memory i64 1)
  (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load64") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "load_big_off") (param i64) (result i32) (i32.load offset=0xffffffffffffffff (local.get 0)))
  (func (export "store32") (param i64) (i32.store offset=4 (local.get 0) (i32.const 7)))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))"#;

#[test]
fn memory32_bounds() {
    let engine = aot_engine();
    let (mut s, i) = instantiate(&engine, WAT32);
    assert_eq!(
        call(&mut s, &i, "load8", &[Val::I32(65535)]),
        Ok(vec![Val::I32(0)])
    );
    assert_eq!(
        call(&mut s, &i, "load8", &[Val::I32(65536)]).unwrap_err(),
        OOB
    );
    assert_eq!(
        call(&mut s, &i, "load32", &[Val::I32(65532)]),
        Ok(vec![Val::I32(0)])
    );
    assert_eq!(
        call(&mut s, &i, "load32", &[Val::I32(65533)]).unwrap_err(),
        OOB
    );
    assert_eq!(
        call(&mut s, &i, "load32", &[Val::I32(-1)]).unwrap_err(),
        OOB
    );
    assert_eq!(
        call(&mut s, &i, "load64_off", &[Val::I32(0)]).unwrap_err(),
        OOB
    );
    assert_eq!(
        call(&mut s, &i, "load64_off", &[Val::I32(-1)]).unwrap_err(),
        OOB
    );
    assert_eq!(
        call(&mut s, &i, "store64", &[Val::I32(65529)]).unwrap_err(),
        OOB
    );
    assert_eq!(call(&mut s, &i, "store64", &[Val::I32(65528)]), Ok(vec![]));
    // Growing moves the bound.
    assert_eq!(
        call(&mut s, &i, "grow", &[Val::I32(1)]),
        Ok(vec![Val::I32(1)])
    );
    assert_eq!(
        call(&mut s, &i, "load8", &[Val::I32(65536)]),
        Ok(vec![Val::I32(0)])
    );
    assert_eq!(
        call(&mut s, &i, "load8", &[Val::I32(131072)]).unwrap_err(),
        OOB
    );
}

#[test]
fn memory64_bounds() {
    let engine = aot_engine();
    let (mut s, i) = instantiate(&engine, WAT64);
    assert_eq!(
        call(&mut s, &i, "load8", &[Val::I64(65535)]),
        Ok(vec![Val::I32(0)])
    );
    assert_eq!(
        call(&mut s, &i, "load8", &[Val::I64(65536)]).unwrap_err(),
        OOB
    );
    assert_eq!(
        call(&mut s, &i, "load64", &[Val::I64(65528)]),
        Ok(vec![Val::I64(0)])
    );
    assert_eq!(
        call(&mut s, &i, "load64", &[Val::I64(65529)]).unwrap_err(),
        OOB
    );
    for addr in [
        -1i64,
        -8,
        -65536,
        i64::MIN,
        1 << 32,
        (1 << 32) + 1,
        i64::MAX,
    ] {
        assert_eq!(
            call(&mut s, &i, "load64", &[Val::I64(addr)]).unwrap_err(),
            OOB,
            "{addr:#x}"
        );
        assert_eq!(
            call(&mut s, &i, "load8", &[Val::I64(addr)]).unwrap_err(),
            OOB,
            "{addr:#x}"
        );
    }
    // offset + index wrapping around 2^64 must not land in the memory.
    for addr in [0i64, 1, 2, -1] {
        assert_eq!(
            call(&mut s, &i, "load_big_off", &[Val::I64(addr)]).unwrap_err(),
            OOB
        );
    }
    assert_eq!(call(&mut s, &i, "store32", &[Val::I64(65528)]), Ok(vec![]));
    assert_eq!(
        call(&mut s, &i, "store32", &[Val::I64(65529)]).unwrap_err(),
        OOB
    );
    assert_eq!(
        call(&mut s, &i, "store32", &[Val::I64(-4)]).unwrap_err(),
        OOB
    );
    assert_eq!(
        call(&mut s, &i, "grow", &[Val::I64(1)]),
        Ok(vec![Val::I64(1)])
    );
    assert_eq!(
        call(&mut s, &i, "load8", &[Val::I64(131071)]),
        Ok(vec![Val::I32(0)])
    );
    assert_eq!(
        call(&mut s, &i, "load8", &[Val::I64(131072)]).unwrap_err(),
        OOB
    );
}

#[test]
fn memory64_above_4gib() {
    // 65537 pages: one page past 4 GiB; only touched pages are committed.
    let engine = aot_engine();
    let (mut s, i) = instantiate(
        &engine,
        r#"(module (memory i64 65537)
          (func (export "rw") (param i64) (result i64)
            (i64.store (local.get 0) (i64.const 0x1122334455667788))
            (i64.load (local.get 0))))"#,
    );
    let top = (65537i64 << 16) - 8;
    assert_eq!(
        call(&mut s, &i, "rw", &[Val::I64(top)]),
        Ok(vec![Val::I64(0x1122334455667788)])
    );
    assert_eq!(
        call(&mut s, &i, "rw", &[Val::I64(1 << 32)]),
        Ok(vec![Val::I64(0x1122334455667788)])
    );
    assert_eq!(
        call(&mut s, &i, "rw", &[Val::I64(top + 1)]).unwrap_err(),
        OOB
    );
}

#[test]
fn traps_match_the_interpreter() {
    let engine = aot_engine();
    let (mut s, i) = instantiate(
        &engine,
        r#"(module
          (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
          (func (export "rem") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
          (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
          (func (export "unreachable") unreachable)
          (func $r (export "recurse") (call $r)))"#,
    );
    assert_eq!(
        call(&mut s, &i, "div", &[Val::I32(1), Val::I32(0)]).unwrap_err(),
        "integer divide by zero"
    );
    assert_eq!(
        call(&mut s, &i, "div", &[Val::I32(i32::MIN), Val::I32(-1)]).unwrap_err(),
        "integer overflow"
    );
    assert_eq!(
        call(&mut s, &i, "rem", &[Val::I32(i32::MIN), Val::I32(-1)]),
        Ok(vec![Val::I32(0)])
    );
    assert_eq!(
        call(&mut s, &i, "trunc", &[Val::F64(f64::NAN.to_bits())]).unwrap_err(),
        "invalid conversion to integer"
    );
    assert_eq!(
        call(&mut s, &i, "trunc", &[Val::F64(2147483648f64.to_bits())]).unwrap_err(),
        "integer overflow"
    );
    assert_eq!(
        call(
            &mut s,
            &i,
            "trunc",
            &[Val::F64((-2147483648.9f64).to_bits())]
        ),
        Ok(vec![Val::I32(i32::MIN)])
    );
    assert_eq!(
        call(&mut s, &i, "unreachable", &[]).unwrap_err(),
        "unreachable"
    );
    assert_eq!(
        call(&mut s, &i, "recurse", &[]).unwrap_err(),
        "call stack exhausted"
    );
}

#[test]
fn fast_and_slow_check_paths() {
    // min 0: every access takes the slow path; min 1: offsets up to the
    // minimum take the fast path. Both must agree at every boundary.
    for (min, idx) in [("0", "i32"), ("0", "i64"), ("1", "i32"), ("1", "i64")] {
        let mem = if idx == "i64" {
            format!("i64 {min}")
        } else {
            min.to_string()
        };
        let wat = format!(
            r#"(module (memory {mem})
              (func (export "grow") (result {idx}) (memory.grow ({idx}.const 1)))
              (func (export "edge") (param {idx}) (result i32) (i32.load offset=65532 (local.get 0)))
              (func (export "far") (param {idx}) (result i32) (i32.load8_u offset=65536 (local.get 0))))"#
        );
        let engine = aot_engine();
        let (mut s, i) = instantiate(&engine, &wat);
        let v = |x: i64| {
            if idx == "i64" {
                Val::I64(x)
            } else {
                Val::I32(x as i32)
            }
        };
        if min == "0" {
            assert_eq!(call(&mut s, &i, "edge", &[v(0)]).unwrap_err(), OOB);
            call(&mut s, &i, "grow", &[]).unwrap();
        }
        assert_eq!(
            call(&mut s, &i, "edge", &[v(0)]),
            Ok(vec![Val::I32(0)]),
            "{wat}"
        );
        assert_eq!(call(&mut s, &i, "edge", &[v(1)]).unwrap_err(), OOB, "{wat}");
        assert_eq!(
            call(&mut s, &i, "edge", &[v(-1)]).unwrap_err(),
            OOB,
            "{wat}"
        );
        assert_eq!(call(&mut s, &i, "far", &[v(0)]).unwrap_err(), OOB, "{wat}");
        call(&mut s, &i, "grow", &[]).unwrap();
        assert_eq!(
            call(&mut s, &i, "far", &[v(65535)]),
            Ok(vec![Val::I32(0)]),
            "{wat}"
        );
        assert_eq!(
            call(&mut s, &i, "far", &[v(65536)]).unwrap_err(),
            OOB,
            "{wat}"
        );
    }
}
