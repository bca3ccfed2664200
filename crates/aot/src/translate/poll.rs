//! Interruption polls: fuel and the interrupt flag, checked at function
//! entry and at every loop header, as the interpreter does.
//!
//! A poll tests the fuel word and the interrupt flag and calls the helper
//! only when either is set. The helper runs the store's check once per
//! header the poll stands for, and returns non-zero when it trapped (never
//! with an exception, so the path goes to the exit, past any landing pad).
//!
//! The header of a `loop` that no branch targets runs once per entry, like
//! the code around it, so its check is owed rather than emitted: checks owed
//! are counted and paid by one poll just before the next op whose effect,
//! trap or control flow could be observed (anything but the ops in
//! [`defers_polls`]). Running the checks a few pure ops later is not
//! observable: the same checks run, in the same order, before the same
//! effects. So a run of nested loops costs one poll, not one per loop.

use cranelift_codegen::ir::{types, InstBuilder};
use strata_ir::Op;

use super::{trusted, FuncTranslator};
use crate::libcalls::HelperId;

impl FuncTranslator<'_> {
    /// Whether the checks owed may be paid after `op` rather than before.
    pub(super) fn defers_polls(&self, op: &Op) -> bool {
        match op {
            Op::Nop
            | Op::Block { .. }
            | Op::LocalGet(_)
            | Op::LocalSet(_)
            | Op::LocalTee(_)
            | Op::GlobalGet(_)
            | Op::I32Const(_)
            | Op::I64Const(_)
            | Op::F32Const(_)
            | Op::F64Const(_)
            | Op::Drop
            | Op::Select(_)
            | Op::RefNull(_)
            | Op::RefIsNull => true,
            Op::Num(n) => !n.can_trap(),
            // Its own check is owed (see `visit_loop`).
            Op::Loop { .. } => !self.pre.targeted.contains(&self.pc),
            // The end of a block or loop that is no join.
            Op::End => self.frames.last().is_some_and(|f| f.end.is_none()),
            _ => false,
        }
    }

    /// Pay the checks owed, if any.
    pub(super) fn pay_polls(&mut self) {
        if self.owed_polls > 0 && self.reachable {
            let n = std::mem::take(&mut self.owed_polls);
            self.emit_poll(n);
        }
        self.owed_polls = 0;
    }

    /// A poll standing for `checks` header checks.
    pub(super) fn emit_poll(&mut self, checks: u32) {
        // A plain byte load: single-copy atomic on every supported target,
        // and (unlike an atomic load) no barrier to Cranelift's optimizations.
        let flag = self
            .builder
            .ins()
            .uload8(types::I64, trusted(), self.interrupt, 0);
        let any = self.builder.ins().bor(self.fuel, flag);
        let slow = self.builder.create_block();
        self.builder.set_cold_block(slow);
        let cont = self.builder.create_block();
        self.builder.ins().brif(any, slow, &[], cont, &[]);
        self.seal(slow);
        self.builder.switch_to_block(slow);
        let n = self.builder.ins().iconst(types::I64, i64::from(checks));
        let trapped = self.call_helper_only(HelperId::Poll, &[n]);
        let exit = self.exit_entry();
        self.builder.ins().brif(trapped, exit, &[], cont, &[]);
        self.seal(cont);
        self.builder.switch_to_block(cont);
    }
}
