//! Lowering of one validated function body from the IR's stack form to
//! Cranelift IR, in one forward pass.
//!
//! The Wasm operand stack becomes a compile-time `Vec<Value>` of SSA values
//! (the IR guarantees exact stack heights and no unreachable code), locals
//! become frontend `Variable`s, and each `block`/`loop`/`if` gets Cranelift
//! blocks whose parameters carry the label's values. Control, calls and
//! runtime operations live in [`control`]; memory accesses and their bounds
//! checks in [`bounds`]; numeric operators in [`numeric`].
//!
//! # Cost linear in the body
//! Translation does constant work per op, whatever the nesting: blocks are
//! sealed as soon as their last predecessor exists (so a variable's lookup
//! never walks more than once through a chain of blocks), the innermost
//! landing pad is the top of a stack, and only labels that are branched to
//! get a block ([`prepass`]): a deep nest of `block`s and `loop`s nothing
//! branches to is straight-line code, with one poll for all the loop
//! headers ([`poll`]). Edges to the exit block and to
//! landing pads go through a [`funnel`], which keeps regalloc2's dominator
//! computation from going quadratic on them.
//!
//! # Internal ABI
//! Every wasm function is `tail`-convention `(vmctx: i64, params...) ->
//! results`. A trap stores its code into `vmctx[W_TRAP]` and returns zeros;
//! callers test that word after every call that can trap and return at once,
//! so a trap unwinds by ordinary returns. No signal handler is involved:
//! generated code never executes a faulting or trapping instruction.

mod bounds;
mod control;
mod exceptions;
mod funnel;
mod numeric;
mod poll;
mod prepass;
mod simd;
mod simd_memory;
#[cfg(test)]
mod tests;

use cranelift_codegen::ir::{
    self, types, AbiParam, Block, BlockArg, InstBuilder, MemFlagsData, Signature, Type, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use strata_ir::{FuncBody, FuncIdx, FuncType, Module, Op, TrapCode, ValType};
use strata_runtime::CompileError;

use crate::libcalls::HelperId;
use crate::vmctx::{self, off, Layout};
use funnel::Funnel;

/// The Cranelift type of a Wasm value type (references are raw 64-bit
/// words, a `v128` an `I8X16`; see `simd`).
pub(crate) fn clif_type(ty: ValType) -> Option<Type> {
    Some(match ty {
        ValType::I32 => types::I32,
        ValType::I64 | ValType::Ref(_) => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::V128 => types::I8X16,
    })
}

/// The internal signature of a wasm function of type `ty`.
pub(crate) fn wasm_signature(ty: &FuncType) -> Option<Signature> {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.push(AbiParam::new(types::I64));
    for p in ty.params.iter() {
        sig.params.push(AbiParam::new(clif_type(*p)?));
    }
    for r in ty.results.iter() {
        sig.returns.push(AbiParam::new(clif_type(*r)?));
    }
    Some(sig)
}

/// The signature every helper shares (see [`crate::libcalls::Helper`]).
pub(crate) fn helper_signature(call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.extend((0..6).map(|_| AbiParam::new(types::I64)));
    sig.returns.push(AbiParam::new(types::I64));
    sig
}

/// Flags for loads and stores of context words and other runtime data.
pub(crate) fn trusted() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Block arguments from values.
pub(crate) fn block_args(values: &[Value]) -> Vec<BlockArg> {
    values.iter().copied().map(BlockArg::Value).collect()
}

/// What kind of construct a control frame is.
#[derive(Debug)]
enum FrameKind {
    /// The function body; its end block returns.
    Func,
    /// A `block`.
    Block,
    /// A `try_table`: a block whose exceptions go to its landing pad (the
    /// top of the funnel stack while it is open).
    Try,
    /// A `loop`; branches go to its header.
    Loop,
    /// An `if`: its else block and the parameters both arms start with.
    If {
        else_block: Block,
        else_seen: bool,
        params: Vec<Value>,
    },
}

/// One open block, loop, if or the function itself.
#[derive(Debug)]
struct Frame {
    kind: FrameKind,
    /// Where a branch to this label goes; `None` for a block or loop no
    /// branch targets.
    dest: Option<Block>,
    /// Values a branch to this label carries.
    dest_arity: usize,
    /// The block after the construct, whose parameters are its results;
    /// `None` for a block or loop whose end nothing branches to (it ends in
    /// the block its body ends in).
    end: Option<Block>,
    /// The result types, kept for an `end` that is `None`.
    end_types: Vec<Type>,
    /// Number of results.
    results: usize,
    /// Operand-stack height below the construct's parameters.
    height: usize,
    /// Variables a branch here passes after the label's values (the
    /// header parameters of a targeted loop that writes them).
    carried: Vec<Variable>,
}

/// Translates one function.
pub(crate) struct FuncTranslator<'a> {
    module: &'a Module,
    func: FuncIdx,
    body: &'a FuncBody,
    layout: Layout,
    host_call_conv: CallConv,
    builder: FunctionBuilder<'a>,
    vmctx: Value,
    locals: Vec<Variable>,
    stack: Vec<Value>,
    frames: Vec<Frame>,
    /// Where trap paths and exceptions go: the function's exit first, then
    /// the landing pad of each open `try_table`, innermost last.
    funnels: Vec<Funnel>,
    /// The constructs branches target, and what targeted loops read and
    /// write.
    pre: prepass::Prepass,
    /// Index of the op being translated.
    pc: usize,
    /// Loop-header checks owed (see [`poll`]).
    owed_polls: u32,
    reachable: bool,
    /// Returns zeros; every trap path ends here.
    exit: Block,
    /// The context's fuel word and interrupt-flag pointer, loaded at entry.
    fuel: Value,
    interrupt: Value,
    result_types: Vec<Type>,
    helper_sig: Option<ir::SigRef>,
    /// Base and length of each memory the function accesses, kept in
    /// variables (so in registers) and re-read after every call.
    mem_vars: Vec<Option<(Variable, Variable)>>,
    /// Byte offset of the op being translated.
    offset: u32,
}

/// Translate `func` into `clif` (whose signature is already set). Returns
/// the body's loop-nest cost ([`prepass::Prepass::nest_cost`]), which the
/// compile driver weighs against the body's size.
pub(crate) fn translate_function(
    module: &Module,
    func: FuncIdx,
    body: &FuncBody,
    host_call_conv: CallConv,
    frontend: cranelift_codegen::isa::TargetFrontendConfig,
    clif: &mut ir::Function,
    fctx: &mut FunctionBuilderContext,
) -> Result<u64, CompileError> {
    let builder = FunctionBuilder::new(clif, fctx);
    let layout = Layout {
        memories: module.memories.len(),
        globals: module.globals.len(),
    };
    let mut t = FuncTranslator {
        module,
        func,
        body,
        layout,
        host_call_conv,
        builder,
        vmctx: Value::from_u32(0),
        locals: Vec::new(),
        stack: Vec::with_capacity(body.max_stack as usize),
        frames: Vec::new(),
        funnels: Vec::new(),
        pre: prepass::analyze(body),
        pc: 0,
        owed_polls: 0,
        reachable: true,
        exit: Block::from_u32(0),
        fuel: Value::from_u32(0),
        interrupt: Value::from_u32(0),
        result_types: Vec::new(),
        helper_sig: None,
        mem_vars: vec![None; module.memories.len()],
        offset: body.offset,
    };
    t.emit_prologue()?;
    for (pc, op) in body.ops.iter().enumerate() {
        t.pc = pc;
        t.offset = body.offsets.get(pc).copied().unwrap_or(body.offset);
        t.builder.set_srcloc(ir::SourceLoc::new(t.offset));
        if !t.defers_polls(op) {
            t.pay_polls();
        }
        t.visit_op(*op)?;
    }
    // Blocks are sealed as their predecessors complete; this catches the
    // unreachable ones (which have none).
    t.builder.seal_all_blocks();
    let nest_cost = t.pre.nest_cost;
    t.builder.finalize(frontend);
    Ok(nest_cost)
}

impl<'a> FuncTranslator<'a> {
    /// An inconsistency between the IR and what translation derived from
    /// it (a bug, reported rather than miscompiled).
    #[cold]
    pub(crate) fn internal(&self, what: &str) -> CompileError {
        CompileError {
            func: Some(self.func),
            offset: Some(self.offset),
            message: format!("aot translation: {what}"),
        }
    }

    #[cold]
    pub(crate) fn unsupported(&self, what: &str) -> CompileError {
        CompileError {
            func: Some(self.func),
            offset: Some(self.offset),
            message: format!("the aot tier does not support `{what}`"),
        }
    }

    fn emit_prologue(&mut self) -> Result<(), CompileError> {
        let ty = self.module.func_type(self.func);
        let entry = self.builder.create_block();
        self.builder.append_block_params_for_function_params(entry);
        self.builder.switch_to_block(entry);
        self.builder.seal_block(entry);
        let params = self.builder.block_params(entry).to_vec();
        self.vmctx = params[0];
        for (i, p) in ty.params.iter().enumerate() {
            let var = self
                .builder
                .declare_var(clif_type(*p).ok_or_else(|| self.unsupported("v128"))?);
            self.builder.def_var(var, params[i + 1]);
            self.locals.push(var);
        }
        for l in self.body.locals.iter() {
            let cty = clif_type(*l).ok_or_else(|| self.unsupported("v128"))?;
            let var = self.builder.declare_var(cty);
            let zero = self.zero(cty);
            self.builder.def_var(var, zero);
            self.locals.push(var);
        }
        self.result_types = ty
            .results
            .iter()
            .map(|r| clif_type(*r).ok_or_else(|| self.unsupported("v128")))
            .collect::<Result<_, _>>()?;

        self.exit = self.builder.create_block();
        self.builder.set_cold_block(self.exit);
        self.funnels.push(Funnel::new(self.exit));
        let ret = self.builder.create_block();
        for t in self.result_types.clone() {
            self.builder.append_block_param(ret, t);
        }
        self.frames.push(Frame {
            kind: FrameKind::Func,
            dest: Some(ret),
            dest_arity: self.result_types.len(),
            end: Some(ret),
            end_types: Vec::new(),
            results: self.result_types.len(),
            height: 0,
            carried: Vec::new(),
        });

        // Native stack check: the frame (bounded by locals and operand
        // stack) must fit above the limit.
        let frame_estimate =
            16 * (self.locals.len() as i64 + i64::from(self.body.max_stack)) + 4096;
        let sp = self.builder.ins().get_stack_pointer(types::I64);
        let limit = self.load_word(vmctx::W_STACK_LIMIT, true);
        let need = self.builder.ins().iadd_imm_s(limit, frame_estimate);
        let low = self
            .builder
            .ins()
            .icmp(ir::condcodes::IntCC::UnsignedLessThan, sp, need);
        self.trap_if(low, TrapCode::StackExhausted);
        for op in &self.body.ops {
            if let Op::Load(_, m)
            | Op::Store(_, m)
            | Op::V128Load(_, m)
            | Op::V128Store(m)
            | Op::V128LoadLane(_, _, m)
            | Op::V128StoreLane(_, _, m) = op
            {
                if let Some(slot @ None) = self.mem_vars.get_mut(m.mem.index()) {
                    *slot = Some((
                        self.builder.declare_var(types::I64),
                        self.builder.declare_var(types::I64),
                    ));
                }
            }
        }
        self.reload_memories();
        self.fuel = self.load_word(vmctx::W_FUEL, true);
        self.interrupt = self.load_word(vmctx::W_INTERRUPT, true);
        self.emit_poll(1);
        Ok(())
    }

    /// Re-read the base and length of the memories the function accesses
    /// (at entry and after every call, which may grow and move them).
    pub(crate) fn reload_memories(&mut self) {
        for i in 0..self.mem_vars.len() {
            if let Some((base, len)) = self.mem_vars[i] {
                let b = self.load_word(self.layout.mem_base(i), false);
                let l = self.load_word(self.layout.mem_len(i), false);
                self.builder.def_var(base, b);
                self.builder.def_var(len, l);
            }
        }
    }

    /// A zero of a Cranelift type.
    pub(crate) fn zero(&mut self, ty: Type) -> Value {
        match ty {
            types::F32 => self.builder.ins().f32const(0.0),
            types::F64 => self.builder.ins().f64const(0.0),
            t if t.is_vector() => {
                let z = self.v128_const([0; 16]);
                self.as_vector(z, t)
            }
            _ => self.builder.ins().iconst(ty, 0),
        }
    }

    /// Load header word `w` of the context.
    pub(crate) fn load_word(&mut self, w: usize, readonly: bool) -> Value {
        let flags = if readonly {
            trusted().with_readonly()
        } else {
            trusted()
        };
        self.builder
            .ins()
            .load(types::I64, flags, self.vmctx, off(w))
    }

    /// Store `v` into header word `w` of the context.
    pub(crate) fn store_word(&mut self, w: usize, v: Value) {
        self.builder.ins().store(trusted(), v, self.vmctx, off(w));
    }

    pub(crate) fn pop(&mut self) -> Value {
        self.stack.pop().unwrap_or_else(|| Value::from_u32(0))
    }

    pub(crate) fn pop_n(&mut self, n: usize) -> Vec<Value> {
        let at = self.stack.len().saturating_sub(n);
        self.stack.split_off(at)
    }

    pub(crate) fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    /// The top `n` values, left in place.
    pub(crate) fn peek_n(&self, n: usize) -> Vec<Value> {
        self.stack[self.stack.len().saturating_sub(n)..].to_vec()
    }

    /// A value widened to i64 (i32s are zero-extended).
    pub(crate) fn widen_to_i64(&mut self, v: Value) -> Value {
        if self.builder.func.dfg.value_type(v) == types::I32 {
            self.builder.ins().uextend(types::I64, v)
        } else {
            v
        }
    }

    /// Declare that all predecessors of `b` exist.
    pub(crate) fn seal(&mut self, b: Block) {
        self.builder.seal_block(b);
    }

    /// The block a trap path should jump to next (on its way to the exit).
    pub(crate) fn exit_entry(&mut self) -> Block {
        match self.funnels.first_mut() {
            Some(f) => f.entry(&mut self.builder),
            None => self.exit,
        }
    }

    /// Branch to a trap exit when `cond` is non-zero.
    pub(crate) fn trap_if(&mut self, cond: Value, code: TrapCode) {
        let trap = self.builder.create_block();
        self.builder.set_cold_block(trap);
        let cont = self.builder.create_block();
        self.builder.ins().brif(cond, trap, &[], cont, &[]);
        self.seal(trap);
        self.seal(cont);
        self.builder.switch_to_block(trap);
        self.emit_trap_store(code);
        self.builder.switch_to_block(cont);
    }

    /// Store `code` into the context and leave through the exit block.
    fn emit_trap_store(&mut self, code: TrapCode) {
        let w = self
            .builder
            .ins()
            .iconst(types::I64, vmctx::trap_to_word(code) as i64);
        self.builder
            .ins()
            .store(trusted(), w, self.vmctx, off(vmctx::W_TRAP));
        let exit = self.exit_entry();
        self.builder.ins().jump(exit, &[]);
    }

    /// Continue in a fresh block that nothing branches to (what follows an
    /// unconditional branch, trap or return).
    pub(crate) fn switch_to_dead(&mut self) {
        self.reachable = false;
        let dead = self.builder.create_block();
        self.builder.switch_to_block(dead);
    }

    /// An unconditional trap; what follows is unreachable.
    pub(crate) fn trap(&mut self, code: TrapCode) {
        self.emit_trap_store(code);
        self.switch_to_dead();
    }

    /// After a call that can trap or throw: leave (or go to the landing
    /// pad) if the context holds a trap.
    pub(crate) fn check_trap(&mut self) {
        let t = self.load_word(vmctx::W_TRAP, false);
        let cont = self.builder.create_block();
        let target = self.unwind_target();
        self.builder.ins().brif(t, target, &[], cont, &[]);
        self.seal(cont);
        self.builder.switch_to_block(cont);
    }

    /// Call helper `id` with up to five arguments (i32s zero-extended), and
    /// re-read the memories (the helper may have grown one).
    pub(crate) fn call_helper(&mut self, id: HelperId, args: &[Value]) -> Value {
        let r = self.call_helper_only(id, args);
        self.reload_memories();
        r
    }

    /// Call helper `id`, which leaves the memories as they are.
    pub(crate) fn call_helper_only(&mut self, id: HelperId, args: &[Value]) -> Value {
        let sig = match self.helper_sig {
            Some(s) => s,
            None => {
                let s = self
                    .builder
                    .import_signature(helper_signature(self.host_call_conv));
                self.helper_sig = Some(s);
                s
            }
        };
        let table = self.load_word(vmctx::W_HELPERS, true);
        let f = self.builder.ins().load(
            types::I64,
            trusted().with_readonly(),
            table,
            (id as i32) * 8,
        );
        let mut all = vec![self.vmctx];
        for a in args {
            let a = self.widen_to_i64(*a);
            all.push(a);
        }
        while all.len() < 6 {
            let z = self.builder.ins().iconst(types::I64, 0);
            all.push(z);
        }
        let call = self.builder.ins().call_indirect(sig, f, &all);
        self.builder.inst_results(call)[0]
    }

    /// An i64 constant.
    pub(crate) fn iconst64(&mut self, v: u64) -> Value {
        self.builder.ins().iconst(types::I64, v as i64)
    }

    fn visit_op(&mut self, op: Op) -> Result<(), CompileError> {
        match op {
            Op::Unreachable => self.trap(TrapCode::Unreachable),
            Op::Nop => {}
            Op::Block { ty, .. } => self.visit_block(ty, false)?,
            Op::Loop { ty, .. } => self.visit_loop(ty)?,
            Op::If { ty, .. } => self.visit_if(ty)?,
            Op::Else { .. } => self.visit_else(),
            Op::End => self.visit_end(),
            Op::Br(d) => self.visit_br(d)?,
            Op::BrIf(d) => self.visit_br_if(d)?,
            Op::BrTable(t) => self.visit_br_table(t)?,
            Op::Return => {
                let d = self.frames.len() as u32 - 1;
                self.visit_br(d)?;
            }
            Op::Call(f) => self.visit_call(f, false)?,
            Op::ReturnCall(f) => self.visit_call(f, true)?,
            Op::CallIndirect { ty, table } => self.visit_call_indirect(ty, Some(table), false)?,
            Op::ReturnCallIndirect { ty, table } => {
                self.visit_call_indirect(ty, Some(table), true)?
            }
            Op::CallRef(ty) => self.visit_call_indirect(ty, None, false)?,
            Op::ReturnCallRef(ty) => self.visit_call_indirect(ty, None, true)?,
            Op::Drop => {
                self.pop();
            }
            Op::Select(_) => {
                let c = self.pop();
                let b = self.pop();
                let a = self.pop();
                let v = self.builder.ins().select(c, a, b);
                self.push(v);
            }
            Op::LocalGet(l) => {
                let v = self.builder.use_var(self.locals[l.index()]);
                self.push(v);
            }
            Op::LocalSet(l) => {
                let v = self.pop();
                self.builder.def_var(self.locals[l.index()], v);
            }
            Op::LocalTee(l) => {
                let v = self.pop();
                self.builder.def_var(self.locals[l.index()], v);
                self.push(v);
            }
            Op::GlobalGet(g) => self.visit_global_get(g)?,
            Op::GlobalSet(g) => self.visit_global_set(g),
            Op::Load(kind, memarg) => self.visit_load(kind, memarg),
            Op::Store(kind, memarg) => self.visit_store(kind, memarg),
            Op::I32Const(v) => {
                let v = self.builder.ins().iconst(types::I32, i64::from(v));
                self.push(v);
            }
            Op::I64Const(v) => {
                let v = self.builder.ins().iconst(types::I64, v);
                self.push(v);
            }
            Op::F32Const(bits) => {
                let v = self
                    .builder
                    .ins()
                    .f32const(ir::immediates::Ieee32::with_bits(bits));
                self.push(v);
            }
            Op::F64Const(bits) => {
                let v = self
                    .builder
                    .ins()
                    .f64const(ir::immediates::Ieee64::with_bits(bits));
                self.push(v);
            }
            Op::Num(n) => self.visit_num(n),
            Op::RefNull(_) => {
                let v = self.iconst64(0);
                self.push(v);
            }
            Op::RefIsNull => {
                let v = self.pop();
                let z = self
                    .builder
                    .ins()
                    .icmp_imm_s(ir::condcodes::IntCC::Equal, v, 0);
                let z = self.builder.ins().uextend(types::I32, z);
                self.push(z);
            }
            Op::RefFunc(f) => {
                let idx = self.iconst64(u64::from(f.0));
                let v = self.call_helper(HelperId::RefFunc, &[idx]);
                self.push(v);
            }
            Op::RefAsNonNull => {
                let v = *self.stack.last().unwrap_or(&self.vmctx);
                let z = self
                    .builder
                    .ins()
                    .icmp_imm_s(ir::condcodes::IntCC::Equal, v, 0);
                self.trap_if(z, TrapCode::NullReference);
            }
            Op::BrOnNull(d) => self.visit_br_on_null(d, true)?,
            Op::BrOnNonNull(d) => self.visit_br_on_null(d, false)?,
            Op::TableGet(_)
            | Op::TableSet(_)
            | Op::TableSize(_)
            | Op::TableGrow(_)
            | Op::TableFill(_)
            | Op::TableCopy { .. }
            | Op::TableInit { .. }
            | Op::ElemDrop(_)
            | Op::MemorySize(_)
            | Op::MemoryGrow(_)
            | Op::MemoryFill(_)
            | Op::MemoryCopy { .. }
            | Op::MemoryInit { .. }
            | Op::DataDrop(_) => self.visit_runtime_op(op),
            Op::TryTable { ty, catches, .. } => self.visit_try_table(ty, catches)?,
            Op::Throw(tag) => self.visit_throw(tag)?,
            Op::ThrowRef => self.visit_throw_ref(),
            Op::V128Const(bytes) => {
                let v = self.v128_const(bytes);
                self.push(v);
            }
            Op::Simd(s) => self.visit_simd(s),
            Op::I8x16Shuffle(lanes) => self.visit_shuffle(lanes),
            Op::ExtractLane(e, lane) => self.visit_extract_lane(e, lane),
            Op::ReplaceLane(shape, lane) => self.visit_replace_lane(shape, lane),
            Op::V128Load(kind, m) => self.visit_v128_load(kind, m),
            Op::V128Store(m) => self.visit_v128_store(m),
            Op::V128LoadLane(w, lane, m) => self.visit_v128_load_lane(w, lane, m),
            Op::V128StoreLane(w, lane, m) => self.visit_v128_store_lane(w, lane, m),
        }
        Ok(())
    }
}
