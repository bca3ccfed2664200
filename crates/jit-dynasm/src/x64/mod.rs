//! The x86-64 backend: [`Masm`] on `dynasmrt`.
//!
//! Register conventions of generated code:
//! - `rbx`: the frame base (slot 0); callers move it to the callee's first
//!   argument slot around each call, so arguments are never copied;
//! - `r12`: the [`VmCtx`](crate::vmctx::VmCtx);
//! - `r13`, `r14`: memory 0's base and length, reloaded after every call
//!   and helper (which may grow or move the memory);
//! - `rax`, `rcx`, `rdx`, `rsi`, `rdi`, `r8`-`r11`, `xmm0`, `xmm1`: scratch
//!   within one operator; no value lives in a register across operators.
//!
//! A function keeps `rsp` 16-byte aligned after its prologue, so helpers are
//! called with the C ABI's alignment, and returns its status in `eax`.
//! Numeric operators are in [`num`], memory accesses in [`bounds`], the
//! SIMD operators (SSE4.1, `xmm0`-`xmm3` as scratch) in [`simd`]. In a
//! stride-2 module (`wide`) a position is two slots and copies, selects
//! and globals move 16 bytes.

mod bounds;
mod num;
mod simd;

use std::collections::HashMap;

use dynasmrt::x64::Assembler;
use dynasmrt::{dynasm, AssemblyOffset, DynamicLabel, DynasmApi, DynasmLabelApi};
use strata_ir::{
    ExtractLane, LaneWidth, LoadKind, NumOp, SimdOp, StoreKind, TrapCode, V128LoadKind,
};

use crate::masm::{FrameLayout, Helper, Masm, MemAccess};
use crate::vmctx::{offsets as vo, trap_number};

/// Displacement of a slot from the frame base.
#[inline]
pub(crate) fn slot(i: u32) -> i32 {
    (i as i32).wrapping_mul(8)
}

/// The x86-64 assembler of one module.
pub(crate) struct X64Masm {
    pub(crate) ops: Assembler,
    /// Trap stubs of the current function.
    traps: HashMap<u64, DynamicLabel>,
    /// Whether positions are two slots (a module that uses SIMD).
    wide: bool,
    /// 16-byte constants the current function reads, emitted after its
    /// trap stubs (16-byte aligned, so SSE can use them as operands).
    consts: Vec<(DynamicLabel, [u8; 16])>,
}

impl X64Masm {
    /// A new assembler with the entry trampoline at its start; `wide` for a
    /// module whose positions are two slots.
    pub fn new(wide: bool) -> std::io::Result<(Self, AssemblyOffset)> {
        let mut ops = Assembler::new()?;
        let entry = ops.offset();
        // extern "C" fn(vm: rdi, frame: rsi, code: rdx) -> eax
        dynasm!(ops
            ; .arch x64
            ; push rbx
            ; push rbp
            ; push r12
            ; push r13
            ; push r14
            ; push r15
            ; sub rsp, 8
            ; mov r12, rdi
            ; mov rbx, rsi
            ; mov r13, [r12 + vo::MEM0_BASE]
            ; mov r14, [r12 + vo::MEM0_LEN]
            ; call rdx
            ; add rsp, 8
            ; pop r15
            ; pop r14
            ; pop r13
            ; pop r12
            ; pop rbp
            ; pop rbx
            ; ret
        );
        Ok((
            Self {
                ops,
                traps: HashMap::new(),
                wide,
                consts: Vec::new(),
            },
            entry,
        ))
    }

    /// Current offset (a function's start).
    pub fn offset(&self) -> AssemblyOffset {
        self.ops.offset()
    }

    /// The trap stub label for `code` in the current function.
    pub(crate) fn trap_label(&mut self, code: TrapCode) -> DynamicLabel {
        let n = trap_number(code);
        if let Some(l) = self.traps.get(&n) {
            return *l;
        }
        let l = self.ops.new_dynamic_label();
        self.traps.insert(n, l);
        l
    }

    /// A label on the 16-byte constant `bytes` in the current function's
    /// constant pool.
    pub(crate) fn const_label(&mut self, bytes: [u8; 16]) -> DynamicLabel {
        if let Some((l, _)) = self.consts.iter().find(|(_, b)| *b == bytes) {
            return *l;
        }
        let l = self.ops.new_dynamic_label();
        self.consts.push((l, bytes));
        l
    }

    fn reload_memory(&mut self) {
        dynasm!(self.ops
            ; .arch x64
            ; mov r13, [r12 + vo::MEM0_BASE]
            ; mov r14, [r12 + vo::MEM0_LEN]
        );
    }

    fn release_frame(&mut self) {
        dynasm!(self.ops
            ; .arch x64
            ; sub QWORD [r12 + vo::DEPTH], 1
            ; add rsp, 8
        );
    }
}

fn helper_addr(h: Helper) -> i64 {
    use crate::vmctx::shims;
    let f: shims::HelperFn = match h {
        Helper::Num => shims::jit_num,
        Helper::Simd => shims::jit_simd,
        Helper::Op => shims::jit_op,
        Helper::CallFunc => shims::jit_call_func,
        Helper::CallIndirect => shims::jit_call_indirect,
        Helper::CallRef => shims::jit_call_ref,
        Helper::Throw => shims::jit_throw,
        Helper::ThrowRef => shims::jit_throw_ref,
        Helper::Catch => shims::jit_catch,
        Helper::Poll => shims::jit_poll,
        Helper::TrapFrame => shims::jit_trap_frame,
    };
    f as usize as i64
}

impl Masm for X64Masm {
    fn new_label(&mut self) -> DynamicLabel {
        self.ops.new_dynamic_label()
    }

    fn bind(&mut self, l: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; =>l);
    }

    fn bind_aligned(&mut self, l: DynamicLabel) {
        // Padding is `nop`s: a loop header is reached by falling through.
        dynasm!(self.ops ; .arch x64 ; .align 16 ; =>l);
    }

    fn emit_prologue(&mut self, f: &FrameLayout, exit: DynamicLabel) {
        self.traps.clear();
        self.consts.clear();
        let stack = self.trap_label(TrapCode::StackExhausted);
        let size = slot(f.size);
        dynasm!(self.ops
            ; .arch x64
            ; sub rsp, 8
            ; add QWORD [r12 + vo::DEPTH], 1
            ; mov rax, [r12 + vo::DEPTH]
            ; cmp rax, [r12 + vo::MAX_DEPTH]
            ; ja =>stack
            ; lea rax, [rbx + size]
            ; cmp rax, [r12 + vo::SLOT_END]
            ; ja =>stack
            ; cmp rsp, [r12 + vo::STACK_LIMIT]
            ; jb =>stack
        );
        let zeroed = f.locals - f.params;
        if zeroed > 0 && zeroed <= 16 {
            dynasm!(self.ops ; .arch x64 ; xor eax, eax);
            for i in f.params..f.locals {
                dynasm!(self.ops ; .arch x64 ; mov [rbx + slot(i)], rax);
            }
        } else if zeroed > 16 {
            dynasm!(self.ops
                ; .arch x64
                ; xor eax, eax
                ; lea rdi, [rbx + slot(f.params)]
                ; mov ecx, zeroed as i32
                ; rep stosq
            );
        }
        self.emit_poll(exit);
    }

    fn emit_epilogue(&mut self, exit: DynamicLabel, defined: u32) {
        let record = self.new_label();
        let ret = self.new_label();
        dynasm!(self.ops
            ; .arch x64
            ; =>exit
            ; cmp eax, crate::STATUS_TRAP as i32
            ; je =>record
            ; =>ret
            ; sub QWORD [r12 + vo::DEPTH], 1
            ; add rsp, 8
            ; ret
            ; =>record
        );
        // The stack is as in the body, so the helper call is aligned.
        self.emit_call_helper(Helper::TrapFrame, 0, u64::from(defined), 0);
        dynasm!(self.ops
            ; .arch x64
            ; mov eax, crate::STATUS_TRAP as i32
            ; jmp =>ret
        );
        let mut traps: Vec<(u64, DynamicLabel)> = self.traps.drain().collect();
        traps.sort_by_key(|t| t.0);
        let exhausted = trap_number(TrapCode::StackExhausted);
        for (n, l) in traps {
            if n == exhausted {
                // Only the entry check raises it: the function has not
                // started, so (as in the other tiers) its frame is not part
                // of the backtrace, which starts at the call that failed.
                dynasm!(self.ops
                    ; .arch x64
                    ; =>l
                    ; mov QWORD [r12 + vo::TRAP_CODE], n as i32
                    ; mov eax, crate::STATUS_TRAP as i32
                    ; jmp =>ret
                );
            } else {
                dynasm!(self.ops
                    ; .arch x64
                    ; =>l
                    ; mov QWORD [r12 + vo::TRAP_CODE], n as i32
                    ; jmp =>record
                );
            }
        }
        if !self.consts.is_empty() {
            dynasm!(self.ops ; .arch x64 ; .align 16);
            for (l, bytes) in std::mem::take(&mut self.consts) {
                dynasm!(self.ops ; .arch x64 ; =>l);
                self.ops.extend(bytes);
            }
        }
    }

    fn stride(&self) -> u32 {
        if self.wide {
            2
        } else {
            1
        }
    }

    fn emit_copy(&mut self, dst: u32, src: u32) {
        if dst != src && self.wide {
            dynasm!(self.ops
                ; .arch x64
                ; movdqu xmm0, [rbx + slot(src)]
                ; movdqu [rbx + slot(dst)], xmm0
            );
        } else if dst != src {
            dynasm!(self.ops
                ; .arch x64
                ; mov rax, [rbx + slot(src)]
                ; mov [rbx + slot(dst)], rax
            );
        }
    }

    fn emit_const(&mut self, dst: u32, v: u64) {
        if v <= i32::MAX as u64 {
            dynasm!(self.ops ; .arch x64 ; mov QWORD [rbx + slot(dst)], v as i32);
        } else {
            dynasm!(self.ops
                ; .arch x64
                ; mov rax, QWORD v as i64
                ; mov [rbx + slot(dst)], rax
            );
        }
    }

    fn emit_jump(&mut self, l: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; jmp =>l);
    }

    fn emit_branch_i32(&mut self, cond: u32, nonzero: bool, l: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; cmp DWORD [rbx + slot(cond)], 0);
        if nonzero {
            dynasm!(self.ops ; .arch x64 ; jne =>l);
        } else {
            dynasm!(self.ops ; .arch x64 ; je =>l);
        }
    }

    fn emit_branch_ref(&mut self, s: u32, null: bool, l: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; cmp QWORD [rbx + slot(s)], 0);
        if null {
            dynasm!(self.ops ; .arch x64 ; je =>l);
        } else {
            dynasm!(self.ops ; .arch x64 ; jne =>l);
        }
    }

    fn emit_branch_case(&mut self, index: u32, case: u32, l: DynamicLabel) {
        dynasm!(self.ops
            ; .arch x64
            ; cmp DWORD [rbx + slot(index)], case as i32
            ; je =>l
        );
    }

    fn emit_return_ok(&mut self, exit: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; xor eax, eax ; jmp =>exit);
    }

    fn emit_trap(&mut self, code: TrapCode) {
        let l = self.trap_label(code);
        dynasm!(self.ops ; .arch x64 ; jmp =>l);
    }

    fn emit_trap_if_null(&mut self, s: u32, code: TrapCode) {
        let l = self.trap_label(code);
        dynasm!(self.ops
            ; .arch x64
            ; cmp QWORD [rbx + slot(s)], 0
            ; je =>l
        );
    }

    fn emit_select(&mut self, dst: u32, a: u32, b: u32, cond: u32) {
        if self.wide {
            dynasm!(self.ops
                ; .arch x64
                ; mov ecx, [rbx + slot(cond)]
                ; mov rax, [rbx + slot(a)]
                ; mov rdx, [rbx + slot(a + 1)]
                ; test ecx, ecx
                ; cmovz rax, [rbx + slot(b)]
                ; cmovz rdx, [rbx + slot(b + 1)]
                ; mov [rbx + slot(dst)], rax
                ; mov [rbx + slot(dst + 1)], rdx
            );
            return;
        }
        dynasm!(self.ops
            ; .arch x64
            ; mov ecx, [rbx + slot(cond)]
            ; mov rax, [rbx + slot(a)]
            ; test ecx, ecx
            ; cmovz rax, [rbx + slot(b)]
            ; mov [rbx + slot(dst)], rax
        );
    }

    fn emit_ref_is_null(&mut self, dst: u32, src: u32) {
        dynasm!(self.ops
            ; .arch x64
            ; xor eax, eax
            ; cmp QWORD [rbx + slot(src)], 0
            ; sete al
            ; mov [rbx + slot(dst)], rax
        );
    }

    fn emit_num(&mut self, op: NumOp, dst: u32, a: u32, b: u32) -> bool {
        num::emit_num(self, op, dst, a, b)
    }

    fn emit_cmp_branch(
        &mut self,
        op: NumOp,
        a: u32,
        b: Result<u32, u64>,
        when: bool,
        l: DynamicLabel,
    ) -> bool {
        num::emit_cmp_branch(self, op, a, b, when, l)
    }

    fn emit_num_imm(&mut self, op: NumOp, dst: u32, a: u32, c: u64) -> bool {
        num::emit_num_imm(self, op, dst, a, c)
    }

    fn emit_load(&mut self, kind: LoadKind, at: MemAccess, dst: u32) {
        bounds::emit_load(self, kind, at, dst);
    }

    fn emit_store(&mut self, kind: StoreKind, at: MemAccess, value: u32) {
        bounds::emit_store(self, kind, at, value);
    }

    fn emit_global_get(&mut self, dst: u32, global: u32) {
        if self.wide {
            // A global's cell is 16 bytes (`strata_runtime::Global`).
            dynasm!(self.ops
                ; .arch x64
                ; mov rax, [r12 + vo::GLOBALS]
                ; mov rax, [rax + slot(global)]
                ; movdqu xmm0, [rax]
                ; movdqu [rbx + slot(dst)], xmm0
            );
            return;
        }
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, [r12 + vo::GLOBALS]
            ; mov rax, [rax + slot(global)]
            ; mov rcx, [rax]
            ; mov [rbx + slot(dst)], rcx
        );
    }

    fn emit_global_set(&mut self, src: u32, global: u32) {
        if self.wide {
            dynasm!(self.ops
                ; .arch x64
                ; mov rax, [r12 + vo::GLOBALS]
                ; mov rax, [rax + slot(global)]
                ; movdqu xmm0, [rbx + slot(src)]
                ; movdqu [rax], xmm0
            );
            return;
        }
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, [r12 + vo::GLOBALS]
            ; mov rax, [rax + slot(global)]
            ; mov rcx, [rbx + slot(src)]
            ; mov [rax], rcx
        );
    }

    fn emit_call_helper(&mut self, h: Helper, sp: u32, a: u64, b: u64) {
        let addr = helper_addr(h);
        dynasm!(self.ops
            ; .arch x64
            ; mov rdi, r12
            ; lea rsi, [rbx + slot(sp)]
            ; mov rdx, QWORD a as i64
            ; mov rcx, QWORD b as i64
            ; mov rax, QWORD addr
            ; call rax
        );
        self.reload_memory();
    }

    fn emit_check_status(&mut self, l: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; test eax, eax ; jnz =>l);
    }

    fn emit_check_not_exn(&mut self, l: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; cmp eax, crate::STATUS_EXN as i32 ; jne =>l);
    }

    fn emit_branch_result(&mut self, v: u64, l: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; cmp rax, v as i32 ; je =>l);
    }

    fn emit_status_jump(&mut self, status: u32, l: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; mov eax, status as i32 ; jmp =>l);
    }

    fn emit_call_direct(&mut self, f: DynamicLabel, at: u32) {
        let d = slot(at);
        dynasm!(self.ops
            ; .arch x64
            ; add rbx, d
            ; call =>f
            ; sub rbx, d
        );
        self.reload_memory();
    }

    fn emit_call_resolved(&mut self, at: u32, exit: DynamicLabel, handler: DynamicLabel) {
        let done = self.ops.new_dynamic_label();
        let by_helper = self.ops.new_dynamic_label();
        let failed = self.ops.new_dynamic_label();
        let d = slot(at);
        dynasm!(self.ops
            ; .arch x64
            ; cmp rax, 1
            ; je =>by_helper
            ; jb =>failed
            ; cmp rax, crate::STATUS_EXN as i32
            ; je =>handler
            ; add rbx, d
            ; call rax
            ; sub rbx, d
        );
        self.reload_memory();
        dynasm!(self.ops
            ; .arch x64
            ; jmp =>done
            ; =>failed
            ; mov eax, crate::STATUS_TRAP as i32
            ; jmp =>exit
            ; =>by_helper
            ; xor eax, eax
            ; =>done
        );
    }

    fn emit_tail_call_direct(&mut self, f: DynamicLabel, at: u32, params: u32) {
        self.emit_copy_n(0, at, params);
        self.release_frame();
        dynasm!(self.ops ; .arch x64 ; jmp =>f);
    }

    fn emit_tail_call_resolved(&mut self, at: u32, params: u32, results: u32, exit: DynamicLabel) {
        let done = self.ops.new_dynamic_label();
        let failed = self.ops.new_dynamic_label();
        dynasm!(self.ops
            ; .arch x64
            ; cmp rax, 1
            ; je =>done
            ; jb =>failed
            ; cmp rax, crate::STATUS_EXN as i32
            ; je =>exit
            ; mov rdx, rax
        );
        if at != 0 {
            // Slot by slot through `rcx`: the callee's code is in `rdx`.
            for i in 0..params * self.stride() {
                dynasm!(self.ops
                    ; .arch x64
                    ; mov rcx, [rbx + slot(at + i)]
                    ; mov [rbx + slot(i)], rcx
                );
            }
        }
        self.release_frame();
        dynasm!(self.ops
            ; .arch x64
            ; jmp rdx
            ; =>failed
            ; mov eax, crate::STATUS_TRAP as i32
            ; jmp =>exit
            ; =>done
        );
        self.emit_copy_n(0, at, results);
        self.emit_return_ok(exit);
    }

    fn emit_poll(&mut self, exit: DynamicLabel) {
        let slow = self.ops.new_dynamic_label();
        let done = self.ops.new_dynamic_label();
        dynasm!(self.ops
            ; .arch x64
            ; cmp QWORD [r12 + vo::POLL_ALWAYS], 0
            ; jne =>slow
            ; mov rax, [r12 + vo::INTERRUPT_FLAG]
            ; cmp BYTE [rax], 0
            ; je =>done
            ; =>slow
        );
        self.emit_call_helper(Helper::Poll, 0, 0, 0);
        dynasm!(self.ops
            ; .arch x64
            ; test eax, eax
            ; jnz =>exit
            ; =>done
        );
    }

    fn emit_v128_const(&mut self, dst: u32, v: u128) {
        simd::emit_v128_const(self, dst, v);
    }

    fn emit_simd(&mut self, op: SimdOp, dst: u32, a: u32, b: u32, c: u32) -> bool {
        simd::emit_simd(self, op, dst, a, b, c)
    }

    fn emit_shuffle(&mut self, dst: u32, a: u32, b: u32, lanes: [u8; 16]) {
        simd::emit_shuffle(self, dst, a, b, lanes);
    }

    fn emit_extract_lane(&mut self, e: ExtractLane, lane: u8, dst: u32, v: u32) {
        simd::emit_extract_lane(self, e, lane, dst, v);
    }

    fn emit_replace_lane(&mut self, w: LaneWidth, lane: u8, dst: u32, v: u32, x: u32) {
        simd::emit_replace_lane(self, w, lane, dst, v, x);
    }

    fn emit_v128_load(&mut self, kind: V128LoadKind, at: MemAccess, dst: u32) {
        simd::emit_v128_load(self, kind, at, dst);
    }

    fn emit_v128_store(&mut self, at: MemAccess, value: u32) {
        simd::emit_v128_store(self, at, value);
    }

    fn emit_v128_load_lane(&mut self, w: LaneWidth, lane: u8, at: MemAccess, dst: u32, v: u32) {
        simd::emit_v128_load_lane(self, w, lane, at, dst, v);
    }

    fn emit_v128_store_lane(&mut self, w: LaneWidth, lane: u8, at: MemAccess, v: u32) {
        simd::emit_v128_store_lane(self, w, lane, at, v);
    }
}
