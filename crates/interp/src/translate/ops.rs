//! Operator-by-operator translation: calls, locals, globals, tables,
//! memories, constants, references and numeric operators.

use strata_ir::{NumOp, Op, ValType};
use strata_runtime::CompileError;

use super::control::{cond_jump, ControlKind};
use super::{CmpRhs, Cond, Operand, Translator};
use crate::bytecode::{fits_imm, Cmp, Instr};
use crate::vector::VInstr;

impl Translator<'_> {
    pub(super) fn translate_op(&mut self, op: &Op) -> Result<(), CompileError> {
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
                let cond = self.pop_cond();
                self.begin_block(ControlKind::If { else_jump: None }, ty);
                let jump = self.emit(cond_jump(cond, false));
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
                let cond = self.pop_cond();
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
                self.stack.pop();
            }
            Select(_) => {
                let cond = self.pop();
                let b = self.pop();
                let a = self.pop();
                let dst = self.push_home();
                self.emit_result(Instr::Select { dst, cond, a, b }, dst);
            }
            LocalGet(l) => self.push_lazy(Operand::Local(self.local_slot(l.0))),
            LocalSet(l) => self.set_local(self.local_slot(l.0), false),
            LocalTee(l) => self.set_local(self.local_slot(l.0), true),
            GlobalGet(global) if self.is_v128_global(global) => {
                let dst = self.push_home();
                self.emit_vector_result(VInstr::GlobalGet { dst, global }, dst);
            }
            GlobalSet(global) if self.is_v128_global(global) => {
                let src = self.pop();
                self.emit_vector(VInstr::GlobalSet { src, global });
            }
            GlobalGet(global) => {
                let dst = self.push_home();
                self.emit_result(Instr::GlobalGet { dst, global }, dst);
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
                self.emit_result(Instr::TableGet { dst, table, index }, dst);
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
                self.emit_result(Instr::TableSize { dst, table }, dst);
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
                self.emit_result(instr, dst);
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
                self.emit_result(Instr::MemorySize { dst, mem }, dst);
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
            I32Const(v) => self.push_lazy(Operand::Const(u64::from(v as u32))),
            I64Const(v) => self.push_lazy(Operand::Const(v as u64)),
            F32Const(v) => self.push_lazy(Operand::Const(u64::from(v))),
            F64Const(v) => self.push_lazy(Operand::Const(v)),
            RefNull(_) => self.push_lazy(Operand::Const(strata_runtime::value::NULL_REF)),
            RefIsNull => {
                let src = self.pop();
                let dst = self.push_home();
                self.emit_result(Instr::RefIsNull { dst, src }, dst);
            }
            RefFunc(func) => {
                let dst = self.push_home();
                self.emit_result(Instr::RefFunc { dst, func }, dst);
            }
            RefAsNonNull => {
                let top = self.height() - 1;
                let src = self.slot_at(top);
                self.emit(Instr::RefAsNonNull { src });
            }
            BrOnNull(depth) => {
                let top = self.height() - 1;
                let src = self.slot_at(top);
                let scratch = self.next_home();
                self.emit(Instr::RefIsNull { dst: scratch, src });
                let top = self.stack.pop();
                self.branch_if(depth, Cond::Slot(scratch), true);
                if let Some(top) = top {
                    self.stack.push(top);
                }
            }
            BrOnNonNull(depth) => {
                let top = self.height() - 1;
                let src = self.slot_at(top);
                let scratch = self.next_home();
                self.emit(Instr::RefIsNull { dst: scratch, src });
                self.branch_if(depth, Cond::Slot(scratch), false);
                self.pop();
            }
            Num(op) => self.translate_numeric(op),
            _ => return self.translate_vector_op(op),
        }
        Ok(())
    }

    /// A numeric operator, using the immediate form when the right operand is
    /// a constant, and recording comparisons for branch fusion.
    fn translate_numeric(&mut self, op: NumOp) {
        let cmp = Cmp::from_num_op(op);
        let width = if matches!(op.params().first(), Some(ValType::I64)) {
            64
        } else {
            32
        };
        if op.params().len() == 1 {
            let a = self.pop();
            let dst = self.push_home();
            let instr = Instr::numeric(op, dst, a, 0);
            match (op, cmp) {
                (NumOp::I32Eqz | NumOp::I64Eqz, Some(cmp)) => {
                    self.emit_compare(instr, dst, cmp, a, CmpRhs::Imm(0))
                }
                _ => self.emit_result(instr, dst),
            }
            return;
        }
        let top = self.height() - 1;
        if let Operand::Const(value) = self.stack[top] {
            // A rotation left by a constant is one right by its complement
            // (only `rotr` has an immediate form).
            let (op, value) = match op {
                NumOp::I32Rotl => (NumOp::I32Rotr, 32u64.wrapping_sub(value) & 31),
                NumOp::I64Rotl => (NumOp::I64Rotr, 64u64.wrapping_sub(value) & 63),
                _ => (op, value),
            };
            if Instr::numeric_imm(op, 0, 0, value).is_some() {
                self.stack.pop();
                let a = self.pop();
                let dst = self.push_home();
                if let Some(instr) = Instr::numeric_imm(op, dst, a, value) {
                    match (cmp, fits_imm(value, width)) {
                        (Some(cmp), Some(imm)) => {
                            self.emit_compare(instr, dst, cmp, a, CmpRhs::Imm(imm))
                        }
                        _ => self.emit_result(instr, dst),
                    }
                }
                return;
            }
        }
        let b = self.pop();
        let a = self.pop();
        let dst = self.push_home();
        let instr = Instr::numeric(op, dst, a, b);
        match cmp {
            Some(cmp) => self.emit_compare(instr, dst, cmp, a, CmpRhs::Slot(b)),
            None => self.emit_result(instr, dst),
        }
    }
}
