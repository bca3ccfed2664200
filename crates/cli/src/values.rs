//! Converting between command-line text and wasm values.
//!
//! Arguments are parsed per the parameter type of the called function:
//! integers in decimal (signed, or unsigned up to the type's width) or `0x`
//! hex (taken as raw bits, optionally negated); floats in decimal, `nan`,
//! `inf`, `-inf` or `nan:0x...` (a payload); references only as `null`.
//! Results print the same way, so a printed result parses back to itself.

use anyhow::{anyhow, bail, Result};
use strata_api::{Val, ValType};

/// Parse `text` as a value of type `ty`.
///
/// # Errors
/// If `text` is not a valid literal of that type or is out of range.
pub fn parse_val(text: &str, ty: ValType) -> Result<Val> {
    let bad = || anyhow!("invalid {} argument `{text}`", type_name(ty));
    Ok(match ty {
        ValType::I32 => {
            let v = parse_int(text, 32).ok_or_else(bad)?;
            Val::I32(v as u32 as i32)
        }
        ValType::I64 => {
            let v = parse_int(text, 64).ok_or_else(bad)?;
            Val::I64(v as i64)
        }
        ValType::F32 => Val::F32(parse_f32(text).ok_or_else(bad)?),
        ValType::F64 => Val::F64(parse_f64(text).ok_or_else(bad)?),
        ValType::Ref(r) if text == "null" && r.nullable => {
            if r.heap.is_func() {
                Val::FuncRef(None)
            } else {
                Val::ExternRef(None)
            }
        }
        ValType::V128 => Val::V128(parse_v128(text).ok_or_else(bad)?),
        ValType::Ref(_) => bail!(
            "cannot pass a {} argument from the command line",
            type_name(ty)
        ),
    })
}

/// Format a value for printing.
pub fn format_val(v: &Val) -> String {
    match *v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(bits) => {
            let v = f32::from_bits(bits);
            let payload = u64::from(bits & 0x007f_ffff);
            special_float(
                v.is_nan(),
                v.is_infinite(),
                bits >> 31 != 0,
                payload,
                0x0040_0000,
            )
            .unwrap_or_else(|| v.to_string())
        }
        Val::F64(bits) => {
            let v = f64::from_bits(bits);
            let payload = bits & 0x000f_ffff_ffff_ffff;
            special_float(
                v.is_nan(),
                v.is_infinite(),
                bits >> 63 != 0,
                payload,
                1 << 51,
            )
            .unwrap_or_else(|| v.to_string())
        }
        Val::V128(bits) => format!("{bits:#034x}"),
        Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None) => {
            "null".to_string()
        }
        Val::FuncRef(Some(_)) => "<funcref>".to_string(),
        Val::ExternRef(Some(_)) => "<externref>".to_string(),
        Val::AnyRef(Some(_)) => "<anyref>".to_string(),
        Val::ExnRef(Some(_)) => "<exnref>".to_string(),
    }
}

/// A `v128` argument: the vector as one 128-bit integer, hexadecimal with
/// `0x` (lane 0 in the low bits, as `format_val` prints it) or decimal.
fn parse_v128(text: &str) -> Option<u128> {
    let digits = text.replace('_', "");
    match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => u128::from_str_radix(hex, 16).ok(),
        None => digits.parse().ok(),
    }
}

/// Short wasm name of a value type, for messages.
pub fn type_name(ty: ValType) -> &'static str {
    match ty {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "v128",
        ValType::Ref(r) if r.heap.is_func() => "funcref",
        ValType::Ref(_) => "externref",
    }
}

/// An integer literal of `bits` width as raw bits: decimal in
/// `[-2^(bits-1), 2^bits)`, or `0x` hex of at most `bits` bits, either
/// optionally negated.
fn parse_int(text: &str, bits: u32) -> Option<u64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => u128::from_str_radix(&hex.replace('_', ""), 16).ok()?,
        None => digits.replace('_', "").parse::<u128>().ok()?,
    };
    let limit = 1u128 << bits;
    if negative {
        if magnitude > limit / 2 {
            return None;
        }
        Some((limit - magnitude) as u64 & (limit - 1) as u64)
    } else if magnitude < limit {
        Some(magnitude as u64)
    } else {
        None
    }
}

fn parse_f32(text: &str) -> Option<u32> {
    match nan_payload(text, 0x007f_ffff)? {
        Some((negative, payload)) => Some(u32::from(negative) << 31 | 0x7f80_0000 | payload as u32),
        None => Some(parse_finite_or_inf::<f32>(text)?.to_bits()),
    }
}

fn parse_f64(text: &str) -> Option<u64> {
    match nan_payload(text, 0x000f_ffff_ffff_ffff)? {
        Some((negative, payload)) => {
            Some(u64::from(negative) << 63 | 0x7ff0_0000_0000_0000 | payload)
        }
        None => Some(parse_finite_or_inf::<f64>(text)?.to_bits()),
    }
}

/// `Some(Some((negative, payload)))` for a NaN literal, `Some(None)` for
/// anything else, `None` for a NaN literal with a bad payload.
fn nan_payload(text: &str, mask: u64) -> Option<Option<(bool, u64)>> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let lower = rest.to_ascii_lowercase();
    if lower == "nan" {
        return Some(Some((negative, (mask + 1) >> 1)));
    }
    match lower.strip_prefix("nan:0x") {
        Some(hex) => {
            let payload = u64::from_str_radix(&hex.replace('_', ""), 16).ok()?;
            (payload != 0 && payload & !mask == 0).then_some(Some((negative, payload)))
        }
        None => Some(None),
    }
}

fn parse_finite_or_inf<F: std::str::FromStr>(text: &str) -> Option<F> {
    // Rust's parser also accepts "infinity" and "NaN"; NaN was handled above.
    text.replace('_', "").parse::<F>().ok()
}

/// `inf`/`-inf`, or `nan`/`nan:0x...` for a non-canonical payload; `None`
/// for a finite value, which prints in Rust's shortest round-trip decimal.
fn special_float(
    nan: bool,
    infinite: bool,
    negative: bool,
    payload: u64,
    canonical: u64,
) -> Option<String> {
    let sign = if negative { "-" } else { "" };
    if nan && payload == canonical {
        Some(format!("{sign}nan"))
    } else if nan {
        Some(format!("{sign}nan:{payload:#x}"))
    } else if infinite {
        Some(format!("{sign}inf"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, ty: ValType) -> Option<Val> {
        parse_val(text, ty).ok()
    }

    #[test]
    fn integers() {
        assert_eq!(p("42", ValType::I32), Some(Val::I32(42)));
        assert_eq!(p("-1", ValType::I32), Some(Val::I32(-1)));
        assert_eq!(p("4294967295", ValType::I32), Some(Val::I32(-1)));
        assert_eq!(p("0xffffffff", ValType::I32), Some(Val::I32(-1)));
        assert_eq!(p("-2147483648", ValType::I32), Some(Val::I32(i32::MIN)));
        assert_eq!(p("-2147483649", ValType::I32), None);
        assert_eq!(p("4294967296", ValType::I32), None);
        assert_eq!(p("0x1_0000_0000", ValType::I64), Some(Val::I64(1 << 32)));
        assert_eq!(p("18446744073709551615", ValType::I64), Some(Val::I64(-1)));
        assert_eq!(
            p("-9223372036854775808", ValType::I64),
            Some(Val::I64(i64::MIN))
        );
        assert_eq!(p("18446744073709551616", ValType::I64), None);
        for bad in ["", "-", "0x", "12a", "1.5", " 1", "--1"] {
            assert_eq!(p(bad, ValType::I32), None, "{bad:?}");
        }
    }

    #[test]
    fn floats() {
        assert_eq!(p("3.5", ValType::F32), Some(Val::F32(3.5f32.to_bits())));
        assert_eq!(p("-0", ValType::F64), Some(Val::F64((-0.0f64).to_bits())));
        assert_eq!(
            p("inf", ValType::F64),
            Some(Val::F64(f64::INFINITY.to_bits()))
        );
        assert_eq!(
            p("-inf", ValType::F32),
            Some(Val::F32(f32::NEG_INFINITY.to_bits()))
        );
        assert_eq!(p("nan", ValType::F32), Some(Val::F32(0x7fc0_0000)));
        assert_eq!(
            p("-nan", ValType::F64),
            Some(Val::F64(0xfff8_0000_0000_0000))
        );
        assert_eq!(p("nan:0x1", ValType::F32), Some(Val::F32(0x7f80_0001)));
        assert_eq!(p("nan:0x0", ValType::F32), None);
        assert_eq!(p("nan:0x800000", ValType::F32), None);
        assert_eq!(p("x", ValType::F64), None);
    }

    #[test]
    fn references() {
        assert_eq!(p("null", ValType::FUNCREF), Some(Val::FuncRef(None)));
        assert_eq!(p("null", ValType::EXTERNREF), Some(Val::ExternRef(None)));
        assert_eq!(p("1", ValType::FUNCREF), None);
    }

    #[test]
    fn printing_round_trips() {
        for (text, ty) in [
            ("42", ValType::I32),
            ("-7", ValType::I64),
            ("3.5", ValType::F32),
            ("0.1", ValType::F32),
            ("0.1", ValType::F64),
            ("-0", ValType::F64),
            ("inf", ValType::F32),
            ("-inf", ValType::F64),
            ("nan", ValType::F64),
            ("-nan:0x1", ValType::F32),
            ("null", ValType::FUNCREF),
        ] {
            let v = parse_val(text, ty).expect(text);
            assert_eq!(format_val(&v), text);
        }
    }
}
