//! The runtime helpers generated code calls for everything it does not emit
//! inline: the numeric operators with intricate semantics (run by the
//! interpreter's own `numeric` functions, so both tiers agree bit for bit),
//! table, segment and bulk-memory operators, calls that leave the module's
//! code (host functions, other instances), indirect-call resolution,
//! exceptions and fuel/interrupt polls.
//!
//! Every helper gets the context, the store and the slots from its operand
//! slot `sp` on, and returns a status or a code address (see each helper).
//! Operand `k` is at slot `stride * k` (2 in a module that uses SIMD, see
//! [`crate::codegen`]); values cross into the store through
//! `strata_runtime::rows`.
//! Helpers never panic on guest input; they refresh the context's cached
//! memory and global pointers after anything that may move them.

use strata_ir::{simd, CatchKind, NumOp, Op, SimdOp, Trap, TrapCode, Val, ValType};
use strata_runtime::{rows, value, ExnAddr, FuncAddr, FuncKind, HostFunc, Store};

use crate::vmctx::{module_of, VmCtx};
use crate::STATUS_EXN;

use strata_ir::numeric;

#[inline]
fn rd(s: &[u64], i: usize) -> u64 {
    s.get(i).copied().unwrap_or(0)
}

#[inline]
fn wr(s: &mut [u64], i: usize, v: u64) {
    if let Some(x) = s.get_mut(i) {
        *x = v;
    }
}

/// Slots per operand in the running module.
fn stride(vm: &VmCtx) -> usize {
    module_of(vm).stride
}

macro_rules! call_numeric {
    ([$p:ident] $f:path, $s:ident, $st:ident) => {
        $f(rd($s, 0))
    };
    ([$p:ident $q:ident] $f:path, $s:ident, $st:ident) => {
        $f(rd($s, 0), rd($s, $st))
    };
}

macro_rules! define_num_table {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident $trap:literal;)*) => {
        /// Every numeric operator, in declaration order (`op as usize` indexes it).
        const ALL_NUM: &[NumOp] = &[$(NumOp::$name),*];

        fn run_num(op: NumOp, s: &[u64], st: usize) -> Result<u64, TrapCode> {
            match op {
                $(NumOp::$name => call_numeric!([$($param)*] numeric::$snake, s, st),)*
            }
        }
    };
}
strata_ir::for_each_num_op!(define_num_table);

/// The helper number of a numeric operator.
pub(crate) fn num_index(op: NumOp) -> u64 {
    op as u64
}

fn status(vm: &mut VmCtx, r: Result<(), TrapCode>) -> u64 {
    match r {
        Ok(()) => 0,
        Err(code) => u64::from(vm.trap(Trap::new(code))),
    }
}

/// A numeric operator `a` (by [`num_index`]) on the slots at `sp`; the
/// result replaces the first operand. Returns a status.
pub(crate) fn num(vm: &mut VmCtx, _: &mut Store, s: &mut [u64], a: u64, _: u64) -> u64 {
    let Some(op) = ALL_NUM.get(a as usize).copied() else {
        return u64::from(vm.trap(Trap::host("unknown numeric operator")));
    };
    let r = run_num(op, s, stride(vm)).map(|v| wr(s, 0, v));
    status(vm, r)
}

/// A pure SIMD operator `a` (by `SimdOp as u64`) on the vector operands at
/// `sp` (stride 2); the result, a vector or a scalar in the low slot,
/// replaces the first operand. Returns a status.
pub(crate) fn simd(vm: &mut VmCtx, _: &mut Store, s: &mut [u64], a: u64, _: u64) -> u64 {
    let Some(op) = SimdOp::ALL.get(a as usize).copied() else {
        return u64::from(vm.trap(Trap::host("unknown SIMD operator")));
    };
    let arg = |k: usize| value::v128_from_slots(rd(s, 2 * k), rd(s, 2 * k + 1));
    let [lo, hi] = value::v128_to_slots(simd::apply(op, [arg(0), arg(1), arg(2)]));
    wr(s, 0, lo);
    wr(s, 1, hi);
    0
}

/// The table, segment, bulk-memory, `memory.size`/`grow` or `ref.func`
/// operator at op index `b` of defined function `a`, with its operands at
/// `sp` (its result replaces them). Returns a status.
pub(crate) fn op(vm: &mut VmCtx, store: &mut Store, s: &mut [u64], a: u64, b: u64) -> u64 {
    let module = module_of(vm).module.clone();
    let Some(op) = module
        .bodies
        .get(a as usize)
        .and_then(|body| body.ops.get(b as usize))
        .copied()
    else {
        return u64::from(vm.trap(Trap::host("unknown operator")));
    };
    let r = run_op(vm, store, s, op);
    vm.refresh(store);
    status(vm, r)
}

fn run_op(vm: &VmCtx, store: &mut Store, s: &mut [u64], op: Op) -> Result<(), TrapCode> {
    let st = stride(vm);
    let rd = |s: &[u64], k: usize| rd(s, st * k);
    let inst = store.instance(vm.instance);
    match op {
        Op::TableGet(t) => {
            let t = inst.tables[t.index()];
            let v = store.table(t).get(rd(s, 0))?;
            wr(s, 0, v);
        }
        Op::TableSet(t) => {
            let t = inst.tables[t.index()];
            store.table_mut(t).set(rd(s, 0), rd(s, 1))?;
        }
        Op::TableSize(t) => {
            let t = inst.tables[t.index()];
            let v = store.table(t).size();
            wr(s, 0, v);
        }
        Op::TableGrow(t) => {
            let t = inst.tables[t.index()];
            let v = store.table_grow_result(t, rd(s, 1), rd(s, 0));
            wr(s, 0, v);
        }
        Op::TableFill(t) => {
            let t = inst.tables[t.index()];
            store.table_mut(t).fill(rd(s, 0), rd(s, 1), rd(s, 2))?;
        }
        Op::TableCopy { dst, src } => {
            let (d, sr) = (inst.tables[dst.index()], inst.tables[src.index()]);
            let (dst, src, len) = (rd(s, 0), rd(s, 1), rd(s, 2));
            store.table_copy(d, dst, sr, src, len)?;
        }
        Op::TableInit { table, elem } => {
            let t = inst.tables[table.index()];
            let e = inst.elems[elem.index()];
            let (dst, src, len) = (rd(s, 0), rd(s, 1), rd(s, 2));
            store.table_init(t, e, dst, src, len)?;
        }
        Op::ElemDrop(e) => {
            store.elem_drop(inst.elems[e.index()]);
        }
        Op::MemorySize(m) => {
            let m = inst.memories[m.index()];
            let v = store.memory(m).size_pages();
            wr(s, 0, v);
        }
        Op::MemoryGrow(m) => {
            let m = inst.memories[m.index()];
            let v = store.memory_grow_result(m, rd(s, 0));
            wr(s, 0, v);
        }
        Op::MemoryFill(m) => {
            let m = inst.memories[m.index()];
            store
                .memory_mut(m)
                .fill(rd(s, 0), rd(s, 1) as u8, rd(s, 2))?;
        }
        Op::MemoryCopy { dst, src } => {
            let (d, sr) = (inst.memories[dst.index()], inst.memories[src.index()]);
            let (dst, src, len) = (rd(s, 0), rd(s, 1), rd(s, 2));
            store.memory_copy(d, dst, sr, src, len)?;
        }
        Op::MemoryInit { mem, data } => {
            let m = inst.memories[mem.index()];
            let d = inst.datas[data.index()];
            let (dst, src, len) = (rd(s, 0), rd(s, 1), rd(s, 2));
            store.memory_init(m, d, dst, src, len)?;
        }
        Op::DataDrop(d) => {
            store.data_drop(inst.datas[d.index()]);
        }
        Op::RefFunc(f) => {
            let addr = inst.funcs[f.index()];
            wr(s, 0, value::func_ref_to_raw(Some(addr)));
        }
        _ => return Err(TrapCode::HostError),
    }
    Ok(())
}

/// Where a call to `callee` goes: the code address of a function of the
/// running instance, or (for host functions and other instances) make the
/// call through the store here, with arguments and results at `sp`, and
/// return 1. 0 means a trap was recorded, 2 ([`STATUS_EXN`]) that the
/// callee's exception escaped into this frame (in `vm.exn`).
fn dispatch(vm: &mut VmCtx, store: &mut Store, s: &mut [u64], callee: FuncAddr) -> u64 {
    let Some(entity) = store.get_func(callee) else {
        return 0;
    };
    let jit = module_of(vm);
    if let FuncKind::Wasm { instance, index } = entity.kind {
        if instance == vm.instance {
            if let Some(p) = index
                .0
                .checked_sub(jit.module.num_imported_funcs)
                .and_then(|d| jit.code.func_ptr(d as usize))
            {
                return p as u64;
            }
        }
    }
    let ty = store.sigs().get(entity.sig).clone();
    let host = match &entity.kind {
        FuncKind::Host(f) => Some(f.clone()),
        FuncKind::Wasm { .. } => None,
    };
    let st = stride(vm);
    let args = rows::read_vals(s, st, &ty.params);
    store.set_call_depth(vm.depth as usize);
    let r = match host {
        // A host function sees its calling instance (for its memory).
        Some(f) => call_host(vm, store, &f, &ty.results, &args),
        None => store.invoke(callee, &args),
    };
    vm.refresh(store);
    match r {
        Ok(results) => {
            rows::store_vals(s, st, &results);
            1
        }
        Err(trap) => {
            // An exception from the callee is thrown on from this call.
            if let Some(exn) = store.thrown_by(&trap) {
                vm.exn = exn.0;
                return u64::from(STATUS_EXN);
            }
            vm.trap(trap);
            0
        }
    }
}

/// Call a host function as the running instance's code, with the store's
/// depth check, and check the shape of its results.
fn call_host(
    vm: &VmCtx,
    store: &mut Store,
    f: &HostFunc,
    result_types: &[ValType],
    args: &[Val],
) -> Result<Vec<Val>, Trap> {
    let mut results: Vec<Val> = result_types.iter().map(|t| Val::default_for(*t)).collect();
    store.call_host(f, Some(vm.instance), args, &mut results)?;
    if results.len() != result_types.len()
        || !results
            .iter()
            .zip(result_types)
            .all(|(v, t)| v.matches_shape(*t))
    {
        return Err(Trap::host(format!(
            "host function returned {results:?}, expected {result_types:?}"
        )));
    }
    Ok(results)
}

/// Call function index `a` of the running instance (see [`dispatch`]).
pub(crate) fn call_func(vm: &mut VmCtx, store: &mut Store, s: &mut [u64], a: u64, _: u64) -> u64 {
    let callee = store.instance(vm.instance).funcs.get(a as usize).copied();
    match callee {
        Some(c) => dispatch(vm, store, s, c),
        None => 0,
    }
}

/// `call_indirect` through table `a` with type index `b`; the table index
/// is the slot after the arguments (see [`dispatch`]).
pub(crate) fn call_indirect(
    vm: &mut VmCtx,
    store: &mut Store,
    s: &mut [u64],
    a: u64,
    b: u64,
) -> u64 {
    match resolve_indirect(vm, store, s, a as usize, b as usize) {
        Ok(callee) => dispatch(vm, store, s, callee),
        Err(code) => {
            vm.trap(Trap::new(code));
            0
        }
    }
}

fn resolve_indirect(
    vm: &VmCtx,
    store: &Store,
    s: &[u64],
    table: usize,
    ty: usize,
) -> Result<FuncAddr, TrapCode> {
    let module = &module_of(vm).module;
    let params = module.types.get(ty).map_or(0, |t| t.params.len());
    let inst = store.instance(vm.instance);
    let t = store.table(inst.tables[table]);
    let raw_index = rd(s, stride(vm) * params);
    let index = if t.ty().index.is_64() {
        raw_index
    } else {
        u64::from(raw_index as u32)
    };
    let raw = t.get(index).map_err(|_| TrapCode::UndefinedElement)?;
    let callee = value::raw_to_func_ref(raw).ok_or(TrapCode::UninitializedElement)?;
    if store.func(callee).sig != inst.sigs[ty] {
        return Err(TrapCode::IndirectCallTypeMismatch);
    }
    Ok(callee)
}

/// `call_ref` of type index `a`; the reference is the slot after the
/// arguments (see [`dispatch`]).
pub(crate) fn call_ref(vm: &mut VmCtx, store: &mut Store, s: &mut [u64], a: u64, _: u64) -> u64 {
    let params = module_of(vm)
        .module
        .types
        .get(a as usize)
        .map_or(0, |t| t.params.len());
    match value::raw_to_func_ref(rd(s, stride(vm) * params)) {
        Some(callee) => dispatch(vm, store, s, callee),
        None => {
            vm.trap(Trap::new(TrapCode::NullFunctionReference));
            0
        }
    }
}

/// `throw` of tag index `a` with the payload at `sp`. Returns the exception status.
pub(crate) fn throw(vm: &mut VmCtx, store: &mut Store, s: &mut [u64], a: u64, _: u64) -> u64 {
    let tag = store.instance(vm.instance).tags[a as usize];
    let sig = store.tag(tag).sig;
    let payload = rows::to_canonical(s, stride(vm), &store.sigs().get(sig).params);
    match store.throw_exception(tag, payload) {
        Ok(exn) => {
            vm.exn = exn.0;
            u64::from(STATUS_EXN)
        }
        Err(code) => u64::from(vm.trap(Trap::new(code))),
    }
}

/// `throw_ref` of the exnref at `sp`. Returns the exception or trap status.
pub(crate) fn throw_ref(vm: &mut VmCtx, _: &mut Store, s: &mut [u64], _: u64, _: u64) -> u64 {
    match value::raw_to_exn_ref(rd(s, 0)) {
        Some(exn) => {
            vm.exn = exn.0;
            u64::from(STATUS_EXN)
        }
        None => u64::from(vm.trap(Trap::new(TrapCode::NullExceptionReference))),
    }
}

/// Match the exception in flight against the clauses of `try_table` `b` of
/// defined function `a`, with `sp` the frame base. Delivers the clause's
/// values to its label's slots and returns the clause index, or `u64::MAX`.
pub(crate) fn catch(vm: &mut VmCtx, store: &mut Store, s: &mut [u64], a: u64, b: u64) -> u64 {
    let jit = module_of(vm);
    let exn = ExnAddr(vm.exn);
    let Some(exception) = store.exception(exn) else {
        return u64::MAX;
    };
    let (Some(clauses), Some(dsts)) = (
        jit.module
            .bodies
            .get(a as usize)
            .and_then(|body| body.try_tables.get(b as usize)),
        jit.funcs
            .get(a as usize)
            .and_then(|f| f.catch_dsts.get(b as usize)),
    ) else {
        return u64::MAX;
    };
    let tags = &store.instance(vm.instance).tags;
    let Some(i) = clauses.iter().position(|c| match c.kind {
        CatchKind::Tag(t) | CatchKind::TagRef(t) => tags.get(t.index()) == Some(&exception.tag),
        CatchKind::All | CatchKind::AllRef => true,
    }) else {
        return u64::MAX;
    };
    let kind = clauses[i].kind;
    let mut values = match kind {
        CatchKind::Tag(_) | CatchKind::TagRef(_) => {
            let types = &store.sigs().get(store.tag(exception.tag).sig).params;
            rows::from_canonical(&exception.payload, types)
        }
        CatchKind::All | CatchKind::AllRef => Vec::new(),
    };
    let by_ref = matches!(kind, CatchKind::TagRef(_) | CatchKind::AllRef);
    if by_ref {
        values.push(Val::ExnRef(Some(exn)));
    }
    store.catch_exception(exn, by_ref);
    let dst = dsts.get(i).copied().unwrap_or(0) as usize;
    rows::store_vals(s.get_mut(dst..).unwrap_or(&mut []), stride(vm), &values);
    i as u64
}

/// Fuel and interrupt check. Returns a status.
pub(crate) fn poll(vm: &mut VmCtx, store: &mut Store, _: &mut [u64], _: u64, _: u64) -> u64 {
    let r = store.interrupt_mut().check();
    status(vm, r)
}

/// Record defined function `defined` as the next frame of the trap being
/// unwound (its caller comes next).
pub(crate) fn trap_frame(
    vm: &mut VmCtx,
    _: &mut Store,
    _: &mut [u64],
    defined: u64,
    _: u64,
) -> u64 {
    if let Ok(defined) = u32::try_from(defined) {
        vm.trap_frames.push(defined);
    }
    u64::from(crate::STATUS_TRAP)
}
