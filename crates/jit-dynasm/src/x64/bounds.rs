//! BOUNDS CHECKS for loads and stores on x86-64 (the vector accesses in
//! `x64::simd` use [`emit_checked_address`] too).
//!
//! This file decides whether guest code can touch host memory outside a
//! linear memory. A good rule of thumb is to get two reviews on any
//! substantive change in here.
//!
//! Which check an access gets, and why it is sound, is the runtime's shared
//! bounds plan (`strata_runtime::memory::bounds_plan`; the code generator
//! asks it per access and passes the plan in [`MemAccess`]). This file
//! lowers each plan, with the index in `rax` (`mov eax` zero-extends a
//! memory32 index):
//!
//! - `CompareAgainstLenMinusK { k }`: `lea rcx, [len - k]; cmp rax, rcx;
//!   ja trap`, and the access at `[base + rax + offset]` (`k` and the offset
//!   fit the 32-bit displacement: the plan guarantees `k <= i32::MAX`);
//! - `AddThenCompare { k }`: `add rax, k; cmp rax, len; ja trap` (the sum
//!   cannot wrap), the access at `[base + rax - size]`;
//! - `AddWithCarryThenCompare { k }`: the same with `jc trap` after the add;
//! - `AlwaysTrap`: `jmp trap`.
//!
//! Spectre mask (when the plan asks for it): a `cmov` on the flags the
//! bounds branch itself tests, so a mispredicted branch still accesses
//! memory inside the linear memory. On the fast path `cmova rax, rcx` puts
//! the bound `len - k` in the index, so the access covers `[len - size,
//! len)`; on the add paths `cmova`/`cmovb` (after the add: the carry) put
//! `size` in `rax`, so the access is at `base + 0`. Each costs one `cmov`
//! on already computed flags (the add paths also a `mov r8d, size`).
//!
//! Memory 0's base and length live in `r13`/`r14`; other memories are read
//! from the context's memory table into `rsi`/`rdx`.

use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use strata_ir::{LoadKind, StoreKind, TrapCode};
use strata_runtime::memory::BoundsCheck;

use super::{slot, X64Masm};
use crate::masm::MemAccess;
use crate::vmctx::offsets as vo;

/// Registers (numbers) holding the base and the length.
const R13: u8 = 13;
const R14: u8 = 14;
const RSI: u8 = 6;
const RDX: u8 = 2;

/// Emit the bounds check of `at` (trapping when out of bounds) and leave
/// the index part of the address in `rax`; returns the base register and
/// the displacement of the access, `[base + rax + disp]`, or `None` when
/// the access always traps (the trap jump is emitted).
pub(super) fn emit_checked_address(m: &mut X64Masm, at: MemAccess) -> Option<(u8, i32)> {
    let oob = m.trap_label(TrapCode::MemoryOutOfBounds);
    let mask = at.plan.spectre_mask;
    // The plan guarantees the fast path's constants fit a displacement; an
    // access whose constants do not (a broken plan) traps rather than
    // truncating them.
    let lowering = match at.plan.check {
        BoundsCheck::AlwaysTrap => None,
        BoundsCheck::CompareAgainstLenMinusK { k } => {
            match (i32::try_from(k), i32::try_from(at.offset)) {
                (Ok(k), Ok(offset)) => Some(Lowering::LenMinusK { k, offset }),
                _ => None,
            }
        }
        BoundsCheck::AddThenCompare { k } => Some(Lowering::Add { k, carry: false }),
        BoundsCheck::AddWithCarryThenCompare { k } => Some(Lowering::Add { k, carry: true }),
    };
    let (Some(lowering), Ok(size)) = (lowering, i32::try_from(at.size)) else {
        dynasm!(m.ops ; .arch x64 ; jmp =>oob);
        return None;
    };
    let (base, len) = if at.mem == 0 {
        (R13, R14)
    } else {
        let d = (at.mem as i32).wrapping_mul(16);
        dynasm!(m.ops
            ; .arch x64
            ; mov rdx, [r12 + vo::MEMS]
            ; mov rsi, [rdx + d]
            ; mov rdx, [rdx + d + 8]
        );
        (RSI, RDX)
    };
    if at.is64 {
        dynasm!(m.ops ; .arch x64 ; mov rax, [rbx + slot(at.addr)]);
    } else {
        dynasm!(m.ops ; .arch x64 ; mov eax, [rbx + slot(at.addr)]);
    }
    match lowering {
        Lowering::LenMinusK { k, offset } => {
            // In bounds iff `index <= len - k`; `len - k` cannot underflow.
            dynasm!(m.ops
                ; .arch x64
                ; lea rcx, [Rq(len) - k]
                ; cmp rax, rcx
                ; ja =>oob
            );
            if mask {
                // Mispredicted: the index becomes the bound, so the access
                // covers `[len - size, len)`.
                dynasm!(m.ops ; .arch x64 ; cmova rax, rcx);
            }
            Some((base, offset))
        }
        Lowering::Add { k, carry } => {
            if mask {
                dynasm!(m.ops ; .arch x64 ; mov r8d, size);
            }
            match i32::try_from(k) {
                Ok(k) => dynasm!(m.ops ; .arch x64 ; add rax, k),
                Err(_) => dynasm!(m.ops
                    ; .arch x64
                    ; mov rcx, QWORD k as i64
                    ; add rax, rcx
                ),
            }
            if carry {
                if mask {
                    dynasm!(m.ops ; .arch x64 ; cmovb rax, r8);
                }
                dynasm!(m.ops ; .arch x64 ; jc =>oob);
            }
            dynasm!(m.ops
                ; .arch x64
                ; cmp rax, Rq(len)
                ; ja =>oob
            );
            if mask {
                // Mispredicted: `rax - size` becomes 0, the access at the
                // base.
                dynasm!(m.ops ; .arch x64 ; cmova rax, r8);
            }
            Some((base, -size))
        }
    }
}

/// How one planned check is emitted.
enum Lowering {
    /// `index <= len - k`, the access at `[base + index + offset]`.
    LenMinusK { k: i32, offset: i32 },
    /// `end = index + k` (carry-checked if `carry`), `end <= len`, the
    /// access at `[base + end - size]`.
    Add { k: u64, carry: bool },
}

/// A checked load into `slot[dst]`.
pub(super) fn emit_load(m: &mut X64Masm, kind: LoadKind, at: MemAccess, dst: u32) {
    let Some((b, d)) = emit_checked_address(m, at) else {
        return;
    };
    match kind {
        LoadKind::I32 | LoadKind::F32 | LoadKind::I64U32 => {
            dynasm!(m.ops ; .arch x64 ; mov ecx, DWORD [Rq(b) + rax + d])
        }
        LoadKind::I64 | LoadKind::F64 => {
            dynasm!(m.ops ; .arch x64 ; mov rcx, QWORD [Rq(b) + rax + d])
        }
        LoadKind::I32S8 => dynasm!(m.ops ; .arch x64 ; movsx ecx, BYTE [Rq(b) + rax + d]),
        LoadKind::I32U8 | LoadKind::I64U8 => {
            dynasm!(m.ops ; .arch x64 ; movzx ecx, BYTE [Rq(b) + rax + d])
        }
        LoadKind::I32S16 => dynasm!(m.ops ; .arch x64 ; movsx ecx, WORD [Rq(b) + rax + d]),
        LoadKind::I32U16 | LoadKind::I64U16 => {
            dynasm!(m.ops ; .arch x64 ; movzx ecx, WORD [Rq(b) + rax + d])
        }
        LoadKind::I64S8 => dynasm!(m.ops ; .arch x64 ; movsx rcx, BYTE [Rq(b) + rax + d]),
        LoadKind::I64S16 => dynasm!(m.ops ; .arch x64 ; movsx rcx, WORD [Rq(b) + rax + d]),
        LoadKind::I64S32 => dynasm!(m.ops ; .arch x64 ; movsxd rcx, DWORD [Rq(b) + rax + d]),
    }
    dynasm!(m.ops ; .arch x64 ; mov [rbx + slot(dst)], rcx);
}

/// A checked store of `slot[value]`.
pub(super) fn emit_store(m: &mut X64Masm, kind: StoreKind, at: MemAccess, value: u32) {
    dynasm!(m.ops ; .arch x64 ; mov rdi, [rbx + slot(value)]);
    let Some((b, d)) = emit_checked_address(m, at) else {
        return;
    };
    match kind.width() {
        1 => dynasm!(m.ops ; .arch x64 ; mov BYTE [Rq(b) + rax + d], dil),
        2 => dynasm!(m.ops ; .arch x64 ; mov WORD [Rq(b) + rax + d], di),
        4 => dynasm!(m.ops ; .arch x64 ; mov DWORD [Rq(b) + rax + d], edi),
        _ => dynasm!(m.ops ; .arch x64 ; mov QWORD [Rq(b) + rax + d], rdi),
    }
}
