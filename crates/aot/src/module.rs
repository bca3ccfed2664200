//! [`AotModule`]: a module's loaded code, and `invoke`, which builds the
//! per-call context and enters generated code.
//!
//! The two `unsafe` blocks here enter generated code (see `crate::entry`
//! for the call itself and `crate::libcalls` for the aliasing invariant).
#![allow(unsafe_code)]

use std::sync::Arc;

use strata_ir::{Module, Trap, Val};
use strata_runtime::{value, CompiledModule, Entry, FuncAddr, Store};

use crate::artifact::code::CodeMemory;
use crate::libcalls::{self, HELPERS, PENDING};
use crate::vmctx::{self, Layout};

/// A module compiled by the AOT tier, ready to run: its code is mapped
/// executable and relocated.
pub struct AotModule {
    module: Arc<Module>,
    /// Kept alive as long as any context may call into it.
    code: Arc<CodeMemory>,
    /// Native address of each defined function (read by generated code).
    funcs: Box<[u64]>,
    /// Native address of each defined function's trampoline.
    trampolines: Box<[usize]>,
    layout: Layout,
}

impl core::fmt::Debug for AotModule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AotModule")
            .field("functions", &self.funcs.len())
            .finish_non_exhaustive()
    }
}

impl AotModule {
    pub(crate) fn new(module: Arc<Module>, code: CodeMemory) -> Option<Self> {
        let n = module.bodies.len();
        let funcs = (0..n)
            .map(|i| code.symbol(i).map(|a| a as u64))
            .collect::<Option<Box<[u64]>>>()?;
        let trampolines = (0..n)
            .map(|i| code.symbol(n + i))
            .collect::<Option<Box<[usize]>>>()?;
        let layout = Layout {
            memories: module.memories.len(),
            globals: module.globals.len(),
        };
        Some(Self {
            module,
            code: Arc::new(code),
            funcs,
            trampolines,
            layout,
        })
    }
}

impl CompiledModule for AotModule {
    fn module(&self) -> &Arc<Module> {
        &self.module
    }

    fn invoke(
        &self,
        store: &mut Store,
        func: FuncAddr,
        args: &[Val],
        results: &mut Vec<Val>,
    ) -> Result<(), Trap> {
        let Entry {
            sig,
            instance,
            defined,
            stack_limit,
            ..
        } = Entry::new(store, func, &self.module, "aot")?;
        let trampoline = *self
            .trampolines
            .get(defined)
            .ok_or_else(|| Trap::host("the function has no aot code"))?;
        let result_types = store.sigs().get(sig).results.clone();

        let mut ctx = vec![0u64; self.layout.words()];
        ctx[vmctx::W_INSTANCE] = u64::from(instance.0);
        ctx[vmctx::W_STACK_LIMIT] = stack_limit as u64;
        ctx[vmctx::W_FUEL] = u64::from(store.interrupt().fuel.is_some());
        ctx[vmctx::W_INTERRUPT] = store.interrupt().flag() as *const _ as u64;
        ctx[vmctx::W_FUNCS] = self.funcs.as_ptr() as u64;
        ctx[vmctx::W_HELPERS] = HELPERS.as_ptr() as u64;
        // The entered function's frame counts, as in every tier.
        let depth_at_entry = store.call_depth();
        if depth_at_entry >= store.config().max_call_depth {
            return Err(Trap::new(strata_ir::TrapCode::StackExhausted));
        }
        ctx[vmctx::W_DEPTH] = depth_at_entry as u64 + 1;
        ctx[vmctx::W_MAX_DEPTH] = store.config().max_call_depth as u64;
        let mut trap_frames: Vec<u32> = Vec::new();
        ctx[vmctx::W_TRAP_FRAMES] = &mut trap_frames as *mut Vec<u32> as u64;
        let mut buf: Vec<u64> = Vec::with_capacity(args.len());
        for a in args {
            value::push_raw(&mut buf, *a);
        }
        let result_slots: usize = result_types.iter().map(|t| value::slots(*t)).sum();
        buf.resize(buf.len().max(result_slots).max(1), 0);

        let store_ptr: *mut Store = store;
        ctx[vmctx::W_STORE] = store_ptr as u64;
        let _keep = &self.code;
        // SAFETY: `ctx` has this module's layout and belongs to `instance`;
        // `store` is not used until the call returns (the aliasing invariant
        // of `crate::libcalls`).
        unsafe { libcalls::refresh(ctx.as_mut_ptr(), &mut *store_ptr, instance) };
        // SAFETY: the trampoline belongs to `self.code`, which is alive; the
        // context and buffer are as `call_trampoline` requires.
        unsafe { crate::entry::call_trampoline(trampoline, ctx.as_mut_ptr(), buf.as_mut_ptr()) };
        // Calls out through helpers set the store's depth to this
        // invocation's; it ends where it began.
        store.set_call_depth(depth_at_entry);

        let trap_word = ctx[vmctx::W_TRAP];
        if trap_word != 0 {
            let mut trap = match vmctx::word_to_trap(trap_word) {
                Some(code) => Trap::new(code),
                None if trap_word == vmctx::TRAP_EXCEPTION => {
                    match value::raw_to_exn_ref(ctx[vmctx::W_EXN]) {
                        Some(exn) => Trap::exception(exn),
                        None => Trap::new(strata_ir::TrapCode::NullExceptionReference),
                    }
                }
                None => PENDING
                    .with(|p| p.borrow_mut().take())
                    .unwrap_or_else(|| Trap::host("unknown trap")),
            };
            // This invocation's frames follow any the trap already has
            // (from a callee in another instance).
            for defined in trap_frames {
                trap.push_frame(self.module.defined_func_frame(defined));
            }
            return Err(trap);
        }
        results.clear();
        let mut at = 0;
        for t in result_types.iter() {
            let (v, n) = value::read_raw(buf.get(at..).unwrap_or(&[]), *t);
            results.push(v);
            at += n;
        }
        Ok(())
    }
}
