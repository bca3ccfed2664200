//! Handlers of the table, segment and bulk-memory instructions, and of
//! `memory.size` / `memory.grow`. Index and length operands arrive as raw
//! slots; an i32 operand is zero-extended (the translator's invariant), so it
//! can be used as a u64 directly.

use strata_ir::TrapCode;
use strata_runtime::{InstanceAddr, Store};

use super::regs::Regs;
use crate::bytecode::Instr;

/// Execute a table, segment or bulk-memory instruction.
pub(super) fn execute_table_op(
    store: &mut Store,
    instance: InstanceAddr,
    instr: Instr,
    regs: &mut Regs<'_>,
) -> Result<(), TrapCode> {
    let inst = store.instance(instance);
    match instr {
        Instr::TableGet { dst, table, index } => {
            let t = inst.tables[table.index()];
            regs.write(dst, store.table(t).get(regs.read(index))?);
        }
        Instr::TableSet {
            table,
            index,
            value,
        } => {
            let t = inst.tables[table.index()];
            store.table_mut(t).set(regs.read(index), regs.read(value))?;
        }
        Instr::TableSize { dst, table } => {
            let t = inst.tables[table.index()];
            regs.write(dst, store.table(t).size());
        }
        Instr::TableGrow {
            dst,
            table,
            init,
            delta,
        } => {
            let t = inst.tables[table.index()];
            let (init, delta) = (regs.read(init), regs.read(delta));
            regs.write(dst, store.table_grow_result(t, delta, init));
        }
        Instr::TableFill {
            table,
            dst,
            value,
            len,
        } => {
            let t = inst.tables[table.index()];
            store
                .table_mut(t)
                .fill(regs.read(dst), regs.read(value), regs.read(len))?;
        }
        Instr::TableCopy {
            dst_table,
            src_table,
            dst,
            src,
            len,
        } => {
            let (d, s) = (
                inst.tables[dst_table.index()],
                inst.tables[src_table.index()],
            );
            let (dst, src, len) = (regs.read(dst), regs.read(src), regs.read(len));
            store.table_copy(d, dst, s, src, len)?;
        }
        Instr::TableInit {
            table,
            elem,
            dst,
            src,
            len,
        } => {
            let t = inst.tables[table.index()];
            let e = inst.elems[elem.index()];
            let (dst, src, len) = (regs.read(dst), regs.read(src), regs.read(len));
            store.table_init(t, e, dst, src, len)?;
        }
        Instr::ElemDrop { elem } => {
            store.elem_drop(inst.elems[elem.index()]);
        }
        Instr::MemorySize { dst, mem } => {
            let m = inst.memories[mem.index()];
            regs.write(dst, store.memory(m).size_pages());
        }
        Instr::MemoryGrow { dst, mem, delta } => {
            let m = inst.memories[mem.index()];
            regs.write(dst, store.memory_grow_result(m, regs.read(delta)));
        }
        Instr::MemoryFill {
            mem,
            dst,
            value,
            len,
        } => {
            let m = inst.memories[mem.index()];
            store
                .memory_mut(m)
                .fill(regs.read(dst), regs.read(value) as u8, regs.read(len))?;
        }
        Instr::MemoryCopy {
            dst_mem,
            src_mem,
            dst,
            src,
            len,
        } => {
            let (d, s) = (
                inst.memories[dst_mem.index()],
                inst.memories[src_mem.index()],
            );
            let (dst, src, len) = (regs.read(dst), regs.read(src), regs.read(len));
            store.memory_copy(d, dst, s, src, len)?;
        }
        Instr::MemoryInit {
            mem,
            data,
            dst,
            src,
            len,
        } => {
            let m = inst.memories[mem.index()];
            let d = inst.datas[data.index()];
            let (dst, src, len) = (regs.read(dst), regs.read(src), regs.read(len));
            store.memory_init(m, d, dst, src, len)?;
        }
        Instr::DataDrop { data } => {
            store.data_drop(inst.datas[data.index()]);
        }
        _ => {}
    }
    Ok(())
}
