//! One entry point for every pure SIMD row, for tiers that run an operator
//! by its [`SimdOp`] rather than by a handler of its own (a compiled
//! tier's out-of-line helper, say): [`apply`] dispatches to the row's
//! function in this module's siblings.

use crate::op::SimdOp;

/// One operand of a row, by its type: a `v128` as is, a scalar as its raw
/// 64-bit slot (the low half).
macro_rules! operand {
    (V128, $x:expr) => {
        $x
    };
    ($scalar:ident, $x:expr) => {
        $x as u64
    };
}

/// A row's result widened to a `u128` (scalars in the low 64 bits).
macro_rules! widen {
    (V128, $r:expr) => {
        $r
    };
    ($scalar:ident, $r:expr) => {
        u128::from($r)
    };
}

macro_rules! call_row {
    ($f:ident [$a:ident] $r:ident, $x:ident) => {
        widen!($r, super::$f(operand!($a, $x[0])))
    };
    ($f:ident [$a:ident $b:ident] $r:ident, $x:ident) => {
        widen!($r, super::$f(operand!($a, $x[0]), operand!($b, $x[1])))
    };
    ($f:ident [$a:ident $b:ident $c:ident] $r:ident, $x:ident) => {
        widen!(
            $r,
            super::$f(
                operand!($a, $x[0]),
                operand!($b, $x[1]),
                operand!($c, $x[2])
            )
        )
    };
}

macro_rules! define_apply {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident;)*) => {
        /// Apply pure SIMD operator `op` to `args` (its operands in order,
        /// scalars as raw slots in the low 64 bits; entries past its arity
        /// are ignored). The result is a `v128`, or a scalar's raw slot in
        /// the low 64 bits.
        pub fn apply(op: SimdOp, args: [u128; 3]) -> u128 {
            match op {
                $(SimdOp::$name => call_row!($snake [$($param)*] $result, args),)*
            }
        }
    };
}
crate::for_each_simd_op!(define_apply);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_runs_the_rows_function() {
        let a = 0x0001_0002_0003_0004_0005_0006_0007_0008u128;
        let b = 0x0010_0020_0030_0040_0050_0060_0070_0080u128;
        assert_eq!(
            apply(SimdOp::I16x8Add, [a, b, 0]),
            super::super::i16x8_add(a, b)
        );
        assert_eq!(
            apply(SimdOp::I32x4Splat, [7, 0, 0]),
            super::super::i32x4_splat(7)
        );
        assert_eq!(apply(SimdOp::V128AnyTrue, [0, 0, 0]), 0);
        assert_eq!(apply(SimdOp::V128AnyTrue, [1 << 100, 0, 0]), 1);
        let m = u128::MAX >> 64;
        assert_eq!(apply(SimdOp::V128Bitselect, [a, b, m]), (a & m) | (b & !m));
    }
}
