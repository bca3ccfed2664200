//! Canonical function signatures. Function types of different modules are
//! interned per store, so `call_indirect`, `call_ref` casts and import
//! matching compare one integer. Concrete reference types inside a signature
//! are rewritten to name canonical ids, so structurally equal types from
//! different modules get the same [`SigId`].

use std::collections::HashMap;

use strata_ir::{FuncType, HeapType, RefType, TypeIdx, ValType};

/// A canonical function signature id, unique per store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SigId(pub u32);

/// Interns canonical function types.
#[derive(Debug, Default)]
pub struct SigRegistry {
    ids: HashMap<FuncType, SigId>,
    types: Vec<FuncType>,
}

impl SigRegistry {
    /// Canonicalize the type section of a module: the returned vector maps each
    /// module type index to its id. Types may refer only to earlier types.
    pub fn intern_module_types(&mut self, types: &[FuncType]) -> Vec<SigId> {
        let mut ids: Vec<SigId> = Vec::with_capacity(types.len());
        for ty in types {
            let canon = canonical_func_type(ty, &ids);
            let id = self.intern(canon);
            ids.push(id);
        }
        ids
    }

    /// Intern an already canonical function type (one whose concrete heap
    /// types name [`SigId`]s).
    pub fn intern(&mut self, canon: FuncType) -> SigId {
        if let Some(id) = self.ids.get(&canon) {
            return *id;
        }
        let id = SigId(self.types.len() as u32);
        self.types.push(canon.clone());
        self.ids.insert(canon, id);
        id
    }

    /// The canonical type of an id.
    pub fn get(&self, id: SigId) -> &FuncType {
        &self.types[id.0 as usize]
    }
}

/// Rewrite a module-local function type into canonical form, using the ids
/// of the module's types seen so far.
pub fn canonical_func_type(ty: &FuncType, ids: &[SigId]) -> FuncType {
    FuncType {
        params: ty
            .params
            .iter()
            .map(|v| canonical_val_type(*v, ids))
            .collect(),
        results: ty
            .results
            .iter()
            .map(|v| canonical_val_type(*v, ids))
            .collect(),
    }
}

/// Rewrite a module-local value type into canonical form.
pub fn canonical_val_type(v: ValType, ids: &[SigId]) -> ValType {
    match v {
        ValType::Ref(RefType {
            nullable,
            heap: HeapType::Concrete(t),
        }) => {
            let canon = ids.get(t.index()).map_or(u32::MAX, |id| id.0);
            ValType::Ref(RefType {
                nullable,
                heap: HeapType::Concrete(TypeIdx(canon)),
            })
        }
        other => other,
    }
}

/// Whether heap type `a` is a subtype of `b` (both canonical).
pub fn heap_subtype(a: HeapType, b: HeapType) -> bool {
    match (a, b) {
        _ if a == b => true,
        (HeapType::Concrete(_), HeapType::Func) => true,
        (HeapType::NoFunc, HeapType::Func | HeapType::Concrete(_)) => true,
        (HeapType::NoExtern, HeapType::Extern) => true,
        (HeapType::NoExn, HeapType::Exn) => true,
        (
            HeapType::None,
            HeapType::Any | HeapType::Eq | HeapType::I31 | HeapType::Struct | HeapType::Array,
        ) => true,
        (HeapType::I31 | HeapType::Struct | HeapType::Array, HeapType::Any | HeapType::Eq) => true,
        (HeapType::Eq, HeapType::Any) => true,
        _ => false,
    }
}

/// Whether value type `a` is a subtype of `b` (both canonical).
pub fn val_subtype(a: ValType, b: ValType) -> bool {
    match (a, b) {
        (ValType::Ref(ra), ValType::Ref(rb)) => {
            (rb.nullable || !ra.nullable) && heap_subtype(ra.heap, rb.heap)
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structurally_equal_types_share_an_id() {
        let mut reg = SigRegistry::default();
        let f = FuncType::new([ValType::I32], [ValType::I64]);
        let a = reg.intern_module_types(&[FuncType::default(), f.clone()]);
        let b = reg.intern_module_types(&[f]);
        assert_eq!(a[1], b[0]);
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn concrete_refs_are_canonicalized() {
        let mut reg = SigRegistry::default();
        let r = |t| {
            ValType::Ref(RefType {
                nullable: false,
                heap: HeapType::Concrete(TypeIdx(t)),
            })
        };
        let a = reg.intern_module_types(&[FuncType::default(), FuncType::new([r(0)], [])]);
        let b = reg.intern_module_types(&[
            FuncType::new([ValType::I32], []),
            FuncType::default(),
            FuncType::new([r(1)], []),
        ]);
        assert_eq!(a[1], b[2]);
    }
}
