//! Structured control flow in the translator: blocks, loops, ifs, branches
//! with their value copies, `br_table`, and forward-jump patching.

use strata_ir::BlockType;

use super::{CmpRhs, Cond, Operand, Translator};
use crate::bytecode::{Instr, Slot};

/// What kind of construct a control frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ControlKind {
    /// The function body itself; a branch to it returns.
    Func,
    Block,
    Loop,
    /// An if; `else_jump` is the conditional jump to patch to the else-arm.
    If {
        else_jump: Option<usize>,
    },
    /// The else-arm of an if.
    Else,
    /// A `try_table` body; `handler` indexes the translator's handlers.
    TryTable {
        handler: usize,
    },
}

/// A control frame of the translator.
#[derive(Debug)]
pub(super) struct Control {
    pub kind: ControlKind,
    /// Operand-stack height below the block's parameters.
    pub height: u32,
    pub params: u32,
    pub results: u32,
    /// First instruction of a loop (its branch target).
    pub start: u32,
    /// Forward jumps to patch to the block's end.
    pub fixups: Vec<usize>,
}

impl Control {
    /// Values a branch to this label carries.
    fn label_arity(&self) -> u32 {
        match self.kind {
            ControlKind::Loop => self.params,
            _ => self.results,
        }
    }
}

impl Translator<'_> {
    pub(super) fn begin_block(&mut self, kind: ControlKind, ty: BlockType) {
        self.materialize_all();
        let (params, results) = self.module.block_arity(ty);
        let height = self.height().saturating_sub(params) as u32;
        self.controls.push(Control {
            kind,
            height,
            params: params as u32,
            results: results as u32,
            start: self.code.len() as u32,
            fixups: Vec::new(),
        });
        if kind == ControlKind::Loop {
            self.bind_label();
            self.emit(Instr::LoopCheck);
        }
    }

    /// Open a `try_table`: emit one landing pad per catch clause (jumped over
    /// on entry), then the block whose instruction range the handler covers.
    pub(super) fn begin_try_table(&mut self, ty: BlockType, catches: &[strata_ir::Catch]) {
        self.materialize_all();
        let skip = self.emit(Instr::Br { target: 0 });
        let mut pads = Vec::with_capacity(catches.len());
        for c in catches {
            let Some(frame) = self.label(c.label) else {
                continue;
            };
            let is_func = frame.kind == ControlKind::Func;
            let dst = if is_func {
                0
            } else {
                self.home(frame.height as usize)
            };
            self.bind_label();
            let pad = self.code.len() as u32;
            if is_func {
                self.emit(Instr::Return);
            } else {
                self.emit_jump(c.label, Instr::Br { target: 0 });
            }
            pads.push(crate::bytecode::CatchPad {
                kind: c.kind,
                pad,
                dst,
            });
        }
        let here = self.code.len() as u32;
        self.patch_here(skip);
        self.handlers.push(crate::bytecode::Handler {
            start: here,
            end: here,
            catches: pads.into_boxed_slice(),
        });
        let handler = self.handlers.len() - 1;
        self.begin_block(ControlKind::TryTable { handler }, ty);
    }

    pub(super) fn translate_else(&mut self) {
        if self.reachable {
            self.materialize_all();
            let jump = self.emit(Instr::Br { target: 0 });
            if let Some(c) = self.controls.last_mut() {
                c.fixups.push(jump);
            }
        }
        self.bind_label();
        let here = self.code.len() as u32;
        let Some(frame) = self.controls.last_mut() else {
            return;
        };
        if let ControlKind::If {
            else_jump: Some(jump),
        } = frame.kind
        {
            patch(&mut self.code, jump, here);
        }
        frame.kind = ControlKind::Else;
        let (height, params) = (frame.height as usize, frame.params as usize);
        self.stack.truncate(height);
        self.stack.resize(height + params, Operand::Home);
        self.reachable = true;
    }

    pub(super) fn translate_end(&mut self) {
        if self.reachable {
            self.materialize_all();
        }
        let Some(frame) = self.controls.pop() else {
            return;
        };
        if frame.kind == ControlKind::Func {
            if self.reachable {
                self.emit_return_sequence(frame.results as usize);
            }
            return;
        }
        self.bind_label();
        let here = self.code.len() as u32;
        for jump in &frame.fixups {
            patch(&mut self.code, *jump, here);
        }
        if let ControlKind::TryTable { handler } = frame.kind {
            if let Some(h) = self.handlers.get_mut(handler) {
                h.end = here;
            }
        }
        if let ControlKind::If {
            else_jump: Some(jump),
        } = frame.kind
        {
            // An if without else: the false path falls through to the end
            // with its parameters as results.
            patch(&mut self.code, jump, here);
        }
        let height = frame.height as usize;
        self.stack.truncate(height);
        for _ in 0..frame.results {
            self.push_home();
        }
        self.reachable = true;
    }

    /// Copy the top `n` operands to slots `0..n` and return. The compile-time
    /// stack is left as it is, so this also serves conditional returns: lazy
    /// operands are first copied to their (otherwise unused) home slots, so
    /// that no result copy can clobber a local another result still needs.
    fn emit_return_sequence(&mut self, n: usize) {
        let first = self.height() - n;
        for i in 0..n {
            if let Operand::Local(l) = self.stack[first + i] {
                let dst = self.home(first + i);
                self.emit(Instr::Copy { dst, src: l });
            }
        }
        for i in 0..n {
            let dst = self.stride * i as Slot;
            match self.stack[first + i] {
                Operand::Const(val) => {
                    self.emit(Instr::Const { dst, val });
                }
                Operand::Home | Operand::Local(_) => {
                    let src = self.home(first + i);
                    if src != dst {
                        self.emit(Instr::Copy { dst, src });
                    }
                }
            }
        }
        self.emit(Instr::Return);
    }

    /// Emit the copies that move a branch's values into the label's slots.
    fn emit_branch_copies(&mut self, depth: u32) {
        let Some(frame) = self.label(depth) else {
            return;
        };
        let arity = frame.label_arity() as usize;
        let dst_base = frame.height as usize;
        let src_base = self.height() - arity;
        for i in 0..arity {
            let dst = self.home(dst_base + i);
            match self.stack[src_base + i] {
                Operand::Const(val) => {
                    self.emit(Instr::Const { dst, val });
                }
                Operand::Local(src) => {
                    self.emit(Instr::Copy { dst, src });
                }
                Operand::Home => {
                    let src = self.home(src_base + i);
                    if src != dst {
                        self.emit(Instr::Copy { dst, src });
                    }
                }
            }
        }
    }

    fn label(&self, depth: u32) -> Option<&Control> {
        let idx = self.controls.len().checked_sub(1 + depth as usize)?;
        self.controls.get(idx)
    }

    /// Whether a branch to `depth` needs value copies.
    fn branch_needs_copies(&self, depth: u32) -> bool {
        let Some(frame) = self.label(depth) else {
            return false;
        };
        if frame.kind == ControlKind::Func {
            return true;
        }
        let arity = frame.label_arity() as usize;
        let src_base = self.height() - arity;
        (0..arity).any(|i| {
            self.stack[src_base + i] != Operand::Home
                || self.home(src_base + i) != self.home(frame.height as usize + i)
        })
    }

    /// Emit the jump to label `depth` (no copies) and register its fixup.
    fn emit_jump(&mut self, depth: u32, instr: Instr) {
        let idx = self.code.len();
        let Some(frame_idx) = self.controls.len().checked_sub(1 + depth as usize) else {
            return;
        };
        let frame = &self.controls[frame_idx];
        let instr = if frame.kind == ControlKind::Loop {
            with_target(instr, frame.start)
        } else {
            instr
        };
        let is_loop = frame.kind == ControlKind::Loop;
        self.emit(instr);
        if !is_loop {
            self.controls[frame_idx].fixups.push(idx);
        }
    }

    /// An unconditional branch (or return, for the function label).
    pub(super) fn branch(&mut self, depth: u32) {
        let Some(frame) = self.label(depth) else {
            return;
        };
        if frame.kind == ControlKind::Func {
            let n = frame.results as usize;
            self.emit_return_sequence(n);
            return;
        }
        self.emit_branch_copies(depth);
        self.emit_jump(depth, Instr::Br { target: 0 });
    }

    /// A conditional branch taken when `cond` is non-zero (`when_nonzero`) or
    /// zero; the fall-through path keeps the operand stack unchanged.
    pub(super) fn branch_if(&mut self, depth: u32, cond: Cond, when_nonzero: bool) {
        if !self.branch_needs_copies(depth) {
            self.emit_jump(depth, cond_jump(cond, when_nonzero));
            return;
        }
        // Skip over the copies and the branch when not taken.
        let skip = self.emit(cond_jump(cond, !when_nonzero));
        self.branch(depth);
        self.patch_here(skip);
    }

    /// Point the jump at `at` to the current position, which becomes a label.
    fn patch_here(&mut self, at: usize) {
        self.bind_label();
        let here = self.code.len() as u32;
        patch(&mut self.code, at, here);
    }

    pub(super) fn translate_br_table(&mut self, index: Slot, targets: &[u32]) {
        let len = targets.len() as u32;
        self.emit(Instr::BrTable { index, len });
        let first_entry = self.code.len();
        let mut stubs = Vec::new();
        for (i, &depth) in targets.iter().enumerate() {
            if self.branch_needs_copies(depth) {
                self.emit(Instr::Br { target: 0 });
                stubs.push((first_entry + i, depth));
            } else {
                self.emit_jump(depth, Instr::Br { target: 0 });
            }
        }
        for (entry, depth) in stubs {
            self.patch_here(entry);
            self.branch(depth);
        }
    }
}

/// A jump (target to be patched) taken when `cond` is true (`when_true`) or
/// false.
pub(super) fn cond_jump(cond: Cond, when_true: bool) -> Instr {
    match cond {
        Cond::Slot(cond) if when_true => Instr::BrIfNez { cond, target: 0 },
        Cond::Slot(cond) => Instr::BrIfEqz { cond, target: 0 },
        Cond::Compare { cmp, a, rhs } => {
            let cmp = if when_true { cmp } else { cmp.negate() };
            match rhs {
                CmpRhs::Slot(b) => Instr::BrCmp {
                    cmp,
                    a,
                    b,
                    target: 0,
                },
                CmpRhs::Imm(imm) => Instr::BrCmpImm {
                    cmp,
                    a,
                    imm,
                    target: 0,
                },
            }
        }
    }
}

fn with_target(instr: Instr, target: u32) -> Instr {
    match instr {
        Instr::Br { .. } => Instr::Br { target },
        Instr::BrIfNez { cond, .. } => Instr::BrIfNez { cond, target },
        Instr::BrIfEqz { cond, .. } => Instr::BrIfEqz { cond, target },
        Instr::BrCmp { cmp, a, b, .. } => Instr::BrCmp { cmp, a, b, target },
        Instr::BrCmpImm { cmp, a, imm, .. } => Instr::BrCmpImm {
            cmp,
            a,
            imm,
            target,
        },
        other => other,
    }
}

/// Point the jump at `at` to `target`.
fn patch(code: &mut [Instr], at: usize, target: u32) {
    if let Some(instr) = code.get_mut(at) {
        *instr = with_target(*instr, target);
    }
}
