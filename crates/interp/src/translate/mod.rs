//! Translation of one validated IR function body (stack form) into register
//! bytecode, in a single forward pass.
//!
//! The translator keeps a compile-time operand stack. An entry is either in
//! its *home* slot (`num_locals + depth`) or still *lazily* in a local, so that
//! `local.get` costs nothing: consumers read the local directly. Lazy entries
//! are materialized (copied home) before the local is overwritten, before
//! control-flow boundaries (block, loop, if, else, end) and for call
//! arguments, so that at every label all operands sit in their home slots.

mod control;

use strata_ir::{FuncBody, FuncIdx, Module, Op, ValType};
use strata_runtime::CompileError;

use crate::bytecode::{Instr, Slot};
use crate::code::CompiledFunc;
use control::{Control, ControlKind};

/// A compile-time operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operand {
    /// The value is in its home slot.
    Home,
    /// The value is the current content of this local.
    Local(Slot),
}

/// Translate the body of defined function `func`.
pub fn translate_function(
    module: &Module,
    func: FuncIdx,
    body: &FuncBody,
) -> Result<CompiledFunc, CompileError> {
    let ty = module.func_type(func);
    let num_locals = ty.params.len() + body.locals.len();
    let num_locals = u32::try_from(num_locals).map_err(|_| CompileError {
        func: Some(func),
        offset: Some(body.offset),
        message: "too many locals".into(),
    })?;
    let mut t = Translator {
        module,
        body,
        func,
        num_locals,
        code: Vec::with_capacity(body.ops.len()),
        offsets: Vec::with_capacity(body.ops.len()),
        stack: Vec::with_capacity(body.max_stack as usize),
        controls: Vec::new(),
        max_depth: 0,
        offset: body.offset,
        reachable: true,
        handlers: Vec::new(),
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
    Ok(CompiledFunc {
        func,
        code: t.code.into_boxed_slice(),
        offsets: t.offsets.into_boxed_slice(),
        num_params: ty.params.len() as u32,
        num_results: ty.results.len() as u32,
        num_locals,
        frame_size: (num_locals + t.max_depth + 1).max(ty.results.len() as u32 + 1),
        handlers: t.handlers.into_boxed_slice(),
    })
}

struct Translator<'m> {
    module: &'m Module,
    body: &'m FuncBody,
    func: FuncIdx,
    num_locals: u32,
    code: Vec<Instr>,
    offsets: Vec<u32>,
    stack: Vec<Operand>,
    controls: Vec<Control>,
    max_depth: u32,
    offset: u32,
    reachable: bool,
    handlers: Vec<crate::bytecode::Handler>,
}

impl Translator<'_> {
    fn emit(&mut self, instr: Instr) -> usize {
        self.code.push(instr);
        self.offsets.push(self.offset);
        self.code.len() - 1
    }

    fn home(&self, depth: usize) -> Slot {
        self.num_locals + depth as u32
    }

    /// The slot to read the operand at `depth` from.
    fn slot_at(&self, depth: usize) -> Slot {
        match self.stack[depth] {
            Operand::Home => self.home(depth),
            Operand::Local(l) => l,
        }
    }

    fn height(&self) -> usize {
        self.stack.len()
    }

    fn pop(&mut self) -> Slot {
        let depth = self.stack.len().saturating_sub(1);
        let slot = self.slot_at(depth);
        self.stack.pop();
        slot
    }

    /// Push a fresh result; returns its home slot.
    fn push_home(&mut self) -> Slot {
        self.stack.push(Operand::Home);
        let depth = self.stack.len() as u32;
        self.max_depth = self.max_depth.max(depth + 1);
        self.home(self.stack.len() - 1)
    }

    /// The home slot the next pushed value will get (also a scratch slot).
    fn next_home(&mut self) -> Slot {
        self.max_depth = self.max_depth.max(self.stack.len() as u32 + 2);
        self.home(self.stack.len())
    }

    fn materialize_from(&mut self, from: usize) {
        for depth in from..self.stack.len() {
            if let Operand::Local(l) = self.stack[depth] {
                let dst = self.home(depth);
                self.emit(Instr::Copy { dst, src: l });
                self.stack[depth] = Operand::Home;
            }
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
                let dst = self.home(depth);
                self.emit(Instr::Copy { dst, src: local });
                self.stack[depth] = Operand::Home;
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

    fn translate_op(&mut self, op: &Op) -> Result<(), CompileError> {
        use Op::*;
        match *op {
            Unreachable => {
                self.emit(Instr::Unreachable);
                self.reachable = false;
            }
            Nop => {}
            Block { ty, .. } => self.begin_block(ControlKind::Block, ty),
            Loop { ty, .. } => self.begin_block(ControlKind::Loop, ty),
            If { ty, .. } => {
                let cond = self.pop();
                self.begin_block(ControlKind::If { else_jump: None }, ty);
                let jump = self.emit(Instr::BrIfEqz { cond, target: 0 });
                if let Some(c) = self.controls.last_mut() {
                    c.kind = ControlKind::If {
                        else_jump: Some(jump),
                    };
                }
            }
            TryTable { ty, catches, .. } => {
                let catches = self.body.try_table(catches).to_vec();
                self.begin_try_table(ty, &catches);
            }
            Throw(tag) => {
                let ty = self.module.tags[tag.index()];
                let n = self.module.types[ty.index()].params.len();
                let args = self.prepare_args(n);
                self.emit(Instr::Throw { tag, args });
                self.reachable = false;
            }
            ThrowRef => {
                let src = self.pop();
                self.emit(Instr::ThrowRef { src });
                self.reachable = false;
            }
            Else { .. } => self.translate_else(),
            End => self.translate_end(),
            Br(depth) => {
                self.branch(depth);
                self.reachable = false;
            }
            BrIf(depth) => {
                let cond = self.pop();
                self.branch_if(depth, cond, true);
            }
            BrTable(idx) => {
                let index = self.pop();
                let targets = self.body.br_table(idx).to_vec();
                self.translate_br_table(index, &targets);
                self.reachable = false;
            }
            Return => {
                let depth = self.controls.len() as u32 - 1;
                self.branch(depth);
                self.reachable = false;
            }
            Call(f) => {
                let ty = self.module.func_type(f);
                let (n, m) = (ty.params.len(), ty.results.len());
                let args = self.prepare_args(n);
                self.emit(Instr::Call { func: f, args });
                self.push_results(m);
            }
            CallIndirect { ty, table } => {
                let index = self.pop();
                let fty = &self.module.types[ty.index()];
                let (n, m) = (fty.params.len(), fty.results.len());
                let args = self.prepare_args(n);
                self.emit(Instr::CallIndirect {
                    ty,
                    table,
                    index,
                    args,
                });
                self.push_results(m);
            }
            CallRef(ty) => {
                let func_ref = self.pop();
                let fty = &self.module.types[ty.index()];
                let (n, m) = (fty.params.len(), fty.results.len());
                let args = self.prepare_args(n);
                self.emit(Instr::CallRef { func_ref, args });
                self.push_results(m);
            }
            ReturnCall(f) => {
                let n = self.module.func_type(f).params.len();
                let args = self.prepare_args(n);
                self.emit(Instr::ReturnCall { func: f, args });
                self.reachable = false;
            }
            ReturnCallIndirect { ty, table } => {
                let index = self.pop();
                let n = self.module.types[ty.index()].params.len();
                let args = self.prepare_args(n);
                self.emit(Instr::ReturnCallIndirect {
                    ty,
                    table,
                    index,
                    args,
                });
                self.reachable = false;
            }
            ReturnCallRef(ty) => {
                let func_ref = self.pop();
                let n = self.module.types[ty.index()].params.len();
                let args = self.prepare_args(n);
                self.emit(Instr::ReturnCallRef { func_ref, args });
                self.reachable = false;
            }
            Drop => {
                self.pop();
            }
            Select(ty) => {
                if ty == ValType::V128 {
                    return Err(self.unsupported("v128 select"));
                }
                let cond = self.pop();
                let b = self.pop();
                let a = self.pop();
                let dst = self.push_home();
                self.emit(Instr::Select { dst, cond, a, b });
            }
            LocalGet(l) => {
                self.stack.push(Operand::Local(l.0));
                self.max_depth = self.max_depth.max(self.stack.len() as u32 + 1);
            }
            LocalSet(l) => {
                self.materialize_local(l.0);
                let src = self.pop();
                if src != l.0 {
                    self.emit(Instr::Copy { dst: l.0, src });
                }
            }
            LocalTee(l) => {
                self.materialize_local(l.0);
                let depth = self.height() - 1;
                let src = self.slot_at(depth);
                if src != l.0 {
                    self.emit(Instr::Copy { dst: l.0, src });
                }
            }
            GlobalGet(global) => {
                let dst = self.push_home();
                self.emit(Instr::GlobalGet { dst, global });
            }
            GlobalSet(global) => {
                let src = self.pop();
                self.emit(Instr::GlobalSet { src, global });
            }
            _ => self.translate_data_op(op)?,
        }
        Ok(())
    }

    /// Memory, table, constant, reference and numeric operators.
    fn translate_data_op(&mut self, op: &Op) -> Result<(), CompileError> {
        use Op::*;
        match *op {
            TableGet(table) => {
                let index = self.pop();
                let dst = self.push_home();
                self.emit(Instr::TableGet { dst, table, index });
            }
            TableSet(table) => {
                let value = self.pop();
                let index = self.pop();
                self.emit(Instr::TableSet {
                    table,
                    index,
                    value,
                });
            }
            TableSize(table) => {
                let dst = self.push_home();
                self.emit(Instr::TableSize { dst, table });
            }
            TableGrow(table) => {
                let delta = self.pop();
                let init = self.pop();
                let dst = self.push_home();
                self.emit(Instr::TableGrow {
                    dst,
                    table,
                    init,
                    delta,
                });
            }
            TableFill(table) => {
                let len = self.pop();
                let value = self.pop();
                let dst = self.pop();
                self.emit(Instr::TableFill {
                    table,
                    dst,
                    value,
                    len,
                });
            }
            TableCopy { dst, src } => {
                let len = self.pop();
                let s = self.pop();
                let d = self.pop();
                self.emit(Instr::TableCopy {
                    dst_table: dst,
                    src_table: src,
                    dst: d,
                    src: s,
                    len,
                });
            }
            TableInit { table, elem } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                self.emit(Instr::TableInit {
                    table,
                    elem,
                    dst,
                    src,
                    len,
                });
            }
            ElemDrop(elem) => {
                self.emit(Instr::ElemDrop { elem });
            }
            Load(kind, arg) => {
                let ptr = self.pop();
                let dst = self.push_home();
                let mem = arg.mem;
                let instr = if self.module.memories[mem.index()].index.is_64() {
                    Instr::LoadM64 {
                        kind,
                        dst,
                        ptr,
                        offset: arg.offset,
                        mem,
                    }
                } else {
                    let offset = u32::try_from(arg.offset)
                        .map_err(|_| self.unsupported("a memory32 offset above 4 GiB"))?;
                    Instr::LoadM32 {
                        kind,
                        dst,
                        ptr,
                        offset,
                        mem,
                    }
                };
                self.emit(instr);
            }
            Store(kind, arg) => {
                let value = self.pop();
                let ptr = self.pop();
                let mem = arg.mem;
                let instr = if self.module.memories[mem.index()].index.is_64() {
                    Instr::StoreM64 {
                        kind,
                        ptr,
                        value,
                        offset: arg.offset,
                        mem,
                    }
                } else {
                    let offset = u32::try_from(arg.offset)
                        .map_err(|_| self.unsupported("a memory32 offset above 4 GiB"))?;
                    Instr::StoreM32 {
                        kind,
                        ptr,
                        value,
                        offset,
                        mem,
                    }
                };
                self.emit(instr);
            }
            MemorySize(mem) => {
                let dst = self.push_home();
                self.emit(Instr::MemorySize { dst, mem });
            }
            MemoryGrow(mem) => {
                let delta = self.pop();
                let dst = self.push_home();
                self.emit(Instr::MemoryGrow { dst, mem, delta });
            }
            MemoryFill(mem) => {
                let len = self.pop();
                let value = self.pop();
                let dst = self.pop();
                self.emit(Instr::MemoryFill {
                    mem,
                    dst,
                    value,
                    len,
                });
            }
            MemoryCopy { dst, src } => {
                let len = self.pop();
                let s = self.pop();
                let d = self.pop();
                self.emit(Instr::MemoryCopy {
                    dst_mem: dst,
                    src_mem: src,
                    dst: d,
                    src: s,
                    len,
                });
            }
            MemoryInit { mem, data } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                self.emit(Instr::MemoryInit {
                    mem,
                    data,
                    dst,
                    src,
                    len,
                });
            }
            DataDrop(data) => {
                self.emit(Instr::DataDrop { data });
            }
            I32Const(v) => self.push_const(u64::from(v as u32)),
            I64Const(v) => self.push_const(v as u64),
            F32Const(v) => self.push_const(u64::from(v)),
            F64Const(v) => self.push_const(v),
            RefNull(_) => self.push_const(strata_runtime::value::NULL_REF),
            RefIsNull => {
                let src = self.pop();
                let dst = self.push_home();
                self.emit(Instr::RefIsNull { dst, src });
            }
            RefFunc(func) => {
                let dst = self.push_home();
                self.emit(Instr::RefFunc { dst, func });
            }
            RefAsNonNull => {
                let src = self.slot_at(self.height() - 1);
                self.emit(Instr::RefAsNonNull { src });
            }
            BrOnNull(depth) => {
                let src = self.slot_at(self.height() - 1);
                let scratch = self.next_home();
                self.emit(Instr::RefIsNull { dst: scratch, src });
                let top = self.stack.pop();
                self.branch_if(depth, scratch, true);
                if let Some(top) = top {
                    self.stack.push(top);
                }
            }
            BrOnNonNull(depth) => {
                let src = self.slot_at(self.height() - 1);
                let scratch = self.next_home();
                self.emit(Instr::RefIsNull { dst: scratch, src });
                self.branch_if(depth, scratch, false);
                self.pop();
            }
            Num(op) => {
                let (a, b) = if op.params().len() == 2 {
                    let b = self.pop();
                    (self.pop(), b)
                } else {
                    (self.pop(), 0)
                };
                let dst = self.push_home();
                self.emit(Instr::numeric(op, dst, a, b));
            }
            _ => return Err(self.unsupported("this operator")),
        }
        Ok(())
    }

    fn push_const(&mut self, val: u64) {
        let dst = self.push_home();
        self.emit(Instr::Const { dst, val });
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
