//! The compile-throughput module: a generated module of a few thousand
//! functions of mixed shapes (integer loops with loads and stores, f64
//! arithmetic, `br_table` dispatch, calls down a chain), in a memory32 and a
//! memory64 flavour. `run(n)` calls the last function, which reaches a
//! logarithmic number of the others, so "runnable" is checked by a result
//! every engine must agree on.

use std::fmt::Write;

use crate::kernels::Width;

/// Number of functions in the generated module of a full run.
pub const FUNCTIONS: usize = 3_000;

/// Number of functions in the generated module of a `--quick` run.
pub const QUICK_FUNCTIONS: usize = 500;

/// Number of functions for the chosen mode.
pub fn functions(quick: bool) -> usize {
    if quick {
        QUICK_FUNCTIONS
    } else {
        FUNCTIONS
    }
}

/// The generated module as text.
pub fn wat(functions: usize, width: Width) -> String {
    let idx = match width {
        Width::W32 => "i32",
        Width::W64 => "i64",
    };
    // An i32 address expression, widened for the memory64 flavour.
    let addr = |expr: &str| match width {
        Width::W32 => expr.to_string(),
        Width::W64 => format!("(i64.extend_i32_u {expr})"),
    };
    let mut out = String::with_capacity(functions * 600);
    out.push_str("(module\n");
    let _ = writeln!(out, "  (memory {idx} 1)");
    for k in 0..functions {
        let call_prev = if k == 0 {
            "local.get $acc".to_string()
        } else {
            format!(
                "(if (result i32) (local.get $b) \
                 (then (call $f{prev} (local.get $acc) (i32.shr_u (local.get $b) (i32.const 1)))) \
                 (else (local.get $acc)))",
                prev = k - 1
            )
        };
        let _ = writeln!(
            out,
            "  (func $f{k} (param $a i32) (param $b i32) (result i32)"
        );
        out.push_str("    (local $i i32) (local $acc i32) (local $x f64)\n");
        out.push_str("    (local.set $acc (local.get $a))\n");
        match k % 3 {
            0 => {
                let _ = writeln!(
                    out,
                    "    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.and (local.get $b) (i32.const 31))))
      (local.set $acc (i32.xor (i32.add (i32.mul (local.get $acc) (i32.const {mul}))
        (i32.load offset={off} {slot}))
        (i32.const {k})))
      (i32.store offset={off} {slot} (local.get $acc))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))",
                    mul = 2 * k + 1,
                    off = (k % 64) * 4,
                    slot =
                        addr("(i32.and (i32.shl (local.get $i) (i32.const 2)) (i32.const 1023))"),
                );
            }
            1 => {
                let _ = writeln!(
                    out,
                    "    (local.set $x (f64.convert_i32_u (local.get $acc)))
    (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 1.0000001)) (f64.const {k}.5)))
    (local.set $x (f64.sqrt (f64.abs (f64.sub (local.get $x) (f64.const 3.25)))))
    (local.set $acc (i32.add (local.get $acc) (i32.trunc_sat_f64_u (local.get $x))))"
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "    (block $d (block $c (block $b2 (block $a2
      (br_table $a2 $b2 $c $d (i32.and (local.get $acc) (i32.const 3))))
      (local.set $acc (i32.rotl (local.get $acc) (i32.const {r}))) (br $d))
      (local.set $acc (i32.popcnt (local.get $acc))) (br $d))
      (local.set $acc (i32.sub (local.get $acc) (i32.const {k}))))
    (local.set $acc (i32.xor (local.get $acc) (i32.load8_u {byte})))",
                    r = k % 31 + 1,
                    byte = addr("(i32.and (local.get $acc) (i32.const 4095))"),
                );
            }
        }
        let _ = writeln!(out, "    {call_prev})");
    }
    let _ = writeln!(
        out,
        "  (func (export \"run\") (param $n i32) (result i64)
    (i64.extend_i32_u (call $f{last} (local.get $n) (local.get $n)))))",
        last = functions.saturating_sub(1)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_flavours_assemble_and_differ_in_memory_type() {
        let w32 = wat::parse_str(wat(30, Width::W32)).expect("wasm32 flavour assembles");
        let w64 = wat::parse_str(wat(30, Width::W64)).expect("wasm64 flavour assembles");
        assert!(w32.starts_with(b"\0asm") && w64.starts_with(b"\0asm"));
        assert_ne!(w32, w64);
    }
}
