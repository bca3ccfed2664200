//! Control frames, labels and branches.
//!
//! Each open block records the stack height its label's values start at
//! (`base`), so a branch copies its values to `num_locals + base` and jumps.
//! A `loop`'s label is its start (with its parameters), every other label
//! its end (with its results); the function's own label is the return
//! sequence. A `try_table` also gets a handler label: calls and throws in
//! its body jump there with a non-zero status, and the dispatch emitted
//! after its end asks the catch helper which clause matches.

use dynasmrt::DynamicLabel;
use strata_ir::{BlockType, BrTableIdx, NumOp, Op};
use strata_runtime::CompileError;

use super::FuncCompiler;
use crate::masm::{Helper, Masm};
use crate::STATUS_EXN;

/// What kind of block a frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CtlKind {
    Func,
    Block,
    Loop,
    If,
    Try,
}

/// One open block.
#[derive(Debug, Clone)]
pub(crate) struct Ctl {
    pub kind: CtlKind,
    /// Where branches to this block go.
    pub label: DynamicLabel,
    /// Its end.
    pub end: DynamicLabel,
    /// An `if`'s else-arm, until bound.
    pub else_: Option<DynamicLabel>,
    /// Stack height at which its parameters (and results) start.
    pub base: u32,
    pub params: u32,
    pub results: u32,
    /// A `try_table`'s dispatch.
    pub handler: Option<DynamicLabel>,
    pub try_idx: u32,
}

impl Ctl {
    /// Values a branch to this block carries.
    fn branch_arity(&self) -> u32 {
        if self.kind == CtlKind::Loop {
            self.params
        } else {
            self.results
        }
    }
}

impl<M: Masm> FuncCompiler<'_, M> {
    fn target(&self, depth: u32) -> &Ctl {
        let i = self.frames.len() - 1 - depth as usize;
        &self.frames[i]
    }

    /// Copy a branch's values to the label's slots.
    fn emit_branch_values(&mut self, depth: u32, top: u32) -> DynamicLabel {
        let t = self.target(depth);
        let (n, base, label) = (t.branch_arity(), t.base, t.label);
        let (dst, src) = (self.s(base), self.s(top - n));
        self.m.emit_copy_n(dst, src, n);
        label
    }

    fn needs_copy(&self, depth: u32, top: u32) -> bool {
        let t = self.target(depth);
        let n = t.branch_arity();
        n > 0 && t.base != top - n
    }

    pub(super) fn visit_open(&mut self, op: Op, ty: BlockType) -> Result<(), CompileError> {
        let (p, r) = self.module.block_arity(ty);
        let (p, r) = (p as u32, r as u32);
        let mut ctl = Ctl {
            kind: CtlKind::Block,
            label: self.m.new_label(),
            end: self.m.new_label(),
            else_: None,
            base: 0,
            params: p,
            results: r,
            handler: None,
            try_idx: 0,
        };
        match op {
            Op::Block { .. } => ctl.label = ctl.end,
            Op::Loop { .. } => {
                ctl.kind = CtlKind::Loop;
                self.m.bind_aligned(ctl.label);
                self.m.emit_poll(self.exit);
            }
            Op::If { .. } => {
                self.h -= 1;
                ctl.kind = CtlKind::If;
                ctl.label = ctl.end;
                let else_ = self.m.new_label();
                self.m.emit_branch_i32(self.s(self.h), false, else_);
                ctl.else_ = Some(else_);
            }
            Op::TryTable { catches, .. } => {
                ctl.kind = CtlKind::Try;
                ctl.label = ctl.end;
                ctl.handler = Some(self.m.new_label());
                ctl.try_idx = catches.0;
            }
            _ => return Ok(()),
        }
        ctl.base = self.h - p;
        self.frames.push(ctl);
        Ok(())
    }

    pub(super) fn visit_else(&mut self) {
        let Some(f) = self.frames.last_mut() else {
            return;
        };
        let (end, else_) = (f.end, f.else_.take());
        let (base, p) = (f.base, f.params);
        self.m.emit_jump(end);
        if let Some(l) = else_ {
            self.m.bind(l);
        }
        self.h = base + p;
    }

    pub(super) fn visit_end(&mut self) {
        let Some(f) = self.frames.pop() else {
            return;
        };
        match f.kind {
            CtlKind::Func => {
                self.m.bind(f.label);
                self.m.emit_copy_n(0, self.s(0), f.results);
                self.m.emit_return_ok(self.exit);
            }
            CtlKind::Block => self.m.bind(f.end),
            CtlKind::Loop => {}
            CtlKind::If => {
                if let Some(l) = f.else_ {
                    self.m.bind(l);
                }
                self.m.bind(f.end);
            }
            CtlKind::Try => {
                self.m.emit_jump(f.end);
                if let Some(h) = f.handler {
                    self.m.bind(h);
                }
                self.emit_catch_dispatch(f.try_idx);
                self.m.bind(f.end);
            }
        }
        self.h = f.base + f.results;
    }

    /// The dispatch of a `try_table` whose frame was just popped: status in
    /// the return register, traps go on to the exit, exceptions to the
    /// matching clause's label or to the enclosing handler.
    fn emit_catch_dispatch(&mut self, try_idx: u32) {
        self.m.emit_check_not_exn(self.exit);
        self.m.emit_call_helper(
            Helper::Catch,
            0,
            u64::from(self.defined),
            u64::from(try_idx),
        );
        let clauses = self.body.try_table(strata_ir::TryTableIdx(try_idx));
        let mut dsts = Vec::with_capacity(clauses.len());
        for (i, c) in clauses.iter().enumerate() {
            let t = self.target(c.label);
            let (base, label) = (t.base, t.label);
            dsts.push(self.s(base));
            self.m.emit_branch_result(i as u64, label);
        }
        if let Some(slot) = self.meta.catch_dsts.get_mut(try_idx as usize) {
            *slot = dsts.into_boxed_slice();
        }
        let outer = self.handler();
        self.m.emit_status_jump(STATUS_EXN, outer);
    }

    pub(super) fn visit_br(&mut self, depth: u32) {
        let label = self.emit_branch_values(depth, self.h);
        self.m.emit_jump(label);
    }

    pub(super) fn visit_br_if(&mut self, depth: u32) {
        self.h -= 1;
        let cond = self.s(self.h);
        if self.needs_copy(depth, self.h) {
            let skip = self.m.new_label();
            self.m.emit_branch_i32(cond, false, skip);
            let label = self.emit_branch_values(depth, self.h);
            self.m.emit_jump(label);
            self.m.bind(skip);
        } else {
            let label = self.target(depth).label;
            self.m.emit_branch_i32(cond, true, label);
        }
    }

    pub(super) fn visit_br_table(&mut self, t: BrTableIdx) {
        self.h -= 1;
        let index = self.s(self.h);
        let targets = self.body.br_table(t);
        let Some((&default, cases)) = targets.split_last() else {
            return;
        };
        let mut stubs = Vec::new();
        for (i, &depth) in cases.iter().enumerate() {
            if self.needs_copy(depth, self.h) {
                let stub = self.m.new_label();
                self.m.emit_branch_case(index, i as u32, stub);
                stubs.push((stub, depth));
            } else {
                let label = self.target(depth).label;
                self.m.emit_branch_case(index, i as u32, label);
            }
        }
        let label = self.emit_branch_values(default, self.h);
        self.m.emit_jump(label);
        for (stub, depth) in stubs {
            self.m.bind(stub);
            let label = self.emit_branch_values(depth, self.h);
            self.m.emit_jump(label);
        }
    }

    pub(super) fn visit_return(&mut self) {
        let r = self.frames[0].results;
        self.m.emit_copy_n(0, self.s(self.h - r), r);
        self.m.emit_return_ok(self.exit);
    }

    pub(super) fn visit_br_on_null(&mut self, depth: u32) {
        let r = self.s(self.h - 1);
        let cont = self.m.new_label();
        self.m.emit_branch_ref(r, false, cont);
        let label = self.emit_branch_values(depth, self.h - 1);
        self.m.emit_jump(label);
        self.m.bind(cont);
    }

    pub(super) fn visit_br_on_non_null(&mut self, depth: u32) {
        let r = self.s(self.h - 1);
        let cont = self.m.new_label();
        self.m.emit_branch_ref(r, true, cont);
        let label = self.emit_branch_values(depth, self.h);
        self.m.emit_jump(label);
        self.m.bind(cont);
        self.h -= 1;
    }
}

impl<M: Masm> FuncCompiler<'_, M> {
    /// An integer compare (or `eqz`) followed by `br_if`: one compare and
    /// a conditional jump, with no boolean in between. Returns `false`
    /// (nothing emitted) when `n` is not such a compare.
    pub(super) fn visit_cmp_br_if(&mut self, n: NumOp, depth: u32) -> bool {
        let Some((a, b)) = self.take_compare(n) else {
            return false;
        };
        if self.needs_copy(depth, self.h) {
            let skip = self.m.new_label();
            self.m.emit_cmp_branch(n, a, b, false, skip);
            let label = self.emit_branch_values(depth, self.h);
            self.m.emit_jump(label);
            self.m.bind(skip);
        } else {
            let label = self.target(depth).label;
            self.m.emit_cmp_branch(n, a, b, true, label);
        }
        true
    }

    /// An integer compare (or `eqz`) followed by `if`: the compare jumps
    /// straight to the else-arm. Returns `false` (nothing emitted) when `n`
    /// is not such a compare.
    pub(super) fn visit_cmp_if(&mut self, n: NumOp, ty: BlockType) -> bool {
        let Some((a, b)) = self.take_compare(n) else {
            return false;
        };
        let (p, r) = self.module.block_arity(ty);
        let end = self.m.new_label();
        let else_ = self.m.new_label();
        self.m.emit_cmp_branch(n, a, b, false, else_);
        self.frames.push(Ctl {
            kind: CtlKind::If,
            label: end,
            end,
            else_: Some(else_),
            base: self.h - p as u32,
            params: p as u32,
            results: r as u32,
            handler: None,
            try_idx: 0,
        });
        true
    }

    /// Pop the operands of a fusable compare and flush the stack; returns
    /// the first operand's slot and the second's slot or constant.
    fn take_compare(&mut self, n: NumOp) -> Option<(u32, Result<u32, u64>)> {
        use NumOp::*;
        let wide = match n {
            I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU
            | I32GeS | I32GeU => false,
            I64Eqz | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU
            | I64GeS | I64GeU => true,
            _ => return None,
        };
        let arity = n.params().len() as u32;
        let base = self.h - arity;
        let a = self.src(base);
        let b = if arity == 2 {
            match self.konst(base + 1) {
                Some(c) if !wide || i64::from(c as i64 as i32) == c as i64 => Err(c),
                _ => Ok(self.src(base + 1)),
            }
        } else {
            Err(0)
        };
        self.h = base;
        self.flush();
        Some((a, b))
    }
}
