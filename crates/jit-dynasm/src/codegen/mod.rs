//! The single-pass code generator: one forward walk over a function's IR,
//! architecture-neutral, emitting through a [`Masm`].
//!
//! The frame is `[params | declared locals | operand slots]`, as in the
//! interpreter: the operand at stack height `h` lives in slot
//! `num_locals + h`, and the IR's exact heights make every operand's slot a
//! compile-time constant. A callee's frame starts at its caller's first
//! argument slot, so arguments are never copied and results land where the
//! caller expects them. Branches copy their values to the target label's
//! slots; control frames and their labels are in [`control`].
//!
//! In a module that uses SIMD anywhere (`Module::uses_simd`) every position
//! (local or operand) takes two slots, so that a `v128` fits it (low half
//! first): the *stride* is 2, position `p` is slot `2 * p`, and the backend
//! copies and selects 16 bytes per position (as the interpreter does; see
//! ARCHITECTURE.md). Scalars use the low slot. Modules without SIMD keep
//! stride 1 and the code they had. The SIMD operators are in [`vector`].

mod control;
mod stack;
mod vector;

use dynasmrt::DynamicLabel;
use strata_ir::{FuncBody, FuncIdx, MemArg, Module, NumOp, Op, TrapCode};
use strata_runtime::memory::plan_access;
use strata_runtime::CompileError;

use crate::helpers::num_index;
use crate::masm::{FrameLayout, Helper, Masm, MemAccess};
use crate::module::FuncMeta;
use control::{Ctl, CtlKind};

/// Compiles one function body.
pub(crate) struct FuncCompiler<'a, M: Masm> {
    pub(crate) m: &'a mut M,
    pub(crate) module: &'a Module,
    pub(crate) body: &'a FuncBody,
    /// Defined-function index.
    pub(crate) defined: u32,
    /// Labels of all defined functions.
    pub(crate) func_labels: &'a [DynamicLabel],
    pub(crate) num_locals: u32,
    /// Slots per position: 2 in a module that uses SIMD, else 1.
    pub(crate) stride: u32,
    /// Current operand-stack height.
    pub(crate) h: u32,
    pub(crate) frames: Vec<Ctl>,
    /// Lazy operands (see [`stack`]), by height.
    pub(crate) lazy: Vec<stack::Lazy>,
    /// Lazy operands pushed since the last flush (an upper bound).
    pub(crate) lazy_count: usize,
    pub(crate) exit: DynamicLabel,
    pub(crate) meta: FuncMeta,
    /// Whether memory accesses are masked against speculation
    /// ([`crate::JitConfig::spectre_hardening`]).
    pub(crate) spectre_hardening: bool,
}

impl<'a, M: Masm> FuncCompiler<'a, M> {
    /// Slot of the operand at height `h`.
    pub(crate) fn s(&self, h: u32) -> u32 {
        self.stride * (self.num_locals + h)
    }

    /// Slot of local `l`.
    pub(crate) fn local(&self, l: u32) -> u32 {
        self.stride * l
    }

    /// Compile the whole body.
    pub(crate) fn compile(
        m: &'a mut M,
        module: &'a Module,
        func: FuncIdx,
        func_labels: &'a [DynamicLabel],
        spectre_hardening: bool,
        stride: u32,
    ) -> Result<FuncMeta, CompileError> {
        let defined = func.0 - module.num_imported_funcs;
        let body = module.body(func).ok_or_else(|| CompileError {
            func: Some(func),
            offset: None,
            message: "no body".into(),
        })?;
        let ty = module.func_type(func);
        let params = ty.params.len() as u32;
        let results = ty.results.len() as u32;
        let num_locals = params + body.locals.len() as u32;
        let size = stride * (num_locals + body.max_stack.max(results) + 1);
        let exit = m.new_label();
        let label = func_labels[defined as usize];
        m.bind(label);
        let ret = m.new_label();
        let mut c = FuncCompiler {
            m,
            module,
            body,
            defined,
            func_labels,
            num_locals,
            stride,
            h: 0,
            frames: vec![Ctl {
                kind: CtlKind::Func,
                label: ret,
                end: ret,
                else_: None,
                base: 0,
                params: 0,
                results,
                handler: None,
                try_idx: 0,
            }],
            lazy: vec![stack::Lazy::Home; body.max_stack as usize + 1],
            lazy_count: 0,
            exit,
            meta: FuncMeta {
                frame_size: size,
                catch_dsts: vec![Box::default(); body.try_tables.len()],
            },
            spectre_hardening,
        };
        c.m.emit_prologue(
            &FrameLayout {
                params: stride * params,
                locals: stride * num_locals,
                size,
            },
            exit,
        );
        let mut i = 0;
        while i < body.ops.len() {
            i += c.visit(i, body.ops[i])?;
        }
        c.m.emit_epilogue(exit, defined);
        Ok(c.meta)
    }

    /// Where a failing status goes: the innermost `try_table`'s dispatch or
    /// the function exit.
    pub(crate) fn handler(&self) -> DynamicLabel {
        self.frames
            .iter()
            .rev()
            .find_map(|f| f.handler)
            .unwrap_or(self.exit)
    }

    /// The local a result can go straight into: the next op is
    /// `local.set` or `local.tee` (`true`: the value also stays on the
    /// stack, as a lazy reference to the local).
    fn fused_set(&self, i: usize) -> Option<(u32, bool)> {
        match self.body.ops.get(i + 1) {
            Some(Op::LocalSet(l)) => Some((self.local(l.0), false)),
            Some(Op::LocalTee(l)) => Some((self.local(l.0), true)),
            _ => None,
        }
    }

    /// After a result went into local `l` for a fused `local.set`/`tee`.
    fn finish_fused(&mut self, (l, tee): (u32, bool)) -> usize {
        if tee {
            self.push_local(l);
        }
        2
    }

    /// Emit one op; returns how many ops it consumed (2 when it fused the
    /// following `local.set`).
    fn visit(&mut self, i: usize, op: Op) -> Result<usize, CompileError> {
        match op {
            Op::LocalGet(l) => self.push_local(self.local(l.0)),
            Op::LocalSet(l) | Op::LocalTee(l) => {
                let l = self.local(l.0);
                self.h -= 1;
                if let Some(v) = self.konst(self.h) {
                    self.materialize_local(l);
                    self.m.emit_const(l, v);
                } else {
                    let src = self.src(self.h);
                    self.materialize_local(l);
                    self.m.emit_copy(l, src);
                }
                if matches!(op, Op::LocalTee(_)) {
                    self.h += 1;
                }
            }
            Op::Drop => self.h -= 1,
            Op::I32Const(v) => self.push_const(u64::from(v as u32)),
            Op::I64Const(v) => self.push_const(v as u64),
            Op::F32Const(v) => self.push_const(u64::from(v)),
            Op::F64Const(v) => self.push_const(v),
            Op::RefNull(_) => self.push_const(0),
            Op::GlobalGet(g) => {
                let dst = self.s(self.h);
                self.m.emit_global_get(dst, g.0);
                self.set_home(self.h);
                self.h += 1;
            }
            Op::GlobalSet(g) => {
                self.h -= 1;
                let src = self.src(self.h);
                self.m.emit_global_set(src, g.0);
            }
            Op::Select(_) => {
                let (a, b, c) = (
                    self.src(self.h - 3),
                    self.src(self.h - 2),
                    self.src(self.h - 1),
                );
                self.h -= 3;
                let dst = self.s(self.h);
                self.m.emit_select(dst, a, b, c);
                self.set_home(self.h);
                self.h += 1;
            }
            Op::Load(kind, arg) => {
                let addr = self.src(self.h - 1);
                self.h -= 1;
                let at = self.mem_access(arg, kind.width(), addr)?;
                if let Some(f) = self.fused_set(i) {
                    self.materialize_local(f.0);
                    self.m.emit_load(kind, at, f.0);
                    return Ok(self.finish_fused(f));
                }
                let dst = self.s(self.h);
                self.m.emit_load(kind, at, dst);
                self.set_home(self.h);
                self.h += 1;
            }
            Op::Store(kind, arg) => {
                let (addr, value) = (self.src(self.h - 2), self.src(self.h - 1));
                let at = self.mem_access(arg, kind.width(), addr)?;
                self.m.emit_store(kind, at, value);
                self.h -= 2;
            }
            Op::Num(n) => return Ok(self.visit_num(i, n)),
            op if op.is_simd() => return self.visit_vector(i, op),
            _ => {
                self.flush();
                self.visit_flushed(i, op)?;
            }
        }
        Ok(1)
    }

    fn visit_flushed(&mut self, i: usize, op: Op) -> Result<(), CompileError> {
        match op {
            Op::Unreachable => self.m.emit_trap(TrapCode::Unreachable),
            Op::Nop => {}
            Op::Block { ty, .. }
            | Op::Loop { ty, .. }
            | Op::If { ty, .. }
            | Op::TryTable { ty, .. } => self.visit_open(op, ty)?,
            Op::Else { .. } => self.visit_else(),
            Op::End => self.visit_end(),
            Op::Br(d) => self.visit_br(d),
            Op::BrIf(d) => self.visit_br_if(d),
            Op::BrTable(t) => self.visit_br_table(t),
            Op::Return => self.visit_return(),
            Op::BrOnNull(d) => self.visit_br_on_null(d),
            Op::BrOnNonNull(d) => self.visit_br_on_non_null(d),
            Op::Call(_)
            | Op::CallIndirect { .. }
            | Op::CallRef(_)
            | Op::ReturnCall(_)
            | Op::ReturnCallIndirect { .. }
            | Op::ReturnCallRef(_) => self.visit_call(op),
            Op::Throw(tag) => {
                let n = self.module.types[self.module.tags[tag.index()].index()]
                    .params
                    .len() as u32;
                self.h -= n;
                self.m
                    .emit_call_helper(Helper::Throw, self.s(self.h), tag.0.into(), 0);
                let l = self.handler();
                self.m.emit_jump(l);
            }
            Op::ThrowRef => {
                self.h -= 1;
                self.m
                    .emit_call_helper(Helper::ThrowRef, self.s(self.h), 0, 0);
                let l = self.handler();
                self.m.emit_jump(l);
            }
            Op::RefIsNull => {
                let a = self.s(self.h - 1);
                self.m.emit_ref_is_null(a, a);
            }
            Op::RefAsNonNull => {
                let a = self.s(self.h - 1);
                self.m.emit_trap_if_null(a, TrapCode::NullReference);
            }
            Op::TableGet(_) => self.helper_op(i, 1, 1),
            Op::TableSet(_) => self.helper_op(i, 2, 0),
            Op::TableSize(_) => self.helper_op(i, 0, 1),
            Op::TableGrow(_) => self.helper_op(i, 2, 1),
            Op::TableFill(_)
            | Op::TableCopy { .. }
            | Op::TableInit { .. }
            | Op::MemoryFill(_)
            | Op::MemoryCopy { .. }
            | Op::MemoryInit { .. } => self.helper_op(i, 3, 0),
            Op::ElemDrop(_) | Op::DataDrop(_) => self.helper_op(i, 0, 0),
            Op::MemorySize(_) | Op::RefFunc(_) => self.helper_op(i, 0, 1),
            Op::MemoryGrow(_) => self.helper_op(i, 1, 1),
            Op::LocalGet(_)
            | Op::LocalSet(_)
            | Op::LocalTee(_)
            | Op::Drop
            | Op::I32Const(_)
            | Op::I64Const(_)
            | Op::F32Const(_)
            | Op::F64Const(_)
            | Op::RefNull(_)
            | Op::GlobalGet(_)
            | Op::GlobalSet(_)
            | Op::Select(_)
            | Op::Load(..)
            | Op::Store(..)
            | Op::Num(_)
            | Op::V128Const(_)
            | Op::Simd(_)
            | Op::I8x16Shuffle(_)
            | Op::ExtractLane(..)
            | Op::ReplaceLane(..)
            | Op::V128Load(..)
            | Op::V128Store(_)
            | Op::V128LoadLane(..)
            | Op::V128StoreLane(..) => {}
        }
        Ok(())
    }

    /// The access of `size` bytes at `slot[addr]`, with its
    /// bounds plan from the runtime (`strata_runtime::memory::bounds_plan`).
    /// A memory index the module does not have (a hand-built IR) is a
    /// compile error, never a read past the context's memory table.
    fn mem_access(&self, arg: MemArg, size: u32, addr: u32) -> Result<MemAccess, CompileError> {
        let ty = self
            .module
            .memories
            .get(arg.mem.index())
            .ok_or_else(|| CompileError {
                func: Some(FuncIdx(self.module.num_imported_funcs + self.defined)),
                offset: None,
                message: format!("memory {} does not exist", arg.mem.0),
            })?;
        Ok(MemAccess {
            mem: arg.mem.0,
            is64: ty.index.is_64(),
            offset: arg.offset,
            size,
            plan: plan_access(ty, arg.offset, size, self.spectre_hardening),
            addr,
        })
    }

    /// A numeric operator: inline with its operands read where they are
    /// (and its result written straight into a following `local.set`), or
    /// through the helper on home slots. Returns the ops consumed.
    fn visit_num(&mut self, i: usize, n: NumOp) -> usize {
        match self.body.ops.get(i + 1).copied() {
            Some(Op::BrIf(depth)) if self.visit_cmp_br_if(n, depth) => return 2,
            Some(Op::If { ty, .. }) if self.visit_cmp_if(n, ty) => return 2,
            _ => {}
        }
        let arity = n.params().len() as u32;
        let base = self.h - arity;
        let a = self.src(base);
        let imm = if arity == 2 {
            self.konst(base + 1)
        } else {
            None
        };
        let fused = self.fused_set(i);
        let dst = fused.map_or(self.s(base), |f| f.0);
        if let Some(c) = imm {
            self.h = base;
            if let Some(f) = fused {
                self.materialize_local(f.0);
            }
            if self.m.emit_num_imm(n, dst, a, c) {
                self.set_home(base);
                if let Some(f) = fused {
                    return self.finish_fused(f);
                }
                self.h = base + 1;
                return 1;
            }
            self.h = base + arity;
        }
        let b = if arity == 2 { self.src(base + 1) } else { a };
        self.h = base;
        if let Some(f) = fused {
            self.materialize_local(f.0);
        }
        if self.m.emit_num(n, dst, a, b) {
            if let Some(f) = fused {
                return self.finish_fused(f);
            }
        } else {
            self.h = base + arity;
            self.materialize_range(base);
            let home = self.s(base);
            self.m.emit_call_helper(Helper::Num, home, num_index(n), 0);
            if n.can_trap() {
                self.m.emit_check_status(self.exit);
            }
            self.h = base;
            if let Some(f) = fused {
                self.m.emit_copy(f.0, home);
                return self.finish_fused(f);
            }
        }
        self.set_home(base);
        self.h = base + 1;
        1
    }

    /// An operator run by the generic helper, with `params` operands and
    /// `results` results.
    fn helper_op(&mut self, i: usize, params: u32, results: u32) {
        let sp = self.s(self.h - params);
        self.m
            .emit_call_helper(Helper::Op, sp, u64::from(self.defined), i as u64);
        self.m.emit_check_status(self.exit);
        self.h = self.h - params + results;
    }

    fn visit_call(&mut self, op: Op) {
        let module = self.module;
        let (ty, extra) = match op {
            Op::Call(f) | Op::ReturnCall(f) => (module.func_type(f), 0),
            Op::CallIndirect { ty, .. }
            | Op::ReturnCallIndirect { ty, .. }
            | Op::CallRef(ty)
            | Op::ReturnCallRef(ty) => (&module.types[ty.index()], 1),
            _ => return,
        };
        let (np, nr) = (ty.params.len() as u32, ty.results.len() as u32);
        let at = self.s(self.h - extra - np);
        let handler = self.handler();
        let tail = matches!(
            op,
            Op::ReturnCall(_) | Op::ReturnCallIndirect { .. } | Op::ReturnCallRef(_)
        );
        match op {
            Op::Call(f) | Op::ReturnCall(f) if !module.is_imported_func(f) => {
                let label = self.func_labels[(f.0 - module.num_imported_funcs) as usize];
                if tail {
                    self.m.emit_tail_call_direct(label, at, np);
                } else {
                    self.m.emit_call_direct(label, at);
                    self.m.emit_check_status(handler);
                }
            }
            _ => {
                let (h, a, b) = match op {
                    Op::Call(f) | Op::ReturnCall(f) => (Helper::CallFunc, u64::from(f.0), 0),
                    Op::CallIndirect { ty, table } | Op::ReturnCallIndirect { ty, table } => {
                        (Helper::CallIndirect, u64::from(table.0), u64::from(ty.0))
                    }
                    Op::CallRef(ty) | Op::ReturnCallRef(ty) => {
                        (Helper::CallRef, u64::from(ty.0), 0)
                    }
                    _ => return,
                };
                self.m.emit_call_helper(h, at, a, b);
                if tail {
                    self.m.emit_tail_call_resolved(at, np, nr, self.exit);
                } else {
                    self.m.emit_call_resolved(at, self.exit, handler);
                    self.m.emit_check_status(handler);
                }
            }
        }
        self.h = self.h - extra - np + nr;
    }
}
