//! Float lane operators: arithmetic, rounding, min/max (NaN-propagating,
//! `-0 < +0`), pseudo-min/max, abs/neg (bit operations that keep NaN
//! payloads), and comparisons.
//!
//! Arithmetic NaN results are quiet NaNs, as `crate::numeric` gives for
//! scalars; the rounding operators quiet a signalling NaN input the same way.

use super::lanes::*;
use crate::numeric::{fmax32, fmax64, fmin32, fmin64, round32, round64};

macro_rules! unary {
    ($($name:ident $split:ident $join:ident |$x:ident| $body:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`.")]
        #[inline(always)]
        pub fn $name(a: u128) -> u128 {
            $join($split(a).map(|$x| $body))
        }
    )*};
}

macro_rules! binary {
    ($($name:ident $split:ident $join:ident |$x:ident, $y:ident| $body:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`.")]
        #[inline(always)]
        pub fn $name(a: u128, b: u128) -> u128 {
            $join(zip($split(a), $split(b), |$x, $y| $body))
        }
    )*};
}

macro_rules! compare {
    ($($name:ident $split:ident $join:ident $out:ty, |$x:ident, $y:ident| $body:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: all ones where it holds (never for a NaN but in `ne`).")]
        #[inline(always)]
        pub fn $name(a: u128, b: u128) -> u128 {
            $join(zip($split(a), $split(b), |$x, $y| mask::<$out>($body)))
        }
    )*};
}

unary! {
    f32x4_ceil f32s from_f32s |x| round32(x, f32::ceil);
    f32x4_floor f32s from_f32s |x| round32(x, f32::floor);
    f32x4_trunc f32s from_f32s |x| round32(x, f32::trunc);
    f32x4_nearest f32s from_f32s |x| round32(x, f32::round_ties_even);
    f32x4_sqrt f32s from_f32s |x| x.sqrt();
    f32x4_abs u32s from_u32s |x| x & 0x7fff_ffff;
    f32x4_neg u32s from_u32s |x| x ^ 0x8000_0000;
    f64x2_ceil f64s from_f64s |x| round64(x, f64::ceil);
    f64x2_floor f64s from_f64s |x| round64(x, f64::floor);
    f64x2_trunc f64s from_f64s |x| round64(x, f64::trunc);
    f64x2_nearest f64s from_f64s |x| round64(x, f64::round_ties_even);
    f64x2_sqrt f64s from_f64s |x| x.sqrt();
    f64x2_abs u64s from_u64s |x| x & 0x7fff_ffff_ffff_ffff;
    f64x2_neg u64s from_u64s |x| x ^ 0x8000_0000_0000_0000;
}

binary! {
    f32x4_add f32s from_f32s |x, y| x + y;
    f32x4_sub f32s from_f32s |x, y| x - y;
    f32x4_mul f32s from_f32s |x, y| x * y;
    f32x4_div f32s from_f32s |x, y| x / y;
    f32x4_min f32s from_f32s |x, y| fmin32(x, y);
    f32x4_max f32s from_f32s |x, y| fmax32(x, y);
    f64x2_add f64s from_f64s |x, y| x + y;
    f64x2_sub f64s from_f64s |x, y| x - y;
    f64x2_mul f64s from_f64s |x, y| x * y;
    f64x2_div f64s from_f64s |x, y| x / y;
    f64x2_min f64s from_f64s |x, y| fmin64(x, y);
    f64x2_max f64s from_f64s |x, y| fmax64(x, y);
}

/// Pseudo-minimum: `b < a ? b : a` (the first operand when unordered), on
/// the lanes' bits so that NaNs pass through unchanged.
macro_rules! pseudo {
    ($($name:ident $split:ident $bits:ident $join:ident |$x:ident, $y:ident| $pick_b:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`.")]
        #[inline(always)]
        pub fn $name(a: u128, b: u128) -> u128 {
            let (fa, fb, ba, bb) = ($split(a), $split(b), $bits(a), $bits(b));
            $join(core::array::from_fn(|i| {
                let ($x, $y) = (fa[i], fb[i]);
                if $pick_b { bb[i] } else { ba[i] }
            }))
        }
    )*};
}

pseudo! {
    f32x4_pmin f32s u32s from_u32s |x, y| y < x;
    f32x4_pmax f32s u32s from_u32s |x, y| x < y;
    f64x2_pmin f64s u64s from_u64s |x, y| y < x;
    f64x2_pmax f64s u64s from_u64s |x, y| x < y;
}

compare! {
    f32x4_eq f32s from_i32s i32, |x, y| x == y;
    f32x4_ne f32s from_i32s i32, |x, y| x != y;
    f32x4_lt f32s from_i32s i32, |x, y| x < y;
    f32x4_gt f32s from_i32s i32, |x, y| x > y;
    f32x4_le f32s from_i32s i32, |x, y| x <= y;
    f32x4_ge f32s from_i32s i32, |x, y| x >= y;
    f64x2_eq f64s from_i64s i64, |x, y| x == y;
    f64x2_ne f64s from_i64s i64, |x, y| x != y;
    f64x2_lt f64s from_i64s i64, |x, y| x < y;
    f64x2_gt f64s from_i64s i64, |x, y| x > y;
    f64x2_le f64s from_i64s i64, |x, y| x <= y;
    f64x2_ge f64s from_i64s i64, |x, y| x >= y;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f4(x: [f32; 4]) -> u128 {
        from_f32s(x)
    }

    #[test]
    fn min_max_propagate_nan_and_order_zeros() {
        let r = f32s(f32x4_min(
            f4([0.0, -0.0, 1.0, f32::NAN]),
            f4([-0.0, 0.0, f32::NAN, 1.0]),
        ));
        assert_eq!(r[0].to_bits(), (-0.0f32).to_bits());
        assert_eq!(r[1].to_bits(), (-0.0f32).to_bits());
        assert!(r[2].is_nan() && r[3].is_nan());
        let r = f32s(f32x4_max(
            f4([0.0, -0.0, 1.0, 2.0]),
            f4([-0.0, 0.0, 3.0, 1.0]),
        ));
        assert_eq!(
            r.map(f32::to_bits),
            [0.0f32, 0.0, 3.0, 2.0].map(f32::to_bits)
        );
    }

    #[test]
    fn pseudo_min_max_keep_the_first_operand_when_unordered() {
        let nan = f32::from_bits(0x7fa0_0001);
        let a = f4([nan, 1.0, -0.0, 2.0]);
        let b = f4([1.0, nan, 0.0, 1.0]);
        assert_eq!(
            u32s(f32x4_pmin(a, b)),
            [
                0x7fa0_0001,
                1.0f32.to_bits(),
                (-0.0f32).to_bits(),
                1.0f32.to_bits()
            ]
        );
        assert_eq!(u32s(f32x4_pmax(a, b))[1], 1.0f32.to_bits());
    }

    #[test]
    fn abs_neg_keep_payloads_and_rounding_quiets_nan() {
        let snan = 0x7f80_0001u32;
        let v = from_u32s([snan, 0xff80_0001, 0, 0x8000_0000]);
        assert_eq!(u32s(f32x4_abs(v)), [snan, 0x7f80_0001, 0, 0]);
        assert_eq!(u32s(f32x4_neg(v))[0], 0xff80_0001);
        let r = u32s(f32x4_ceil(v))[0];
        assert_eq!(r & 0x7fc0_0000, 0x7fc0_0000, "quiet");
        assert_eq!(
            f32s(f32x4_nearest(f4([2.5, -2.5, 0.5, 3.5]))),
            [2.0, -2.0, 0.0, 4.0]
        );
    }

    #[test]
    fn comparisons_with_nan() {
        let a = f4([f32::NAN, 1.0, 1.0, 2.0]);
        let b = f4([f32::NAN, 1.0, 2.0, 1.0]);
        assert_eq!(i32s(f32x4_eq(a, b)), [0, -1, 0, 0]);
        assert_eq!(i32s(f32x4_ne(a, b)), [-1, 0, -1, -1]);
        assert_eq!(i32s(f32x4_lt(a, b)), [0, 0, -1, 0]);
    }
}
