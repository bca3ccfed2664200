//! BOUNDS CHECKS for scalar loads and stores on x86-64.
//!
//! This file decides whether guest code can touch host memory outside a
//! linear memory. A good rule of thumb is to get two reviews on any
//! substantive change in here.
//!
//! Both widths use one explicit check against the current length, with the
//! full 64-bit end address `end = addr + offset + size`:
//! - memory32: `addr` is zero-extended and `offset <= u32::MAX`
//!   (validation), so `end < 2^34` and the 64-bit sum cannot wrap; the check
//!   does not rely on that alone: whenever `offset + size` does not fit the
//!   32-bit immediate, the add is followed by the carry check too, so an
//!   offset past what validation allows (a hand-built IR) traps instead of
//!   wrapping;
//! - memory64: the sum is computed with `add` and a carry check (`jc`), so
//!   an address near 2^64 traps instead of wrapping; an `offset + size` that
//!   already overflows is a static trap.
//!
//! Then `end <= len` or trap, and the access is at `base + end - size`.
//! Memory 0's base and length live in `r13`/`r14`; other memories are read
//! from the context's memory table into `rsi`/`rdx`.

use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use strata_ir::{LoadKind, StoreKind, TrapCode};

use super::{slot, X64Masm};
use crate::masm::MemAccess;
use crate::vmctx::offsets as vo;

/// Registers (numbers) holding the base and the length.
const R13: u8 = 13;
const R14: u8 = 14;
const RSI: u8 = 6;
const RDX: u8 = 2;

/// Compute and check the end address into `rax`; returns the base register,
/// or `None` when the access always traps (the trap jump is emitted).
fn emit_end(m: &mut X64Masm, at: MemAccess, size: u32) -> Option<u8> {
    let oob = m.trap_label(TrapCode::MemoryOutOfBounds);
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
    let Some(end) = at.offset.checked_add(u64::from(size)) else {
        dynasm!(m.ops ; .arch x64 ; jmp =>oob);
        return None;
    };
    if at.is64 {
        dynasm!(m.ops ; .arch x64 ; mov rax, [rbx + slot(at.addr)]);
    } else {
        dynasm!(m.ops ; .arch x64 ; mov eax, [rbx + slot(at.addr)]);
    }
    let small = end <= i32::MAX as u64;
    if small {
        dynasm!(m.ops ; .arch x64 ; add rax, end as i32);
    } else {
        dynasm!(m.ops
            ; .arch x64
            ; mov rcx, QWORD end as i64
            ; add rax, rcx
        );
    }
    // A zero-extended 32-bit address plus a 31-bit constant cannot carry;
    // every other sum is carry-checked.
    if at.is64 || !small {
        dynasm!(m.ops ; .arch x64 ; jc =>oob);
    }
    dynasm!(m.ops
        ; .arch x64
        ; cmp rax, Rq(len)
        ; ja =>oob
    );
    Some(base)
}

/// A checked load into `slot[dst]`.
pub(super) fn emit_load(m: &mut X64Masm, kind: LoadKind, at: MemAccess, dst: u32) {
    let size = kind.width();
    let Some(b) = emit_end(m, at, size) else {
        return;
    };
    let d = -(size as i32);
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
    let size = kind.width();
    dynasm!(m.ops ; .arch x64 ; mov rdi, [rbx + slot(value)]);
    let Some(b) = emit_end(m, at, size) else {
        return;
    };
    let d = -(size as i32);
    match size {
        1 => dynasm!(m.ops ; .arch x64 ; mov BYTE [Rq(b) + rax + d], dil),
        2 => dynasm!(m.ops ; .arch x64 ; mov WORD [Rq(b) + rax + d], di),
        4 => dynasm!(m.ops ; .arch x64 ; mov DWORD [Rq(b) + rax + d], edi),
        _ => dynasm!(m.ops ; .arch x64 ; mov QWORD [Rq(b) + rax + d], rdi),
    }
}
