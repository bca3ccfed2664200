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
    self, condcodes::IntCC, types, Block, BlockArg, ExtFuncData, ExternalName, InstBuilder,
    JumpTableData, StackSlotData, StackSlotKind, UserExternalName, Value,
};
use cranelift_frontend::Variable;
use strata_ir::{BlockType, BrTableIdx, FuncIdx, GlobalIdx, Op, TableIdx, TypeIdx, ValType};
use strata_runtime::CompileError;

use super::prepass::LoopVars;
use super::{block_args, clif_type, trusted, wasm_signature, Frame, FrameKind, FuncTranslator};
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

    /// A `block` (or the block of a `try_table`, which always gets an end
    /// block: its landing pad is completed there).
    pub(super) fn visit_block(&mut self, ty: BlockType, is_try: bool) -> Result<(), CompileError> {
        let (params, results) = self.block_types(ty)?;
        let (end, end_types) = if is_try || self.pre.targeted.contains(&self.pc) {
            (Some(self.new_block_with(&results)), Vec::new())
        } else {
            (None, results.clone())
        };
        self.frames.push(super::Frame {
            kind: FrameKind::Block,
            dest: end,
            dest_arity: results.len(),
            end,
            end_types,
            results: results.len(),
            height: self.stack.len() - params.len(),
            carried: Vec::new(),
        });
        Ok(())
    }

    /// A `loop`. One that no branch targets runs its body once: it needs no
    /// header block, and its header check is owed (see [`super::poll`]). A
    /// targeted loop's header takes the label's values and then the
    /// variables the loop writes; the variables it only reads are defined
    /// in the header from their values at entry (see [`super::prepass`]).
    pub(super) fn visit_loop(&mut self, ty: BlockType) -> Result<(), CompileError> {
        let (params, results) = self.block_types(ty)?;
        let mut carried = Vec::new();
        let dest = match self.pre.loop_vars.remove(&self.pc) {
            None => None,
            Some(vars) => {
                let (reads, writes) = self.loop_variables(&vars);
                let read_vals: Vec<Value> =
                    reads.iter().map(|v| self.builder.use_var(*v)).collect();
                let header = self.new_block_with(&params);
                let mut args = self.pop_n(params.len());
                for v in &writes {
                    let val = self.builder.use_var(*v);
                    let ty = self.builder.func.dfg.value_type(val);
                    self.builder.append_block_param(header, ty);
                    args.push(val);
                }
                self.builder.ins().jump(header, &block_args(&args));
                self.builder.switch_to_block(header);
                let vals = self.builder.block_params(header).to_vec();
                let (label, carried_vals) = vals.split_at(params.len());
                self.stack.extend_from_slice(label);
                for (v, val) in writes.iter().zip(carried_vals) {
                    self.builder.def_var(*v, *val);
                }
                for (v, val) in reads.iter().zip(read_vals) {
                    self.builder.def_var(*v, val);
                }
                carried = writes;
                Some(header)
            }
        };
        let targeted = dest.is_some();
        self.frames.push(super::Frame {
            kind: FrameKind::Loop,
            dest,
            dest_arity: params.len(),
            // Only falling through reaches a loop's end.
            end: None,
            end_types: results.clone(),
            results: results.len(),
            height: self.stack.len() - params.len(),
            carried,
        });
        if targeted {
            self.emit_poll(1);
        } else {
            self.owed_polls = self.owed_polls.saturating_add(1);
        }
        Ok(())
    }

    /// The frontend variables a targeted loop only reads, and those it may
    /// write (locals, and the memory base and length variables).
    fn loop_variables(&self, vars: &LoopVars) -> (Vec<Variable>, Vec<Variable>) {
        let local = |i: &u32| self.locals.get(*i as usize).copied();
        let mut reads: Vec<Variable> = vars.reads.iter().filter_map(local).collect();
        let mut writes: Vec<Variable> = vars.writes.iter().filter_map(local).collect();
        let memory = self.mem_vars.iter().flatten().flat_map(|(b, l)| [*b, *l]);
        if vars.writes_memory {
            writes.extend(memory);
        } else if vars.reads_memory {
            reads.extend(memory);
        }
        (reads, writes)
    }

    pub(super) fn visit_if(&mut self, ty: BlockType) -> Result<(), CompileError> {
        let cond = self.pop();
        let (params, results) = self.block_types(ty)?;
        let then_b = self.builder.create_block();
        let else_b = self.builder.create_block();
        let end = self.new_block_with(&results);
        let p = self.peek_n(params.len());
        self.builder.ins().brif(cond, then_b, &[], else_b, &[]);
        self.seal(then_b);
        self.seal(else_b);
        self.builder.switch_to_block(then_b);
        self.frames.push(super::Frame {
            kind: FrameKind::If {
                else_block: else_b,
                else_seen: false,
                params: p,
            },
            dest: Some(end),
            dest_arity: results.len(),
            end: Some(end),
            end_types: Vec::new(),
            results: results.len(),
            height: self.stack.len() - params.len(),
            carried: Vec::new(),
        });
        Ok(())
    }

    pub(super) fn visit_else(&mut self) {
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        let (Some(end), results, height) = (frame.end, frame.results, frame.height) else {
            return;
        };
        let FrameKind::If {
            else_block,
            else_seen,
            params,
        } = &mut frame.kind
        else {
            return;
        };
        *else_seen = true;
        let else_block = *else_block;
        let params = std::mem::take(params);
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
        let Some(end) = frame.end else {
            self.end_in_place(frame);
            return;
        };
        if self.reachable {
            let args = self.peek_n(frame.results);
            self.builder.ins().jump(end, &block_args(&args));
        }
        match &frame.kind {
            FrameKind::If {
                else_block,
                else_seen: false,
                params,
            } => {
                // No else arm: the else path passes the parameters through
                // (validation makes them the results).
                self.builder.switch_to_block(*else_block);
                self.builder.ins().jump(end, &block_args(params));
            }
            // Every trap or exception inside has taken its edge to the pad.
            FrameKind::Try => {
                if let Some(f) = self.funnels.pop() {
                    f.finish(&mut self.builder);
                }
            }
            _ => {}
        }
        self.seal(end);
        self.stack.truncate(frame.height);
        self.builder.switch_to_block(end);
        let vals = self.builder.block_params(end).to_vec();
        self.reachable = true;
        if let FrameKind::Func = frame.kind {
            self.builder.ins().return_(&vals);
            // The cold exit of traps and uncaught exceptions: a trap records
            // this function in its backtrace on the way out.
            if let Some(f) = self.funnels.pop() {
                f.finish(&mut self.builder);
            }
            self.builder.switch_to_block(self.exit);
            let defined = self.func.0 - self.module.num_imported_funcs;
            let defined = self.builder.ins().iconst(types::I64, i64::from(defined));
            self.call_helper_only(HelperId::TrapFrame, &[defined]);
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

    /// The end of a block or loop no branch leaves by: the body's values
    /// are the results, and translation goes on in the same block.
    fn end_in_place(&mut self, frame: Frame) {
        // No branch to the header can follow its loop.
        if let (FrameKind::Loop, Some(header)) = (&frame.kind, frame.dest) {
            self.seal(header);
        }
        if self.reachable {
            let vals = self.pop_n(frame.results);
            self.stack.truncate(frame.height);
            self.stack.extend(vals);
        } else {
            // Nothing reaches what follows: it goes in a block without
            // predecessors, whose parameters stand for the results.
            self.stack.truncate(frame.height);
            let end = self.new_block_with(&frame.end_types);
            self.seal(end);
            self.builder.switch_to_block(end);
            let vals = self.builder.block_params(end).to_vec();
            self.stack.extend(vals);
            self.reachable = true;
        }
    }

    /// Where a branch to label `depth` goes, and the values it carries.
    pub(super) fn frame_at(&self, depth: u32) -> Result<(Block, usize), CompileError> {
        let f = self
            .frames
            .len()
            .checked_sub(1 + depth as usize)
            .and_then(|i| self.frames.get(i));
        match f {
            Some(Frame {
                dest: Some(dest),
                dest_arity,
                ..
            }) => Ok((*dest, *dest_arity)),
            _ => Err(self.internal(&format!("no branch target at depth {depth}"))),
        }
    }

    /// A branch to label `depth` carrying `values`: its destination and
    /// arguments (the values, then the label's carried variables).
    pub(super) fn branch_to(
        &mut self,
        depth: u32,
        values: &[Value],
    ) -> Result<(Block, Vec<BlockArg>), CompileError> {
        let (dest, _) = self.frame_at(depth)?;
        let carried = self
            .frames
            .len()
            .checked_sub(1 + depth as usize)
            .and_then(|i| self.frames.get(i))
            .map(|f| f.carried.clone())
            .unwrap_or_default();
        let mut args = block_args(values);
        for v in carried {
            args.push(BlockArg::Value(self.builder.use_var(v)));
        }
        Ok((dest, args))
    }

    /// A branch to label `depth` with the label's values from the top of
    /// the stack.
    fn branch_with_stack(&mut self, depth: u32) -> Result<(Block, Vec<BlockArg>), CompileError> {
        let (_, arity) = self.frame_at(depth)?;
        let values = self.peek_n(arity);
        self.branch_to(depth, &values)
    }

    pub(super) fn visit_br(&mut self, depth: u32) -> Result<(), CompileError> {
        let (dest, args) = self.branch_with_stack(depth)?;
        self.builder.ins().jump(dest, &args);
        self.switch_to_dead();
        Ok(())
    }

    pub(super) fn visit_br_if(&mut self, depth: u32) -> Result<(), CompileError> {
        let cond = self.pop();
        let (dest, args) = self.branch_with_stack(depth)?;
        let cont = self.builder.create_block();
        self.builder.ins().brif(cond, dest, &args, cont, &[]);
        self.seal(cont);
        self.builder.switch_to_block(cont);
        Ok(())
    }

    pub(super) fn visit_br_on_null(
        &mut self,
        depth: u32,
        on_null: bool,
    ) -> Result<(), CompileError> {
        let r = *self.stack.last().unwrap_or(&self.vmctx);
        let cont = self.builder.create_block();
        if on_null {
            // Branch (without the reference) if null; else keep it.
            self.pop();
            let (dest, args) = self.branch_with_stack(depth)?;
            self.builder.ins().brif(r, cont, &[], dest, &args);
            self.push(r);
        } else {
            // Branch with the reference if non-null; else drop it.
            let (dest, args) = self.branch_with_stack(depth)?;
            self.builder.ins().brif(r, dest, &args, cont, &[]);
            self.pop();
        }
        self.seal(cont);
        self.builder.switch_to_block(cont);
        Ok(())
    }

    pub(super) fn visit_br_table(&mut self, idx: BrTableIdx) -> Result<(), CompileError> {
        let index = self.pop();
        let targets = self.body.br_table(idx).to_vec();
        let Some(&default) = targets.last() else {
            return Ok(());
        };
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
            self.seal(b);
            self.builder.switch_to_block(b);
            let (dest, args) = self.branch_with_stack(depth)?;
            self.builder.ins().jump(dest, &args);
        }
        self.switch_to_dead();
        Ok(())
    }

    fn signature_of(&mut self, ty: TypeIdx) -> Result<ir::SigRef, CompileError> {
        let sig = wasm_signature(&self.module.types[ty.index()])
            .ok_or_else(|| self.unsupported("v128"))?;
        Ok(self.builder.import_signature(sig))
    }

    /// Spill `args` into a fresh buffer, the runtime's row of raw slots
    /// (`strata_runtime::value`: one 8-byte slot per value, two for a
    /// `v128`), large enough to take back values of types `results`; returns
    /// the stack slot and its address.
    pub(super) fn spill(&mut self, args: &[Value], results: &[ir::Type]) -> (ir::StackSlot, Value) {
        let arg_types: Vec<ir::Type> = args
            .iter()
            .map(|a| self.builder.func.dfg.value_type(*a))
            .collect();
        let bytes = row_bytes(&arg_types).max(row_bytes(results)).max(8);
        let slot = self.builder.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            bytes,
            4,
        ));
        let mut at = 0;
        for (a, t) in args.iter().zip(&arg_types) {
            self.builder.ins().stack_store(types::I64, *a, slot, at);
            at += slot_bytes(*t);
        }
        let addr = self.builder.ins().stack_addr(types::I64, slot, 0);
        (slot, addr)
    }

    /// Read values of types `tys` back from a row spilled by [`Self::spill`].
    pub(super) fn unspill(&mut self, slot: ir::StackSlot, tys: &[ir::Type]) -> Vec<Value> {
        let mut at = 0;
        tys.iter()
            .map(|t| {
                let v = self.builder.ins().stack_load(types::I64, *t, slot, at);
                at += slot_bytes(*t);
                v
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
            let ret = self.frames.first().and_then(|f| f.end);
            if let Some(ret) = ret {
                self.builder.ins().jump(ret, &block_args(&results));
            }
            self.switch_to_dead();
        } else {
            self.stack.extend(results);
        }
    }

    pub(super) fn visit_call(&mut self, f: FuncIdx, tail: bool) -> Result<(), CompileError> {
        let ty = self.module.funcs[f.index()];
        let (nparams, rtys) = self.func_types(ty)?;
        let args = self.pop_n(nparams);
        if self.module.is_imported_func(f) {
            let (slot, buf) = self.spill(&args, &rtys);
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
            self.switch_to_dead();
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
        self.seal(fast);
        self.seal(slow);

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
        let (slot, buf) = self.spill(&args, &rtys);
        let addr = self.load_word(vmctx::W_SCRATCH, false);
        self.call_helper(HelperId::CallAddr, &[addr, buf]);
        self.check_trap();
        let results = self.unspill(slot, &rtys);
        self.builder.ins().jump(join, &block_args(&results));

        self.seal(join);
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
        if self.builder.func.dfg.value_type(v).is_vector() {
            // A `v128` global's `u128` takes all 16 bytes.
            let p = self.global_ptr(g);
            self.builder.ins().store(trusted(), v, p, 0);
            return;
        }
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

/// Bytes a value of Cranelift type `t` takes in a row of raw slots: one
/// 8-byte slot, two for a vector.
fn slot_bytes(t: ir::Type) -> i32 {
    if t.is_vector() {
        16
    } else {
        8
    }
}

/// Bytes of a row of raw slots holding values of types `tys`.
fn row_bytes(tys: &[ir::Type]) -> u32 {
    tys.iter().map(|t| slot_bytes(*t) as u32).sum()
}
