//! Loads, stores and their bounds checks, for both index widths.
//!
//! BOUNDS CHECKS — a good rule of thumb is to get two reviews on any
//! substantive change in here.
//!
//! Every access is checked against the memory's current length before it
//! touches memory; an out-of-bounds access branches to the trap exit and
//! never executes. Which check is emitted, and why it is sound, is decided by
//! the runtime's shared bounds plan (`strata_runtime::memory::bounds_plan`,
//! whose docs hold the argument); this module lowers each plan to Cranelift:
//!
//! - `CompareAgainstLenMinusK { k }`: `icmp ugt index, len - k`. `len - k`
//!   is a pure value of the length variable, so Cranelift shares it between
//!   accesses and hoists it out of loops; the offset is folded into the
//!   load's immediate. memory64 therefore pays exactly what memory32 pays.
//! - `AddThenCompare { k }`: `zext(index) + k` (cannot wrap), one compare.
//! - `AddWithCarryThenCompare { k }`: `uadd_overflow(index, k)`, out of
//!   bounds on a carry or on `end > len`.
//! - `AlwaysTrap`: an unconditional trap.
//!
//! Spectre: the AOT tier always asks for the mask. The index added to the
//! base is `select_spectre_guard(oob, 0, index)` (a conditional move
//! Cranelift never removes or turns into a branch), so under a mispredicted
//! branch the access reads `base + offset` with `offset < k <= len` (fast
//! path) or `base` (the add plans).
//!
//! The base and length live in variables (registers, after register
//! allocation) for the whole function, re-read from the context at entry and
//! after every call, because only a call can grow the memory and move it.

use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, MemFlagsData, Value};
use strata_ir::{LoadKind, MemArg, StoreKind, TrapCode};
use strata_runtime::memory::{plan_access, BoundsCheck};

use super::FuncTranslator;

/// The AOT tier masks every access against speculation past its bounds
/// check; it has no switch to turn that off.
const SPECTRE_HARDENING: bool = true;

/// Flags of a checked heap access: it cannot trap (the check ran), and it
/// may be unaligned.
pub(super) fn heap_flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

impl FuncTranslator<'_> {
    /// The native address and the immediate offset of a checked access of
    /// `size` bytes at the popped index plus `memarg.offset`; traps when out
    /// of bounds.
    pub(super) fn checked_address(&mut self, memarg: MemArg, size: u32) -> (Value, i32) {
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
        let plan = plan_access(&ty, memarg.offset, size, SPECTRE_HARDENING);
        let (oob, ea, imm) = match plan.check {
            BoundsCheck::AlwaysTrap => {
                let always = self.builder.ins().iconst(types::I8, 1);
                self.trap_if(always, TrapCode::MemoryOutOfBounds);
                return (base, 0);
            }
            BoundsCheck::CompareAgainstLenMinusK { k } => {
                // `k <= i32::MAX` (the plan's guarantee), so `-k` and the
                // offset (`< k`) are immediates.
                let bound = self.builder.ins().iadd_imm_s(len, -(k as i64));
                let oob = self
                    .builder
                    .ins()
                    .icmp(IntCC::UnsignedGreaterThan, idx, bound);
                (oob, idx, memarg.offset as i32)
            }
            BoundsCheck::AddThenCompare { k } => {
                let end = self.builder.ins().iadd_imm_s(idx, k as i64);
                let oob = self
                    .builder
                    .ins()
                    .icmp(IntCC::UnsignedGreaterThan, end, len);
                let ea = self.builder.ins().iadd_imm_s(idx, memarg.offset as i64);
                (oob, ea, 0)
            }
            BoundsCheck::AddWithCarryThenCompare { k } => {
                let kv = self.iconst64(k);
                let (end, carry) = self.builder.ins().uadd_overflow(idx, kv);
                let beyond = self
                    .builder
                    .ins()
                    .icmp(IntCC::UnsignedGreaterThan, end, len);
                let oob = self.builder.ins().bor(beyond, carry);
                let ea = self.builder.ins().iadd_imm_s(idx, memarg.offset as i64);
                (oob, ea, 0)
            }
        };
        self.trap_if(oob, TrapCode::MemoryOutOfBounds);
        let ea = if plan.spectre_mask {
            // A mispredicted access reads `base + imm` (in bounds on the
            // fast path, byte 0 on the add paths; see the plan's docs).
            let zero = self.iconst64(0);
            self.builder.ins().select_spectre_guard(oob, zero, ea)
        } else {
            ea
        };
        (self.builder.ins().iadd(base, ea), imm)
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
