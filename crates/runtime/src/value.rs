//! The raw 64-bit slot form of values, shared by the store and every tier.
//!
//! - `i32`: the low 32 bits (upper bits are ignored when read, zero when written);
//! - `i64`: as is; `f32`/`f64`: raw IEEE bits (NaN payloads preserved);
//! - references: `0` is null, otherwise the store address plus one (an
//!   exception's address holds its slot's generation in the upper half);
//! - `v128`: two consecutive slots, the low 64 bits first ([`V128_SLOTS`]).
//!   Wherever raw values sit in a row (frames, argument and result arrays,
//!   exception payloads), a `v128` takes both; [`slots`] says how many a type
//!   takes. Globals hold a `u128` ([`to_raw_wide`]).

use strata_ir::{AnyAddr, ExnAddr, ExternAddr, FuncAddr, RefHierarchy, Val, ValType};

/// The raw slot form of a null reference.
pub const NULL_REF: u64 = 0;

/// Slots a `v128` takes in a row of raw values.
pub const V128_SLOTS: usize = 2;

/// Slots a value of type `ty` takes in a row of raw values.
#[inline]
pub fn slots(ty: ValType) -> usize {
    if ty == ValType::V128 {
        V128_SLOTS
    } else {
        1
    }
}

/// The two slots of a `v128`, low half first.
#[inline]
pub fn v128_to_slots(v: u128) -> [u64; 2] {
    [v as u64, (v >> 64) as u64]
}

/// A `v128` from its two slots, low half first.
#[inline]
pub fn v128_from_slots(lo: u64, hi: u64) -> u128 {
    u128::from(lo) | (u128::from(hi) << 64)
}

/// Wide raw form of any value: a `v128` whole, anything else as
/// [`to_raw`] in the low 64 bits.
#[inline]
pub fn to_raw_wide(v: Val) -> u128 {
    match v {
        Val::V128(x) => x,
        other => u128::from(to_raw(other)),
    }
}

/// A value from its wide raw form and type.
#[inline]
pub fn from_raw_wide(raw: u128, ty: ValType) -> Val {
    match ty {
        ValType::V128 => Val::V128(raw),
        other => from_raw(raw as u64, other),
    }
}

/// Append the raw slots of `v` to `out` (two for a `v128`).
#[inline]
pub fn push_raw(out: &mut Vec<u64>, v: Val) {
    match v {
        Val::V128(x) => out.extend_from_slice(&v128_to_slots(x)),
        other => out.push(to_raw(other)),
    }
}

/// Read a value of type `ty` from the start of `raw` (two slots for a
/// `v128`, missing slots read as zero); returns it and the slots it took.
#[inline]
pub fn read_raw(raw: &[u64], ty: ValType) -> (Val, usize) {
    let at = |i: usize| raw.get(i).copied().unwrap_or(0);
    match ty {
        ValType::V128 => (Val::V128(v128_from_slots(at(0), at(1))), V128_SLOTS),
        other => (from_raw(at(0), other), 1),
    }
}

/// Raw form of a scalar or reference value. A `v128` does not fit one slot:
/// this gives its low half; use [`push_raw`] or [`to_raw_wide`] for values
/// that may be vectors.
#[inline]
pub fn to_raw(v: Val) -> u64 {
    match v {
        Val::V128(x) => x as u64,
        Val::I32(x) => u64::from(x as u32),
        Val::I64(x) => x as u64,
        Val::F32(x) => u64::from(x),
        Val::F64(x) => x,
        Val::FuncRef(f) => func_ref_to_raw(f),
        Val::ExternRef(e) => e.map_or(NULL_REF, |e| u64::from(e.0) + 1),
        Val::AnyRef(a) => a.map_or(NULL_REF, |a| u64::from(a.0) + 1),
        Val::ExnRef(e) => exn_ref_to_raw(e),
    }
}

/// Raw form of an exception reference.
#[inline]
pub fn exn_ref_to_raw(e: Option<ExnAddr>) -> u64 {
    e.map_or(NULL_REF, |e| e.0 + 1)
}

/// The exception a raw exception reference names, `None` for null.
#[inline]
pub fn raw_to_exn_ref(raw: u64) -> Option<ExnAddr> {
    raw.checked_sub(1).map(ExnAddr)
}

/// Raw form of a function reference.
#[inline]
pub fn func_ref_to_raw(f: Option<FuncAddr>) -> u64 {
    f.map_or(NULL_REF, |f| u64::from(f.0) + 1)
}

/// The function a raw function reference points to, `None` for null.
#[inline]
pub fn raw_to_func_ref(raw: u64) -> Option<FuncAddr> {
    raw.checked_sub(1).map(|a| FuncAddr(a as u32))
}

/// A value from its raw form and type. For a `v128` the slot is the low
/// half and the high half is zero; use [`read_raw`] or [`from_raw_wide`] for
/// values that may be vectors.
#[inline]
pub fn from_raw(raw: u64, ty: ValType) -> Val {
    match ty {
        ValType::I32 => Val::I32(raw as u32 as i32),
        ValType::I64 => Val::I64(raw as i64),
        ValType::F32 => Val::F32(raw as u32),
        ValType::F64 => Val::F64(raw),
        ValType::V128 => Val::V128(u128::from(raw)),
        ValType::Ref(r) => {
            let addr = raw.checked_sub(1).map(|a| a as u32);
            match r.heap.hierarchy() {
                RefHierarchy::Exn => Val::ExnRef(raw_to_exn_ref(raw)),
                RefHierarchy::Func => Val::FuncRef(addr.map(FuncAddr)),
                RefHierarchy::Extern => Val::ExternRef(addr.map(ExternAddr)),
                RefHierarchy::Any => Val::AnyRef(addr.map(AnyAddr)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_round_trip() {
        for (v, t) in [
            (Val::I32(-1), ValType::I32),
            (Val::I64(i64::MIN), ValType::I64),
            (Val::F32(0x7fc0_0001), ValType::F32),
            (Val::F64(0xfff8_0000_0000_0001), ValType::F64),
            (Val::FuncRef(None), ValType::FUNCREF),
            (Val::FuncRef(Some(FuncAddr(7))), ValType::FUNCREF),
            (Val::ExternRef(Some(ExternAddr(0))), ValType::EXTERNREF),
            (
                Val::ExnRef(Some(ExnAddr::new(3, u32::MAX))),
                ValType::EXNREF,
            ),
        ] {
            assert_eq!(from_raw(to_raw(v), t), v);
        }
        assert_eq!(to_raw(Val::I32(-1)), 0xffff_ffff);
    }
}
