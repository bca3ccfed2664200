//! Tables: vectors of raw references (see [`crate::value`]) with an index type
//! (table32 or table64), bounds-checked element access and the bulk
//! operations. Indices are `u64`; a table32 caller passes its i32 operand
//! zero-extended.

use strata_ir::{TableType, TrapCode};

/// Why a table could not be created.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum TableError {
    /// The table's minimum exceeds the configured cap.
    #[error("table minimum of {requested} elements exceeds the configured cap of {cap} elements")]
    ExceedsCap {
        /// Requested elements.
        requested: u64,
        /// The cap.
        cap: u64,
    },
}

/// A table instance.
#[derive(Debug, Clone)]
pub struct TableEntity {
    ty: TableType,
    elems: Vec<u64>,
    cap: u64,
}

impl TableEntity {
    /// A table of `ty.limits.min` elements, each `init`, refusing sizes over `cap`.
    pub fn new(ty: TableType, init: u64, cap: u64) -> Result<Self, TableError> {
        let cap = ty.limits.max.map_or(cap, |m| m.min(cap));
        if ty.limits.min > cap || ty.limits.min > usize::MAX as u64 {
            return Err(TableError::ExceedsCap {
                requested: ty.limits.min,
                cap,
            });
        }
        Ok(Self {
            ty,
            elems: vec![init; ty.limits.min as usize],
            cap,
        })
    }

    /// The declared type.
    pub fn ty(&self) -> &TableType {
        &self.ty
    }

    /// The type with `min` set to the current size (for import matching).
    pub fn current_type(&self) -> TableType {
        let mut ty = self.ty;
        ty.limits.min = self.size();
        ty
    }

    /// Current size in elements.
    #[inline]
    pub fn size(&self) -> u64 {
        self.elems.len() as u64
    }

    /// The raw element at `index`.
    #[inline]
    pub fn get(&self, index: u64) -> Result<u64, TrapCode> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.elems.get(i).copied())
            .ok_or(TrapCode::TableOutOfBounds)
    }

    /// Set the element at `index`.
    #[inline]
    pub fn set(&mut self, index: u64, value: u64) -> Result<(), TrapCode> {
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| self.elems.get_mut(i))
            .ok_or(TrapCode::TableOutOfBounds)?;
        *slot = value;
        Ok(())
    }

    /// `table.grow`: the old size, or `None` (wasm -1) if the new size would
    /// exceed the type's maximum, the cap, or `allow(old, new)` refuses.
    /// The delta is never truncated.
    pub fn grow(
        &mut self,
        delta: u64,
        init: u64,
        allow: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Option<u64> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        if new > self.cap || new > self.ty.index.max_value() || !allow(old, new) {
            return None;
        }
        let new = usize::try_from(new).ok()?;
        self.elems.try_reserve(new - self.elems.len()).ok()?;
        self.elems.resize(new, init);
        Some(old)
    }

    fn range(&self, start: u64, len: u64) -> Result<core::ops::Range<usize>, TrapCode> {
        let end = start.checked_add(len).ok_or(TrapCode::TableOutOfBounds)?;
        if end > self.size() {
            return Err(TrapCode::TableOutOfBounds);
        }
        Ok(start as usize..end as usize)
    }

    /// `table.fill`.
    pub fn fill(&mut self, dst: u64, value: u64, len: u64) -> Result<(), TrapCode> {
        let range = self.range(dst, len)?;
        self.elems[range].fill(value);
        Ok(())
    }

    /// `table.copy` within one table (memmove semantics).
    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), TrapCode> {
        let src = self.range(src, len)?;
        let dst = self.range(dst, len)?;
        self.elems.copy_within(src, dst.start);
        Ok(())
    }

    /// `table.copy` from another table.
    pub fn copy_from(
        &mut self,
        dst: u64,
        src_table: &TableEntity,
        src: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let src = src_table.range(src, len)?;
        let dst = self.range(dst, len)?;
        self.elems[dst].copy_from_slice(&src_table.elems[src]);
        Ok(())
    }

    /// `table.init` (and active segment initialization) from raw items.
    pub fn init(&mut self, dst: u64, items: &[u64], src: u64, len: u64) -> Result<(), TrapCode> {
        let src_end = src.checked_add(len).ok_or(TrapCode::TableOutOfBounds)?;
        if src_end > items.len() as u64 {
            return Err(TrapCode::TableOutOfBounds);
        }
        let dst = self.range(dst, len)?;
        self.elems[dst].copy_from_slice(&items[src as usize..src_end as usize]);
        Ok(())
    }

    /// All raw elements (for compiled tiers and inspection).
    pub fn elements(&self) -> &[u64] {
        &self.elems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_ir::{IndexType, Limits, RefType};

    fn table(index: IndexType, min: u64, max: Option<u64>) -> TableEntity {
        let ty = TableType {
            index,
            elem: RefType::FUNCREF,
            limits: Limits { min, max },
        };
        TableEntity::new(ty, 0, 1 << 20).expect("small table")
    }

    #[test]
    fn grow_refuses_huge_deltas_without_truncation() {
        let mut t = table(IndexType::I64, 1, None);
        assert_eq!(t.grow(1 << 32, 0, &mut |_, _| true), None);
        assert_eq!(t.grow(u64::MAX, 0, &mut |_, _| true), None);
        assert_eq!(t.size(), 1);
        assert_eq!(t.grow(2, 5, &mut |_, _| true), Some(1));
        assert_eq!(t.get(2), Ok(5));
    }

    #[test]
    fn table64_indices_beyond_u32_trap() {
        let mut t = table(IndexType::I64, 4, None);
        assert_eq!(t.get(1 << 32), Err(TrapCode::TableOutOfBounds));
        assert_eq!(t.set(u64::MAX, 1), Err(TrapCode::TableOutOfBounds));
        assert_eq!(t.fill(u64::MAX, 1, 2), Err(TrapCode::TableOutOfBounds));
        assert_eq!(t.fill(4, 1, 0), Ok(()));
        assert_eq!(t.fill(5, 1, 0), Err(TrapCode::TableOutOfBounds));
    }

    #[test]
    fn over_cap_minimum_is_refused() {
        let ty = TableType {
            index: IndexType::I64,
            elem: RefType::FUNCREF,
            limits: Limits {
                min: u64::MAX,
                max: None,
            },
        };
        let err = TableEntity::new(ty, 0, 1000).expect_err("over cap");
        assert!(err.to_string().contains("cap of 1000"));
    }
}
