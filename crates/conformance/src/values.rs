//! Conversion of `.wast` arguments to [`Val`]s and matching of results
//! against `.wast` expectations: exact values (floats by bits), the NaN
//! patterns `nan:canonical` and `nan:arithmetic`, `v128` values lane by lane
//! (float lanes with their own NaN patterns), `ref.null` (optionally of a
//! heap type), `ref.func`, `ref.extern N` / `(ref.extern)`, and `either`.
//!
//! GC references (`ref.host`, `ref.any`, `ref.i31`, ...) are outside
//! Strata's scope: they convert to an error, which the runner reports as a
//! failure naming the construct.

use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

use strata_api::Val;

/// Canonical NaN bits of f32 (sign excluded).
const F32_CANONICAL_NAN: u32 = 0x7fc0_0000;
/// Canonical NaN bits of f64 (sign excluded).
const F64_CANONICAL_NAN: u64 = 0x7ff8_0000_0000_0000;

/// A `.wast` argument, with host references left to the caller (they need
/// the store).
pub(crate) enum Arg {
    /// A plain value.
    Val(Val),
    /// `ref.extern N`: the host reference holding `N`.
    Extern(u32),
}

/// Convert a `.wast` argument.
pub(crate) fn arg(a: &WastArg<'_>) -> Result<Arg, String> {
    let WastArg::Core(core) = a else {
        return Err("component-model arguments are not supported".to_string());
    };
    Ok(match core {
        WastArgCore::I32(v) => Arg::Val(Val::I32(*v)),
        WastArgCore::I64(v) => Arg::Val(Val::I64(*v)),
        WastArgCore::F32(v) => Arg::Val(Val::F32(v.bits)),
        WastArgCore::F64(v) => Arg::Val(Val::F64(v.bits)),
        WastArgCore::V128(v) => Arg::Val(Val::V128(u128::from_le_bytes(v.to_le_bytes()))),
        WastArgCore::RefNull(h) => Arg::Val(null_of(h)?),
        WastArgCore::RefExtern(n) => Arg::Extern(*n),
        WastArgCore::RefHost(_) => return Err("ref.host arguments need GC (not supported)".into()),
    })
}

/// The null reference of a heap type's hierarchy.
fn null_of(h: &HeapType<'_>) -> Result<Val, String> {
    match hierarchy(h) {
        Some(Hierarchy::Func) => Ok(Val::FuncRef(None)),
        Some(Hierarchy::Extern) => Ok(Val::ExternRef(None)),
        Some(Hierarchy::Any) => Ok(Val::AnyRef(None)),
        Some(Hierarchy::Exn) => Ok(Val::ExnRef(None)),
        None => Err(format!("references of heap type {h:?} are not supported")),
    }
}

enum Hierarchy {
    Func,
    Extern,
    Any,
    Exn,
}

fn hierarchy(h: &HeapType<'_>) -> Option<Hierarchy> {
    match h {
        HeapType::Concrete(_) | HeapType::Exact(_) => Some(Hierarchy::Func),
        HeapType::Abstract { shared: false, ty } => match ty {
            AbstractHeapType::Func | AbstractHeapType::NoFunc => Some(Hierarchy::Func),
            AbstractHeapType::Extern | AbstractHeapType::NoExtern => Some(Hierarchy::Extern),
            AbstractHeapType::Exn | AbstractHeapType::NoExn => Some(Hierarchy::Exn),
            AbstractHeapType::Any
            | AbstractHeapType::Eq
            | AbstractHeapType::I31
            | AbstractHeapType::Struct
            | AbstractHeapType::Array
            | AbstractHeapType::None => Some(Hierarchy::Any),
            _ => None,
        },
        HeapType::Abstract { shared: true, .. } => None,
    }
}

/// Where a result's host reference data comes from: the `N` of the
/// `ref.extern N` value behind an `externref`, if it is one the runner made.
pub(crate) trait ExternLookup {
    /// The `N` held by the host reference `v`, if any.
    fn extern_number(&self, v: &Val) -> Option<u32>;
}

/// Whether `actual` matches the expectation; `Err` for an expectation the
/// runner cannot check (SIMD, GC).
pub(crate) fn matches(
    expected: &WastRet<'_>,
    actual: &Val,
    externs: &dyn ExternLookup,
) -> Result<bool, String> {
    let WastRet::Core(core) = expected else {
        return Err("component-model results are not supported".to_string());
    };
    matches_core(core, actual, externs)
}

fn matches_core(
    expected: &WastRetCore<'_>,
    actual: &Val,
    externs: &dyn ExternLookup,
) -> Result<bool, String> {
    Ok(match (expected, actual) {
        (WastRetCore::I32(e), Val::I32(a)) => e == a,
        (WastRetCore::I64(e), Val::I64(a)) => e == a,
        (WastRetCore::F32(p), Val::F32(bits)) => match p {
            NanPattern::CanonicalNan => bits & 0x7fff_ffff == F32_CANONICAL_NAN,
            NanPattern::ArithmeticNan => bits & F32_CANONICAL_NAN == F32_CANONICAL_NAN,
            NanPattern::Value(v) => v.bits == *bits,
        },
        (WastRetCore::F64(p), Val::F64(bits)) => match p {
            NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == F64_CANONICAL_NAN,
            NanPattern::ArithmeticNan => bits & F64_CANONICAL_NAN == F64_CANONICAL_NAN,
            NanPattern::Value(v) => v.bits == *bits,
        },
        (WastRetCore::V128(p), Val::V128(bits)) => v128_matches(p, *bits),
        (WastRetCore::RefNull(None), Val::FuncRef(r)) => r.is_none(),
        (WastRetCore::RefNull(None), Val::ExternRef(r)) => r.is_none(),
        (WastRetCore::RefNull(None), Val::AnyRef(r)) => r.is_none(),
        (WastRetCore::RefNull(None), Val::ExnRef(r)) => r.is_none(),
        (WastRetCore::RefNull(Some(h)), v) => match (hierarchy(h), v) {
            (Some(Hierarchy::Func), Val::FuncRef(r)) => r.is_none(),
            (Some(Hierarchy::Extern), Val::ExternRef(r)) => r.is_none(),
            (Some(Hierarchy::Any), Val::AnyRef(r)) => r.is_none(),
            (Some(Hierarchy::Exn), Val::ExnRef(r)) => r.is_none(),
            (Some(_), _) => false,
            (None, _) => {
                return Err(format!(
                    "null references of heap type {h:?} are not supported"
                ))
            }
        },
        (WastRetCore::RefFunc(_), Val::FuncRef(r)) => r.is_some(),
        (WastRetCore::RefExtern(None), Val::ExternRef(r)) => r.is_some(),
        (WastRetCore::RefExtern(Some(n)), v @ Val::ExternRef(Some(_))) => {
            externs.extern_number(v) == Some(*n)
        }
        (WastRetCore::Either(cases), v) => {
            let mut unsupported = None;
            for case in cases {
                match matches_core(case, v, externs) {
                    Ok(true) => return Ok(true),
                    Ok(false) => {}
                    Err(e) => unsupported = Some(e),
                }
            }
            match unsupported {
                Some(e) => return Err(e),
                None => false,
            }
        }
        (
            WastRetCore::RefHost(_)
            | WastRetCore::RefAny
            | WastRetCore::RefEq
            | WastRetCore::RefArray
            | WastRetCore::RefStruct
            | WastRetCore::RefI31
            | WastRetCore::RefI31Shared,
            _,
        ) => {
            return Err(format!(
                "{} results need GC (not supported)",
                describe(expected)
            ))
        }
        _ => false,
    })
}

/// Whether a vector matches a lane pattern: integer lanes exactly, float
/// lanes as scalar floats do (NaN patterns per lane).
fn v128_matches(p: &V128Pattern, bits: u128) -> bool {
    let b = bits.to_le_bytes();
    let lane = |i: usize, w: usize| {
        let mut x = [0u8; 8];
        x[..w].copy_from_slice(&b[i * w..(i + 1) * w]);
        u64::from_le_bytes(x)
    };
    match p {
        V128Pattern::I8x16(l) => (0..16).all(|i| lane(i, 1) == u64::from(l[i] as u8)),
        V128Pattern::I16x8(l) => (0..8).all(|i| lane(i, 2) == u64::from(l[i] as u16)),
        V128Pattern::I32x4(l) => (0..4).all(|i| lane(i, 4) == u64::from(l[i] as u32)),
        V128Pattern::I64x2(l) => (0..2).all(|i| lane(i, 8) == l[i] as u64),
        V128Pattern::F32x4(l) => (0..4).all(|i| {
            let bits = lane(i, 4) as u32;
            match &l[i] {
                NanPattern::CanonicalNan => bits & 0x7fff_ffff == F32_CANONICAL_NAN,
                NanPattern::ArithmeticNan => bits & F32_CANONICAL_NAN == F32_CANONICAL_NAN,
                NanPattern::Value(v) => v.bits == bits,
            }
        }),
        V128Pattern::F64x2(l) => (0..2).all(|i| {
            let bits = lane(i, 8);
            match &l[i] {
                NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == F64_CANONICAL_NAN,
                NanPattern::ArithmeticNan => bits & F64_CANONICAL_NAN == F64_CANONICAL_NAN,
                NanPattern::Value(v) => v.bits == bits,
            }
        }),
    }
}

/// The text of an expectation, for messages.
pub(crate) fn describe_ret(r: &WastRet<'_>) -> String {
    match r {
        WastRet::Core(c) => describe(c),
        _ => "(component value)".to_string(),
    }
}

fn describe(r: &WastRetCore<'_>) -> String {
    match r {
        WastRetCore::I32(v) => format!("(i32.const {v})"),
        WastRetCore::I64(v) => format!("(i64.const {v})"),
        WastRetCore::F32(NanPattern::Value(v)) => {
            format!("(f32.const {} = {:#010x})", f32::from_bits(v.bits), v.bits)
        }
        WastRetCore::F64(NanPattern::Value(v)) => {
            format!("(f64.const {} = {:#018x})", f64::from_bits(v.bits), v.bits)
        }
        WastRetCore::F32(p) => format!("(f32.const {})", nan_name(p)),
        WastRetCore::F64(p) => format!("(f64.const {})", nan_name(p)),
        WastRetCore::V128(p) => format!("(v128.const {p:?})"),
        WastRetCore::RefNull(None) => "(ref.null)".to_string(),
        WastRetCore::RefNull(Some(h)) => format!("(ref.null {h:?})"),
        WastRetCore::RefExtern(None) => "(ref.extern)".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("(ref.extern {n})"),
        WastRetCore::RefHost(n) => format!("(ref.host {n})"),
        WastRetCore::RefFunc(_) => "(ref.func)".to_string(),
        WastRetCore::RefAny => "(ref.any)".to_string(),
        WastRetCore::RefEq => "(ref.eq)".to_string(),
        WastRetCore::RefArray => "(ref.array)".to_string(),
        WastRetCore::RefStruct => "(ref.struct)".to_string(),
        WastRetCore::RefI31 => "(ref.i31)".to_string(),
        WastRetCore::RefI31Shared => "(ref.i31_shared)".to_string(),
        WastRetCore::Either(cases) => {
            let cases: Vec<String> = cases.iter().map(describe).collect();
            format!("(either {})", cases.join(" "))
        }
    }
}

fn nan_name<T>(p: &NanPattern<T>) -> &'static str {
    match p {
        NanPattern::CanonicalNan => "nan:canonical",
        NanPattern::ArithmeticNan => "nan:arithmetic",
        NanPattern::Value(_) => "value",
    }
}

/// The text of a value, for messages (floats with their bits).
pub(crate) fn describe_val(v: &Val) -> String {
    match v {
        Val::I32(x) => format!("(i32.const {x})"),
        Val::I64(x) => format!("(i64.const {x})"),
        Val::F32(b) => format!("(f32.const {} = {b:#010x})", f32::from_bits(*b)),
        Val::F64(b) => format!("(f64.const {} = {b:#018x})", f64::from_bits(*b)),
        Val::V128(b) => format!("(v128.const i32x4 {})", {
            let l: Vec<String> = b
                .to_le_bytes()
                .chunks(4)
                .map(|c| format!("{:#010x}", u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                .collect();
            l.join(" ")
        }),
        Val::FuncRef(None) => "(ref.null func)".to_string(),
        Val::FuncRef(Some(a)) => format!("(ref.func @{})", a.addr().0),
        Val::ExternRef(None) => "(ref.null extern)".to_string(),
        Val::ExternRef(Some(a)) => format!("(ref.extern @{})", a.addr().0),
        Val::AnyRef(None) => "(ref.null any)".to_string(),
        Val::AnyRef(Some(a)) => format!("(ref.any @{})", a.addr().0),
        Val::ExnRef(None) => "(ref.null exn)".to_string(),
        Val::ExnRef(Some(a)) => format!("(ref.exn @{})", a.addr().0),
    }
}

/// The text of a list of values.
pub(crate) fn describe_vals(vals: &[Val]) -> String {
    let items: Vec<String> = vals.iter().map(describe_val).collect();
    format!("[{}]", items.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wast::parser::{self, ParseBuffer};

    struct NoExterns;
    impl ExternLookup for NoExterns {
        fn extern_number(&self, _: &Val) -> Option<u32> {
            None
        }
    }

    fn ret(text: &str, v: Val) -> Result<bool, String> {
        let buf = ParseBuffer::new(text).map_err(|e| e.to_string())?;
        let r: WastRet<'_> = parser::parse(&buf).map_err(|e| e.to_string())?;
        matches(&r, &v, &NoExterns)
    }

    #[test]
    fn nan_patterns() {
        assert_eq!(
            ret("f32.const nan:canonical", Val::F32(0x7fc0_0000)),
            Ok(true)
        );
        assert_eq!(
            ret("f32.const nan:canonical", Val::F32(0xffc0_0000)),
            Ok(true)
        );
        assert_eq!(
            ret("f32.const nan:canonical", Val::F32(0x7fc0_0001)),
            Ok(false)
        );
        assert_eq!(
            ret("f32.const nan:arithmetic", Val::F32(0x7fc0_0001)),
            Ok(true)
        );
        assert_eq!(
            ret("f32.const nan:arithmetic", Val::F32(0x7f80_0001)),
            Ok(false)
        );
        assert_eq!(
            ret("f64.const nan:canonical", Val::F64(0xfff8_0000_0000_0000)),
            Ok(true)
        );
        assert_eq!(
            ret("f64.const nan:arithmetic", Val::F64(0x7ff8_0000_0000_0001)),
            Ok(true)
        );
        assert_eq!(
            ret("f64.const nan:arithmetic", Val::F64(0x7ff0_0000_0000_0001)),
            Ok(false)
        );
        assert_eq!(
            ret("f64.const nan:canonical", Val::F32(0x7fc0_0000)),
            Ok(false)
        );
    }

    #[test]
    fn exact_floats_compare_bits() {
        assert_eq!(ret("f32.const -0", Val::F32(0x8000_0000)), Ok(true));
        assert_eq!(ret("f32.const 0", Val::F32(0x8000_0000)), Ok(false));
        assert_eq!(
            ret("f32.const nan:0x200000", Val::F32(0x7fa0_0000)),
            Ok(true)
        );
        assert_eq!(ret("f64.const 1.5", Val::F64(1.5f64.to_bits())), Ok(true));
    }

    #[test]
    fn references() {
        assert_eq!(ret("ref.null func", Val::FuncRef(None)), Ok(true));
        assert_eq!(ret("ref.null extern", Val::FuncRef(None)), Ok(false));
        assert_eq!(ret("ref.null", Val::ExternRef(None)), Ok(true));
        let mut store = strata_api::Store::new(&strata_api::Engine::default(), ());
        let ty = strata_api::FuncType::new([], []);
        let f = strata_api::Func::new(&mut store, ty, |_, _, _| Ok(())).to_val();
        assert_eq!(ret("ref.func", f), Ok(true));
        assert_eq!(ret("ref.null func", f), Ok(false));
        assert_eq!(ret("ref.extern", Val::ExternRef(None)), Ok(false));
        assert!(ret("ref.i31", Val::ExternRef(None)).is_err());
    }

    #[test]
    fn either_alternatives() {
        assert_eq!(
            ret("either (i32.const 1) (i32.const 2)", Val::I32(2)),
            Ok(true)
        );
        assert_eq!(
            ret("either (i32.const 1) (i32.const 2)", Val::I32(3)),
            Ok(false)
        );
    }
}
