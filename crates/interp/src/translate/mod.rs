//! Translation of one validated IR function body (stack form) into register
//! bytecode, in a single forward pass.
//!
//! The translator keeps a compile-time operand stack. An entry is in its
//! *home* slot (`num_locals + depth`, where `num_locals` counts the constant
//! pool slots after the declared locals), still *lazily* in a local, or a lazy
//! *constant*: `local.get` and constants emit nothing, and consumers read the
//! local directly or use an immediate-operand instruction. Lazy entries are
//! materialized (written home) before their local is overwritten, before
//! control-flow boundaries (block, loop, if, else, end) and for call
//! arguments, so that at every label all operands sit in their home slots.
//!
//! Peephole fusion (see [`Last`]): a `local.set`/`local.tee` right after the
//! instruction producing its operand redirects that instruction's result to
//! the local, and an integer comparison right before `br_if`/`if` becomes one
//! compare-and-branch instruction. Neither crosses a label, so no jump can
//! land between the two instructions fused.

mod control;
mod ops;
mod vector;
mod verify;

use strata_ir::{FuncBody, FuncIdx, Module};
use strata_runtime::CompileError;

use crate::bytecode::{Cmp, Handler, Instr, Slot};
use crate::code::CompiledFunc;
use crate::vector::VInstr;
use control::{Control, ControlKind};

/// A compile-time operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operand {
    /// The value is in its home slot.
    Home,
    /// The value is the current content of this local.
    Local(Slot),
    /// The value is this raw constant, not yet written anywhere.
    Const(u64),
}

/// The right-hand side of a tracked comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpRhs {
    Slot(Slot),
    Imm(i32),
}

/// What the last emitted instruction was, as far as fusion cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Nothing fusable.
    None,
    /// A single-result instruction at `idx` writing `dst`.
    Result { idx: usize, dst: Slot },
    /// An integer comparison at `idx` writing `dst`.
    Compare {
        idx: usize,
        dst: Slot,
        cmp: Cmp,
        a: Slot,
        rhs: CmpRhs,
    },
}

/// A branch condition: a slot holding an i32, or a comparison to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    Slot(Slot),
    Compare { cmp: Cmp, a: Slot, rhs: CmpRhs },
}

/// Translate the body of defined function `func`.
pub fn translate_function(
    module: &Module,
    func: FuncIdx,
    body: &FuncBody,
    stride: u32,
) -> Result<CompiledFunc, CompileError> {
    let ty = module.func_type(func);
    let num_locals = ty.params.len() + body.locals.len();
    let num_locals = u32::try_from(num_locals).map_err(|_| CompileError {
        func: Some(func),
        offset: Some(body.offset),
        message: "too many locals".into(),
    })?;
    let consts = constant_pool(body);
    let mut t = Translator {
        module,
        body,
        func,
        num_locals: num_locals + consts.len() as u32,
        consts,
        code: Vec::with_capacity(body.ops.len()),
        offsets: Vec::with_capacity(body.ops.len()),
        stack: Vec::with_capacity(body.max_stack as usize),
        controls: Vec::new(),
        max_depth: 0,
        offset: body.offset,
        reachable: true,
        handlers: Vec::new(),
        last: Last::None,
        label_pos: 0,
        stride,
        vector: Vec::new(),
        vconsts: Vec::new(),
    };
    t.controls.push(Control {
        kind: ControlKind::Func,
        height: 0,
        params: 0,
        results: ty.results.len() as u32,
        start: 0,
        fixups: Vec::new(),
    });
    for (i, op) in body.ops.iter().enumerate() {
        t.offset = body.offsets.get(i).copied().unwrap_or(body.offset);
        t.translate_op(op)?;
        if t.controls.is_empty() {
            break;
        }
    }
    let positions = (t.num_locals + t.max_depth + 1).max(ty.results.len() as u32 + 1);
    let frame_size = positions.checked_mul(stride).ok_or_else(|| CompileError {
        func: Some(func),
        offset: Some(body.offset),
        message: "frame too large".into(),
    })?;
    let mut vector = t.vector;
    let code = t
        .code
        .into_iter()
        .map(|instr| widen(Instr::specialize(instr), stride, &mut vector))
        .collect();
    let compiled = CompiledFunc {
        func,
        code,
        offsets: t.offsets.into_boxed_slice(),
        num_params: ty.params.len() as u32,
        num_results: ty.results.len() as u32,
        num_locals,
        frame_size,
        consts: t.consts.into_boxed_slice(),
        handlers: t.handlers.into_boxed_slice(),
        stride,
        vector: vector.into_boxed_slice(),
        vconsts: t.vconsts.into_boxed_slice(),
    };
    verify::verify(&compiled)?;
    Ok(compiled)
}

/// In a stride-2 frame, the value moves that must carry a whole slot pair
/// (a `v128` or a scalar alike) as their vector forms (see
/// [`crate::vector`]); every other instruction unchanged.
fn widen(instr: Instr, stride: u32, vector: &mut Vec<VInstr>) -> Instr {
    if stride == 1 {
        return instr;
    }
    let wide = match instr {
        Instr::Copy { dst, src } => VInstr::Copy128 { dst, src },
        Instr::Select { dst, cond, a, b } => VInstr::Select128 { dst, cond, a, b },
        other => return other,
    };
    vector.push(wide);
    Instr::Vector {
        idx: vector.len() as u32 - 1,
    }
}

/// Most constants a function keeps in pool slots.
const MAX_POOLED: usize = 16;

/// The constants of a function with a loop that no instruction can take as
/// an immediate (floats, 64-bit integers outside the `i32` range) and zero,
/// as raw slot values, at most [`MAX_POOLED`]. The executor writes them to
/// slots `num_locals..` on frame entry, so using one inside a loop costs no
/// `Const` instruction per iteration.
fn constant_pool(body: &FuncBody) -> Vec<u64> {
    use strata_ir::Op;
    if !body.ops.iter().any(|op| matches!(op, Op::Loop { .. })) {
        return Vec::new();
    }
    let mut pool = Vec::new();
    for op in body.ops.iter() {
        let raw = match *op {
            Op::I32Const(0) | Op::I64Const(0) => 0,
            Op::I64Const(v) if i32::try_from(v).is_err() => v as u64,
            Op::F32Const(bits) => u64::from(bits),
            Op::F64Const(bits) => bits,
            _ => continue,
        };
        if !pool.contains(&raw) {
            if pool.len() == MAX_POOLED {
                break;
            }
            pool.push(raw);
        }
    }
    pool
}

struct Translator<'m> {
    module: &'m Module,
    body: &'m FuncBody,
    func: FuncIdx,
    /// First operand slot: declared locals plus the constant pool.
    num_locals: u32,
    /// Pooled constants: `consts[i]` lives in slot `num_locals - len + i`.
    consts: Vec<u64>,
    code: Vec<Instr>,
    offsets: Vec<u32>,
    stack: Vec<Operand>,
    controls: Vec<Control>,
    max_depth: u32,
    offset: u32,
    reachable: bool,
    handlers: Vec<Handler>,
    /// The last emitted instruction, for fusion.
    last: Last,
    /// The highest instruction index some jump may target; nothing is fused
    /// across it.
    label_pos: usize,
    /// Slots per local or operand position (see [`crate::vector`]).
    stride: u32,
    /// The vector instructions emitted so far.
    vector: Vec<VInstr>,
    /// Their 128-bit immediates.
    vconsts: Vec<u128>,
}

impl Translator<'_> {
    fn emit(&mut self, instr: Instr) -> usize {
        self.code.push(instr);
        self.offsets.push(self.offset);
        self.last = Last::None;
        self.code.len() - 1
    }

    /// Emit a single-result instruction writing `dst`, fusable with a
    /// following `local.set`.
    fn emit_result(&mut self, instr: Instr, dst: Slot) {
        let idx = self.emit(instr);
        self.last = Last::Result { idx, dst };
    }

    /// Emit an integer comparison writing `dst`, fusable with a following
    /// conditional branch.
    fn emit_compare(&mut self, instr: Instr, dst: Slot, cmp: Cmp, a: Slot, rhs: CmpRhs) {
        let idx = self.emit(instr);
        self.last = Last::Compare {
            idx,
            dst,
            cmp,
            a,
            rhs,
        };
    }

    /// Mark the current position as a jump target.
    fn bind_label(&mut self) {
        self.label_pos = self.code.len();
        self.last = Last::None;
    }

    /// The index of the last instruction if it produced `slot` and may be
    /// fused with the next one.
    fn fusable(&self, slot: Slot) -> Option<usize> {
        let (idx, dst) = match self.last {
            Last::Result { idx, dst } | Last::Compare { idx, dst, .. } => (idx, dst),
            Last::None => return None,
        };
        (dst == slot && idx + 1 == self.code.len() && self.label_pos <= idx).then_some(idx)
    }

    fn home(&self, depth: usize) -> Slot {
        self.stride * (self.num_locals + depth as u32)
    }

    /// The slot of local `index` (a parameter or declared local).
    fn local_slot(&self, index: u32) -> Slot {
        self.stride * index
    }

    /// The slot of pooled constant `i`.
    fn pool_slot(&self, i: usize) -> Slot {
        self.stride * (self.num_locals - self.consts.len() as u32 + i as u32)
    }

    /// Emit the vector instruction `v` (see [`crate::vector`]).
    fn emit_vector(&mut self, v: VInstr) -> usize {
        self.vector.push(v);
        let idx = self.vector.len() as u32 - 1;
        self.emit(Instr::Vector { idx })
    }

    /// Emit a single-result vector instruction writing `dst`, fusable with a
    /// following `local.set`.
    fn emit_vector_result(&mut self, v: VInstr, dst: Slot) {
        let idx = self.emit_vector(v);
        self.last = Last::Result { idx, dst };
    }

    /// Redirect the result of instruction `idx` to `slot`, if it has one.
    fn set_result_slot(&mut self, idx: usize, slot: Slot) -> bool {
        match self.code.get_mut(idx) {
            Some(Instr::Vector { idx: v }) => self
                .vector
                .get_mut(*v as usize)
                .is_some_and(|v| v.set_result_slot(slot)),
            Some(instr) => instr.set_result_slot(slot),
            None => false,
        }
    }

    fn height(&self) -> usize {
        self.stack.len()
    }

    /// The slot holding the operand at `depth`, writing a lazy constant home
    /// first.
    fn slot_at(&mut self, depth: usize) -> Slot {
        match self.stack[depth] {
            Operand::Home => self.home(depth),
            Operand::Local(l) => l,
            Operand::Const(val) => {
                if let Some(i) = self.consts.iter().position(|c| *c == val) {
                    // Pooled: read it where frame entry put it.
                    return self.pool_slot(i);
                }
                let dst = self.home(depth);
                self.emit_result(Instr::Const { dst, val }, dst);
                self.stack[depth] = Operand::Home;
                dst
            }
        }
    }

    /// Pop the top operand and return the slot to read it from.
    fn pop(&mut self) -> Slot {
        let depth = self.stack.len().saturating_sub(1);
        let slot = self.slot_at(depth);
        self.stack.pop();
        slot
    }

    /// Pop the top operand as a branch condition, taking over a comparison
    /// that was just computed into it.
    fn pop_cond(&mut self) -> Cond {
        let depth = self.stack.len().saturating_sub(1);
        if self.stack.get(depth) == Some(&Operand::Home) {
            let home = self.home(depth);
            if let (Some(idx), Last::Compare { cmp, a, rhs, .. }) = (self.fusable(home), self.last)
            {
                self.code.truncate(idx);
                self.offsets.truncate(idx);
                self.last = Last::None;
                self.stack.pop();
                return Cond::Compare { cmp, a, rhs };
            }
        }
        Cond::Slot(self.pop())
    }

    fn track_depth(&mut self) {
        self.max_depth = self.max_depth.max(self.stack.len() as u32 + 1);
    }

    /// Push a fresh result; returns its home slot.
    fn push_home(&mut self) -> Slot {
        self.stack.push(Operand::Home);
        self.track_depth();
        self.home(self.stack.len() - 1)
    }

    fn push_lazy(&mut self, operand: Operand) {
        self.stack.push(operand);
        self.track_depth();
    }

    /// The home slot the next pushed value will get (also a scratch slot).
    fn next_home(&mut self) -> Slot {
        self.max_depth = self.max_depth.max(self.stack.len() as u32 + 2);
        self.home(self.stack.len())
    }

    fn materialize_at(&mut self, depth: usize) {
        let dst = self.home(depth);
        match self.stack[depth] {
            Operand::Home => return,
            Operand::Local(src) => {
                self.emit(Instr::Copy { dst, src });
            }
            Operand::Const(val) => {
                self.emit(Instr::Const { dst, val });
            }
        }
        self.stack[depth] = Operand::Home;
    }

    fn materialize_from(&mut self, from: usize) {
        for depth in from..self.stack.len() {
            self.materialize_at(depth);
        }
    }

    fn materialize_all(&mut self) {
        self.materialize_from(0);
    }

    fn materialize_top(&mut self, n: usize) {
        self.materialize_from(self.stack.len().saturating_sub(n));
    }

    fn materialize_local(&mut self, local: Slot) {
        for depth in 0..self.stack.len() {
            if self.stack[depth] == Operand::Local(local) {
                self.materialize_at(depth);
            }
        }
    }

    /// `local.set` (`tee` keeps the value on the stack, now lazily in the
    /// local where that is cheaper).
    fn set_local(&mut self, local: Slot, tee: bool) {
        self.materialize_local(local);
        let depth = self.height() - 1;
        match self.stack[depth] {
            Operand::Const(val) => {
                self.emit_result(Instr::Const { dst: local, val }, local);
                if !tee {
                    self.stack.pop();
                }
            }
            Operand::Local(src) => {
                if src != local {
                    self.emit(Instr::Copy { dst: local, src });
                }
                if !tee {
                    self.stack.pop();
                }
            }
            Operand::Home => {
                let home = self.home(depth);
                match self.fusable(home) {
                    Some(idx) if self.set_result_slot(idx, local) => {
                        self.last = Last::None;
                        if tee {
                            self.stack[depth] = Operand::Local(local);
                        }
                    }
                    _ => {
                        self.emit(Instr::Copy {
                            dst: local,
                            src: home,
                        });
                    }
                }
                if !tee {
                    self.stack.pop();
                }
            }
        }
    }

    fn unsupported(&self, what: &str) -> CompileError {
        CompileError {
            func: Some(self.func),
            offset: Some(self.offset),
            message: format!("the interpreter does not support {what}"),
        }
    }

    /// Materialize the top `n` operands (call arguments), pop them, and return
    /// the slot of the first.
    fn prepare_args(&mut self, n: usize) -> Slot {
        self.materialize_top(n);
        let first = self.height() - n;
        let slot = self.home(first);
        self.stack.truncate(first);
        // The callee frame starts here; make sure the caller's frame is at
        // least big enough to hold the arguments' slots.
        self.max_depth = self.max_depth.max(first as u32 + n as u32 + 1);
        slot
    }

    fn push_results(&mut self, m: usize) {
        for _ in 0..m {
            self.push_home();
        }
    }
}
