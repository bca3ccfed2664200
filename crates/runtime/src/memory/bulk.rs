//! Bulk memory operations: `memory.fill`, `memory.copy` (within one memory and
//! between two) and `memory.init`.
//!
//! Operands are u64 for both index widths (the caller zero-extends i32
//! operands). Each operation checks its whole source and destination ranges
//! first, with overflow-checked arithmetic, and traps with
//! [`TrapCode::MemoryOutOfBounds`] before writing anything. A zero-length
//! operation is allowed at exactly the end of a memory (or segment) and traps
//! one byte past it, as the spec requires.

use core::ops::Range;

use strata_ir::TrapCode;

use super::MemoryInstance;

/// `[start, start + len)` as host indices, if it lies within `bound` bytes.
#[inline]
fn checked_range(start: u64, len: u64, bound: usize) -> Result<Range<usize>, TrapCode> {
    match start.checked_add(len) {
        // `end <= bound`, so both `start` and `end` fit in usize.
        Some(end) if end <= bound as u64 => Ok(start as usize..end as usize),
        _ => Err(TrapCode::MemoryOutOfBounds),
    }
}

impl MemoryInstance {
    /// `memory.fill`: set `len` bytes from `dst` to `value`.
    pub fn fill(&mut self, dst: u64, value: u8, len: u64) -> Result<(), TrapCode> {
        let range = checked_range(dst, len, self.region.len())?;
        self.data_mut()
            .get_mut(range)
            .ok_or(TrapCode::MemoryOutOfBounds)?
            .fill(value);
        Ok(())
    }

    /// `memory.copy` within this memory: copy `len` bytes from `src` to `dst`
    /// with `memmove` semantics (the ranges may overlap).
    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), TrapCode> {
        let src = checked_range(src, len, self.region.len())?;
        let dst = checked_range(dst, len, self.region.len())?;
        self.data_mut().copy_within(src, dst.start);
        Ok(())
    }

    /// `memory.copy` between two memories: copy `len` bytes from `src` in
    /// `src_mem` to `dst` in this memory. (Two distinct memories cannot
    /// overlap; a copy within one memory is [`MemoryInstance::copy_within`].)
    pub fn copy_from(
        &mut self,
        dst: u64,
        src_mem: &MemoryInstance,
        src: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let src = checked_range(src, len, src_mem.region.len())?;
        let dst = checked_range(dst, len, self.region.len())?;
        let from = src_mem.data().get(src).ok_or(TrapCode::MemoryOutOfBounds)?;
        self.data_mut()
            .get_mut(dst)
            .ok_or(TrapCode::MemoryOutOfBounds)?
            .copy_from_slice(from);
        Ok(())
    }

    /// `memory.init`: copy `data[src..src + len]` (a data segment) to `dst`.
    /// Traps if either range is out of bounds, also for `len == 0` when
    /// `dst > size` or `src > data.len()`.
    pub fn init(&mut self, dst: u64, data: &[u8], src: u64, len: u64) -> Result<(), TrapCode> {
        let src = checked_range(src, len, data.len())?;
        let dst = checked_range(dst, len, self.region.len())?;
        let from = data.get(src).ok_or(TrapCode::MemoryOutOfBounds)?;
        self.data_mut()
            .get_mut(dst)
            .ok_or(TrapCode::MemoryOutOfBounds)?
            .copy_from_slice(from);
        Ok(())
    }
}
