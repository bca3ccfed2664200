//! Exception handling: `try_table`, `throw`, `throw_ref`.
//!
//! An exception in flight is the trap word `TRAP_EXCEPTION` in the context
//! with the exception's raw reference in `W_EXN`, so it unwinds through
//! ordinary returns exactly like a trap. Where a trap goes to the exit block,
//! an exception inside a `try_table` goes to that `try_table`'s landing pad
//! (emitted when the `try_table` opens): the pad tries each catch clause in
//! order through a helper, which delivers the payload and clears the word on
//! a match; with no match (or for a real trap, which is never caught) it
//! continues at the enclosing pad, or leaves the function. Edges to a pad
//! go through its [`Funnel`], kept on a stack whose top is the innermost.

use cranelift_codegen::ir::{condcodes::IntCC, types, Block, InstBuilder};
use strata_ir::{BlockType, CatchKind, TagIdx, TryTableIdx};
use strata_runtime::CompileError;

use super::{clif_type, FrameKind, FuncTranslator, Funnel};
use crate::libcalls::HelperId;
use crate::vmctx;

impl FuncTranslator<'_> {
    /// Where an exception raised here goes next: towards the innermost
    /// landing pad, or the function's exit. Each call is one edge.
    pub(crate) fn unwind_target(&mut self) -> Block {
        match self.funnels.last_mut() {
            Some(f) => f.entry(&mut self.builder),
            None => self.exit,
        }
    }

    fn tag_types(&self, tag: TagIdx) -> Result<Vec<cranelift_codegen::ir::Type>, CompileError> {
        let ty = self.module.tags[tag.index()];
        self.module.types[ty.index()]
            .params
            .iter()
            .map(|t| clif_type(*t).ok_or_else(|| self.unsupported("v128")))
            .collect()
    }

    pub(super) fn visit_try_table(
        &mut self,
        ty: BlockType,
        catches: TryTableIdx,
    ) -> Result<(), CompileError> {
        let catches = self.body.try_table(catches).to_vec();
        let pad = self.builder.create_block();
        self.builder.set_cold_block(pad);
        let body = self.builder.create_block();
        self.builder.ins().jump(body, &[]);
        self.seal(body);

        // The landing pad, in the scope enclosing the try_table.
        self.builder.switch_to_block(pad);
        let word = self.load_word(vmctx::W_TRAP, false);
        let is_exn =
            self.builder
                .ins()
                .icmp_imm_s(IntCC::Equal, word, vmctx::TRAP_EXCEPTION as i64);
        let first = self.builder.create_block();
        let outer = self.unwind_target();
        self.builder.ins().brif(is_exn, first, &[], outer, &[]);
        self.seal(first);
        self.builder.switch_to_block(first);
        for c in catches {
            let (tag, mut tys, want_ref) = match c.kind {
                CatchKind::Tag(t) => (u64::from(t.0), self.tag_types(t)?, false),
                CatchKind::TagRef(t) => (u64::from(t.0), self.tag_types(t)?, true),
                CatchKind::All => (u64::MAX, Vec::new(), false),
                CatchKind::AllRef => (u64::MAX, Vec::new(), true),
            };
            if want_ref {
                tys.push(types::I64);
            }
            let (slot, buf) = self.spill(&[], &tys);
            let tagv = self.iconst64(tag);
            let refv = self.iconst64(u64::from(want_ref));
            let matched = self.call_helper(HelperId::Catch, &[tagv, buf, refv]);
            let hit = self.builder.create_block();
            let next = self.builder.create_block();
            self.builder.ins().brif(matched, hit, &[], next, &[]);
            self.seal(hit);
            self.seal(next);
            self.builder.switch_to_block(hit);
            let values = self.unspill(slot, &tys);
            // The label is relative to the block enclosing the try_table,
            // which is the innermost frame now.
            let (dest, args) = self.branch_to(c.label, &values)?;
            self.builder.ins().jump(dest, &args);
            self.builder.switch_to_block(next);
        }
        let outer = self.unwind_target();
        self.builder.ins().jump(outer, &[]);

        self.builder.switch_to_block(body);
        self.visit_block(ty, true)?;
        if let Some(f) = self.frames.last_mut() {
            f.kind = FrameKind::Try;
        }
        // The pad is sealed when the try_table ends (`visit_end`).
        self.funnels.push(Funnel::new(pad));
        Ok(())
    }

    pub(super) fn visit_throw(&mut self, tag: TagIdx) -> Result<(), CompileError> {
        let n = self.tag_types(tag)?.len();
        let args = self.pop_n(n);
        let (_, buf) = self.spill(&args, &[]);
        let t = self.iconst64(u64::from(tag.0));
        self.call_helper(HelperId::Throw, &[t, buf]);
        self.leave_to_handler();
        Ok(())
    }

    pub(super) fn visit_throw_ref(&mut self) {
        let r = self.pop();
        self.call_helper(HelperId::ThrowRef, &[r]);
        self.leave_to_handler();
    }

    /// Continue at the innermost handler; what follows is unreachable.
    fn leave_to_handler(&mut self) {
        let target = self.unwind_target();
        self.builder.ins().jump(target, &[]);
        self.switch_to_dead();
    }
}
