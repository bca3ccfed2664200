//! Structured control flow, branches, calls, globals and the operators that
//! go through runtime helpers (tables, segments, bulk memory, growth).
//!
//! Calls: a call to a function defined in the same module is a direct
//! (relocated) `call` or `return_call`. An indirect call or `call_ref` asks a
//! helper to resolve and type-check the callee; when it is a function of the
//! same instance the helper returns its native address and the call (or tail
//! call) is a native `call_indirect` with the same context. Anything else
//! (imports, other instances, host functions) goes through the store with the
//! arguments spilled to a stack buffer.

use cranelift_codegen::ir::{
    self, condcodes::IntCC, types, Block, ExtFuncData, ExternalName, InstBuilder, JumpTableData,
    StackSlotData, StackSlotKind, UserExternalName, Value,
};
use strata_ir::{BlockType, BrTableIdx, FuncIdx, GlobalIdx, Op, TableIdx, TypeIdx, ValType};
use strata_runtime::CompileError;

use super::{block_args, clif_type, trusted, wasm_signature, FrameKind, FuncTranslator};
use crate::libcalls::HelperId;
use crate::vmctx::{self, off};

impl FuncTranslator<'_> {
    fn block_types(&self, ty: BlockType) -> Result<(Vec<ir::Type>, Vec<ir::Type>), CompileError> {
        let (p, r) = self.module.block_signature(ty);
        let conv = |v: &[ValType]| {
            v.iter()
                .map(|t| clif_type(*t).ok_or_else(|| self.unsupported("v128")))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok((conv(&p)?, conv(&r)?))
    }

    fn new_block_with(&mut self, tys: &[ir::Type]) -> Block {
        let b = self.builder.create_block();
        for t in tys {
            self.builder.append_block_param(b, *t);
        }
        b
    }

    pub(super) fn visit_block(&mut self, ty: BlockType, _try: bool) -> Result<(), CompileError> {
        let (params, results) = self.block_types(ty)?;
        let end = self.new_block_with(&results);
        self.frames.push(super::Frame {
            kind: FrameKind::Block,
            dest: end,
            dest_arity: results.len(),
            end,
            results: results.len(),
            height: self.stack.len() - params.len(),
        });
        Ok(())
    }

    pub(super) fn visit_loop(&mut self, ty: BlockType) -> Result<(), CompileError> {
        let (params, results) = self.block_types(ty)?;
        let header = self.new_block_with(&params);
        let end = self.new_block_with(&results);
        let args = self.pop_n(params.len());
        let height = self.stack.len();
        self.builder.ins().jump(header, &block_args(&args));
        self.builder.switch_to_block(header);
        let vals = self.builder.block_params(header).to_vec();
        self.stack.extend(vals);
        self.frames.push(super::Frame {
            kind: FrameKind::Loop,
            dest: header,
            dest_arity: params.len(),
            end,
            results: results.len(),
            height,
        });
        self.emit_poll();
        Ok(())
    }

    pub(super) fn visit_if(&mut self, ty: BlockType) -> Result<(), CompileError> {
        let cond = self.pop();
        let (params, results) = self.block_types(ty)?;
        let then_b = self.builder.create_block();
        let else_b = self.builder.create_block();
        let end = self.new_block_with(&results);
        let p = self.peek_n(params.len());
        self.builder.ins().brif(cond, then_b, &[], else_b, &[]);
        self.builder.switch_to_block(then_b);
        self.frames.push(super::Frame {
            kind: FrameKind::If {
                else_block: else_b,
                else_seen: false,
                params: p,
            },
            dest: end,
            dest_arity: results.len(),
            end,
            results: results.len(),
            height: self.stack.len() - params.len(),
        });
        Ok(())
    }

    pub(super) fn visit_else(&mut self) {
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        let (end, results, height) = (frame.end, frame.results, frame.height);
        let FrameKind::If {
            else_block,
            else_seen,
            params,
        } = &mut frame.kind
        else {
            return;
        };
        *else_seen = true;
        let (else_block, params) = (*else_block, params.clone());
        if self.reachable {
            let args = self.peek_n(results);
            self.builder.ins().jump(end, &block_args(&args));
        }
        self.stack.truncate(height);
        self.builder.switch_to_block(else_block);
        self.stack.extend(params);
        self.reachable = true;
    }

    pub(super) fn visit_end(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if self.reachable {
            let args = self.peek_n(frame.results);
            self.builder.ins().jump(frame.end, &block_args(&args));
        }
        if let FrameKind::If {
            else_block,
            else_seen: false,
            params,
        } = &frame.kind
        {
            // No else arm: the else path passes the parameters through
            // (validation makes them the results).
            self.builder.switch_to_block(*else_block);
            self.builder.ins().jump(frame.end, &block_args(params));
        }
        self.stack.truncate(frame.height);
        self.builder.switch_to_block(frame.end);
        let vals = self.builder.block_params(frame.end).to_vec();
        self.reachable = true;
        if let FrameKind::Func = frame.kind {
            self.builder.ins().return_(&vals);
            // The cold exit of traps and uncaught exceptions: a trap records
            // this function in its backtrace on the way out.
            self.builder.switch_to_block(self.exit);
            let defined = self.func.0 - self.module.num_imported_funcs;
            let defined = self.builder.ins().iconst(types::I64, i64::from(defined));
            self.call_helper(HelperId::TrapFrame, &[defined]);
            let zeros: Vec<Value> = self
                .result_types
                .clone()
                .into_iter()
                .map(|t| self.zero(t))
                .collect();
            self.builder.ins().return_(&zeros);
        } else {
            self.stack.extend(vals);
        }
    }

    pub(super) fn frame_at(&self, depth: u32) -> (Block, usize) {
        let f = &self.frames[self.frames.len() - 1 - depth as usize];
        (f.dest, f.dest_arity)
    }

    pub(super) fn visit_br(&mut self, depth: u32) {
        let (dest, arity) = self.frame_at(depth);
        let args = self.peek_n(arity);
        self.builder.ins().jump(dest, &block_args(&args));
        self.reachable = false;
        let dead = self.builder.create_block();
        self.builder.switch_to_block(dead);
    }

    pub(super) fn visit_br_if(&mut self, depth: u32) {
        let cond = self.pop();
        let (dest, arity) = self.frame_at(depth);
        let args = self.peek_n(arity);
        let cont = self.builder.create_block();
        self.builder
            .ins()
            .brif(cond, dest, &block_args(&args), cont, &[]);
        self.builder.switch_to_block(cont);
    }

    pub(super) fn visit_br_on_null(&mut self, depth: u32, on_null: bool) {
        let r = *self.stack.last().unwrap_or(&self.vmctx);
        let (dest, arity) = self.frame_at(depth);
        let cont = self.builder.create_block();
        if on_null {
            // Branch (without the reference) if null; else keep it.
            self.pop();
            let args = self.peek_n(arity);
            self.builder
                .ins()
                .brif(r, cont, &[], dest, &block_args(&args));
            self.push(r);
        } else {
            // Branch with the reference if non-null; else drop it.
            let args = self.peek_n(arity);
            self.builder
                .ins()
                .brif(r, dest, &block_args(&args), cont, &[]);
            self.pop();
        }
        self.builder.switch_to_block(cont);
    }

    pub(super) fn visit_br_table(&mut self, idx: BrTableIdx) {
        let index = self.pop();
        let targets = self.body.br_table(idx).to_vec();
        let Some(&default) = targets.last() else {
            return;
        };
        let (_, arity) = self.frame_at(default);
        let args = self.peek_n(arity);
        let mut stubs: Vec<(u32, Block)> = Vec::new();
        let mut stub_for = |t: &mut Self, depth: u32| -> Block {
            if let Some((_, b)) = stubs.iter().find(|(d, _)| *d == depth) {
                return *b;
            }
            let b = t.builder.create_block();
            stubs.push((depth, b));
            b
        };
        let calls: Vec<Block> = targets[..targets.len() - 1]
            .iter()
            .map(|d| stub_for(self, *d))
            .collect();
        let def = stub_for(self, default);
        let def_call = self.builder.func.dfg.block_call(def, &[]);
        let table: Vec<_> = calls
            .iter()
            .map(|b| self.builder.func.dfg.block_call(*b, &[]))
            .collect();
        let jt = self
            .builder
            .create_jump_table(JumpTableData::new(def_call, &table));
        self.builder.ins().br_table(index, jt);
        for (depth, b) in stubs {
            self.builder.switch_to_block(b);
            let (dest, _) = self.frame_at(depth);
            self.builder.ins().jump(dest, &block_args(&args));
        }
        self.reachable = false;
        let dead = self.builder.create_block();
        self.builder.switch_to_block(dead);
    }

    fn signature_of(&mut self, ty: TypeIdx) -> Result<ir::SigRef, CompileError> {
        let sig = wasm_signature(&self.module.types[ty.index()])
            .ok_or_else(|| self.unsupported("v128"))?;
        Ok(self.builder.import_signature(sig))
    }

    /// Spill `args` into a fresh buffer of `words` words; returns the slot
    /// and its address.
    pub(super) fn spill(&mut self, args: &[Value], words: usize) -> (ir::StackSlot, Value) {
        let slot = self.builder.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (8 * words.max(1)) as u32,
            3,
        ));
        for (i, a) in args.iter().enumerate() {
            self.builder
                .ins()
                .stack_store(types::I64, *a, slot, (i * 8) as i32);
        }
        let addr = self.builder.ins().stack_addr(types::I64, slot, 0);
        (slot, addr)
    }

    pub(super) fn unspill(&mut self, slot: ir::StackSlot, tys: &[ir::Type]) -> Vec<Value> {
        tys.iter()
            .enumerate()
            .map(|(i, t)| {
                self.builder
                    .ins()
                    .stack_load(types::I64, *t, slot, (i * 8) as i32)
            })
            .collect()
    }

    fn func_types(&self, ty: TypeIdx) -> Result<(usize, Vec<ir::Type>), CompileError> {
        let f = &self.module.types[ty.index()];
        let r = f
            .results
            .iter()
            .map(|t| clif_type(*t).ok_or_else(|| self.unsupported("v128")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((f.params.len(), r))
    }

    /// Before a native call: trap with "call stack exhausted" if the frames
    /// live are already the store's maximum (as the interpreter refuses to
    /// push a frame), else count the callee's frame in. Returns the depth to
    /// restore. A tail call counts nothing: the callee replaces this frame.
    fn enter_callee(&mut self) -> Value {
        let depth = self.load_word(vmctx::W_DEPTH, false);
        let max = self.load_word(vmctx::W_MAX_DEPTH, true);
        let full = self.builder.ins().icmp(
            cranelift_codegen::ir::condcodes::IntCC::UnsignedGreaterThanOrEqual,
            depth,
            max,
        );
        self.trap_if(full, strata_ir::TrapCode::StackExhausted);
        let deeper = self.builder.ins().iadd_imm_s(depth, 1);
        self.store_word(vmctx::W_DEPTH, deeper);
        depth
    }

    /// After a native call, however it ended (returned, trapped or threw):
    /// the callee's frame is gone.
    fn leave_callee(&mut self, depth: Value) {
        self.store_word(vmctx::W_DEPTH, depth);
    }

    /// Finish a call whose results are `results`: push them, or return them
    /// when it was a tail call that could not be a native one.
    fn finish_call(&mut self, results: Vec<Value>, tail: bool) {
        if tail {
            let ret = self.frames[0].end;
            self.builder.ins().jump(ret, &block_args(&results));
            self.reachable = false;
            let dead = self.builder.create_block();
            self.builder.switch_to_block(dead);
        } else {
            self.stack.extend(results);
        }
    }

    pub(super) fn visit_call(&mut self, f: FuncIdx, tail: bool) -> Result<(), CompileError> {
        let ty = self.module.funcs[f.index()];
        let (nparams, rtys) = self.func_types(ty)?;
        let args = self.pop_n(nparams);
        if self.module.is_imported_func(f) {
            let (slot, buf) = self.spill(&args, nparams.max(rtys.len()));
            let idx = self.iconst64(u64::from(f.0));
            self.call_helper(HelperId::CallImport, &[idx, buf]);
            self.check_trap();
            let results = self.unspill(slot, &rtys);
            self.finish_call(results, tail);
            return Ok(());
        }
        let sig = self.signature_of(ty)?;
        let defined = f.0 - self.module.num_imported_funcs;
        let name = self
            .builder
            .func
            .declare_imported_user_function(UserExternalName::new(0, defined));
        let fref = self.builder.import_function(ExtFuncData {
            name: ExternalName::user(name),
            signature: sig,
            colocated: true,
            patchable: false,
        });
        let mut all = vec![self.vmctx];
        all.extend(args);
        if tail {
            self.builder.ins().return_call(fref, &all);
            self.reachable = false;
            let dead = self.builder.create_block();
            self.builder.switch_to_block(dead);
        } else {
            let depth = self.enter_callee();
            let call = self.builder.ins().call(fref, &all);
            let results = self.builder.inst_results(call).to_vec();
            self.leave_callee(depth);
            self.reload_memories();
            self.check_trap();
            self.stack.extend(results);
        }
        Ok(())
    }

    /// `call_indirect` (with a table) or `call_ref` (without), and their
    /// tail-call forms.
    pub(super) fn visit_call_indirect(
        &mut self,
        ty: TypeIdx,
        table: Option<TableIdx>,
        tail: bool,
    ) -> Result<(), CompileError> {
        let (nparams, rtys) = self.func_types(ty)?;
        let callee = self.pop();
        let args = self.pop_n(nparams);
        let ptr = match table {
            Some(t) => {
                let t = self.iconst64(u64::from(t.0));
                let tyv = self.iconst64(u64::from(ty.0));
                self.call_helper(HelperId::ResolveIndirect, &[t, tyv, callee])
            }
            None => self.call_helper(HelperId::ResolveRef, &[callee]),
        };
        self.check_trap();
        let sig = self.signature_of(ty)?;
        let fast = self.builder.create_block();
        let slow = self.builder.create_block();
        let join = self.new_block_with(&rtys);
        self.builder.ins().brif(ptr, fast, &[], slow, &[]);

        self.builder.switch_to_block(fast);
        let mut all = vec![self.vmctx];
        all.extend(args.iter().copied());
        if tail {
            self.builder.ins().return_call_indirect(sig, ptr, &all);
        } else {
            let depth = self.enter_callee();
            let call = self.builder.ins().call_indirect(sig, ptr, &all);
            let results = self.builder.inst_results(call).to_vec();
            self.leave_callee(depth);
            self.reload_memories();
            self.check_trap();
            self.builder.ins().jump(join, &block_args(&results));
        }

        self.builder.switch_to_block(slow);
        let (slot, buf) = self.spill(&args, nparams.max(rtys.len()));
        let addr = self.load_word(vmctx::W_SCRATCH, false);
        self.call_helper(HelperId::CallAddr, &[addr, buf]);
        self.check_trap();
        let results = self.unspill(slot, &rtys);
        self.builder.ins().jump(join, &block_args(&results));

        self.builder.switch_to_block(join);
        let results = self.builder.block_params(join).to_vec();
        self.finish_call(results, tail);
        Ok(())
    }

    fn global_ptr(&mut self, g: GlobalIdx) -> Value {
        let w = self.layout.global(g.index());
        self.load_word(w, false)
    }

    pub(super) fn visit_global_get(&mut self, g: GlobalIdx) -> Result<(), CompileError> {
        let ty =
            clif_type(self.module.globals[g.index()].ty).ok_or_else(|| self.unsupported("v128"))?;
        let p = self.global_ptr(g);
        let v = self.builder.ins().load(ty, trusted(), p, 0);
        self.push(v);
        Ok(())
    }

    pub(super) fn visit_global_set(&mut self, g: GlobalIdx) {
        let v = self.pop();
        let v = match self.builder.func.dfg.value_type(v) {
            types::F32 => self
                .builder
                .ins()
                .bitcast(types::I32, ir::MemFlagsData::new(), v),
            types::F64 => self
                .builder
                .ins()
                .bitcast(types::I64, ir::MemFlagsData::new(), v),
            _ => v,
        };
        let v = self.widen_to_i64(v);
        let p = self.global_ptr(g);
        self.builder.ins().store(trusted(), v, p, 0);
    }

    fn table_is_64(&self, t: TableIdx) -> bool {
        self.module.tables[t.index()].index.is_64()
    }

    fn mem_is_64(&self, m: strata_ir::MemIdx) -> bool {
        self.module.memories[m.index()].index.is_64()
    }

    /// Narrow an index-typed helper result for 32-bit memories and tables.
    fn narrow(&mut self, v: Value, is_64: bool) -> Value {
        if is_64 {
            v
        } else {
            self.builder.ins().ireduce(types::I32, v)
        }
    }

    pub(super) fn visit_runtime_op(&mut self, op: Op) {
        match op {
            Op::TableGet(t) => {
                let i = self.pop();
                let tv = self.iconst64(u64::from(t.0));
                let v = self.call_helper(HelperId::TableGet, &[tv, i]);
                self.check_trap();
                self.push(v);
            }
            Op::TableSet(t) => {
                let v = self.pop();
                let i = self.pop();
                let tv = self.iconst64(u64::from(t.0));
                self.call_helper(HelperId::TableSet, &[tv, i, v]);
                self.check_trap();
            }
            Op::TableSize(t) => {
                let tv = self.iconst64(u64::from(t.0));
                let v = self.call_helper(HelperId::TableSize, &[tv]);
                let v = self.narrow(v, self.table_is_64(t));
                self.push(v);
            }
            Op::TableGrow(t) => {
                let delta = self.pop();
                let init = self.pop();
                let tv = self.iconst64(u64::from(t.0));
                let v = self.call_helper(HelperId::TableGrow, &[tv, init, delta]);
                let v = self.narrow(v, self.table_is_64(t));
                self.push(v);
            }
            Op::TableFill(t) => {
                let len = self.pop();
                let val = self.pop();
                let dst = self.pop();
                let tv = self.iconst64(u64::from(t.0));
                self.call_helper(HelperId::TableFill, &[tv, dst, val, len]);
                self.check_trap();
            }
            Op::TableCopy { dst, src } => {
                let len = self.pop();
                let s = self.pop();
                let d = self.pop();
                let dt = self.iconst64(u64::from(dst.0));
                let st = self.iconst64(u64::from(src.0));
                self.call_helper(HelperId::TableCopy, &[dt, st, d, s, len]);
                self.check_trap();
            }
            Op::TableInit { table, elem } => {
                let len = self.pop();
                let s = self.pop();
                let d = self.pop();
                let tv = self.iconst64(u64::from(table.0));
                let ev = self.iconst64(u64::from(elem.0));
                self.call_helper(HelperId::TableInit, &[tv, ev, d, s, len]);
                self.check_trap();
            }
            Op::ElemDrop(e) => {
                let ev = self.iconst64(u64::from(e.0));
                self.call_helper(HelperId::ElemDrop, &[ev]);
            }
            Op::MemorySize(m) => {
                let len = self.load_word(self.layout.mem_len(m.index()), false);
                let shift = i64::from(self.module.memories[m.index()].page_size_log2);
                let pages = self.builder.ins().ushr_imm_u(len, shift);
                let v = self.narrow(pages, self.mem_is_64(m));
                self.push(v);
            }
            Op::MemoryGrow(m) => {
                let delta = self.pop();
                let mv = self.iconst64(u64::from(m.0));
                let v = self.call_helper(HelperId::MemoryGrow, &[mv, delta]);
                let v = self.narrow(v, self.mem_is_64(m));
                self.push(v);
            }
            Op::MemoryFill(m) => {
                let len = self.pop();
                let val = self.pop();
                let dst = self.pop();
                let mv = self.iconst64(u64::from(m.0));
                self.call_helper(HelperId::MemoryFill, &[mv, dst, val, len]);
                self.check_trap();
            }
            Op::MemoryCopy { dst, src } => {
                let len = self.pop();
                let s = self.pop();
                let d = self.pop();
                let dm = self.iconst64(u64::from(dst.0));
                let sm = self.iconst64(u64::from(src.0));
                self.call_helper(HelperId::MemoryCopy, &[dm, sm, d, s, len]);
                self.check_trap();
            }
            Op::MemoryInit { mem, data } => {
                let len = self.pop();
                let s = self.pop();
                let d = self.pop();
                let mv = self.iconst64(u64::from(mem.0));
                let dv = self.iconst64(u64::from(data.0));
                self.call_helper(HelperId::MemoryInit, &[mv, dv, d, s, len]);
                self.check_trap();
            }
            Op::DataDrop(d) => {
                let dv = self.iconst64(u64::from(d.0));
                self.call_helper(HelperId::DataDrop, &[dv]);
            }
            _ => {}
        }
        let _ = (IntCC::Equal, off(0));
    }
}
