//! The instructions on store entities that every tier executes the same
//! way, written once: `memory.copy` and `table.copy` (within one entity or
//! between two: both are borrowed at once, the source is never cloned, and
//! bounds are checked before anything is written), and `memory.grow` and
//! `table.grow` with their wasm result (the old size, or -1 in the entity's
//! index width), `memory.init` and `table.init` (a segment read while an
//! entity is written), `data.drop` and `elem.drop`.

use strata_ir::TrapCode;

use super::Store;
use crate::addr::{DataAddr, ElemAddr, MemAddr, TableAddr};

/// The entity at `dst` mutably and the one at `src` shared, `dst != src`.
fn pair<T>(items: &mut [T], dst: usize, src: usize) -> Option<(&mut T, &T)> {
    if dst < src {
        let (lo, hi) = items.split_at_mut(src);
        Some((lo.get_mut(dst)?, hi.first()?))
    } else if src < dst {
        let (lo, hi) = items.split_at_mut(dst);
        let src = lo.get(src)?;
        Some((hi.first_mut()?, src))
    } else {
        None
    }
}

/// `-1` as the result of a failed grow, in the index type's width.
fn grow_failed(is_64: bool) -> u64 {
    if is_64 {
        u64::MAX
    } else {
        u64::from(u32::MAX)
    }
}

impl Store {
    /// `memory.grow` as wasm sees it: the old size in pages, or -1 (in the
    /// memory's index width) if the memory cannot grow by `delta` pages
    /// (see [`Store::grow_memory`]).
    pub fn memory_grow_result(&mut self, mem: MemAddr, delta: u64) -> u64 {
        let is_64 = self
            .memories
            .get(mem.index())
            .is_some_and(|m| m.index_type().is_64());
        self.grow_memory(mem, delta).unwrap_or(grow_failed(is_64))
    }

    /// `table.grow` as wasm sees it: the old size, or -1 (in the table's
    /// index width) if the table cannot grow by `delta` elements of `init`
    /// (see [`Store::grow_table`]).
    pub fn table_grow_result(&mut self, table: TableAddr, delta: u64, init: u64) -> u64 {
        let is_64 = self
            .tables
            .get(table.index())
            .is_some_and(|t| t.ty().index.is_64());
        self.grow_table(table, delta, init)
            .unwrap_or(grow_failed(is_64))
    }

    /// `memory.copy`: `len` bytes from `src_at` in memory `src` to `dst_at`
    /// in memory `dst` (the same memory or two).
    ///
    /// # Errors
    /// `MemoryOutOfBounds` if either range is out of bounds (nothing is
    /// copied).
    pub fn memory_copy(
        &mut self,
        dst: MemAddr,
        dst_at: u64,
        src: MemAddr,
        src_at: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        if dst == src {
            let mem = self
                .memories
                .get_mut(dst.index())
                .ok_or(TrapCode::MemoryOutOfBounds)?;
            return mem.copy_within(dst_at, src_at, len);
        }
        let (to, from) = pair(&mut self.memories, dst.index(), src.index())
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        to.copy_from(dst_at, from, src_at, len)
    }

    /// `table.copy`: `len` elements from `src_at` in table `src` to `dst_at`
    /// in table `dst` (the same table or two).
    ///
    /// # Errors
    /// `TableOutOfBounds` if either range is out of bounds (nothing is
    /// copied).
    pub fn table_copy(
        &mut self,
        dst: TableAddr,
        dst_at: u64,
        src: TableAddr,
        src_at: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        if dst == src {
            let table = self
                .tables
                .get_mut(dst.index())
                .ok_or(TrapCode::TableOutOfBounds)?;
            return table.copy_within(dst_at, src_at, len);
        }
        let (to, from) =
            pair(&mut self.tables, dst.index(), src.index()).ok_or(TrapCode::TableOutOfBounds)?;
        to.copy_from(dst_at, from, src_at, len)
    }

    /// `memory.init`: `len` bytes from `src_at` in data segment `data` to
    /// `dst_at` in memory `mem`.
    ///
    /// # Errors
    /// `MemoryOutOfBounds` if either range is out of bounds (nothing is
    /// written), or an address is unknown.
    pub fn memory_init(
        &mut self,
        mem: MemAddr,
        data: DataAddr,
        dst_at: u64,
        src_at: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let bytes = self
            .datas
            .get(data.index())
            .ok_or(TrapCode::MemoryOutOfBounds)?
            .bytes();
        let memory = self
            .memories
            .get_mut(mem.index())
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        memory.init(dst_at, bytes, src_at, len)
    }

    /// `table.init`: `len` references from `src_at` in element segment
    /// `elem` to `dst_at` in table `table`.
    ///
    /// # Errors
    /// `TableOutOfBounds` if either range is out of bounds (nothing is
    /// written), or an address is unknown.
    pub fn table_init(
        &mut self,
        table: TableAddr,
        elem: ElemAddr,
        dst_at: u64,
        src_at: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let items = &self
            .elems
            .get(elem.index())
            .ok_or(TrapCode::TableOutOfBounds)?
            .items;
        let table = self
            .tables
            .get_mut(table.index())
            .ok_or(TrapCode::TableOutOfBounds)?;
        table.init(dst_at, items, src_at, len)
    }

    /// `data.drop`: data segment `data` is empty from now on (an unknown
    /// address is ignored).
    pub fn data_drop(&mut self, data: DataAddr) {
        if let Some(d) = self.datas.get_mut(data.index()) {
            d.drop_bytes();
        }
    }

    /// `elem.drop`: element segment `elem` is empty from now on and its
    /// references are freed (an unknown address is ignored).
    pub fn elem_drop(&mut self, elem: ElemAddr) {
        if let Some(e) = self.elems.get_mut(elem.index()) {
            e.items = Vec::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pair;

    #[test]
    fn pairs_borrow_two_distinct_items() {
        let mut v = [1, 2, 3];
        let (a, b) = pair(&mut v, 2, 0).expect("distinct");
        *a += *b;
        assert_eq!(v, [1, 2, 4]);
        let (a, b) = pair(&mut v, 0, 1).expect("distinct");
        *a = *b;
        assert_eq!(v, [2, 2, 4]);
        assert!(pair(&mut v, 1, 1).is_none());
        assert!(pair(&mut v, 0, 3).is_none());
    }
}
