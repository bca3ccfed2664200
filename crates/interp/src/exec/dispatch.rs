//! The instruction loop of one frame: runs until the frame returns, calls,
//! throws, or traps.
//!
//! Slots are read and written unchecked through [`Regs`] (see `exec::regs`
//! for why that is sound), and instructions are fetched unchecked: the
//! verifier proved that every jump target lies inside the code and that the
//! last instruction never falls through. The instruction pointer lives in a
//! local and is written back on every exit from the loop.

use strata_ir::{Address, LoadKind, MemIdx, StoreKind, TrapCode};
use strata_runtime::{rows, value, FuncAddr, InstanceAddr, MemAddr, Store};

use super::memory::{load, load_view, mem, mem_mut, store_value, store_view, MemView};
use super::regs::{get, set, Regs};
use super::table::execute_table_op;
use super::vector::{self, Memories};
use super::Action;
use crate::bytecode::{for_each_instr_table_stage, Cmp, Instr};
use crate::code::CompiledFunc;
use strata_ir::numeric;

macro_rules! call_numeric {
    ([$p:ident] $f:path, $regs:ident, $a:ident, $b:ident) => {{
        let _ = $b;
        $f(get!($regs, $a))
    }};
    ([$p:ident $q:ident] $f:path, $regs:ident, $a:ident, $b:ident) => {
        $f(get!($regs, $a), get!($regs, $b))
    };
}

macro_rules! imm_operand {
    (32, $imm:expr) => {
        u64::from($imm as u32)
    };
    (64, $imm:expr) => {
        $imm as i64 as u64
    };
}

/// Generates [`run_frame`] with one match arm per instruction, numeric ones
/// included, so every instruction costs exactly one dispatch.
macro_rules! define_run_frame {
    (
        imm { $($iname:ident $iop:ident $isnake:ident $iwidth:tt;)* }
        cmp { $($cmp:ident $brc:ident;)* }
        load { $($lkind:ident $l32:ident $l64:ident;)* }
        store { $($skind:ident $s32:ident $s64:ident;)* }
        $($name:ident $snake:ident [$($param:ident)*] $result:ident $trap:literal;)*
    ) => {
/// Execute `func`'s code from `*ip_out` with the frame `slots`; on return
/// `*ip_out` is the index after the last executed instruction.
pub(super) fn run_frame(
    store: &mut Store,
    func: &CompiledFunc,
    instance: InstanceAddr,
    mem0: Option<MemAddr>,
    slots: &mut [u64],
    ip_out: &mut usize,
) -> Result<Action, TrapCode> {
    let mut regs = Regs::new(slots);
    let code = &func.code[..];
    let view_of = |store: &Store| mem0.map(|a| MemView::of(store.memory(a)));
    let mut view0 = view_of(store);
    let mut ip = *ip_out;
    macro_rules! exit {
        ($value:expr) => {{
            *ip_out = ip;
            return $value;
        }};
    }
    macro_rules! tri {
        ($value:expr) => {
            match $value {
                Ok(v) => v,
                Err(e) => exit!(Err(e)),
            }
        };
    }
    loop {
        debug_assert!(ip < code.len());
        // SAFETY: verified code: every jump target is below `code.len()` and
        // the last instruction never falls through, so `ip` stays in range.
        let instr: &Instr = unsafe { code.get_unchecked(ip) };
        ip += 1;
        match *instr {
            Instr::Unreachable => exit!(Err(TrapCode::Unreachable)),
            Instr::LoopCheck => tri!(store.interrupt_mut().check()),
            Instr::Copy { dst, src } => set!(regs, dst, get!(regs, src)),
            Instr::Const { dst, val } => set!(regs, dst, val),
            Instr::Br { target } => ip = target as usize,
            Instr::BrIfNez { cond, target } => {
                if get!(regs, cond) as u32 != 0 {
                    ip = target as usize;
                }
            }
            Instr::BrIfEqz { cond, target } => {
                if get!(regs, cond) as u32 == 0 {
                    ip = target as usize;
                }
            }
            Instr::BrCmp { cmp, a, b, target } => {
                if cmp.eval(get!(regs, a), get!(regs, b)) {
                    ip = target as usize;
                }
            }
            Instr::BrCmpImm {
                cmp,
                a,
                imm,
                target,
            } => {
                if cmp.eval(get!(regs, a), imm as i64 as u64) {
                    ip = target as usize;
                }
            }
            Instr::BrTable { index, len } => {
                let i = (get!(regs, index) as u32).min(len.saturating_sub(1));
                ip += i as usize;
            }
            Instr::Return => exit!(Ok(Action::Return)),
            Instr::Call { func, args } => {
                let callee = store.instance(instance).funcs[func.index()];
                exit!(Ok(Action::Call { callee, args }));
            }
            Instr::ReturnCall { func, args } => {
                let callee = store.instance(instance).funcs[func.index()];
                exit!(Ok(Action::TailCall { callee, args }));
            }
            Instr::CallIndirect {
                ty,
                table,
                index,
                args,
            } => {
                let callee = tri!(resolve_indirect(store, instance, ty, table, get!(regs, index)));
                exit!(Ok(Action::Call { callee, args }));
            }
            Instr::ReturnCallIndirect {
                ty,
                table,
                index,
                args,
            } => {
                let callee = tri!(resolve_indirect(store, instance, ty, table, get!(regs, index)));
                exit!(Ok(Action::TailCall { callee, args }));
            }
            Instr::CallRef { func_ref, args } => {
                let callee = value::raw_to_func_ref(get!(regs, func_ref))
                    .ok_or(TrapCode::NullFunctionReference);
                let callee = tri!(callee);
                exit!(Ok(Action::Call { callee, args }));
            }
            Instr::ReturnCallRef { func_ref, args } => {
                let callee = value::raw_to_func_ref(get!(regs, func_ref))
                    .ok_or(TrapCode::NullFunctionReference);
                let callee = tri!(callee);
                exit!(Ok(Action::TailCall { callee, args }));
            }
            Instr::Select { dst, cond, a, b } => {
                set!(regs, dst, if get!(regs, cond) as u32 != 0 {
                    get!(regs, a)
                } else {
                    get!(regs, b)
                });
            }
            Instr::GlobalGet { dst, global } => {
                let addr = store.instance(instance).globals[global.index()];
                set!(regs, dst, store.global(addr).value as u64);
            }
            Instr::GlobalSet { src, global } => {
                let addr = store.instance(instance).globals[global.index()];
                store.global_mut(addr).value = u128::from(get!(regs, src));
            }
            Instr::LoadM32 {
                kind,
                dst,
                ptr,
                offset,
                mem: m,
            } => {
                let addr = u32::from_raw(get!(regs, ptr));
                let value = match view0 {
                    Some(view) if m.0 == 0 => load_view(&view, kind, addr, u64::from(offset)),
                    _ => load(mem(store, instance, mem0, m), kind, addr, u64::from(offset)),
                };
                set!(regs, dst, tri!(value));
            }
            Instr::LoadM64 {
                kind,
                dst,
                ptr,
                offset,
                mem: m,
            } => {
                let addr = get!(regs, ptr);
                let value = match view0 {
                    Some(view) if m.0 == 0 => load_view(&view, kind, addr, offset),
                    _ => load(mem(store, instance, mem0, m), kind, addr, offset),
                };
                set!(regs, dst, tri!(value));
            }
            Instr::StoreM32 {
                kind,
                ptr,
                value,
                offset,
                mem: m,
            } => {
                let addr = u32::from_raw(get!(regs, ptr));
                let value = get!(regs, value);
                tri!(match view0 {
                    Some(view) if m.0 == 0 => {
                        store_view(&view, kind, addr, u64::from(offset), value)
                    }
                    _ => store_value(mem_mut(store, instance, mem0, m), kind, addr, u64::from(offset), value),
                });
            }
            Instr::StoreM64 {
                kind,
                ptr,
                value,
                offset,
                mem: m,
            } => {
                let (addr, value) = (get!(regs, ptr), get!(regs, value));
                tri!(match view0 {
                    Some(view) if m.0 == 0 => store_view(&view, kind, addr, offset, value),
                    _ => store_value(mem_mut(store, instance, mem0, m), kind, addr, offset, value),
                });
            }
            Instr::RefIsNull { dst, src } => {
                set!(regs, dst, u64::from(get!(regs, src) == value::NULL_REF));
            }
            Instr::RefFunc { dst, func } => {
                let addr: FuncAddr = store.instance(instance).funcs[func.index()];
                set!(regs, dst, value::func_ref_to_raw(Some(addr)));
            }
            Instr::RefAsNonNull { src } => {
                if get!(regs, src) == value::NULL_REF {
                    exit!(Err(TrapCode::NullReference));
                }
            }
            Instr::Throw { tag, args } => {
                let tag = store.instance(instance).tags[tag.index()];
                let sig = store.tag(tag).sig;
                let types = &store.sigs().get(sig).params;
                let stride = func.stride as usize;
                let payload = rows::to_canonical(regs.range(args, stride * types.len()), stride, types);
                let exn = tri!(store.throw_exception(tag, payload));
                exit!(Ok(Action::Throw(exn)));
            }
            Instr::Vector { idx } => {
                debug_assert!((idx as usize) < func.vector.len());
                // SAFETY: the verifier checked every `Vector` index against
                // the function's vector table.
                let v = unsafe { func.vector.get_unchecked(idx as usize) };
                let mut m = Memories { store, instance, mem0, view0 };
                tri!(vector::execute(&mut m, func, v, &mut regs));
            }
            Instr::ThrowRef { src } => {
                let raw = get!(regs, src);
                let exn = tri!(value::raw_to_exn_ref(raw).ok_or(TrapCode::NullExceptionReference));
                exit!(Ok(Action::Throw(exn)));
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
            | Instr::DataDrop { .. } => {
                tri!(execute_table_op(store, instance, *instr, &mut regs));
                // `memory.grow` may have resized (or moved) memory 0.
                view0 = view_of(store);
            },
            $(Instr::$brc { a, b, target } => {
                if Cmp::$cmp.eval(get!(regs, a), get!(regs, b)) {
                    ip = target as usize;
                }
            })*
            $(Instr::$l32 { dst, ptr, offset } => {
                let addr = u32::from_raw(get!(regs, ptr));
                let kind = LoadKind::$lkind;
                let value = match view0 {
                    Some(view) => load_view(&view, kind, addr, u64::from(offset)),
                    None => load(mem(store, instance, mem0, MemIdx(0)), kind, addr, u64::from(offset)),
                };
                set!(regs, dst, tri!(value));
            })*
            $(Instr::$l64 { dst, ptr, offset } => {
                let addr = get!(regs, ptr);
                let kind = LoadKind::$lkind;
                let value = match view0 {
                    Some(view) => load_view(&view, kind, addr, offset),
                    None => load(mem(store, instance, mem0, MemIdx(0)), kind, addr, offset),
                };
                set!(regs, dst, tri!(value));
            })*
            $(Instr::$s32 { ptr, value, offset } => {
                let addr = u32::from_raw(get!(regs, ptr));
                let (kind, value) = (StoreKind::$skind, get!(regs, value));
                tri!(match view0 {
                    Some(view) => store_view(&view, kind, addr, u64::from(offset), value),
                    None => store_value(mem_mut(store, instance, mem0, MemIdx(0)), kind, addr, u64::from(offset), value),
                });
            })*
            $(Instr::$s64 { ptr, value, offset } => {
                let (addr, value) = (get!(regs, ptr), get!(regs, value));
                let kind = StoreKind::$skind;
                tri!(match view0 {
                    Some(view) => store_view(&view, kind, addr, offset, value),
                    None => store_value(mem_mut(store, instance, mem0, MemIdx(0)), kind, addr, offset, value),
                });
            })*
            $(Instr::$iname { dst, a, imm } => {
                let value = tri!(numeric::$isnake(get!(regs, a), imm_operand!($iwidth, imm)));
                set!(regs, dst, value);
            })*
            $(Instr::$name { dst, a, b } => {
                let value = tri!(call_numeric!([$($param)*] numeric::$snake, regs, a, b));
                set!(regs, dst, value);
            })*
        }
    }
}

    };
}
crate::bytecode::for_each_instr_table!(define_run_frame);

/// The callee of a `call_indirect`: bounds, null and signature checks.
fn resolve_indirect(
    store: &Store,
    instance: InstanceAddr,
    ty: strata_ir::TypeIdx,
    table: strata_ir::TableIdx,
    index: u64,
) -> Result<FuncAddr, TrapCode> {
    let inst = store.instance(instance);
    let table_addr = inst.tables[table.index()];
    let t = store.table(table_addr);
    let index = if t.ty().index.is_64() {
        index
    } else {
        u64::from(index as u32)
    };
    let raw = t.get(index).map_err(|_| TrapCode::UndefinedElement)?;
    let callee = value::raw_to_func_ref(raw).ok_or(TrapCode::UninitializedElement)?;
    let expected = inst.sigs[ty.index()];
    if store.func(callee).sig != expected {
        return Err(TrapCode::IndirectCallTypeMismatch);
    }
    Ok(callee)
}
