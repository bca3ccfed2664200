//! Integer lane operators: splats, comparisons, arithmetic (wrapping and
//! saturating), min/max, averages, shifts, abs/neg, popcount, bit tests,
//! bitmasks, and the bitwise `v128` operators.
//!
//! Shift counts are taken modulo the lane width, as the spec says.

use super::lanes::*;

/// Defines `pub fn $name(a: u128, b: u128) -> u128` applying `$f` to each
/// pair of lanes viewed through `$split`/`$join`.
macro_rules! binary {
    ($($name:ident $split:ident $join:ident |$x:ident, $y:ident| $body:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`.")]
        #[inline(always)]
        pub fn $name(a: u128, b: u128) -> u128 {
            $join(zip($split(a), $split(b), |$x, $y| $body))
        }
    )*};
}

/// Defines `pub fn $name(a: u128) -> u128` applying `$f` to each lane.
macro_rules! unary {
    ($($name:ident $split:ident $join:ident |$x:ident| $body:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`.")]
        #[inline(always)]
        pub fn $name(a: u128) -> u128 {
            $join($split(a).map(|$x| $body))
        }
    )*};
}

/// Defines a lane-wise comparison: all ones in a lane where `$cmp` holds.
macro_rules! compare {
    ($($name:ident $split:ident $join:ident $out:ty, |$x:ident, $y:ident| $body:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: all ones where it holds, zeros elsewhere.")]
        #[inline(always)]
        pub fn $name(a: u128, b: u128) -> u128 {
            $join(zip($split(a), $split(b), |$x, $y| mask::<$out>($body)))
        }
    )*};
}

/// Defines a shift: `$f(lane, count % bits)`.
macro_rules! shift {
    ($($name:ident $split:ident $join:ident $bits:literal |$x:ident, $n:ident| $body:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "` (the count is taken modulo the lane width).")]
        #[inline(always)]
        pub fn $name(a: u128, count: u64) -> u128 {
            let $n = (count as u32) % $bits;
            $join($split(a).map(|$x| $body))
        }
    )*};
}

// ---- splats ------------------------------------------------------------------

/// `i8x16.splat`: the low 8 bits of the i32 in every lane.
#[inline(always)]
pub fn i8x16_splat(x: u64) -> u128 {
    from_u8s([x as u8; 16])
}
/// `i16x8.splat`.
#[inline(always)]
pub fn i16x8_splat(x: u64) -> u128 {
    from_u16s([x as u16; 8])
}
/// `i32x4.splat`.
#[inline(always)]
pub fn i32x4_splat(x: u64) -> u128 {
    from_u32s([x as u32; 4])
}
/// `i64x2.splat`.
#[inline(always)]
pub fn i64x2_splat(x: u64) -> u128 {
    from_u64s([x; 2])
}
/// `f32x4.splat` (the bits, NaN payloads kept).
#[inline(always)]
pub fn f32x4_splat(x: u64) -> u128 {
    from_u32s([x as u32; 4])
}
/// `f64x2.splat`.
#[inline(always)]
pub fn f64x2_splat(x: u64) -> u128 {
    from_u64s([x; 2])
}

// ---- comparisons ---------------------------------------------------------------

compare! {
    i8x16_eq i8s from_i8s i8, |x, y| x == y;
    i8x16_ne i8s from_i8s i8, |x, y| x != y;
    i8x16_lt_s i8s from_i8s i8, |x, y| x < y;
    i8x16_gt_s i8s from_i8s i8, |x, y| x > y;
    i8x16_le_s i8s from_i8s i8, |x, y| x <= y;
    i8x16_ge_s i8s from_i8s i8, |x, y| x >= y;
    i16x8_eq i16s from_i16s i16, |x, y| x == y;
    i16x8_ne i16s from_i16s i16, |x, y| x != y;
    i16x8_lt_s i16s from_i16s i16, |x, y| x < y;
    i16x8_gt_s i16s from_i16s i16, |x, y| x > y;
    i16x8_le_s i16s from_i16s i16, |x, y| x <= y;
    i16x8_ge_s i16s from_i16s i16, |x, y| x >= y;
    i32x4_eq i32s from_i32s i32, |x, y| x == y;
    i32x4_ne i32s from_i32s i32, |x, y| x != y;
    i32x4_lt_s i32s from_i32s i32, |x, y| x < y;
    i32x4_gt_s i32s from_i32s i32, |x, y| x > y;
    i32x4_le_s i32s from_i32s i32, |x, y| x <= y;
    i32x4_ge_s i32s from_i32s i32, |x, y| x >= y;
    i64x2_eq i64s from_i64s i64, |x, y| x == y;
    i64x2_ne i64s from_i64s i64, |x, y| x != y;
    i64x2_lt_s i64s from_i64s i64, |x, y| x < y;
    i64x2_gt_s i64s from_i64s i64, |x, y| x > y;
    i64x2_le_s i64s from_i64s i64, |x, y| x <= y;
    i64x2_ge_s i64s from_i64s i64, |x, y| x >= y;
}

// Unsigned comparisons: the operands are read unsigned, the mask written
// signed (all ones is -1).
compare! {
    i8x16_lt_u u8s from_i8s i8, |x, y| x < y;
    i8x16_gt_u u8s from_i8s i8, |x, y| x > y;
    i8x16_le_u u8s from_i8s i8, |x, y| x <= y;
    i8x16_ge_u u8s from_i8s i8, |x, y| x >= y;
    i16x8_lt_u u16s from_i16s i16, |x, y| x < y;
    i16x8_gt_u u16s from_i16s i16, |x, y| x > y;
    i16x8_le_u u16s from_i16s i16, |x, y| x <= y;
    i16x8_ge_u u16s from_i16s i16, |x, y| x >= y;
    i32x4_lt_u u32s from_i32s i32, |x, y| x < y;
    i32x4_gt_u u32s from_i32s i32, |x, y| x > y;
    i32x4_le_u u32s from_i32s i32, |x, y| x <= y;
    i32x4_ge_u u32s from_i32s i32, |x, y| x >= y;
}

// ---- bitwise -----------------------------------------------------------------

/// `v128.not`.
#[inline(always)]
pub fn v128_not(a: u128) -> u128 {
    !a
}
/// `v128.and`.
#[inline(always)]
pub fn v128_and(a: u128, b: u128) -> u128 {
    a & b
}
/// `v128.andnot`: `a & !b`.
#[inline(always)]
pub fn v128_andnot(a: u128, b: u128) -> u128 {
    a & !b
}
/// `v128.or`.
#[inline(always)]
pub fn v128_or(a: u128, b: u128) -> u128 {
    a | b
}
/// `v128.xor`.
#[inline(always)]
pub fn v128_xor(a: u128, b: u128) -> u128 {
    a ^ b
}
/// `v128.bitselect(a, b, m)`: the bits of `a` where `m` is 1, of `b` where
/// it is 0.
#[inline(always)]
pub fn v128_bitselect(a: u128, b: u128, m: u128) -> u128 {
    (a & m) | (b & !m)
}
/// `v128.any_true`: 1 if any bit is set.
#[inline(always)]
pub fn v128_any_true(a: u128) -> u64 {
    u64::from(a != 0)
}

/// Defines `all_true` (1 if no lane is zero) and `bitmask` (bit `i` is lane
/// `i`'s sign) for one shape.
macro_rules! tests_and_masks {
    ($($all:ident $bitmask:ident $split:ident;)*) => {$(
        #[doc = concat!("`", stringify!($all), "`: 1 if every lane is non-zero.")]
        #[inline(always)]
        pub fn $all(a: u128) -> u64 {
            u64::from($split(a).iter().all(|&x| x != 0))
        }
        #[doc = concat!("`", stringify!($bitmask), "`: bit `i` is the sign of lane `i`.")]
        #[inline(always)]
        pub fn $bitmask(a: u128) -> u64 {
            $split(a)
                .iter()
                .enumerate()
                .fold(0u64, |m, (i, &x)| m | (u64::from(x < 0) << i))
        }
    )*};
}

tests_and_masks! {
    i8x16_all_true i8x16_bitmask i8s;
    i16x8_all_true i16x8_bitmask i16s;
    i32x4_all_true i32x4_bitmask i32s;
    i64x2_all_true i64x2_bitmask i64s;
}

// ---- arithmetic ----------------------------------------------------------------

binary! {
    i8x16_add i8s from_i8s |x, y| x.wrapping_add(y);
    i8x16_sub i8s from_i8s |x, y| x.wrapping_sub(y);
    i8x16_add_sat_s i8s from_i8s |x, y| x.saturating_add(y);
    i8x16_add_sat_u u8s from_u8s |x, y| x.saturating_add(y);
    i8x16_sub_sat_s i8s from_i8s |x, y| x.saturating_sub(y);
    i8x16_sub_sat_u u8s from_u8s |x, y| x.saturating_sub(y);
    i8x16_min_s i8s from_i8s |x, y| x.min(y);
    i8x16_min_u u8s from_u8s |x, y| x.min(y);
    i8x16_max_s i8s from_i8s |x, y| x.max(y);
    i8x16_max_u u8s from_u8s |x, y| x.max(y);
    i8x16_avgr_u u8s from_u8s |x, y| ((u16::from(x) + u16::from(y) + 1) >> 1) as u8;

    i16x8_add i16s from_i16s |x, y| x.wrapping_add(y);
    i16x8_sub i16s from_i16s |x, y| x.wrapping_sub(y);
    i16x8_mul i16s from_i16s |x, y| x.wrapping_mul(y);
    i16x8_add_sat_s i16s from_i16s |x, y| x.saturating_add(y);
    i16x8_add_sat_u u16s from_u16s |x, y| x.saturating_add(y);
    i16x8_sub_sat_s i16s from_i16s |x, y| x.saturating_sub(y);
    i16x8_sub_sat_u u16s from_u16s |x, y| x.saturating_sub(y);
    i16x8_min_s i16s from_i16s |x, y| x.min(y);
    i16x8_min_u u16s from_u16s |x, y| x.min(y);
    i16x8_max_s i16s from_i16s |x, y| x.max(y);
    i16x8_max_u u16s from_u16s |x, y| x.max(y);
    i16x8_avgr_u u16s from_u16s |x, y| ((u32::from(x) + u32::from(y) + 1) >> 1) as u16;
    i16x8_q15mulr_sat_s i16s from_i16s |x, y| q15mulr_sat(x, y);

    i32x4_add i32s from_i32s |x, y| x.wrapping_add(y);
    i32x4_sub i32s from_i32s |x, y| x.wrapping_sub(y);
    i32x4_mul i32s from_i32s |x, y| x.wrapping_mul(y);
    i32x4_min_s i32s from_i32s |x, y| x.min(y);
    i32x4_min_u u32s from_u32s |x, y| x.min(y);
    i32x4_max_s i32s from_i32s |x, y| x.max(y);
    i32x4_max_u u32s from_u32s |x, y| x.max(y);

    i64x2_add i64s from_i64s |x, y| x.wrapping_add(y);
    i64x2_sub i64s from_i64s |x, y| x.wrapping_sub(y);
    i64x2_mul i64s from_i64s |x, y| x.wrapping_mul(y);
}

/// Q15 rounding multiply, saturated: `(x * y + 0x4000) >> 15`, clamped to
/// `i16` (only `-32768 * -32768` overflows).
#[inline(always)]
pub(crate) fn q15mulr_sat(x: i16, y: i16) -> i16 {
    let r = (i32::from(x) * i32::from(y) + 0x4000) >> 15;
    r.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
}

unary! {
    i8x16_abs i8s from_i8s |x| x.wrapping_abs();
    i8x16_neg i8s from_i8s |x| x.wrapping_neg();
    i8x16_popcnt u8s from_u8s |x| x.count_ones() as u8;
    i16x8_abs i16s from_i16s |x| x.wrapping_abs();
    i16x8_neg i16s from_i16s |x| x.wrapping_neg();
    i32x4_abs i32s from_i32s |x| x.wrapping_abs();
    i32x4_neg i32s from_i32s |x| x.wrapping_neg();
    i64x2_abs i64s from_i64s |x| x.wrapping_abs();
    i64x2_neg i64s from_i64s |x| x.wrapping_neg();
}

shift! {
    i8x16_shl u8s from_u8s 8 |x, n| x << n;
    i8x16_shr_s i8s from_i8s 8 |x, n| x >> n;
    i8x16_shr_u u8s from_u8s 8 |x, n| x >> n;
    i16x8_shl u16s from_u16s 16 |x, n| x << n;
    i16x8_shr_s i16s from_i16s 16 |x, n| x >> n;
    i16x8_shr_u u16s from_u16s 16 |x, n| x >> n;
    i32x4_shl u32s from_u32s 32 |x, n| x << n;
    i32x4_shr_s i32s from_i32s 32 |x, n| x >> n;
    i32x4_shr_u u32s from_u32s 32 |x, n| x >> n;
    i64x2_shl u64s from_u64s 64 |x, n| x << n;
    i64x2_shr_s i64s from_i64s 64 |x, n| x >> n;
    i64x2_shr_u u64s from_u64s 64 |x, n| x >> n;
}

// ---- swizzle -------------------------------------------------------------------

/// `i8x16.swizzle(a, s)`: lane `i` is `a[s[i]]`, or 0 where `s[i] >= 16`.
#[inline(always)]
pub fn i8x16_swizzle(a: u128, s: u128) -> u128 {
    let (a, s) = (u8s(a), u8s(s));
    from_u8s(s.map(|i| a.get(usize::from(i)).copied().unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_give_all_ones_lanes() {
        let a = from_i8s([-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
        let b = from_i8s([0; 16]);
        assert_eq!(i8s(i8x16_lt_s(a, b))[0], -1);
        assert_eq!(i8s(i8x16_lt_u(a, b))[0], 0, "0xff is large unsigned");
        assert_eq!(i8s(i8x16_gt_u(a, b))[0], -1);
        assert_eq!(i8s(i8x16_eq(a, b))[1], -1);
        assert_eq!(i32s(i32x4_ge_u(u128::MAX, 0)), [-1; 4]);
    }

    #[test]
    fn saturation_and_averages() {
        let max = from_i16s([i16::MAX; 8]);
        assert_eq!(i16s(i16x8_add_sat_s(max, max)), [i16::MAX; 8]);
        assert_eq!(u8s(i8x16_sub_sat_u(0, i8x16_splat(1))), [0; 16]);
        assert_eq!(u8s(i8x16_avgr_u(i8x16_splat(1), i8x16_splat(2)))[0], 2);
        assert_eq!(
            u8s(i8x16_avgr_u(i8x16_splat(255), i8x16_splat(255)))[0],
            255
        );
        assert_eq!(q15mulr_sat(i16::MIN, i16::MIN), i16::MAX);
        assert_eq!(q15mulr_sat(0x4000, 0x4000), 0x2000);
    }

    #[test]
    fn shifts_wrap_the_count_and_masks_read_signs() {
        assert_eq!(u32s(i32x4_shl(i32x4_splat(1), 33)), [2; 4]);
        assert_eq!(i8s(i8x16_shr_s(i8x16_splat(0x80), 9))[0], -64);
        assert_eq!(u64s(i64x2_shr_u(u128::MAX, 127)), [1, 1]);
        assert_eq!(
            i8x16_bitmask(from_i8s([
                -1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -128
            ])),
            0x8005
        );
        assert_eq!(i32x4_all_true(i32x4_splat(1)), 1);
        assert_eq!(i32x4_all_true(from_i32s([1, 1, 0, 1])), 0);
        assert_eq!(v128_any_true(1 << 127), 1);
        assert_eq!(u8s(i8x16_popcnt(i8x16_splat(0xff)))[3], 8);
        assert_eq!(i8s(i8x16_abs(i8x16_splat(0x80)))[0], -128);
    }

    #[test]
    fn swizzle_zeroes_out_of_range_indices() {
        let a = from_u8s(core::array::from_fn(|i| i as u8 + 100));
        let s = from_u8s([15, 0, 16, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        let r = u8s(i8x16_swizzle(a, s));
        assert_eq!(&r[..5], &[115, 100, 0, 0, 101]);
        assert_eq!(v128_bitselect(u128::MAX, 0, 0xf0), 0xf0);
    }
}
