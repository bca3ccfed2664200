//! The instruction loop of one frame: runs until the frame returns, calls,
//! or traps. Slots are indexed in the frame's own slice, whose size the
//! translator computed, so every slot operand is in range by construction.

use strata_ir::{Address, TrapCode};
use strata_runtime::{value, ExceptionEntity, ExnAddr, FuncAddr, InstanceAddr, Store};

use super::memory::{load, mem, mem_mut, store_value};
use super::numeric_dispatch::{execute_imm, execute_numeric};
use super::table::execute_table_op;
use super::Action;
use crate::bytecode::Instr;
use crate::code::CompiledFunc;

/// Execute `func`'s code from `*ip` with the frame `regs`.
pub(super) fn run_frame(
    store: &mut Store,
    func: &CompiledFunc,
    instance: InstanceAddr,
    regs: &mut [u64],
    ip: &mut usize,
) -> Result<Action, TrapCode> {
    let code = &func.code[..];
    loop {
        let Some(&instr) = code.get(*ip) else {
            return Ok(Action::Return);
        };
        *ip += 1;
        match instr {
            Instr::Unreachable => return Err(TrapCode::Unreachable),
            Instr::LoopCheck => store.interrupt.check()?,
            Instr::Copy { dst, src } => regs[dst as usize] = regs[src as usize],
            Instr::Const { dst, val } => regs[dst as usize] = val,
            Instr::Br { target } => *ip = target as usize,
            Instr::BrIfNez { cond, target } => {
                if regs[cond as usize] as u32 != 0 {
                    *ip = target as usize;
                }
            }
            Instr::BrIfEqz { cond, target } => {
                if regs[cond as usize] as u32 == 0 {
                    *ip = target as usize;
                }
            }
            Instr::BrCmp { cmp, a, b, target } => {
                if cmp.eval(regs[a as usize], regs[b as usize]) {
                    *ip = target as usize;
                }
            }
            Instr::BrCmpImm {
                cmp,
                a,
                imm,
                target,
            } => {
                if cmp.eval(regs[a as usize], imm as i64 as u64) {
                    *ip = target as usize;
                }
            }
            Instr::Imm(imm) => execute_imm(imm, regs)?,
            Instr::BrTable { index, len } => {
                let i = (regs[index as usize] as u32).min(len.saturating_sub(1));
                *ip += i as usize;
            }
            Instr::Return => return Ok(Action::Return),
            Instr::Call { func, args } => {
                let callee = store.instances[instance.index()].funcs[func.index()];
                return Ok(Action::Call { callee, args });
            }
            Instr::ReturnCall { func, args } => {
                let callee = store.instances[instance.index()].funcs[func.index()];
                return Ok(Action::TailCall { callee, args });
            }
            Instr::CallIndirect {
                ty,
                table,
                index,
                args,
            } => {
                let callee = resolve_indirect(store, instance, ty, table, regs[index as usize])?;
                return Ok(Action::Call { callee, args });
            }
            Instr::ReturnCallIndirect {
                ty,
                table,
                index,
                args,
            } => {
                let callee = resolve_indirect(store, instance, ty, table, regs[index as usize])?;
                return Ok(Action::TailCall { callee, args });
            }
            Instr::CallRef { func_ref, args } => {
                let callee = value::raw_to_func_ref(regs[func_ref as usize])
                    .ok_or(TrapCode::NullFunctionReference)?;
                return Ok(Action::Call { callee, args });
            }
            Instr::ReturnCallRef { func_ref, args } => {
                let callee = value::raw_to_func_ref(regs[func_ref as usize])
                    .ok_or(TrapCode::NullFunctionReference)?;
                return Ok(Action::TailCall { callee, args });
            }
            Instr::Select { dst, cond, a, b } => {
                regs[dst as usize] = if regs[cond as usize] as u32 != 0 {
                    regs[a as usize]
                } else {
                    regs[b as usize]
                };
            }
            Instr::GlobalGet { dst, global } => {
                let addr = store.instances[instance.index()].globals[global.index()];
                regs[dst as usize] = store.globals[addr.index()].value;
            }
            Instr::GlobalSet { src, global } => {
                let addr = store.instances[instance.index()].globals[global.index()];
                store.globals[addr.index()].value = regs[src as usize];
            }
            Instr::LoadM32 {
                kind,
                dst,
                ptr,
                offset,
                mem: m,
            } => {
                let memory = mem(store, instance, m);
                let addr = u32::from_raw(regs[ptr as usize]);
                regs[dst as usize] = load(memory, kind, addr, u64::from(offset))?;
            }
            Instr::LoadM64 {
                kind,
                dst,
                ptr,
                offset,
                mem: m,
            } => {
                let memory = mem(store, instance, m);
                regs[dst as usize] = load(memory, kind, regs[ptr as usize], offset)?;
            }
            Instr::StoreM32 {
                kind,
                ptr,
                value,
                offset,
                mem: m,
            } => {
                let memory = mem_mut(store, instance, m);
                let addr = u32::from_raw(regs[ptr as usize]);
                store_value(memory, kind, addr, u64::from(offset), regs[value as usize])?;
            }
            Instr::StoreM64 {
                kind,
                ptr,
                value,
                offset,
                mem: m,
            } => {
                let memory = mem_mut(store, instance, m);
                store_value(
                    memory,
                    kind,
                    regs[ptr as usize],
                    offset,
                    regs[value as usize],
                )?;
            }
            Instr::RefIsNull { dst, src } => {
                regs[dst as usize] = u64::from(regs[src as usize] == value::NULL_REF);
            }
            Instr::RefFunc { dst, func } => {
                let addr: FuncAddr = store.instances[instance.index()].funcs[func.index()];
                regs[dst as usize] = value::func_ref_to_raw(Some(addr));
            }
            Instr::RefAsNonNull { src } => {
                if regs[src as usize] == value::NULL_REF {
                    return Err(TrapCode::NullReference);
                }
            }
            Instr::Throw { tag, args } => {
                let tag = store.instances[instance.index()].tags[tag.index()];
                let sig = store.tags[tag.index()].sig;
                let n = store.sigs.get(sig).params.len();
                let start = args as usize;
                let payload = regs[start..start + n].to_vec();
                store.exceptions.push(ExceptionEntity { tag, payload });
                let exn = ExnAddr(store.exceptions.len() as u32 - 1);
                return Ok(Action::Throw(exn));
            }
            Instr::ThrowRef { src } => {
                let raw = regs[src as usize];
                let exn = raw.checked_sub(1).ok_or(TrapCode::NullExceptionReference)?;
                return Ok(Action::Throw(ExnAddr(exn as u32)));
            }
            Instr::TableGet { .. }
            | Instr::TableSet { .. }
            | Instr::TableSize { .. }
            | Instr::TableGrow { .. }
            | Instr::TableFill { .. }
            | Instr::TableCopy { .. }
            | Instr::TableInit { .. }
            | Instr::ElemDrop { .. }
            | Instr::MemorySize { .. }
            | Instr::MemoryGrow { .. }
            | Instr::MemoryFill { .. }
            | Instr::MemoryCopy { .. }
            | Instr::MemoryInit { .. }
            | Instr::DataDrop { .. } => execute_table_op(store, instance, instr, regs)?,
            numeric => execute_numeric(numeric, regs)?,
        }
    }
}

/// The callee of a `call_indirect`: bounds, null and signature checks.
fn resolve_indirect(
    store: &Store,
    instance: InstanceAddr,
    ty: strata_ir::TypeIdx,
    table: strata_ir::TableIdx,
    index: u64,
) -> Result<FuncAddr, TrapCode> {
    let inst = &store.instances[instance.index()];
    let table_addr = inst.tables[table.index()];
    let t = &store.tables[table_addr.index()];
    let index = if t.ty().index.is_64() {
        index
    } else {
        u64::from(index as u32)
    };
    let raw = t.get(index).map_err(|_| TrapCode::UndefinedElement)?;
    let callee = value::raw_to_func_ref(raw).ok_or(TrapCode::UninitializedElement)?;
    let expected = inst.sigs[ty.index()];
    if store.funcs[callee.index()].sig != expected {
        return Err(TrapCode::IndirectCallTypeMismatch);
    }
    Ok(callee)
}
