//! The per-architecture seam: everything the code generator asks of a
//! backend, in terms of frame slots, labels and helper calls.
//!
//! The code generator ([`crate::codegen`]) is architecture-neutral: it walks
//! the IR, tracks the exact operand-stack height and control frames, and
//! names operands by frame slot (slot `i` is the 64-bit word at
//! `frame_base + 8 * i`). In a stride-2 module (see [`crate::codegen`]) a
//! position is two slots: the backend copies, selects and moves globals 16
//! bytes at a time there, and counts of positions (`emit_copy_n`, tail
//! calls) step by the stride. A backend implements [`Masm`] for one
//! instruction set (today `x64`); an aarch64 backend is another
//! implementation of this trait, not a change to the code generator.

use dynasmrt::DynamicLabel;
use strata_ir::{
    ExtractLane, LaneWidth, LoadKind, NumOp, SimdOp, StoreKind, TrapCode, V128LoadKind,
};
use strata_runtime::memory::BoundsPlan;

/// A runtime helper generated code may call (see [`crate::helpers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Helper {
    /// A numeric operator not emitted inline.
    Num,
    /// A pure SIMD operator not emitted inline.
    Simd,
    /// A table, bulk-memory, segment, `memory.size/grow` or `ref.func` op.
    Op,
    /// Resolve (or perform) a call of a function index.
    CallFunc,
    /// Resolve (or perform) a `call_indirect`.
    CallIndirect,
    /// Resolve (or perform) a `call_ref`.
    CallRef,
    /// Throw a new exception.
    Throw,
    /// Rethrow an exnref.
    ThrowRef,
    /// Match an exception against a `try_table`'s clauses.
    Catch,
    /// Fuel and interrupt check.
    Poll,
    /// Record the unwinding function in the trap's backtrace.
    TrapFrame,
}

/// A memory access, as the backend needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MemAccess {
    /// The memory index in the module.
    pub mem: u32,
    /// Whether the memory is memory64.
    pub is64: bool,
    /// Static offset.
    pub offset: u64,
    /// Bytes accessed.
    pub size: u32,
    /// The check (and Spectre mask) to emit, from the runtime's shared
    /// bounds plan.
    pub plan: BoundsPlan,
    /// Slot of the dynamic address.
    pub addr: u32,
}

/// Frame facts the prologue needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FrameLayout {
    /// Parameters (slots `0..params`).
    pub params: u32,
    /// Parameters plus declared locals.
    pub locals: u32,
    /// Total slots of the frame.
    pub size: u32,
}

/// The instruction-selection interface of one architecture.
///
/// Status convention: a call, helper or throw leaves a status in the return
/// register; 0 is success, [`crate::STATUS_TRAP`] a trap (its code in the
/// context), [`crate::STATUS_EXN`] an exception in flight.
pub(crate) trait Masm {
    /// A fresh label.
    fn new_label(&mut self) -> DynamicLabel;
    /// Bind a label here.
    fn bind(&mut self, l: DynamicLabel);
    /// Bind a loop header or function entry here, aligned for the fetch
    /// unit (so hot code does not depend on where it happened to land).
    fn bind_aligned(&mut self, l: DynamicLabel);
    /// Function entry: frame checks (depth, slot stack, native stack), zeroed
    /// locals, interrupt poll.
    fn emit_prologue(&mut self, f: &FrameLayout, exit: DynamicLabel);
    /// The shared function exit (status in the return register) and the
    /// out-of-line trap stubs of the function. A trap status passing the
    /// exit records defined function `defined` in the trap's backtrace (off
    /// the path of a normal return).
    fn emit_epilogue(&mut self, exit: DynamicLabel, defined: u32);
    /// Slots per position: 2 in a module that uses SIMD, else 1.
    fn stride(&self) -> u32;
    /// Copy the position at slot `src` to slot `dst` (one slot, or two at
    /// stride 2).
    fn emit_copy(&mut self, dst: u32, src: u32);
    /// Copy `n` positions from slot `src` to slot `dst` (ascending;
    /// `dst <= src`).
    fn emit_copy_n(&mut self, dst: u32, src: u32, n: u32) {
        let stride = self.stride();
        if dst != src {
            for i in 0..n {
                self.emit_copy(dst + stride * i, src + stride * i);
            }
        }
    }
    /// `slot[dst] = v`.
    fn emit_const(&mut self, dst: u32, v: u64);
    /// Jump.
    fn emit_jump(&mut self, l: DynamicLabel);
    /// Jump if the i32 in `cond` is non-zero (`nonzero`) or zero.
    fn emit_branch_i32(&mut self, cond: u32, nonzero: bool, l: DynamicLabel);
    /// Jump if the reference in `slot` is null (`null`) or not.
    fn emit_branch_ref(&mut self, slot: u32, null: bool, l: DynamicLabel);
    /// Jump if the i32 in `index` equals `case`.
    fn emit_branch_case(&mut self, index: u32, case: u32, l: DynamicLabel);
    /// Set status 0 and jump to the exit.
    fn emit_return_ok(&mut self, exit: DynamicLabel);
    /// Trap unconditionally.
    fn emit_trap(&mut self, code: TrapCode);
    /// Trap if the reference in `slot` is null.
    fn emit_trap_if_null(&mut self, slot: u32, code: TrapCode);
    /// `slot[dst] = slot[cond] as i32 != 0 ? slot[a] : slot[b]`.
    fn emit_select(&mut self, dst: u32, a: u32, b: u32, cond: u32);
    /// `slot[dst] = slot[src] == null`.
    fn emit_ref_is_null(&mut self, dst: u32, src: u32);
    /// Emit `op` inline if the backend can; `false` means "call the helper".
    fn emit_num(&mut self, op: NumOp, dst: u32, a: u32, b: u32) -> bool;
    /// Compare and branch: jump to `l` when `op` applied to `slot[a]` and
    /// `slot[b]` (`Ok`) or the constant (`Err`) gives `when`. `false` (and
    /// nothing emitted) if `op` is not a compare the backend fuses; it must
    /// then check whether the constant fits before emitting anything.
    fn emit_cmp_branch(
        &mut self,
        op: NumOp,
        a: u32,
        b: Result<u32, u64>,
        when: bool,
        l: DynamicLabel,
    ) -> bool;
    /// Emit `op` inline with the constant `c` as its second operand, if the
    /// backend has an immediate form; `false` means "materialize it".
    fn emit_num_imm(&mut self, op: NumOp, dst: u32, a: u32, c: u64) -> bool;
    /// A bounds-checked load.
    fn emit_load(&mut self, kind: LoadKind, at: MemAccess, dst: u32);
    /// A bounds-checked store of `slot[value]`.
    fn emit_store(&mut self, kind: StoreKind, at: MemAccess, value: u32);
    /// `slot[dst] = global`.
    fn emit_global_get(&mut self, dst: u32, global: u32);
    /// `global = slot[src]`.
    fn emit_global_set(&mut self, src: u32, global: u32);
    /// Call a helper with the context, the address of slot `sp` and two
    /// immediates; its result is in the return register.
    fn emit_call_helper(&mut self, h: Helper, sp: u32, a: u64, b: u64);
    /// Jump to `l` if the status is non-zero.
    fn emit_check_status(&mut self, l: DynamicLabel);
    /// Jump to `l` if the status is not [`crate::STATUS_EXN`].
    fn emit_check_not_exn(&mut self, l: DynamicLabel);
    /// Jump to `l` if the helper result equals `v`.
    fn emit_branch_result(&mut self, v: u64, l: DynamicLabel);
    /// Set the status to `status` and jump to `l`.
    fn emit_status_jump(&mut self, status: u32, l: DynamicLabel);
    /// Call a function of this module whose frame starts at slot `at`.
    fn emit_call_direct(&mut self, f: DynamicLabel, at: u32);
    /// After a call helper: 0 traps (to `exit`), 1 means the helper made the
    /// call, 2 that it raised an exception (to `handler`); otherwise call
    /// the returned code with its frame at `at`.
    fn emit_call_resolved(&mut self, at: u32, exit: DynamicLabel, handler: DynamicLabel);
    /// Tail call of a function of this module: arguments at `at` move to
    /// slot 0, the frame is released, and control jumps to `f`.
    fn emit_tail_call_direct(&mut self, f: DynamicLabel, at: u32, params: u32);
    /// Tail call after a call helper (see [`Masm::emit_call_resolved`]); when
    /// the helper made the call, its `results` move to slot 0 and the
    /// function returns.
    fn emit_tail_call_resolved(&mut self, at: u32, params: u32, results: u32, exit: DynamicLabel);
    /// Fuel and interrupt check (loop headers and function entry).
    fn emit_poll(&mut self, exit: DynamicLabel);

    // SIMD (stride-2 frames only): every vector operand is a slot pair.

    /// `slot[dst..dst + 2] = v`.
    fn emit_v128_const(&mut self, dst: u32, v: u128);
    /// Emit pure SIMD operator `op` inline on operands `a`, `b`, `c` (those
    /// past its arity are meaningless) if the backend can; `false` means
    /// "call [`Helper::Simd`]" and nothing was emitted.
    fn emit_simd(&mut self, op: SimdOp, dst: u32, a: u32, b: u32, c: u32) -> bool;
    /// `i8x16.shuffle` (every lane below 32, checked by the caller).
    fn emit_shuffle(&mut self, dst: u32, a: u32, b: u32, lanes: [u8; 16]);
    /// `extract_lane` (the lane is in range, checked by the caller).
    fn emit_extract_lane(&mut self, e: ExtractLane, lane: u8, dst: u32, v: u32);
    /// `replace_lane`: the vector `v` with lane `lane` set to the scalar `x`.
    fn emit_replace_lane(&mut self, w: LaneWidth, lane: u8, dst: u32, v: u32, x: u32);
    /// A bounds-checked `v128.load*`.
    fn emit_v128_load(&mut self, kind: V128LoadKind, at: MemAccess, dst: u32);
    /// A bounds-checked `v128.store` of the vector `value`.
    fn emit_v128_store(&mut self, at: MemAccess, value: u32);
    /// A bounds-checked `v128.load*_lane` into a copy of the vector `v`.
    fn emit_v128_load_lane(&mut self, w: LaneWidth, lane: u8, at: MemAccess, dst: u32, v: u32);
    /// A bounds-checked `v128.store*_lane` of the vector `v`'s lane.
    fn emit_v128_store_lane(&mut self, w: LaneWidth, lane: u8, at: MemAccess, v: u32);
}
