//! The raw 64-bit slot form of values, shared by the store and every tier.
//!
//! - `i32`: the low 32 bits (upper bits are ignored when read, zero when written);
//! - `i64`: as is; `f32`/`f64`: raw IEEE bits (NaN payloads preserved);
//! - references: `0` is null, otherwise the store address plus one (an
//!   exception's address holds its slot's generation in the upper half).

use strata_ir::{AnyAddr, ExnAddr, ExternAddr, FuncAddr, RefHierarchy, Val, ValType};

/// The raw slot form of a null reference.
pub const NULL_REF: u64 = 0;

/// Raw form of a value.
#[inline]
pub fn to_raw(v: Val) -> u64 {
    match v {
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

/// A value from its raw form and type.
#[inline]
pub fn from_raw(raw: u64, ty: ValType) -> Val {
    match ty {
        ValType::I32 => Val::I32(raw as u32 as i32),
        ValType::I64 => Val::I64(raw as i64),
        ValType::F32 => Val::F32(raw as u32),
        ValType::F64 => Val::F64(raw),
        ValType::V128 => Val::I64(raw as i64),
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
