//! Lane conversions: widening (extend, extending multiplies, pairwise
//! adds, dot products), narrowing with saturation, float/int conversions
//! (saturating truncation, the `_zero` forms filling the upper lanes with
//! zeros), demotion and promotion.

use super::lanes::*;

/// Defines `extend_low`/`extend_high` pairs: the low or high half of the
/// lanes, each widened (sign- or zero-extended).
macro_rules! extend {
    ($($low:ident $high:ident $split:ident $join:ident $wide:ty, $n:literal;)*) => {$(
        #[doc = concat!("`", stringify!($low), "`.")]
        #[inline(always)]
        pub fn $low(a: u128) -> u128 {
            let l = $split(a);
            $join(core::array::from_fn(|i| <$wide>::from(l[i])))
        }
        #[doc = concat!("`", stringify!($high), "`.")]
        #[inline(always)]
        pub fn $high(a: u128) -> u128 {
            let l = $split(a);
            $join(core::array::from_fn(|i| <$wide>::from(l[i + $n])))
        }
    )*};
}

extend! {
    i16x8_extend_low_i8x16_s i16x8_extend_high_i8x16_s i8s from_i16s i16, 8;
    i16x8_extend_low_i8x16_u i16x8_extend_high_i8x16_u u8s from_u16s u16, 8;
    i32x4_extend_low_i16x8_s i32x4_extend_high_i16x8_s i16s from_i32s i32, 4;
    i32x4_extend_low_i16x8_u i32x4_extend_high_i16x8_u u16s from_u32s u32, 4;
    i64x2_extend_low_i32x4_s i64x2_extend_high_i32x4_s i32s from_i64s i64, 2;
    i64x2_extend_low_i32x4_u i64x2_extend_high_i32x4_u u32s from_u64s u64, 2;
}

/// Defines `extmul_low`/`extmul_high`: the low or high half of the lanes of
/// both operands, widened, multiplied (the product always fits).
macro_rules! extmul {
    ($($low:ident $high:ident $split:ident $join:ident $wide:ty, $n:literal;)*) => {$(
        #[doc = concat!("`", stringify!($low), "`.")]
        #[inline(always)]
        pub fn $low(a: u128, b: u128) -> u128 {
            let (a, b) = ($split(a), $split(b));
            $join(core::array::from_fn(|i| <$wide>::from(a[i]).wrapping_mul(<$wide>::from(b[i]))))
        }
        #[doc = concat!("`", stringify!($high), "`.")]
        #[inline(always)]
        pub fn $high(a: u128, b: u128) -> u128 {
            let (a, b) = ($split(a), $split(b));
            $join(core::array::from_fn(|i| {
                <$wide>::from(a[i + $n]).wrapping_mul(<$wide>::from(b[i + $n]))
            }))
        }
    )*};
}

extmul! {
    i16x8_extmul_low_i8x16_s i16x8_extmul_high_i8x16_s i8s from_i16s i16, 8;
    i16x8_extmul_low_i8x16_u i16x8_extmul_high_i8x16_u u8s from_u16s u16, 8;
    i32x4_extmul_low_i16x8_s i32x4_extmul_high_i16x8_s i16s from_i32s i32, 4;
    i32x4_extmul_low_i16x8_u i32x4_extmul_high_i16x8_u u16s from_u32s u32, 4;
    i64x2_extmul_low_i32x4_s i64x2_extmul_high_i32x4_s i32s from_i64s i64, 2;
    i64x2_extmul_low_i32x4_u i64x2_extmul_high_i32x4_u u32s from_u64s u64, 2;
}

/// Defines `extadd_pairwise`: lanes `2i` and `2i + 1`, widened, added.
macro_rules! extadd_pairwise {
    ($($name:ident $split:ident $join:ident $wide:ty;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`.")]
        #[inline(always)]
        pub fn $name(a: u128) -> u128 {
            let l = $split(a);
            $join(core::array::from_fn(|i| <$wide>::from(l[2 * i]) + <$wide>::from(l[2 * i + 1])))
        }
    )*};
}

extadd_pairwise! {
    i16x8_extadd_pairwise_i8x16_s i8s from_i16s i16;
    i16x8_extadd_pairwise_i8x16_u u8s from_u16s u16;
    i32x4_extadd_pairwise_i16x8_s i16s from_i32s i32;
    i32x4_extadd_pairwise_i16x8_u u16s from_u32s u32;
}

/// `i32x4.dot_i16x8_s`: products of signed lane pairs, summed pairwise
/// (wrapping: only `2 * (-32768)^2` overflows).
#[inline(always)]
pub fn i32x4_dot_i16x8_s(a: u128, b: u128) -> u128 {
    let (a, b) = (i16s(a), i16s(b));
    let p = |j: usize| i32::from(a[j]) * i32::from(b[j]);
    from_i32s(core::array::from_fn(|i| {
        p(2 * i).wrapping_add(p(2 * i + 1))
    }))
}

/// Defines a saturating narrow: the lanes of `a` then of `b`, each clamped
/// to the narrow type.
macro_rules! narrow {
    ($($name:ident $split:ident $join:ident $narrow:ty, $n:literal;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: saturating.")]
        #[inline(always)]
        pub fn $name(a: u128, b: u128) -> u128 {
            let (a, b) = ($split(a), $split(b));
            $join(core::array::from_fn(|i| {
                let x = if i < $n { a[i] } else { b[i - $n] };
                x.clamp(<$narrow>::MIN.into(), <$narrow>::MAX.into()) as $narrow
            }))
        }
    )*};
}

narrow! {
    i8x16_narrow_i16x8_s i16s from_i8s i8, 8;
    i8x16_narrow_i16x8_u i16s from_u8s u8, 8;
    i16x8_narrow_i32x4_s i32s from_i16s i16, 4;
    i16x8_narrow_i32x4_u i32s from_u16s u16, 4;
}

/// `i32x4.trunc_sat_f32x4_s`: toward zero, saturating, NaN to 0 (Rust's
/// float-to-int `as`).
#[inline(always)]
pub fn i32x4_trunc_sat_f32x4_s(a: u128) -> u128 {
    from_i32s(f32s(a).map(|x| x as i32))
}
/// `i32x4.trunc_sat_f32x4_u`.
#[inline(always)]
pub fn i32x4_trunc_sat_f32x4_u(a: u128) -> u128 {
    from_u32s(f32s(a).map(|x| x as u32))
}
/// `i32x4.trunc_sat_f64x2_s_zero`: the two results, then two zero lanes.
#[inline(always)]
pub fn i32x4_trunc_sat_f64x2_s_zero(a: u128) -> u128 {
    let l = f64s(a);
    from_i32s([l[0] as i32, l[1] as i32, 0, 0])
}
/// `i32x4.trunc_sat_f64x2_u_zero`.
#[inline(always)]
pub fn i32x4_trunc_sat_f64x2_u_zero(a: u128) -> u128 {
    let l = f64s(a);
    from_u32s([l[0] as u32, l[1] as u32, 0, 0])
}
/// `f32x4.convert_i32x4_s` (round to nearest, ties to even).
#[inline(always)]
pub fn f32x4_convert_i32x4_s(a: u128) -> u128 {
    from_f32s(i32s(a).map(|x| x as f32))
}
/// `f32x4.convert_i32x4_u`.
#[inline(always)]
pub fn f32x4_convert_i32x4_u(a: u128) -> u128 {
    from_f32s(u32s(a).map(|x| x as f32))
}
/// `f64x2.convert_low_i32x4_s` (exact).
#[inline(always)]
pub fn f64x2_convert_low_i32x4_s(a: u128) -> u128 {
    let l = i32s(a);
    from_f64s([f64::from(l[0]), f64::from(l[1])])
}
/// `f64x2.convert_low_i32x4_u`.
#[inline(always)]
pub fn f64x2_convert_low_i32x4_u(a: u128) -> u128 {
    let l = u32s(a);
    from_f64s([f64::from(l[0]), f64::from(l[1])])
}
/// `f32x4.demote_f64x2_zero`: the two lanes rounded to `f32`, then two zero
/// lanes (a NaN becomes a quiet NaN).
#[inline(always)]
pub fn f32x4_demote_f64x2_zero(a: u128) -> u128 {
    let l = f64s(a);
    from_f32s([l[0] as f32, l[1] as f32, 0.0, 0.0])
}
/// `f64x2.promote_low_f32x4` (exact; a NaN becomes a quiet NaN).
#[inline(always)]
pub fn f64x2_promote_low_f32x4(a: u128) -> u128 {
    let l = f32s(a);
    from_f64s([f64::from(l[0]), f64::from(l[1])])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_and_narrowing() {
        let a = from_i8s([-1, 2, -3, 4, 5, 6, 7, 8, -128, 127, 0, 0, 0, 0, 0, 1]);
        assert_eq!(i16s(i16x8_extend_low_i8x16_s(a))[..3], [-1, 2, -3]);
        assert_eq!(u16s(i16x8_extend_low_i8x16_u(a))[0], 255);
        assert_eq!(i16s(i16x8_extend_high_i8x16_s(a))[..2], [-128, 127]);
        assert_eq!(i16s(i16x8_extadd_pairwise_i8x16_s(a))[0], 1);
        assert_eq!(u16s(i16x8_extadd_pairwise_i8x16_u(a))[0], 257);
        let w = from_i16s([300, -300, 100, -100, 0, 1, 255, 256]);
        let n = i8x16_narrow_i16x8_s(w, w);
        assert_eq!(i8s(n)[..4], [127, -128, 100, -100]);
        let n = i8x16_narrow_i16x8_u(w, w);
        assert_eq!(u8s(n)[..8], [255, 0, 100, 0, 0, 1, 255, 255]);
        let m = i32x4_dot_i16x8_s(from_i16s([i16::MIN; 8]), from_i16s([i16::MIN; 8]));
        assert_eq!(i32s(m)[0], i32::MIN, "wraps");
        let e = i64x2_extmul_high_i32x4_u(u128::MAX, u128::MAX);
        assert_eq!(u64s(e)[0], 0xffff_fffe_0000_0001);
    }

    #[test]
    fn float_int_conversions() {
        let f = from_f32s([f32::NAN, 3e9, -3e9, -1.5]);
        assert_eq!(
            i32s(i32x4_trunc_sat_f32x4_s(f)),
            [0, i32::MAX, i32::MIN, -1]
        );
        assert_eq!(u32s(i32x4_trunc_sat_f32x4_u(f)), [0, 3_000_000_000, 0, 0]);
        let d = from_f64s([-1.9, 5e9]);
        assert_eq!(i32s(i32x4_trunc_sat_f64x2_s_zero(d)), [-1, i32::MAX, 0, 0]);
        assert_eq!(f32s(f32x4_convert_i32x4_u(u128::MAX))[0], 4_294_967_296.0);
        let p = f64s(f64x2_promote_low_f32x4(from_f32s([1.5, -0.0, 9.0, 9.0])));
        assert_eq!(p[0], 1.5);
        assert_eq!(p[1].to_bits(), (-0.0f64).to_bits());
        let z = f32s(f32x4_demote_f64x2_zero(from_f64s([1e300, 0.1])));
        assert_eq!(z, [f32::INFINITY, 0.1f32, 0.0, 0.0]);
    }
}
