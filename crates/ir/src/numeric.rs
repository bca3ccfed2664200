//! Semantics of the pure numeric operators, one function per row of `for_each_num_op!`
//! (see `strata_ir`'s `num_ops.rs`), each named after the row's `snake_name`.
//!
//! Every operand and result travels as a raw 64-bit slot (`u64`):
//! - `i32`: the low 32 bits; upper bits are ignored on input and zero on output;
//! - `i64`: the whole slot;
//! - `f32`: its IEEE bits in the low 32 bits (upper bits ignored / zero);
//! - `f64`: its IEEE bits.
//!
//! Every function returns `Result<u64, TrapCode>` so that handlers can be generated
//! uniformly from the table; the non-trapping ones always return `Ok`, and with
//! `#[inline(always)]` the compiler removes the `Result` entirely.
//!
//! NaN results of arithmetic (`add`, `sqrt`, `min`, `demote`, ...) are quiet NaNs as
//! the spec requires of "arithmetic NaNs"; `abs`, `neg`, `copysign` and the
//! reinterpretations are pure bit operations that keep NaN payloads untouched.

use crate::TrapCode;

// ---- slot decoding / encoding ----------------------------------------------------

#[inline(always)]
fn lo(x: u64) -> u32 {
    x as u32
}
#[inline(always)]
fn s32(x: u64) -> i32 {
    x as u32 as i32
}
#[inline(always)]
fn f32v(x: u64) -> f32 {
    f32::from_bits(x as u32)
}
#[inline(always)]
fn f64v(x: u64) -> f64 {
    f64::from_bits(x)
}
#[inline(always)]
fn r32(x: u32) -> Result<u64, TrapCode> {
    Ok(u64::from(x))
}
#[inline(always)]
fn r64(x: u64) -> Result<u64, TrapCode> {
    Ok(x)
}
#[inline(always)]
fn rb(x: bool) -> Result<u64, TrapCode> {
    Ok(u64::from(x))
}
#[inline(always)]
fn rf32(x: f32) -> Result<u64, TrapCode> {
    r32(x.to_bits())
}
#[inline(always)]
fn rf64(x: f64) -> Result<u64, TrapCode> {
    Ok(x.to_bits())
}

/// Defines `#[inline(always)] pub fn name(args: u64) -> Result<u64, TrapCode> body`.
macro_rules! ops {
    ($( $name:ident ($($arg:ident),+) $body:block )*) => {$(
        #[doc = concat!("`", stringify!($name), "` (see the module docs for the slot convention).")]
        #[inline(always)]
        pub fn $name($($arg: u64),+) -> Result<u64, TrapCode> $body
    )*};
}

// ---- comparisons -----------------------------------------------------------------

ops! {
    i32_eqz(a) { rb(lo(a) == 0) }
    i32_eq(a, b) { rb(lo(a) == lo(b)) }
    i32_ne(a, b) { rb(lo(a) != lo(b)) }
    i32_lt_s(a, b) { rb(s32(a) < s32(b)) }
    i32_lt_u(a, b) { rb(lo(a) < lo(b)) }
    i32_gt_s(a, b) { rb(s32(a) > s32(b)) }
    i32_gt_u(a, b) { rb(lo(a) > lo(b)) }
    i32_le_s(a, b) { rb(s32(a) <= s32(b)) }
    i32_le_u(a, b) { rb(lo(a) <= lo(b)) }
    i32_ge_s(a, b) { rb(s32(a) >= s32(b)) }
    i32_ge_u(a, b) { rb(lo(a) >= lo(b)) }

    i64_eqz(a) { rb(a == 0) }
    i64_eq(a, b) { rb(a == b) }
    i64_ne(a, b) { rb(a != b) }
    i64_lt_s(a, b) { rb((a as i64) < (b as i64)) }
    i64_lt_u(a, b) { rb(a < b) }
    i64_gt_s(a, b) { rb((a as i64) > (b as i64)) }
    i64_gt_u(a, b) { rb(a > b) }
    i64_le_s(a, b) { rb((a as i64) <= (b as i64)) }
    i64_le_u(a, b) { rb(a <= b) }
    i64_ge_s(a, b) { rb((a as i64) >= (b as i64)) }
    i64_ge_u(a, b) { rb(a >= b) }

    f32_eq(a, b) { rb(f32v(a) == f32v(b)) }
    f32_ne(a, b) { rb(f32v(a) != f32v(b)) }
    f32_lt(a, b) { rb(f32v(a) < f32v(b)) }
    f32_gt(a, b) { rb(f32v(a) > f32v(b)) }
    f32_le(a, b) { rb(f32v(a) <= f32v(b)) }
    f32_ge(a, b) { rb(f32v(a) >= f32v(b)) }

    f64_eq(a, b) { rb(f64v(a) == f64v(b)) }
    f64_ne(a, b) { rb(f64v(a) != f64v(b)) }
    f64_lt(a, b) { rb(f64v(a) < f64v(b)) }
    f64_gt(a, b) { rb(f64v(a) > f64v(b)) }
    f64_le(a, b) { rb(f64v(a) <= f64v(b)) }
    f64_ge(a, b) { rb(f64v(a) >= f64v(b)) }
}

// ---- integer arithmetic ----------------------------------------------------------

/// Defines the `iN` arithmetic family over the unsigned type `$u` / signed type `$s`
/// (`$get`/`$gets` decode a slot, `$put` encodes an `$u` result).
macro_rules! int_arith {
    ($u:ty, $s:ty, $get:ident, $gets:ident, $put:ident;
     $clz:ident $ctz:ident $popcnt:ident $add:ident $sub:ident $mul:ident
     $div_s:ident $div_u:ident $rem_s:ident $rem_u:ident $and:ident $or:ident $xor:ident
     $shl:ident $shr_s:ident $shr_u:ident $rotl:ident $rotr:ident) => {
        ops! {
            // Bit counts are `u32`s; zero-extending one is the slot form of either width.
            $clz(a) { r32($get(a).leading_zeros()) }
            $ctz(a) { r32($get(a).trailing_zeros()) }
            $popcnt(a) { r32($get(a).count_ones()) }
            $add(a, b) { $put($get(a).wrapping_add($get(b))) }
            $sub(a, b) { $put($get(a).wrapping_sub($get(b))) }
            $mul(a, b) { $put($get(a).wrapping_mul($get(b))) }
            $div_s(a, b) {
                let (a, b) = ($gets(a), $gets(b));
                if b == 0 {
                    return Err(TrapCode::IntegerDivideByZero);
                }
                // With a non-zero divisor, `checked_div` fails only for MIN / -1.
                match a.checked_div(b) {
                    Some(q) => $put(q as $u),
                    None => Err(TrapCode::IntegerOverflow),
                }
            }
            $div_u(a, b) {
                match $get(a).checked_div($get(b)) {
                    Some(q) => $put(q),
                    None => Err(TrapCode::IntegerDivideByZero),
                }
            }
            $rem_s(a, b) {
                let (a, b) = ($gets(a), $gets(b));
                if b == 0 {
                    return Err(TrapCode::IntegerDivideByZero);
                }
                // `wrapping_rem` gives 0 for MIN % -1, as the spec requires.
                $put(a.wrapping_rem(b) as $u)
            }
            $rem_u(a, b) {
                match $get(a).checked_rem($get(b)) {
                    Some(r) => $put(r),
                    None => Err(TrapCode::IntegerDivideByZero),
                }
            }
            $and(a, b) { $put($get(a) & $get(b)) }
            $or(a, b) { $put($get(a) | $get(b)) }
            $xor(a, b) { $put($get(a) ^ $get(b)) }
            // `wrapping_sh*` mask the count to the bit width; `rotate_*` reduce it
            // modulo the width (and `as u32` keeps the count's value mod 32/64).
            $shl(a, b) { $put($get(a).wrapping_shl($get(b) as u32)) }
            $shr_s(a, b) { $put($gets(a).wrapping_shr($get(b) as u32) as $u) }
            $shr_u(a, b) { $put($get(a).wrapping_shr($get(b) as u32)) }
            $rotl(a, b) { $put($get(a).rotate_left($get(b) as u32)) }
            $rotr(a, b) { $put($get(a).rotate_right($get(b) as u32)) }
        }
    };
}

#[inline(always)]
fn s64(x: u64) -> i64 {
    x as i64
}
#[inline(always)]
fn id64(x: u64) -> u64 {
    x
}

int_arith! {
    u32, i32, lo, s32, r32;
    i32_clz i32_ctz i32_popcnt i32_add i32_sub i32_mul i32_div_s i32_div_u i32_rem_s
    i32_rem_u i32_and i32_or i32_xor i32_shl i32_shr_s i32_shr_u i32_rotl i32_rotr
}
int_arith! {
    u64, i64, id64, s64, r64;
    i64_clz i64_ctz i64_popcnt i64_add i64_sub i64_mul i64_div_s i64_div_u i64_rem_s
    i64_rem_u i64_and i64_or i64_xor i64_shl i64_shr_s i64_shr_u i64_rotl i64_rotr
}

// ---- float arithmetic ------------------------------------------------------------

/// Defines WebAssembly `fmin` / `fmax` for `$f`: NaN if either operand is NaN
/// (`a + b` yields a quiet NaN), and `-0.0 < +0.0`. Equal operands differ only for
/// zeros of opposite sign, where OR-ing the bits picks `-0.0` and AND-ing `+0.0`.
macro_rules! wasm_min_max {
    ($f:ty, $min:ident, $max:ident) => {
        #[inline(always)]
        pub(crate) fn $min(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                a + b
            } else if a == b {
                <$f>::from_bits(a.to_bits() | b.to_bits())
            } else if a < b {
                a
            } else {
                b
            }
        }
        #[inline(always)]
        pub(crate) fn $max(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                a + b
            } else if a == b {
                <$f>::from_bits(a.to_bits() & b.to_bits())
            } else if a > b {
                a
            } else {
                b
            }
        }
    };
}
wasm_min_max!(f32, fmin32, fmax32);
wasm_min_max!(f64, fmin64, fmax64);

/// Applies a rounding function (`ceil`, `floor`, `trunc`, `round_ties_even`) with
/// WebAssembly NaN semantics. The spec requires a quiet NaN out for a signalling NaN
/// in, but std's software fallbacks for these (used without SSE4.1) return the input
/// NaN unchanged; `x + x` quiets it.
macro_rules! wasm_round {
    ($f:ty, $name:ident) => {
        #[inline(always)]
        pub(crate) fn $name(x: $f, round: fn($f) -> $f) -> $f {
            if x.is_nan() {
                x + x
            } else {
                round(x)
            }
        }
    };
}
wasm_round!(f32, round32);
wasm_round!(f64, round64);

const F32_SIGN: u32 = 0x8000_0000;
const F64_SIGN: u64 = 0x8000_0000_0000_0000;

ops! {
    f32_abs(a) { r32(lo(a) & !F32_SIGN) }
    f32_neg(a) { r32(lo(a) ^ F32_SIGN) }
    f32_copysign(a, b) { r32((lo(a) & !F32_SIGN) | (lo(b) & F32_SIGN)) }
    f32_ceil(a) { rf32(round32(f32v(a), f32::ceil)) }
    f32_floor(a) { rf32(round32(f32v(a), f32::floor)) }
    f32_trunc(a) { rf32(round32(f32v(a), f32::trunc)) }
    f32_nearest(a) { rf32(round32(f32v(a), f32::round_ties_even)) }
    f32_sqrt(a) { rf32(f32v(a).sqrt()) }
    f32_add(a, b) { rf32(f32v(a) + f32v(b)) }
    f32_sub(a, b) { rf32(f32v(a) - f32v(b)) }
    f32_mul(a, b) { rf32(f32v(a) * f32v(b)) }
    f32_div(a, b) { rf32(f32v(a) / f32v(b)) }
    f32_min(a, b) { rf32(fmin32(f32v(a), f32v(b))) }
    f32_max(a, b) { rf32(fmax32(f32v(a), f32v(b))) }

    f64_abs(a) { r64(a & !F64_SIGN) }
    f64_neg(a) { r64(a ^ F64_SIGN) }
    f64_copysign(a, b) { r64((a & !F64_SIGN) | (b & F64_SIGN)) }
    f64_ceil(a) { rf64(round64(f64v(a), f64::ceil)) }
    f64_floor(a) { rf64(round64(f64v(a), f64::floor)) }
    f64_trunc(a) { rf64(round64(f64v(a), f64::trunc)) }
    f64_nearest(a) { rf64(round64(f64v(a), f64::round_ties_even)) }
    f64_sqrt(a) { rf64(f64v(a).sqrt()) }
    f64_add(a, b) { rf64(f64v(a) + f64v(b)) }
    f64_sub(a, b) { rf64(f64v(a) - f64v(b)) }
    f64_mul(a, b) { rf64(f64v(a) * f64v(b)) }
    f64_div(a, b) { rf64(f64v(a) / f64v(b)) }
    f64_min(a, b) { rf64(fmin64(f64v(a), f64v(b))) }
    f64_max(a, b) { rf64(fmax64(f64v(a), f64v(b))) }
}

// ---- conversions -----------------------------------------------------------------

const TWO_31: f64 = 2_147_483_648.0;
const TWO_32: f64 = 4_294_967_296.0;
const TWO_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_64: f64 = 18_446_744_073_709_551_616.0;

/// The trapping float-to-int truncation check: traps on NaN, otherwise truncates
/// toward zero and requires `min <= t < max`. Every `f32` is exactly an `f64`, and the
/// bounds (`0`, `±2^31`, `2^32`, `±2^63`, `2^64`) are exact `f64`s, so the
/// comparison is exact for all eight operators; the result then fits its target.
#[inline(always)]
fn trunc_checked(x: f64, min: f64, max: f64) -> Result<f64, TrapCode> {
    if x.is_nan() {
        return Err(TrapCode::InvalidConversionToInteger);
    }
    let t = x.trunc();
    if t >= min && t < max {
        Ok(t)
    } else {
        Err(TrapCode::IntegerOverflow)
    }
}

ops! {
    i32_wrap_i64(a) { r32(a as u32) }
    i64_extend_i32_s(a) { r64(i64::from(s32(a)) as u64) }
    i64_extend_i32_u(a) { r64(u64::from(lo(a))) }

    i32_trunc_f32_s(a) { r32(trunc_checked(f64::from(f32v(a)), -TWO_31, TWO_31)? as i32 as u32) }
    i32_trunc_f32_u(a) { r32(trunc_checked(f64::from(f32v(a)), 0.0, TWO_32)? as u32) }
    i32_trunc_f64_s(a) { r32(trunc_checked(f64v(a), -TWO_31, TWO_31)? as i32 as u32) }
    i32_trunc_f64_u(a) { r32(trunc_checked(f64v(a), 0.0, TWO_32)? as u32) }
    i64_trunc_f32_s(a) { r64(trunc_checked(f64::from(f32v(a)), -TWO_63, TWO_63)? as i64 as u64) }
    i64_trunc_f32_u(a) { r64(trunc_checked(f64::from(f32v(a)), 0.0, TWO_64)? as u64) }
    i64_trunc_f64_s(a) { r64(trunc_checked(f64v(a), -TWO_63, TWO_63)? as i64 as u64) }
    i64_trunc_f64_u(a) { r64(trunc_checked(f64v(a), 0.0, TWO_64)? as u64) }

    // Rust's float-to-int `as` saturates and maps NaN to 0: exactly `trunc_sat`.
    i32_trunc_sat_f32_s(a) { r32(f32v(a) as i32 as u32) }
    i32_trunc_sat_f32_u(a) { r32(f32v(a) as u32) }
    i32_trunc_sat_f64_s(a) { r32(f64v(a) as i32 as u32) }
    i32_trunc_sat_f64_u(a) { r32(f64v(a) as u32) }
    i64_trunc_sat_f32_s(a) { r64(f32v(a) as i64 as u64) }
    i64_trunc_sat_f32_u(a) { r64(f32v(a) as u64) }
    i64_trunc_sat_f64_s(a) { r64(f64v(a) as i64 as u64) }
    i64_trunc_sat_f64_u(a) { r64(f64v(a) as u64) }

    // Rust's int-to-float `as` rounds to nearest, ties to even.
    f32_convert_i32_s(a) { rf32(s32(a) as f32) }
    f32_convert_i32_u(a) { rf32(lo(a) as f32) }
    f32_convert_i64_s(a) { rf32(a as i64 as f32) }
    f32_convert_i64_u(a) { rf32(a as f32) }
    f32_demote_f64(a) { rf32(f64v(a) as f32) }
    f64_convert_i32_s(a) { rf64(f64::from(s32(a))) }
    f64_convert_i32_u(a) { rf64(f64::from(lo(a))) }
    f64_convert_i64_s(a) { rf64(a as i64 as f64) }
    f64_convert_i64_u(a) { rf64(a as f64) }
    f64_promote_f32(a) { rf64(f64::from(f32v(a))) }

    i32_reinterpret_f32(a) { r32(lo(a)) }
    i64_reinterpret_f64(a) { r64(a) }
    f32_reinterpret_i32(a) { r32(lo(a)) }
    f64_reinterpret_i64(a) { r64(a) }

    i32_extend8_s(a) { r32(i32::from(a as u8 as i8) as u32) }
    i32_extend16_s(a) { r32(i32::from(a as u16 as i16) as u32) }
    i64_extend8_s(a) { r64(i64::from(a as u8 as i8) as u64) }
    i64_extend16_s(a) { r64(i64::from(a as u16 as i16) as u64) }
    i64_extend32_s(a) { r64(i64::from(s32(a)) as u64) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GARBAGE: u64 = 0xdead_beef_0000_0000;
    const DZ: Result<u64, TrapCode> = Err(TrapCode::IntegerDivideByZero);
    const OVF: Result<u64, TrapCode> = Err(TrapCode::IntegerOverflow);
    const INV: Result<u64, TrapCode> = Err(TrapCode::InvalidConversionToInteger);

    fn i32s(x: i32) -> u64 {
        u64::from(x as u32)
    }
    fn i64s(x: i64) -> u64 {
        x as u64
    }
    fn f32s(x: f32) -> u64 {
        u64::from(x.to_bits())
    }
    fn f64s(x: f64) -> u64 {
        x.to_bits()
    }
    fn is_nan32(r: Result<u64, TrapCode>) -> bool {
        matches!(r, Ok(bits) if bits >> 32 == 0 && f32::from_bits(bits as u32).is_nan())
    }
    fn is_nan64(r: Result<u64, TrapCode>) -> bool {
        matches!(r, Ok(bits) if f64::from_bits(bits).is_nan())
    }
    fn is_quiet_nan32(r: Result<u64, TrapCode>) -> bool {
        is_nan32(r) && matches!(r, Ok(bits) if bits & 0x0040_0000 != 0)
    }
    fn is_quiet_nan64(r: Result<u64, TrapCode>) -> bool {
        is_nan64(r) && matches!(r, Ok(bits) if bits & 0x0008_0000_0000_0000 != 0)
    }

    /// Inputs exercised by the table-driven tests: zeros, extremes, NaNs, infinities,
    /// and values with garbage upper halves.
    const SAMPLES: [u64; 16] = [
        0,
        1,
        2,
        u64::MAX,
        0x8000_0000,
        0x7fff_ffff,
        0xffff_ffff,
        0x8000_0000_0000_0000,
        0x7fc0_0000,           // f32 quiet NaN
        0x7fa0_0001,           // f32 signalling NaN
        0x7f80_0000,           // f32 +inf
        0x3f80_0000,           // f32 1.0
        0x7ff8_0000_0000_0000, // f64 quiet NaN
        0xfff4_0000_0000_0001, // f64 signalling NaN
        0x3ff0_0000_0000_0000, // f64 1.0
        0x1234_5678_9abc_def0,
    ];

    /// Width mask of a table type: bits outside it are ignored on input (32-bit
    /// types) and must be zero on output.
    fn width_mask(ty: &str) -> u64 {
        match ty {
            "I32" | "F32" => 0xffff_ffff,
            _ => u64::MAX,
        }
    }

    /// Checks one row: it exists with the right arity and convention, never traps
    /// unless the table says it can, ignores the upper half of 32-bit inputs, and
    /// zero-extends 32-bit results.
    macro_rules! check_row {
        ($snake:ident [$p:ident] $r:ident $trap:literal) => {
            let f: fn(u64) -> Result<u64, TrapCode> = $snake;
            for &a in &SAMPLES {
                let res = f(a);
                assert_eq!(
                    res,
                    f(a ^ (GARBAGE & !width_mask(stringify!($p)))),
                    "{} ignores upper bits",
                    stringify!($snake)
                );
                check_result(stringify!($snake), res, width_mask(stringify!($r)), $trap);
            }
        };
        ($snake:ident [$p:ident $q:ident] $r:ident $trap:literal) => {
            let f: fn(u64, u64) -> Result<u64, TrapCode> = $snake;
            for &a in &SAMPLES {
                for &b in &SAMPLES {
                    let res = f(a, b);
                    let dirty = f(
                        a ^ (GARBAGE & !width_mask(stringify!($p))),
                        b ^ (GARBAGE & !width_mask(stringify!($q))),
                    );
                    assert_eq!(res, dirty, "{} ignores upper bits", stringify!($snake));
                    check_result(stringify!($snake), res, width_mask(stringify!($r)), $trap);
                }
            }
        };
    }

    fn check_result(name: &str, res: Result<u64, TrapCode>, mask: u64, can_trap: bool) {
        match res {
            Ok(bits) => assert_eq!(bits & !mask, 0, "{name} result is not zero-extended"),
            Err(_) => assert!(can_trap, "{name} trapped but the table says it cannot"),
        }
    }

    macro_rules! check_table {
        ($($name:ident $snake:ident [$($p:ident)*] $r:ident $trap:literal;)*) => {{
            let mut rows = 0usize;
            $( check_row!($snake [$($p)*] $r $trap); rows += 1; )*
            rows
        }};
    }

    #[test]
    fn every_row_has_a_function_obeying_the_slot_convention() {
        let rows = crate::for_each_num_op!(check_table, []);
        assert_eq!(rows, 136);
    }

    #[test]
    fn integer_division() {
        assert_eq!(i32_div_s(i32s(i32::MIN), i32s(-1)), OVF);
        assert_eq!(i64_div_s(i64s(i64::MIN), i64s(-1)), OVF);
        assert_eq!(i32_rem_s(i32s(i32::MIN), i32s(-1)), Ok(0));
        assert_eq!(i64_rem_s(i64s(i64::MIN), i64s(-1)), Ok(0));
        for f in [
            i32_div_s, i32_div_u, i32_rem_s, i32_rem_u, i64_div_s, i64_div_u, i64_rem_s, i64_rem_u,
        ] {
            assert_eq!(f(7, 0), DZ);
            assert_eq!(f(0, 0), DZ);
        }
        // A zero low half is zero even if the upper half is not.
        assert_eq!(i32_div_u(7, GARBAGE), DZ);
        assert_eq!(i32_div_s(i32s(-7), i32s(2)), Ok(i32s(-3)));
        assert_eq!(i32_rem_s(i32s(-7), i32s(2)), Ok(i32s(-1)));
        assert_eq!(i32_div_u(i32s(-7), i32s(2)), Ok(0x7fff_fffc));
        assert_eq!(i32_rem_u(i32s(-7), i32s(2)), Ok(1));
        assert_eq!(i64_div_s(i64s(-7), i64s(2)), Ok(i64s(-3)));
        assert_eq!(i64_rem_s(i64s(7), i64s(-2)), Ok(1));
        assert_eq!(i64_div_u(u64::MAX, 2), Ok(u64::MAX / 2));
    }

    #[test]
    fn shifts_and_rotates_mask_the_count() {
        assert_eq!(i32_shl(1, 33), Ok(2));
        assert_eq!(i32_shl(1, 32), Ok(1));
        assert_eq!(i32_shl(1, GARBAGE | 31), Ok(0x8000_0000));
        assert_eq!(i32_shr_s(i32s(i32::MIN), 63), Ok(0xffff_ffff));
        assert_eq!(i32_shr_u(0x8000_0000, 63), Ok(1));
        assert_eq!(i32_rotl(0x8000_0001, 33), Ok(3));
        assert_eq!(i32_rotr(3, 0xffff_ffe1), Ok(0x8000_0001));
        assert_eq!(i64_shl(1, 65), Ok(2));
        assert_eq!(i64_shl(1, 0x1_0000_0001), Ok(2));
        assert_eq!(i64_shr_s(i64s(i64::MIN), 127), Ok(u64::MAX));
        assert_eq!(i64_shr_u(F64_SIGN, 127), Ok(1));
        assert_eq!(i64_rotl(F64_SIGN | 1, 65), Ok(3));
        assert_eq!(i64_rotl(1, 0x1_0000_0001), Ok(2));
        assert_eq!(i64_rotr(3, 0xffff_ffff_ffff_ffc1), Ok(F64_SIGN | 1));
    }

    #[test]
    fn i32_inputs_ignore_upper_bits_and_outputs_are_zero_extended() {
        assert_eq!(i32_add(GARBAGE | 0xffff_ffff, 1), Ok(0));
        assert_eq!(i32_sub(0, 1), Ok(0xffff_ffff));
        assert_eq!(i32_eqz(GARBAGE), Ok(1));
        assert_eq!(i32_lt_s(GARBAGE | 0xffff_ffff, 0), Ok(1));
        assert_eq!(i32_clz(GARBAGE), Ok(32));
        assert_eq!(i32_ctz(GARBAGE), Ok(32));
        assert_eq!(i32_popcnt(GARBAGE | 1), Ok(1));
        assert_eq!(i64_clz(0), Ok(64));
        assert_eq!(i64_popcnt(u64::MAX), Ok(64));
        assert_eq!(i64_extend_i32_s(GARBAGE | 0xffff_fffe), Ok(i64s(-2)));
        assert_eq!(i64_extend_i32_u(GARBAGE | 0xffff_fffe), Ok(0xffff_fffe));
        assert_eq!(i32_wrap_i64(0x1234_5678_9abc_def0), Ok(0x9abc_def0));
        assert_eq!(i32_extend8_s(GARBAGE | 0x80), Ok(0xffff_ff80));
        assert_eq!(i32_extend16_s(0x7fff), Ok(0x7fff));
        assert_eq!(i32_extend16_s(0x1_8000), Ok(0xffff_8000));
        assert_eq!(i64_extend8_s(0x180), Ok(i64s(-128)));
        assert_eq!(i64_extend16_s(0x8000), Ok(i64s(-32768)));
        assert_eq!(i64_extend32_s(0x1_8000_0000), Ok(i64s(-(1 << 31))));
        assert_eq!(f32_neg(GARBAGE), Ok(0x8000_0000));
        assert_eq!(f32_convert_i32_u(GARBAGE | 1), Ok(f32s(1.0)));
    }

    #[test]
    fn trapping_truncations_respect_exact_boundaries() {
        let s32s = |f: fn(u64) -> Result<u64, TrapCode>, x: f32| f(f32s(x));
        // i32.trunc_f32_s
        assert_eq!(s32s(i32_trunc_f32_s, -2_147_483_648.0), Ok(i32s(i32::MIN)));
        assert_eq!(s32s(i32_trunc_f32_s, 2_147_483_648.0), OVF);
        assert_eq!(s32s(i32_trunc_f32_s, 2_147_483_520.0), Ok(2_147_483_520));
        assert_eq!(s32s(i32_trunc_f32_s, -2_147_483_904.0), OVF);
        assert_eq!(s32s(i32_trunc_f32_s, -1.9), Ok(i32s(-1)));
        assert_eq!(s32s(i32_trunc_f32_s, f32::NAN), INV);
        assert_eq!(s32s(i32_trunc_f32_s, f32::INFINITY), OVF);
        // i32.trunc_f32_u
        assert_eq!(s32s(i32_trunc_f32_u, 4_294_967_040.0), Ok(4_294_967_040));
        assert_eq!(s32s(i32_trunc_f32_u, 4_294_967_296.0), OVF);
        assert_eq!(s32s(i32_trunc_f32_u, -0.9), Ok(0));
        assert_eq!(s32s(i32_trunc_f32_u, -1.0), OVF);
        assert_eq!(s32s(i32_trunc_f32_u, -f32::NAN), INV);
        // i32.trunc_f64_s
        assert_eq!(i32_trunc_f64_s(f64s(2_147_483_647.9)), Ok(0x7fff_ffff));
        assert_eq!(i32_trunc_f64_s(f64s(2_147_483_648.0)), OVF);
        assert_eq!(i32_trunc_f64_s(f64s(-2_147_483_648.9)), Ok(i32s(i32::MIN)));
        assert_eq!(i32_trunc_f64_s(f64s(-2_147_483_649.0)), OVF);
        assert_eq!(i32_trunc_f64_s(f64s(f64::NAN)), INV);
        // i32.trunc_f64_u
        assert_eq!(i32_trunc_f64_u(f64s(4_294_967_295.9)), Ok(0xffff_ffff));
        assert_eq!(i32_trunc_f64_u(f64s(4_294_967_296.0)), OVF);
        assert_eq!(i32_trunc_f64_u(f64s(-0.9)), Ok(0));
        assert_eq!(i32_trunc_f64_u(f64s(-1.0)), OVF);
        assert_eq!(i32_trunc_f64_u(f64s(f64::NEG_INFINITY)), OVF);
        assert_eq!(i32_trunc_f64_u(f64s(f64::NAN)), INV);
        // i64.trunc_f32_s
        assert_eq!(
            s32s(i64_trunc_f32_s, -9_223_372_036_854_775_808.0),
            Ok(i64s(i64::MIN))
        );
        assert_eq!(s32s(i64_trunc_f32_s, 9_223_372_036_854_775_808.0), OVF);
        assert_eq!(
            s32s(i64_trunc_f32_s, 9_223_371_487_098_961_920.0),
            Ok(9_223_371_487_098_961_920)
        );
        assert_eq!(s32s(i64_trunc_f32_s, f32::NAN), INV);
        // i64.trunc_f32_u
        assert_eq!(
            s32s(i64_trunc_f32_u, 18_446_742_974_197_923_840.0),
            Ok(18_446_742_974_197_923_840)
        );
        assert_eq!(s32s(i64_trunc_f32_u, 18_446_744_073_709_551_616.0), OVF);
        assert_eq!(s32s(i64_trunc_f32_u, -0.9), Ok(0));
        assert_eq!(s32s(i64_trunc_f32_u, -1.0), OVF);
        assert_eq!(s32s(i64_trunc_f32_u, f32::NAN), INV);
        // i64.trunc_f64_s
        assert_eq!(
            i64_trunc_f64_s(f64s(-9_223_372_036_854_775_808.0)),
            Ok(i64s(i64::MIN))
        );
        assert_eq!(i64_trunc_f64_s(f64s(9_223_372_036_854_775_808.0)), OVF);
        assert_eq!(
            i64_trunc_f64_s(f64s(9_223_372_036_854_774_784.0)),
            Ok(9_223_372_036_854_774_784)
        );
        assert_eq!(i64_trunc_f64_s(f64s(-9_223_372_036_854_777_856.0)), OVF);
        assert_eq!(i64_trunc_f64_s(f64s(f64::NAN)), INV);
        // i64.trunc_f64_u
        assert_eq!(
            i64_trunc_f64_u(f64s(18_446_744_073_709_549_568.0)),
            Ok(18_446_744_073_709_549_568)
        );
        assert_eq!(i64_trunc_f64_u(f64s(18_446_744_073_709_551_616.0)), OVF);
        assert_eq!(i64_trunc_f64_u(f64s(-0.9)), Ok(0));
        assert_eq!(i64_trunc_f64_u(f64s(-1.0)), OVF);
        assert_eq!(i64_trunc_f64_u(f64s(f64::INFINITY)), OVF);
        assert_eq!(i64_trunc_f64_u(f64s(f64::NAN)), INV);
    }

    #[test]
    fn saturating_truncations() {
        assert_eq!(i32_trunc_sat_f32_s(f32s(f32::NAN)), Ok(0));
        assert_eq!(i32_trunc_sat_f32_s(f32s(f32::INFINITY)), Ok(0x7fff_ffff));
        assert_eq!(
            i32_trunc_sat_f32_s(f32s(f32::NEG_INFINITY)),
            Ok(0x8000_0000)
        );
        assert_eq!(i32_trunc_sat_f32_u(f32s(f32::NEG_INFINITY)), Ok(0));
        assert_eq!(i32_trunc_sat_f32_u(f32s(f32::INFINITY)), Ok(0xffff_ffff));
        assert_eq!(i32_trunc_sat_f64_s(f64s(-f64::NAN)), Ok(0));
        assert_eq!(i32_trunc_sat_f64_s(f64s(-3e9)), Ok(0x8000_0000));
        assert_eq!(i32_trunc_sat_f64_u(f64s(5e9)), Ok(0xffff_ffff));
        assert_eq!(i32_trunc_sat_f64_u(f64s(-0.9)), Ok(0));
        assert_eq!(i64_trunc_sat_f32_s(f32s(f32::NAN)), Ok(0));
        assert_eq!(
            i64_trunc_sat_f32_s(f32s(f32::NEG_INFINITY)),
            Ok(i64s(i64::MIN))
        );
        assert_eq!(i64_trunc_sat_f32_u(f32s(f32::INFINITY)), Ok(u64::MAX));
        assert_eq!(i64_trunc_sat_f64_s(f64s(f64::INFINITY)), Ok(i64s(i64::MAX)));
        assert_eq!(i64_trunc_sat_f64_u(f64s(f64::NAN)), Ok(0));
        assert_eq!(i64_trunc_sat_f64_u(f64s(-1e30)), Ok(0));
        assert_eq!(i64_trunc_sat_f64_s(f64s(-7.5)), Ok(i64s(-7)));
    }

    #[test]
    fn min_max_nan_and_signed_zeros() {
        let (p0, n0) = (f32s(0.0), f32s(-0.0));
        assert_eq!(f32_min(p0, n0), Ok(n0));
        assert_eq!(f32_min(n0, p0), Ok(n0));
        assert_eq!(f32_max(p0, n0), Ok(p0));
        assert_eq!(f32_max(n0, p0), Ok(p0));
        let (p0, n0) = (f64s(0.0), f64s(-0.0));
        assert_eq!(f64_min(p0, n0), Ok(n0));
        assert_eq!(f64_max(n0, p0), Ok(p0));
        for f in [f32_min, f32_max] {
            assert!(is_quiet_nan32(f(f32s(f32::NAN), f32s(1.0))));
            assert!(is_quiet_nan32(f(f32s(1.0), f32s(f32::NAN))));
            assert!(is_quiet_nan32(f(0x7fa0_0001, f32s(f32::INFINITY))));
            assert!(is_quiet_nan32(f(f32s(f32::NEG_INFINITY), 0xffa0_0001)));
        }
        for f in [f64_min, f64_max] {
            assert!(is_quiet_nan64(f(f64s(f64::NAN), f64s(1.0))));
            assert!(is_quiet_nan64(f(f64s(1.0), f64s(f64::NAN))));
            assert!(is_quiet_nan64(f(0x7ff4_0000_0000_0001, f64s(0.0))));
        }
        assert_eq!(f32_min(f32s(1.0), f32s(-2.0)), Ok(f32s(-2.0)));
        assert_eq!(
            f32_max(f32s(1.0), f32s(f32::INFINITY)),
            Ok(f32s(f32::INFINITY))
        );
        assert_eq!(
            f64_min(f64s(f64::NEG_INFINITY), f64s(3.0)),
            Ok(f64s(f64::NEG_INFINITY))
        );
        assert_eq!(f64_max(f64s(-1.0), f64s(-2.0)), Ok(f64s(-1.0)));
    }

    #[test]
    fn rounding() {
        for (x, want) in [
            (0.5, 0.0),
            (1.5, 2.0),
            (2.5, 2.0),
            (-0.5, -0.0),
            (-1.5, -2.0),
            (3.7, 4.0),
        ] {
            assert_eq!(f32_nearest(f32s(x)), Ok(f32s(want)), "nearest {x}");
            assert_eq!(
                f64_nearest(f64s(f64::from(x))),
                Ok(f64s(f64::from(want))),
                "nearest {x}"
            );
        }
        assert_eq!(f32_ceil(f32s(-0.5)), Ok(f32s(-0.0)));
        assert_eq!(f32_floor(f32s(-0.5)), Ok(f32s(-1.0)));
        assert_eq!(f32_trunc(f32s(-1.7)), Ok(f32s(-1.0)));
        assert_eq!(f64_ceil(f64s(1.2)), Ok(f64s(2.0)));
        assert_eq!(f64_floor(f64s(-0.0)), Ok(f64s(-0.0)));
        assert_eq!(f64_trunc(f64s(-0.7)), Ok(f64s(-0.0)));
        assert_eq!(f64_sqrt(f64s(16.0)), Ok(f64s(4.0)));
        assert!(is_quiet_nan32(f32_sqrt(f32s(-1.0))));
        assert!(is_quiet_nan64(f64_sqrt(f64s(-1.0))));
        for f in [f32_ceil, f32_floor, f32_trunc, f32_nearest, f32_sqrt] {
            assert!(is_quiet_nan32(f(0x7fa0_0001)));
            assert!(is_quiet_nan32(f(0xffc0_0000)));
        }
        for f in [f64_ceil, f64_floor, f64_trunc, f64_nearest, f64_sqrt] {
            assert!(is_quiet_nan64(f(0x7ff4_0000_0000_0001)));
            assert!(is_quiet_nan64(f(0xfff8_0000_0000_0000)));
        }
        assert_eq!(f32_nearest(f32s(-0.0)), Ok(f32s(-0.0)));
        assert_eq!(
            f64_nearest(f64s(4_503_599_627_370_497.0)),
            Ok(f64s(4_503_599_627_370_497.0))
        );
        assert_eq!(
            f32_ceil(f32s(f32::NEG_INFINITY)),
            Ok(f32s(f32::NEG_INFINITY))
        );
    }

    #[test]
    fn sign_operations_are_bitwise_and_keep_nan_payloads() {
        let snan32 = 0x7fa0_0001;
        assert_eq!(f32_copysign(snan32, f32s(-1.0)), Ok(0xffa0_0001));
        assert_eq!(f32_copysign(0xffa0_0001, f32s(1.0)), Ok(snan32));
        assert_eq!(f32_copysign(f32s(2.0), 0xffc0_0000), Ok(f32s(-2.0)));
        assert_eq!(f32_abs(0xffa0_0001), Ok(snan32));
        assert_eq!(f32_neg(snan32), Ok(0xffa0_0001));
        assert_eq!(f32_neg(f32s(0.0)), Ok(f32s(-0.0)));
        let snan64 = 0x7ff4_0000_0000_0001;
        assert_eq!(f64_copysign(snan64, f64s(-0.0)), Ok(snan64 | F64_SIGN));
        assert_eq!(f64_copysign(f64s(-3.0), snan64), Ok(f64s(3.0)));
        assert_eq!(f64_abs(snan64 | F64_SIGN), Ok(snan64));
        assert_eq!(f64_neg(snan64), Ok(snan64 | F64_SIGN));
        assert_eq!(i32_reinterpret_f32(snan32), Ok(snan32));
        assert_eq!(f32_reinterpret_i32(GARBAGE | snan32), Ok(snan32));
        assert_eq!(i64_reinterpret_f64(snan64), Ok(snan64));
        assert_eq!(f64_reinterpret_i64(snan64), Ok(snan64));
    }

    #[test]
    fn float_arithmetic_and_comparisons() {
        assert_eq!(f32_add(f32s(1.5), f32s(2.25)), Ok(f32s(3.75)));
        assert_eq!(f32_sub(f32s(1.0), f32s(1.0)), Ok(f32s(0.0)));
        assert_eq!(f32_mul(f32s(-2.0), f32s(0.0)), Ok(f32s(-0.0)));
        assert_eq!(f32_div(f32s(1.0), f32s(0.0)), Ok(f32s(f32::INFINITY)));
        assert!(is_quiet_nan32(f32_div(f32s(0.0), f32s(0.0))));
        assert!(is_quiet_nan32(f32_add(0x7fa0_0001, f32s(1.0))));
        assert_eq!(f64_add(f64s(0.1), f64s(0.2)), Ok(f64s(0.1 + 0.2)));
        assert_eq!(f64_div(f64s(-1.0), f64s(0.0)), Ok(f64s(f64::NEG_INFINITY)));
        assert!(is_quiet_nan64(f64_mul(f64s(f64::INFINITY), f64s(0.0))));
        let nan32 = f32s(f32::NAN);
        for f in [f32_eq, f32_lt, f32_gt, f32_le, f32_ge] {
            assert_eq!(f(nan32, nan32), Ok(0));
            assert_eq!(f(nan32, f32s(1.0)), Ok(0));
        }
        assert_eq!(f32_ne(nan32, nan32), Ok(1));
        assert_eq!(f32_eq(f32s(0.0), f32s(-0.0)), Ok(1));
        assert_eq!(f32_lt(f32s(-0.0), f32s(0.0)), Ok(0));
        assert_eq!(f32_le(f32s(-1.0), f32s(-0.0)), Ok(1));
        let nan64 = f64s(f64::NAN);
        for f in [f64_eq, f64_lt, f64_gt, f64_le, f64_ge] {
            assert_eq!(f(nan64, f64s(0.0)), Ok(0));
        }
        assert_eq!(f64_ne(nan64, nan64), Ok(1));
        assert_eq!(f64_ge(f64s(0.0), f64s(-0.0)), Ok(1));
        assert_eq!(f64_gt(f64s(2.0), f64s(1.0)), Ok(1));
        assert_eq!(i64_lt_s(i64s(-1), 0), Ok(1));
        assert_eq!(i64_lt_u(i64s(-1), 0), Ok(0));
        assert_eq!(i64_ge_u(u64::MAX, 1 << 32), Ok(1));
        assert_eq!(i32_gt_u(0xffff_ffff, 1), Ok(1));
        assert_eq!(i32_gt_s(0xffff_ffff, 1), Ok(0));
    }

    #[test]
    fn int_to_float_conversions_round_to_nearest_even() {
        // 2^24 + 1 is halfway between two f32s: ties to even goes down.
        assert_eq!(f32_convert_i32_s(16_777_217), Ok(f32s(16_777_216.0)));
        assert_eq!(f32_convert_i32_s(16_777_219), Ok(f32s(16_777_220.0)));
        assert_eq!(f32_convert_i32_s(i32s(-1)), Ok(f32s(-1.0)));
        assert_eq!(f32_convert_i32_u(0xffff_ffff), Ok(f32s(4_294_967_296.0)));
        assert_eq!(
            f32_convert_i64_s(i64s(i64::MIN)),
            Ok(f32s(-9_223_372_036_854_775_808.0))
        );
        assert_eq!(
            f32_convert_i64_u(u64::MAX),
            Ok(f32s(18_446_744_073_709_551_616.0))
        );
        // Just above a tie: must round up, not double-round through f64.
        assert_eq!(
            f32_convert_i64_u(0x0020_0000_2000_0001),
            Ok(f32s(9_007_200_328_482_816.0))
        );
        assert_eq!(f64_convert_i32_s(i32s(-5)), Ok(f64s(-5.0)));
        assert_eq!(
            f64_convert_i32_u(GARBAGE | 0xffff_ffff),
            Ok(f64s(4_294_967_295.0))
        );
        assert_eq!(
            f64_convert_i64_s(i64s(-(1 << 53) - 1)),
            Ok(f64s(-9_007_199_254_740_992.0))
        );
        assert_eq!(
            f64_convert_i64_u(u64::MAX),
            Ok(f64s(18_446_744_073_709_551_616.0))
        );
    }

    #[test]
    fn demote_and_promote() {
        assert_eq!(f32_demote_f64(f64s(1.5)), Ok(f32s(1.5)));
        assert_eq!(f32_demote_f64(f64s(1e300)), Ok(f32s(f32::INFINITY)));
        assert_eq!(f32_demote_f64(f64s(-0.0)), Ok(f32s(-0.0)));
        assert_eq!(
            f32_demote_f64(f64s(f64::from(f32::MAX) * (1.0 + f64::EPSILON))),
            Ok(f32s(f32::MAX))
        );
        assert!(is_quiet_nan32(f32_demote_f64(0x7ff4_0000_0000_0001)));
        assert!(is_quiet_nan32(f32_demote_f64(f64s(f64::NAN))));
        assert_eq!(f64_promote_f32(f32s(0.1)), Ok(f64s(f64::from(0.1f32))));
        assert_eq!(f64_promote_f32(GARBAGE | f32s(-2.0)), Ok(f64s(-2.0)));
        assert!(is_quiet_nan64(f64_promote_f32(0x7fa0_0001)));
    }
}
