//! Loads, stores and their bounds checks, for both index widths.
//!
//! BOUNDS CHECKS — a good rule of thumb is to get two reviews on any
//! substantive change in here.
//!
//! Every access is checked against the memory's current length before it
//! touches memory; an out-of-bounds access branches to the trap exit and
//! never executes. `k = offset + size` is a compile-time constant.
//!
//! - Fast path, both widths, when `k` is at most the memory's declared
//!   minimum size (the common case: small offsets): `len - k` cannot
//!   underflow (a memory is never smaller than its declared minimum), so the
//!   access is in bounds exactly when `index <= len - k`: one unsigned
//!   compare of the full 64-bit (or zero-extended 32-bit) index, with no
//!   addition on the index, so nothing can wrap. `len - k` is a pure value of
//!   the length variable: Cranelift shares it between accesses and hoists it
//!   out of loops. memory64 therefore pays exactly what memory32 pays.
//! - Otherwise, memory32: `zext(index) + k` cannot overflow a `u64`
//!   (validation bounds the offset by `u32::MAX`); one add, one compare.
//!   memory64, and memory32 with an offset validation would not allow (a
//!   hand-built IR): `index + k` with the carry flag, a carry being out of
//!   bounds; if `k` itself overflows, the access always traps.
//!
//! Spectre: the index added to the base is `select_spectre_guard(oob, 0,
//! index)` (a conditional move Cranelift never removes or turns into a
//! branch), so even under a mispredicted branch the access reads
//! `base + offset` with `offset < k <= len` (fast path) or `base` (slow
//! path): inside the memory.
//!
//! The base and length live in variables (registers, after register
//! allocation) for the whole function, re-read from the context at entry and
//! after every call, because only a call can grow the memory and move it.

use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, MemFlagsData, Value};
use strata_ir::{LoadKind, MemArg, StoreKind, TrapCode};

use super::FuncTranslator;

/// Flags of a checked heap access: it cannot trap (the check ran), and it
/// may be unaligned.
fn heap_flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

impl FuncTranslator<'_> {
    /// The native address and the immediate offset of a checked access of
    /// `size` bytes at the popped index plus `memarg.offset`; traps when out
    /// of bounds.
    fn checked_address(&mut self, memarg: MemArg, size: u32) -> (Value, i32) {
        let index = self.pop();
        let mi = memarg.mem.index();
        let ty = self.module.memories[mi];
        let (len, base) = match self.mem_vars[mi] {
            Some((b, l)) => (self.builder.use_var(l), self.builder.use_var(b)),
            None => (
                self.load_word(self.layout.mem_len(mi), false),
                self.load_word(self.layout.mem_base(mi), false),
            ),
        };
        let idx = if ty.index.is_64() {
            index
        } else {
            self.builder.ins().uextend(types::I64, index)
        };
        let Some(k) = memarg.offset.checked_add(u64::from(size)) else {
            // `offset + size` overflows: the access always traps.
            let always = self.builder.ins().iconst(types::I8, 1);
            self.trap_if(always, TrapCode::MemoryOutOfBounds);
            return (base, 0);
        };
        // The memory is never smaller than its declared minimum (an import
        // is at least as large as its declared type, and memories never
        // shrink).
        let min_bytes = ty
            .limits
            .min
            .checked_shl(u32::from(ty.page_size_log2))
            .filter(|b| b >> ty.page_size_log2 == ty.limits.min)
            .unwrap_or(0);
        if k <= min_bytes && k <= i32::MAX as u64 {
            // Fast path, both widths: `len - k` cannot underflow, so
            // `idx <= len - k` is exactly `idx + k <= len` with no addition on
            // the index (no wrap-around for memory64), and `len - k` is pure:
            // Cranelift hoists it out of loops and shares it between accesses.
            let bound = self.builder.ins().iadd_imm_s(len, -(k as i64));
            let oob = self
                .builder
                .ins()
                .icmp(IntCC::UnsignedGreaterThan, idx, bound);
            self.trap_if(oob, TrapCode::MemoryOutOfBounds);
            // Spectre: a mispredicted access reads `base + offset`, and
            // `offset < k <= min_bytes <= len` is in bounds.
            let zero = self.iconst64(0);
            let safe = self.builder.ins().select_spectre_guard(oob, zero, idx);
            let addr = self.builder.ins().iadd(base, safe);
            return (addr, memarg.offset as i32);
        }
        // Validation bounds a memory32 offset by `u32::MAX`; a larger one
        // takes the carry-checked add rather than trusting that.
        let validated32 = !ty.index.is_64() && memarg.offset <= u64::from(u32::MAX);
        let (ea, oob) = if !validated32 {
            let kv = self.iconst64(k);
            let (end, carry) = self.builder.ins().uadd_overflow(idx, kv);
            let beyond = self
                .builder
                .ins()
                .icmp(IntCC::UnsignedGreaterThan, end, len);
            let oob = self.builder.ins().bor(beyond, carry);
            let ea = self.builder.ins().iadd_imm_s(idx, memarg.offset as i64);
            (ea, oob)
        } else {
            // `zext(index) + k` cannot overflow a u64 (k <= 2^32 + 8).
            let end = self.builder.ins().iadd_imm_s(idx, k as i64);
            let oob = self
                .builder
                .ins()
                .icmp(IntCC::UnsignedGreaterThan, end, len);
            let ea = self.builder.ins().iadd_imm_s(idx, memarg.offset as i64);
            (ea, oob)
        };
        self.trap_if(oob, TrapCode::MemoryOutOfBounds);
        // Spectre: a mispredicted access reads byte 0 of the memory.
        let zero = self.iconst64(0);
        let safe = self.builder.ins().select_spectre_guard(oob, zero, ea);
        (self.builder.ins().iadd(base, safe), 0)
    }

    pub(super) fn visit_load(&mut self, kind: LoadKind, memarg: MemArg) {
        let (addr, o) = self.checked_address(memarg, kind.width());
        let f = heap_flags();
        let ins = self.builder.ins();
        let v = match kind {
            LoadKind::I32 => ins.load(types::I32, f, addr, o),
            LoadKind::I64 => ins.load(types::I64, f, addr, o),
            LoadKind::F32 => ins.load(types::F32, f, addr, o),
            LoadKind::F64 => ins.load(types::F64, f, addr, o),
            LoadKind::I32S8 => ins.sload8(types::I32, f, addr, o),
            LoadKind::I32U8 => ins.uload8(types::I32, f, addr, o),
            LoadKind::I32S16 => ins.sload16(types::I32, f, addr, o),
            LoadKind::I32U16 => ins.uload16(types::I32, f, addr, o),
            LoadKind::I64S8 => ins.sload8(types::I64, f, addr, o),
            LoadKind::I64U8 => ins.uload8(types::I64, f, addr, o),
            LoadKind::I64S16 => ins.sload16(types::I64, f, addr, o),
            LoadKind::I64U16 => ins.uload16(types::I64, f, addr, o),
            LoadKind::I64S32 => ins.sload32(f, addr, o),
            LoadKind::I64U32 => ins.uload32(f, addr, o),
        };
        self.push(v);
    }

    pub(super) fn visit_store(&mut self, kind: StoreKind, memarg: MemArg) {
        let value = self.pop();
        let (addr, o) = self.checked_address(memarg, kind.width());
        let f = heap_flags();
        let ins = self.builder.ins();
        match kind {
            StoreKind::I32 | StoreKind::I64 | StoreKind::F32 | StoreKind::F64 => {
                ins.store(f, value, addr, o)
            }
            StoreKind::I32As8 | StoreKind::I64As8 => ins.istore8(f, value, addr, o),
            StoreKind::I32As16 | StoreKind::I64As16 => ins.istore16(f, value, addr, o),
            StoreKind::I64As32 => ins.istore32(f, value, addr, o),
        };
    }
}
