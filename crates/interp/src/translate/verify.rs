//! The verifier that makes unchecked slot and code access in the executor
//! sound: every slot operand of every instruction lies inside the frame, every
//! jump target and landing pad inside the code, and execution cannot run off
//! the end of the code. It runs once per function, after translation, and a
//! violation (a translator bug) is a compile error, never undefined behaviour.

use strata_runtime::CompileError;

use crate::bytecode::{Instr, Slot};
use crate::code::CompiledFunc;

/// Every slot `instr` reads or writes (argument areas by their first slot).
fn slots(instr: &Instr) -> Vec<Slot> {
    use Instr::*;
    if let Some(s) = instr.numeric_slots() {
        return s.to_vec();
    }
    if let Some(s) = instr.specialized_slots() {
        return s.to_vec();
    }
    match *instr {
        Unreachable | LoopCheck | Br { .. } | Return | ElemDrop { .. } | DataDrop { .. } => {
            vec![]
        }
        Copy { dst, src } => vec![dst, src],
        Const { dst, .. } | GlobalGet { dst, .. } | TableSize { dst, .. } => vec![dst],
        MemorySize { dst, .. } | RefFunc { dst, .. } => vec![dst],
        BrIfNez { cond, .. } | BrIfEqz { cond, .. } => vec![cond],
        BrCmp { a, b, .. } => vec![a, b],
        BrCmpImm { a, .. } => vec![a],
        BrTable { index, .. } => vec![index],
        Call { args, .. } | ReturnCall { args, .. } | Throw { args, .. } => vec![args],
        CallIndirect { index, args, .. } | ReturnCallIndirect { index, args, .. } => {
            vec![index, args]
        }
        CallRef { func_ref, args } | ReturnCallRef { func_ref, args } => vec![func_ref, args],
        Select { dst, cond, a, b } => vec![dst, cond, a, b],
        GlobalSet { src, .. } | RefAsNonNull { src } | ThrowRef { src } => vec![src],
        TableGet { dst, index, .. } => vec![dst, index],
        TableSet { index, value, .. } => vec![index, value],
        TableGrow {
            dst, init, delta, ..
        } => vec![dst, init, delta],
        TableFill {
            dst, value, len, ..
        }
        | MemoryFill {
            dst, value, len, ..
        } => vec![dst, value, len],
        TableCopy { dst, src, len, .. }
        | TableInit { dst, src, len, .. }
        | MemoryCopy { dst, src, len, .. }
        | MemoryInit { dst, src, len, .. } => vec![dst, src, len],
        LoadM32 { dst, ptr, .. } | LoadM64 { dst, ptr, .. } => vec![dst, ptr],
        StoreM32 { ptr, value, .. } | StoreM64 { ptr, value, .. } => vec![ptr, value],
        MemoryGrow { dst, delta, .. } => vec![dst, delta],
        RefIsNull { dst, src } => vec![dst, src],
        _ => vec![],
    }
}

/// The jump target of a branch instruction.
fn target(instr: &Instr) -> Option<u32> {
    match *instr {
        Instr::Br { target }
        | Instr::BrIfNez { target, .. }
        | Instr::BrIfEqz { target, .. }
        | Instr::BrCmp { target, .. }
        | Instr::BrCmpImm { target, .. } => Some(target),
        _ => instr.specialized_target(),
    }
}

/// Whether execution never falls through to the next instruction.
fn is_terminator(instr: &Instr) -> bool {
    matches!(
        instr,
        Instr::Br { .. }
            | Instr::Return
            | Instr::Unreachable
            | Instr::ReturnCall { .. }
            | Instr::ReturnCallIndirect { .. }
            | Instr::ReturnCallRef { .. }
            | Instr::Throw { .. }
            | Instr::ThrowRef { .. }
    )
}

/// Check the invariants the executor relies on.
pub fn verify(f: &CompiledFunc) -> Result<(), CompileError> {
    let fail = |at: usize, what: String| CompileError {
        func: Some(f.func),
        offset: f.offsets.get(at).copied(),
        message: format!("internal error: interpreter code failed verification: {what}"),
    };
    let len = f.code.len();
    let stride = f.stride as usize;
    if !(1..=2).contains(&stride) {
        return Err(fail(0, format!("slot stride {stride}")));
    }
    let pool_end = stride * (f.num_locals as usize + f.consts.len());
    if (f.frame_size as usize) < pool_end
        || f.frame_size as usize <= stride * f.num_results as usize
    {
        return Err(fail(0, "frame too small".into()));
    }
    for (i, instr) in f.code.iter().enumerate() {
        if let Instr::Vector { idx } = *instr {
            let Some(v) = f.vector.get(idx as usize) else {
                return Err(fail(i, format!("vector instruction {idx} missing")));
            };
            // Each operand's slot pair lies inside the frame.
            if let Some(s) = v
                .slots()
                .into_iter()
                .find(|s| *s >= f.frame_size.saturating_sub(1))
            {
                return Err(fail(
                    i,
                    format!("vector slot {s} outside a frame of {}", f.frame_size),
                ));
            }
            if let Some(c) = v.vconst().filter(|c| *c as usize >= f.vconsts.len()) {
                return Err(fail(i, format!("vector immediate {c} missing")));
            }
        }
        if let Some(s) = slots(instr).into_iter().find(|s| *s >= f.frame_size) {
            return Err(fail(
                i,
                format!("slot {s} outside a frame of {}", f.frame_size),
            ));
        }
        if let Some(t) = target(instr).filter(|t| *t as usize >= len) {
            return Err(fail(i, format!("jump to {t} past the end ({len})")));
        }
        if let Instr::BrTable { len: n, .. } = *instr {
            if n == 0 || i + n as usize >= len {
                return Err(fail(i, "br_table entries past the end".into()));
            }
        }
    }
    if !f.code.last().is_some_and(is_terminator) {
        return Err(fail(
            len.saturating_sub(1),
            "code can run off its end".into(),
        ));
    }
    for h in f.handlers.iter() {
        if h.start as usize > len || h.end as usize > len {
            return Err(fail(0, "handler range past the end".into()));
        }
        if let Some(c) = h.catches.iter().find(|c| c.pad as usize >= len) {
            return Err(fail(0, format!("landing pad {} past the end", c.pad)));
        }
    }
    Ok(())
}
