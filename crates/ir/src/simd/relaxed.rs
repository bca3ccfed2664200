//! The relaxed-SIMD operators, each with the one deterministic behaviour
//! every Strata tier gives it (the spec's deterministic profile), so that
//! the tiers agree bit for bit:
//!
//! | operator | behaves as |
//! |---|---|
//! | `i8x16.relaxed_swizzle` | `i8x16.swizzle` (an index of 16 or more gives 0) |
//! | `i32x4.relaxed_trunc_*` | the matching `trunc_sat` (NaN to 0, saturating) |
//! | `f32x4/f64x2.relaxed_madd(a, b, c)` | fused `a * b + c`, rounded once |
//! | `f32x4/f64x2.relaxed_nmadd(a, b, c)` | fused `-(a * b) + c`, rounded once |
//! | `*.relaxed_laneselect(a, b, m)` | `v128.bitselect(a, b, m)` |
//! | `f32x4/f64x2.relaxed_min/max` | `min`/`max` (NaN-propagating, `-0 < +0`) |
//! | `i16x8.relaxed_q15mulr_s` | `i16x8.q15mulr_sat_s` |
//! | `i16x8.relaxed_dot_i8x16_i7x16_s` | both operands signed, pairwise sums wrapped to 16 bits |
//! | `i32x4.relaxed_dot_i8x16_i7x16_add_s` | `extadd_pairwise_i16x8_s` of the above, plus `c` (wrapping) |

use super::convert::*;
use super::float::*;
use super::int::*;
use super::lanes::*;

/// `i8x16.relaxed_swizzle`: as `i8x16.swizzle`.
#[inline(always)]
pub fn i8x16_relaxed_swizzle(a: u128, s: u128) -> u128 {
    i8x16_swizzle(a, s)
}
/// `i32x4.relaxed_trunc_f32x4_s`: as `i32x4.trunc_sat_f32x4_s`.
#[inline(always)]
pub fn i32x4_relaxed_trunc_f32x4_s(a: u128) -> u128 {
    i32x4_trunc_sat_f32x4_s(a)
}
/// `i32x4.relaxed_trunc_f32x4_u`: as `i32x4.trunc_sat_f32x4_u`.
#[inline(always)]
pub fn i32x4_relaxed_trunc_f32x4_u(a: u128) -> u128 {
    i32x4_trunc_sat_f32x4_u(a)
}
/// `i32x4.relaxed_trunc_f64x2_s_zero`: as `i32x4.trunc_sat_f64x2_s_zero`.
#[inline(always)]
pub fn i32x4_relaxed_trunc_f64x2_s_zero(a: u128) -> u128 {
    i32x4_trunc_sat_f64x2_s_zero(a)
}
/// `i32x4.relaxed_trunc_f64x2_u_zero`: as `i32x4.trunc_sat_f64x2_u_zero`.
#[inline(always)]
pub fn i32x4_relaxed_trunc_f64x2_u_zero(a: u128) -> u128 {
    i32x4_trunc_sat_f64x2_u_zero(a)
}
/// `f32x4.relaxed_madd(a, b, c)`: fused `a * b + c`.
#[inline(always)]
pub fn f32x4_relaxed_madd(a: u128, b: u128, c: u128) -> u128 {
    let (a, b, c) = (f32s(a), f32s(b), f32s(c));
    from_f32s(core::array::from_fn(|i| a[i].mul_add(b[i], c[i])))
}
/// `f32x4.relaxed_nmadd(a, b, c)`: fused `-(a * b) + c`.
#[inline(always)]
pub fn f32x4_relaxed_nmadd(a: u128, b: u128, c: u128) -> u128 {
    let (a, b, c) = (f32s(a), f32s(b), f32s(c));
    from_f32s(core::array::from_fn(|i| (-a[i]).mul_add(b[i], c[i])))
}
/// `f64x2.relaxed_madd(a, b, c)`: fused `a * b + c`.
#[inline(always)]
pub fn f64x2_relaxed_madd(a: u128, b: u128, c: u128) -> u128 {
    let (a, b, c) = (f64s(a), f64s(b), f64s(c));
    from_f64s(core::array::from_fn(|i| a[i].mul_add(b[i], c[i])))
}
/// `f64x2.relaxed_nmadd(a, b, c)`: fused `-(a * b) + c`.
#[inline(always)]
pub fn f64x2_relaxed_nmadd(a: u128, b: u128, c: u128) -> u128 {
    let (a, b, c) = (f64s(a), f64s(b), f64s(c));
    from_f64s(core::array::from_fn(|i| (-a[i]).mul_add(b[i], c[i])))
}
/// `i8x16.relaxed_laneselect`: as `v128.bitselect`.
#[inline(always)]
pub fn i8x16_relaxed_laneselect(a: u128, b: u128, m: u128) -> u128 {
    v128_bitselect(a, b, m)
}
/// `i16x8.relaxed_laneselect`: as `v128.bitselect`.
#[inline(always)]
pub fn i16x8_relaxed_laneselect(a: u128, b: u128, m: u128) -> u128 {
    v128_bitselect(a, b, m)
}
/// `i32x4.relaxed_laneselect`: as `v128.bitselect`.
#[inline(always)]
pub fn i32x4_relaxed_laneselect(a: u128, b: u128, m: u128) -> u128 {
    v128_bitselect(a, b, m)
}
/// `i64x2.relaxed_laneselect`: as `v128.bitselect`.
#[inline(always)]
pub fn i64x2_relaxed_laneselect(a: u128, b: u128, m: u128) -> u128 {
    v128_bitselect(a, b, m)
}
/// `f32x4.relaxed_min`: as `f32x4.min`.
#[inline(always)]
pub fn f32x4_relaxed_min(a: u128, b: u128) -> u128 {
    f32x4_min(a, b)
}
/// `f32x4.relaxed_max`: as `f32x4.max`.
#[inline(always)]
pub fn f32x4_relaxed_max(a: u128, b: u128) -> u128 {
    f32x4_max(a, b)
}
/// `f64x2.relaxed_min`: as `f64x2.min`.
#[inline(always)]
pub fn f64x2_relaxed_min(a: u128, b: u128) -> u128 {
    f64x2_min(a, b)
}
/// `f64x2.relaxed_max`: as `f64x2.max`.
#[inline(always)]
pub fn f64x2_relaxed_max(a: u128, b: u128) -> u128 {
    f64x2_max(a, b)
}
/// `i16x8.relaxed_q15mulr_s`: as `i16x8.q15mulr_sat_s`.
#[inline(always)]
pub fn i16x8_relaxed_q15mulr_s(a: u128, b: u128) -> u128 {
    i16x8_q15mulr_sat_s(a, b)
}
/// `i16x8.relaxed_dot_i8x16_i7x16_s`: both operands signed; lane `i` is
/// `a[2i] * b[2i] + a[2i+1] * b[2i+1]` wrapped to 16 bits.
#[inline(always)]
pub fn i16x8_relaxed_dot_i8x16_i7x16_s(a: u128, b: u128) -> u128 {
    let (a, b) = (i8s(a), i8s(b));
    let p = |j: usize| i16::from(a[j]) * i16::from(b[j]);
    from_i16s(core::array::from_fn(|i| {
        p(2 * i).wrapping_add(p(2 * i + 1))
    }))
}
/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`: the 16-bit dot products above,
/// added pairwise into 32-bit lanes, plus `c` (wrapping).
#[inline(always)]
pub fn i32x4_relaxed_dot_i8x16_i7x16_add_s(a: u128, b: u128, c: u128) -> u128 {
    let dot = i32x4_extadd_pairwise_i16x8_s(i16x8_relaxed_dot_i8x16_i7x16_s(a, b));
    i32x4_add(dot, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn madd_rounds_once() {
        // 1 + 2^-23 squared is 1 + 2^-22 + 2^-46: the fused result keeps the
        // 2^-46 that a separate multiply rounds away.
        let x = 1.0f32 + f32::EPSILON;
        let c = -(1.0f32 + 2.0 * f32::EPSILON);
        let fused = f32s(f32x4_relaxed_madd(
            from_f32s([x; 4]),
            from_f32s([x; 4]),
            from_f32s([c; 4]),
        ));
        assert_eq!(fused[0], f32::EPSILON * f32::EPSILON);
        let n = f64s(f64x2_relaxed_nmadd(
            from_f64s([2.0; 2]),
            from_f64s([3.0; 2]),
            from_f64s([1.0; 2]),
        ));
        assert_eq!(n, [-5.0; 2]);
    }

    #[test]
    fn dot_products_read_both_operands_signed() {
        let a = from_i8s([-128; 16]);
        let d = i16s(i16x8_relaxed_dot_i8x16_i7x16_s(a, a));
        assert_eq!(d[0], i16::MIN, "32768 wraps");
        let b = from_i8s([1; 16]);
        let s = i32s(i32x4_relaxed_dot_i8x16_i7x16_add_s(
            b,
            b,
            from_i32s([10; 4]),
        ));
        assert_eq!(s, [14; 4]);
        let m = from_i8s([-1; 16]);
        assert_eq!(i16s(i16x8_relaxed_dot_i8x16_i7x16_s(m, b))[0], -2);
    }
}
