//! A module compiled by the JIT, and the entry into its code from the store.

use std::sync::Arc;

use strata_ir::{ExnAddr, Module, Trap, TrapCode, Val};
use strata_runtime::{rows, CompiledModule, Entry, FuncAddr, Store};

use crate::code::CodeBuffer;
use crate::vmctx::{VmCtx, TRAP_CODES};
use crate::{STATUS_EXN, STATUS_OK};

/// Slot-stack size of one entry, in slots (capped by the store's limit).
const SLOT_STACK: usize = 1 << 20;

/// What the runtime needs to know of one compiled function.
#[derive(Debug, Clone, Default)]
pub(crate) struct FuncMeta {
    /// Slots of its frame.
    pub frame_size: u32,
    /// For each `try_table`, the first slot each catch clause delivers to.
    pub catch_dsts: Vec<Box<[u32]>>,
}

/// A module compiled to x86-64 machine code.
#[derive(Debug)]
pub struct JitModule {
    pub(crate) module: Arc<Module>,
    pub(crate) code: CodeBuffer,
    pub(crate) funcs: Vec<FuncMeta>,
    /// Slots per position: 2 in a module that uses SIMD, else 1 (see
    /// [`crate::codegen`]).
    pub(crate) stride: usize,
}

impl JitModule {
    /// Bytes of machine code.
    pub fn code_size(&self) -> usize {
        self.code.len()
    }

    /// The machine code of the whole module (the entry trampoline, then the
    /// functions), for inspection: disassemblers and tests.
    pub fn code_bytes(&self) -> &[u8] {
        self.code.bytes()
    }
}

impl CompiledModule for JitModule {
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
        } = Entry::new(store, func, &self.module, "JIT")?;
        let frame = self.funcs.get(defined).map_or(0, |f| f.frame_size as usize);
        let slots = SLOT_STACK
            .min(store.config().max_value_stack)
            .max(frame + self.stride * (args.len() + 1));
        let mut stack = vec![0u64; slots];
        rows::store_vals(&mut stack, self.stride, args);

        let depth_at_entry = store.call_depth();
        let stack_range = stack.as_mut_ptr_range();
        let mut vm = VmCtx {
            mem0_base: core::ptr::null_mut(),
            mem0_len: 0,
            depth: depth_at_entry as u64,
            max_depth: store.config().max_call_depth as u64,
            slot_end: stack_range.end,
            stack_limit,
            globals: core::ptr::null(),
            mems: core::ptr::null(),
            interrupt_flag: store.interrupt().flag(),
            poll_always: u64::from(store.interrupt().fuel.is_some()),
            trap_code: 0,
            exn: 0,
            store: core::ptr::null_mut(),
            module: self,
            instance,
            pending: None,
            globals_vec: Vec::new(),
            mems_vec: Vec::new(),
            trap_frames: Vec::new(),
        };
        vm.refresh(store);
        vm.store = store;
        // From here until `enter` returns, `store` and `stack` are only
        // reached through the raw pointers in `vm` (see `crate::vmctx`).
        let status = self.code.enter(&mut vm, stack_range.start, defined);
        store.set_call_depth(depth_at_entry);
        match status {
            Some(STATUS_OK) => {}
            Some(STATUS_EXN) => return Err(Trap::exception(ExnAddr(vm.exn))),
            Some(_) => {
                let mut trap = vm.pending.take().unwrap_or_else(|| {
                    let code = TRAP_CODES
                        .get(vm.trap_code as usize)
                        .copied()
                        .unwrap_or(TrapCode::HostError);
                    Trap::new(code)
                });
                // The frames of this entry follow any the trap already has
                // (from a callee in another instance).
                for defined in &vm.trap_frames {
                    trap.push_frame(self.module.defined_func_frame(*defined));
                }
                return Err(trap);
            }
            None => return Err(Trap::host("function has no code")),
        }
        let types = &store.sigs().get(sig).results;
        results.clear();
        results.extend(rows::read_vals(&stack, self.stride, types));
        Ok(())
    }
}
