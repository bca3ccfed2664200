//! Helpers that generated code calls for everything that touches the store:
//! interruption polls, `memory.grow` and bulk memory, tables and segments,
//! `ref.func`, resolving indirect calls, and calls that leave this tier's
//! fast path (imports, other instances, host functions).
//!
//! Every helper has the one signature [`Helper`]: the `vmctx` and five
//! 64-bit arguments (unused ones are zero), returning a 64-bit value. A helper
//! that traps writes the trap word into `vmctx[W_TRAP]`; generated code tests
//! that word after each call that can trap.
//!
//! # Aliasing invariant
//! `vmctx[W_STORE]` is a `*mut Store` made by [`crate::module`] from the
//! `&mut Store` of `CompiledModule::invoke`, which is not used again until
//! the generated code returns. While generated code runs, no Rust reference
//! into the store exists; a helper re-creates `&mut Store` for its own
//! duration only, and it ends before the helper returns to generated code.
//! After anything that may move a memory or reallocate the store's globals,
//! helpers rewrite the context's memory and global words ([`refresh`]).
#![allow(unsafe_code)]

use std::cell::RefCell;

use strata_ir::{Trap, TrapCode, Val};
use strata_runtime::{value, FuncAddr, FuncKind, InstanceAddr, Store};

use crate::vmctx::{self, W_FUNCS, W_INSTANCE, W_SCRATCH, W_STORE, W_TRAP};

/// The signature of every helper.
pub(crate) type Helper = unsafe extern "C" fn(*mut u64, u64, u64, u64, u64, u64) -> u64;

thread_local! {
    /// A trap object (with its message and frames) raised by a call that
    /// left generated code, kept until the invocation that owns the context
    /// picks it up.
    pub(crate) static PENDING: RefCell<Option<Trap>> = const { RefCell::new(None) };
}

macro_rules! helpers {
    ($($name:ident = $f:ident;)*) => {
        /// Indices into [`HELPERS`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        pub(crate) enum HelperId { $($name,)* }
        /// The helper table whose address generated code finds in `vmctx[W_HELPERS]`.
        pub(crate) static HELPERS: &[Helper] = &[$($f,)*];
    };
}

helpers! {
    Poll = h_poll;
    MemoryGrow = h_memory_grow;
    MemoryFill = h_memory_fill;
    MemoryCopy = h_memory_copy;
    MemoryInit = h_memory_init;
    DataDrop = h_data_drop;
    TableGet = h_table_get;
    TableSet = h_table_set;
    TableSize = h_table_size;
    TableGrow = h_table_grow;
    TableFill = h_table_fill;
    TableCopy = h_table_copy;
    TableInit = h_table_init;
    ElemDrop = h_elem_drop;
    RefFunc = h_ref_func;
    ResolveIndirect = h_resolve_indirect;
    ResolveRef = h_resolve_ref;
    CallImport = h_call_import;
    CallAddr = h_call_addr;
    Throw = h_throw;
    ThrowRef = h_throw_ref;
    Catch = h_catch;
    TrapFrame = h_trap_frame;
}

/// Read word `w` of a context.
///
/// # Safety
/// `vmctx` must be a live context with more than `w` words.
unsafe fn word(vmctx: *mut u64, w: usize) -> u64 {
    // SAFETY: the caller guarantees `w` is within the context.
    unsafe { vmctx.add(w).read() }
}

/// Write word `w` of a context.
///
/// # Safety
/// As for [`word`].
unsafe fn set_word(vmctx: *mut u64, w: usize, v: u64) {
    // SAFETY: the caller guarantees `w` is within the context.
    unsafe { vmctx.add(w).write(v) }
}

/// Run `f` with the store and instance of a context, recording its trap.
///
/// # Safety
/// `vmctx` must be a live context built by [`crate::module`] whose store
/// pointer is valid and unaliased (see the module docs).
unsafe fn with_store(
    vmctx: *mut u64,
    f: impl FnOnce(&mut Store, InstanceAddr) -> Result<u64, Trap>,
) -> u64 {
    // SAFETY: the header words exist in every context (caller's guarantee).
    let (store_ptr, inst) = unsafe { (word(vmctx, W_STORE), word(vmctx, W_INSTANCE)) };
    // SAFETY: the store pointer came from a `&mut Store` that is not used while
    // generated code runs, and no other reference into the store is live.
    let store = unsafe { &mut *(store_ptr as *mut Store) };
    let instance = InstanceAddr(inst as u32);
    let result = f(store, instance);
    // SAFETY: as above; the context's words match its instance's layout.
    unsafe { refresh(vmctx, store, instance) };
    match result {
        Ok(v) => v,
        Err(trap) => {
            if let Some(exn) = store.thrown_by(&trap) {
                // An exception from a callee outside this context: it is
                // thrown on from the call.
                // SAFETY: the exception and trap words are in the header.
                unsafe {
                    set_word(vmctx, vmctx::W_EXN, value::exn_ref_to_raw(Some(exn)));
                    set_word(vmctx, W_TRAP, vmctx::TRAP_EXCEPTION);
                }
                return 0;
            }
            let w = match trap.detail() {
                None if trap.frames().is_empty() => vmctx::trap_to_word(trap.code()),
                _ => vmctx::TRAP_PENDING,
            };
            if w == vmctx::TRAP_PENDING {
                PENDING.with(|p| *p.borrow_mut() = Some(trap));
            }
            // SAFETY: the trap word is in the header.
            unsafe { set_word(vmctx, W_TRAP, w) };
            0
        }
    }
}

/// Rewrite the memory and global words of a context from the store.
///
/// # Safety
/// `vmctx` must be a live context of `instance` with its module's layout.
pub(crate) unsafe fn refresh(vmctx: *mut u64, store: &mut Store, instance: InstanceAddr) {
    let inst = store.instance(instance);
    let layout = vmctx::Layout {
        memories: inst.memories.len(),
        globals: inst.globals.len(),
    };
    for (i, m) in inst.memories.iter().enumerate() {
        let raw = store.memory(*m).raw();
        // SAFETY: memory words exist for every memory of the instance.
        unsafe {
            set_word(vmctx, layout.mem_base(i), raw.base as u64);
            set_word(vmctx, layout.mem_len(i), raw.len as u64);
        }
    }
    for i in 0..layout.globals {
        let g = store.instance(instance).globals[i];
        let p = store.global_mut(g).value_ptr();
        // SAFETY: global words exist for every global of the instance.
        unsafe { set_word(vmctx, layout.global(i), p as u64) };
    }
}

fn trap(code: TrapCode) -> Trap {
    Trap::new(code)
}

/// Appends defined function `defined` to the invocation's trap frames if a
/// trap (not an exception) is unwinding.
unsafe extern "C" fn h_trap_frame(
    vmctx: *mut u64,
    defined: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context, whose header has
    // both words.
    let (trap, frames) = unsafe { (word(vmctx, W_TRAP), word(vmctx, vmctx::W_TRAP_FRAMES)) };
    if trap != 0 && trap != vmctx::TRAP_EXCEPTION && frames != 0 {
        // SAFETY: `crate::module` points the word at a `Vec` local to the
        // invocation that owns this context, alive until the generated code
        // returns and not used by it meanwhile.
        let frames = unsafe { &mut *(frames as *mut Vec<u32>) };
        frames.push(defined as u32);
    }
    0
}

/// The fuel and interrupt checks of a poll that stands for `checks` loop
/// headers (or a function entry): the store's check, that many times, as
/// the interpreter runs it once per header. Returns the trap word, so
/// generated code tests the result instead of reloading it.
unsafe extern "C" fn h_poll(vmctx: *mut u64, checks: u64, _: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: generated code passes its own live context, whose header has
    // the trap word.
    unsafe {
        with_store(vmctx, |s, _| {
            for _ in 0..checks.max(1) {
                s.interrupt_mut().check().map_err(trap)?;
            }
            Ok(0)
        });
        word(vmctx, W_TRAP)
    }
}

unsafe extern "C" fn h_memory_grow(
    vmctx: *mut u64,
    mem: u64,
    delta: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let m = store.instance(inst).memories[mem as usize];
            Ok(store.memory_grow_result(m, delta))
        })
    }
}

unsafe extern "C" fn h_memory_fill(
    vmctx: *mut u64,
    mem: u64,
    dst: u64,
    val: u64,
    len: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let m = store.instance(inst).memories[mem as usize];
            store
                .memory_mut(m)
                .fill(dst, val as u8, len)
                .map_err(trap)?;
            Ok(0)
        })
    }
}

unsafe extern "C" fn h_memory_copy(
    vmctx: *mut u64,
    dm: u64,
    sm: u64,
    dst: u64,
    src: u64,
    len: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let i = store.instance(inst);
            let (d, s) = (i.memories[dm as usize], i.memories[sm as usize]);
            store.memory_copy(d, dst, s, src, len).map_err(trap)?;
            Ok(0)
        })
    }
}

unsafe extern "C" fn h_memory_init(
    vmctx: *mut u64,
    mem: u64,
    data: u64,
    dst: u64,
    src: u64,
    len: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let i = store.instance(inst);
            let (m, d) = (i.memories[mem as usize], i.datas[data as usize]);
            store.memory_init(m, d, dst, src, len).map_err(trap)?;
            Ok(0)
        })
    }
}

unsafe extern "C" fn h_data_drop(
    vmctx: *mut u64,
    data: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            store.data_drop(store.instance(inst).datas[data as usize]);
            Ok(0)
        })
    }
}

unsafe extern "C" fn h_table_get(
    vmctx: *mut u64,
    table: u64,
    idx: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let t = store.instance(inst).tables[table as usize];
            store.table(t).get(idx).map_err(trap)
        })
    }
}

unsafe extern "C" fn h_table_set(
    vmctx: *mut u64,
    table: u64,
    idx: u64,
    val: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let t = store.instance(inst).tables[table as usize];
            store.table_mut(t).set(idx, val).map_err(trap)?;
            Ok(0)
        })
    }
}

unsafe extern "C" fn h_table_size(
    vmctx: *mut u64,
    table: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let t = store.instance(inst).tables[table as usize];
            Ok(store.table(t).size())
        })
    }
}

unsafe extern "C" fn h_table_grow(
    vmctx: *mut u64,
    table: u64,
    init: u64,
    delta: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let t = store.instance(inst).tables[table as usize];
            Ok(store.table_grow_result(t, delta, init))
        })
    }
}

unsafe extern "C" fn h_table_fill(
    vmctx: *mut u64,
    table: u64,
    dst: u64,
    val: u64,
    len: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let t = store.instance(inst).tables[table as usize];
            store.table_mut(t).fill(dst, val, len).map_err(trap)?;
            Ok(0)
        })
    }
}

unsafe extern "C" fn h_table_copy(
    vmctx: *mut u64,
    dt: u64,
    st: u64,
    dst: u64,
    src: u64,
    len: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let i = store.instance(inst);
            let (d, s) = (i.tables[dt as usize], i.tables[st as usize]);
            store.table_copy(d, dst, s, src, len).map_err(trap)?;
            Ok(0)
        })
    }
}

unsafe extern "C" fn h_table_init(
    vmctx: *mut u64,
    table: u64,
    elem: u64,
    dst: u64,
    src: u64,
    len: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let i = store.instance(inst);
            let (t, e) = (i.tables[table as usize], i.elems[elem as usize]);
            store.table_init(t, e, dst, src, len).map_err(trap)?;
            Ok(0)
        })
    }
}

unsafe extern "C" fn h_elem_drop(
    vmctx: *mut u64,
    elem: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            store.elem_drop(store.instance(inst).elems[elem as usize]);
            Ok(0)
        })
    }
}

unsafe extern "C" fn h_ref_func(vmctx: *mut u64, func: u64, _: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, inst| {
            let f = store.instance(inst).funcs[func as usize];
            Ok(value::func_ref_to_raw(Some(f)))
        })
    }
}

/// The native address of `callee` if it is a function of the context's own
/// instance (then generated code calls it directly with the same context),
/// else 0 with the callee's address left in `vmctx[W_SCRATCH]`.
///
/// # Safety
/// `vmctx` must be a live context of `instance`.
unsafe fn fast_or_slow(
    vmctx: *mut u64,
    store: &Store,
    instance: InstanceAddr,
    callee: FuncAddr,
) -> u64 {
    if let FuncKind::Wasm { instance: i, index } = store.func(callee).kind {
        let imported = store.instance(i).module.num_imported_funcs;
        if i == instance && index.0 >= imported {
            // SAFETY: the function table has one word per defined function.
            return unsafe {
                let funcs = word(vmctx, W_FUNCS) as *const u64;
                funcs.add((index.0 - imported) as usize).read()
            };
        }
    }
    // SAFETY: the scratch word is in the header.
    unsafe { set_word(vmctx, W_SCRATCH, u64::from(callee.0)) };
    0
}

unsafe extern "C" fn h_resolve_indirect(
    vmctx: *mut u64,
    table: u64,
    ty: u64,
    idx: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, instance| {
            let inst = store.instance(instance);
            let t = store.table(inst.tables[table as usize]);
            let idx = if t.ty().index.is_64() {
                idx
            } else {
                u64::from(idx as u32)
            };
            let raw = t.get(idx).map_err(|_| trap(TrapCode::UndefinedElement))?;
            let callee =
                value::raw_to_func_ref(raw).ok_or_else(|| trap(TrapCode::UninitializedElement))?;
            if store.func(callee).sig != inst.sigs[ty as usize] {
                return Err(trap(TrapCode::IndirectCallTypeMismatch));
            }
            Ok(fast_or_slow(vmctx, store, instance, callee))
        })
    }
}

unsafe extern "C" fn h_resolve_ref(
    vmctx: *mut u64,
    raw: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context.
    unsafe {
        with_store(vmctx, |store, instance| {
            let callee =
                value::raw_to_func_ref(raw).ok_or_else(|| trap(TrapCode::NullFunctionReference))?;
            Ok(fast_or_slow(vmctx, store, instance, callee))
        })
    }
}

/// Call `callee` through the store with raw arguments in `buf`, writing its
/// raw results back into `buf`.
///
/// # Safety
/// `buf` must hold the larger of the parameters' and the results' rows of raw
/// slots of the callee's type (one 8-byte slot per value, two for a `v128`).
unsafe fn call_through_store(
    store: &mut Store,
    caller: InstanceAddr,
    callee: FuncAddr,
    buf: *mut u64,
    depth: u64,
) -> Result<u64, Trap> {
    // The callee (a host function, or another instance's code, which may be
    // of another tier) counts its frames from the wasm frames live here.
    store.set_call_depth(usize::try_from(depth).unwrap_or(usize::MAX));
    let ty = store.sigs().get(store.func(callee).sig).clone();
    let param_slots: usize = ty.params.iter().map(|t| value::slots(*t)).sum();
    // SAFETY: `buf` holds the parameters' row of raw slots (caller's
    // guarantee).
    let row = unsafe { std::slice::from_raw_parts(buf, param_slots) };
    let mut args: Vec<Val> = Vec::with_capacity(ty.params.len());
    let mut at = 0;
    for t in ty.params.iter() {
        let (v, n) = value::read_raw(&row[at..], *t);
        args.push(v);
        at += n;
    }
    let results = match store.func(callee).kind.clone() {
        // A host function sees its calling instance (for its memory).
        FuncKind::Host(f) => {
            let mut results: Vec<Val> = ty.results.iter().map(|t| Val::default_for(*t)).collect();
            store.call_host(&f, Some(caller), &args, &mut results)?;
            results
        }
        FuncKind::Wasm { .. } => store.invoke(callee, &args)?,
    };
    if results.len() != ty.results.len()
        || !results
            .iter()
            .zip(ty.results.iter())
            .all(|(v, t)| v.matches_shape(*t))
    {
        return Err(Trap::host(format!(
            "host function returned {results:?}, expected {:?}",
            ty.results
        )));
    }
    let mut row = Vec::with_capacity(results.len());
    for v in results.iter() {
        value::push_raw(&mut row, *v);
    }
    for (i, raw) in row.iter().enumerate() {
        // SAFETY: `buf` holds the results' row of raw slots (caller's
        // guarantee).
        unsafe { buf.add(i).write(*raw) };
    }
    Ok(0)
}

unsafe extern "C" fn h_call_import(
    vmctx: *mut u64,
    func: u64,
    buf: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context and a buffer sized
    // for the callee's type.
    unsafe {
        let depth = word(vmctx, vmctx::W_DEPTH);
        with_store(vmctx, |store, inst| {
            let callee = store.instance(inst).funcs[func as usize];
            call_through_store(store, inst, callee, buf as *mut u64, depth)
        })
    }
}

unsafe extern "C" fn h_call_addr(
    vmctx: *mut u64,
    callee: u64,
    buf: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: generated code passes its own live context and a buffer sized
    // for the callee's type (which a resolve helper checked).
    unsafe {
        let depth = word(vmctx, vmctx::W_DEPTH);
        with_store(vmctx, |store, inst| {
            call_through_store(store, inst, FuncAddr(callee as u32), buf as *mut u64, depth)
        })
    }
}

unsafe extern "C" fn h_throw(vmctx: *mut u64, tag: u64, buf: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: generated code passes its own live context and a buffer with
    // the tag's payload.
    let exn = unsafe {
        with_store(vmctx, |store, inst| {
            let tag = store.instance(inst).tags[tag as usize];
            let params = &store.sigs().get(store.tag(tag).sig).params;
            let n: usize = params.iter().map(|t| value::slots(*t)).sum();
            // The buffer holds the payload's `n` raw slots (covered by the
            // outer block).
            let payload = (0..n).map(|i| (buf as *const u64).add(i).read()).collect();
            let exn = store.throw_exception(tag, payload).map_err(Trap::new)?;
            Ok(value::exn_ref_to_raw(Some(exn)))
        })
    };
    // A failed throw (the store's exception limit) has set the trap word.
    if exn != 0 {
        // SAFETY: the exception and trap words are in the header.
        unsafe {
            set_word(vmctx, vmctx::W_EXN, exn);
            set_word(vmctx, W_TRAP, vmctx::TRAP_EXCEPTION);
        }
    }
    0
}

unsafe extern "C" fn h_throw_ref(vmctx: *mut u64, raw: u64, _: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: the exception and trap words are in the header of the live
    // context generated code passes.
    unsafe {
        if raw == 0 {
            set_word(
                vmctx,
                W_TRAP,
                vmctx::trap_to_word(TrapCode::NullExceptionReference),
            );
        } else {
            set_word(vmctx, vmctx::W_EXN, raw);
            set_word(vmctx, W_TRAP, vmctx::TRAP_EXCEPTION);
        }
    }
    0
}

/// Whether the exception in flight matches catch clause `tag` (`u64::MAX`:
/// any); on a match, writes its payload (for a tag) and its `exnref` (when
/// `want_ref`) into `buf` and clears the trap word.
unsafe extern "C" fn h_catch(
    vmctx: *mut u64,
    tag: u64,
    buf: u64,
    want_ref: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: the exception word is in the header.
    let raw = unsafe { word(vmctx, vmctx::W_EXN) };
    // SAFETY: generated code passes its own live context and a buffer sized
    // for the clause's values.
    let matched = unsafe {
        with_store(vmctx, |store, inst| {
            let Some(exn) = value::raw_to_exn_ref(raw) else {
                return Ok(0);
            };
            let Some(e) = store.exception(exn) else {
                return Ok(0);
            };
            let mut values = Vec::new();
            if tag != u64::MAX {
                if store.instance(inst).tags.get(tag as usize) != Some(&e.tag) {
                    return Ok(0);
                }
                values.extend_from_slice(&e.payload);
            }
            if want_ref != 0 {
                values.push(raw);
            }
            for (i, v) in values.iter().enumerate() {
                // The buffer holds one word per delivered value (covered by
                // the outer block).
                (buf as *mut u64).add(i).write(*v);
            }
            store.catch_exception(exn, want_ref != 0);
            Ok(1)
        })
    };
    if matched == 1 {
        // SAFETY: the trap word is in the header.
        unsafe { set_word(vmctx, W_TRAP, 0) };
    }
    matched
}
