//! The VM context: the one block of runtime state that generated code reads
//! through a fixed register (`r12` on x86-64), and the raw-pointer access to
//! it and to the store from the `extern "C"` helpers.
//!
//! # Aliasing invariant
//!
//! While generated code runs, no Rust reference into the [`Store`], its
//! memories, its globals or the slot stack is alive: [`crate::module`] turns
//! its `&mut Store` into the raw pointer kept here before entering, and uses
//! the reference again only after the code has returned. Generated code
//! reads and writes memory bytes, globals and slots through raw pointers
//! cached in the context; a helper turns the raw pointers back into
//! references ([`enter_helper`]) for the duration of its own body only, and
//! refreshes the cached pointers ([`VmCtx::refresh`]) before returning, so the
//! code never uses a pointer invalidated by growth inside a helper.
//!
//! This module and [`crate::code`] are the only places with `unsafe`.
#![allow(unsafe_code)]

use std::sync::atomic::AtomicBool;

use strata_ir::{Trap, TrapCode};
use strata_runtime::{InstanceAddr, Store};

use crate::module::JitModule;

/// Base and length of one linear memory, as generated code reads them.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct MemView {
    /// Address of byte 0.
    pub base: *mut u8,
    /// Accessible length in bytes.
    pub len: u64,
}

/// Runtime state of one entry into generated code. Field offsets are part of
/// the code generator's contract (see [`offsets`]).
#[repr(C)]
pub(crate) struct VmCtx {
    /// Memory 0's base, mirrored in a register.
    pub mem0_base: *mut u8,
    /// Memory 0's length in bytes, mirrored in a register.
    pub mem0_len: u64,
    /// Current wasm call depth.
    pub depth: u64,
    /// The store's maximum call depth.
    pub max_depth: u64,
    /// One past the last slot of the slot stack.
    pub slot_end: *mut u64,
    /// Lowest native stack pointer generated code may reach
    /// ([`strata_runtime::native_stack::limit`]).
    pub stack_limit: usize,
    /// One pointer per module global, to its raw value in the store.
    pub globals: *const *mut u64,
    /// One view per module memory.
    pub mems: *const MemView,
    /// The store's interrupt flag.
    pub interrupt_flag: *const AtomicBool,
    /// Non-zero when fuel is metered, so every poll calls the helper.
    pub poll_always: u64,
    /// The trap code of a trap being unwound (index into [`TRAP_CODES`]).
    pub trap_code: u64,
    /// The exception being unwound (its store address, `ExnAddr::0`).
    pub exn: u64,
    /// The store.
    pub store: *mut Store,
    /// The compiled module whose code runs.
    pub module: *const JitModule,
    /// The instance whose code runs.
    pub instance: InstanceAddr,
    /// A trap with more detail than a code (a host function's error).
    pub pending: Option<Trap>,
    /// Storage behind `globals`.
    pub globals_vec: Vec<*mut u64>,
    /// Storage behind `mems`.
    pub mems_vec: Vec<MemView>,
    /// Defined function indices of the frames a trap has unwound, innermost
    /// first.
    pub trap_frames: Vec<u32>,
}

/// Byte offsets of the fields generated code uses.
pub(crate) mod offsets {
    use super::VmCtx;
    use core::mem::offset_of;

    pub const MEM0_BASE: i32 = offset_of!(VmCtx, mem0_base) as i32;
    pub const MEM0_LEN: i32 = offset_of!(VmCtx, mem0_len) as i32;
    pub const DEPTH: i32 = offset_of!(VmCtx, depth) as i32;
    pub const MAX_DEPTH: i32 = offset_of!(VmCtx, max_depth) as i32;
    pub const SLOT_END: i32 = offset_of!(VmCtx, slot_end) as i32;
    pub const STACK_LIMIT: i32 = offset_of!(VmCtx, stack_limit) as i32;
    pub const GLOBALS: i32 = offset_of!(VmCtx, globals) as i32;
    pub const MEMS: i32 = offset_of!(VmCtx, mems) as i32;
    pub const INTERRUPT_FLAG: i32 = offset_of!(VmCtx, interrupt_flag) as i32;
    pub const POLL_ALWAYS: i32 = offset_of!(VmCtx, poll_always) as i32;
    pub const TRAP_CODE: i32 = offset_of!(VmCtx, trap_code) as i32;
}

/// Trap codes by the number generated code stores in [`VmCtx::trap_code`]:
/// the IR's one list.
pub(crate) const TRAP_CODES: [TrapCode; TrapCode::ALL.len()] = TrapCode::ALL;

/// The number of a trap code in [`TRAP_CODES`].
pub(crate) fn trap_number(code: TrapCode) -> u64 {
    TRAP_CODES
        .iter()
        .position(|c| *c == code)
        .map_or(14, |i| i as u64)
}

impl VmCtx {
    /// Re-read every memory's base and length and every global's address
    /// from the store (after anything that may have grown or moved them).
    pub fn refresh(&mut self, store: &mut Store) {
        let inst = store.instance(self.instance);
        self.mems_vec.clear();
        for m in &inst.memories {
            let raw = store.memory(*m).raw();
            self.mems_vec.push(MemView {
                base: raw.base,
                len: raw.len as u64,
            });
        }
        self.globals_vec.clear();
        for i in 0..inst.globals.len() {
            let g = store.instance(self.instance).globals[i];
            let p: *mut u64 = store.global_mut(g).value_ptr();
            self.globals_vec.push(p);
        }
        self.globals = self.globals_vec.as_ptr();
        self.mems = self.mems_vec.as_ptr();
        if let Some(m) = self.mems_vec.first() {
            self.mem0_base = m.base;
            self.mem0_len = m.len;
        }
    }

    /// Record a trap for the unwinding code; returns the trap status.
    pub fn trap(&mut self, trap: Trap) -> u32 {
        self.trap_code = trap_number(trap.code());
        self.pending = Some(trap);
        crate::STATUS_TRAP
    }
}

/// The context, the store, and the slots from `sp` to the end of the slot
/// stack, as references for the body of one helper.
///
/// # Safety
/// `vm` must be the context generated code was entered with (see
/// [`crate::code::enter`]), and `sp` a pointer into its slot stack; both
/// hold for every call generated code makes, as it passes `r12` and a slot
/// address computed from the frame base. No other reference to the store
/// may be alive (the module invariant).
pub(crate) unsafe fn enter_helper<'a>(
    vm: *mut VmCtx,
    sp: *mut u64,
) -> (&'a mut VmCtx, &'a mut Store, &'a mut [u64]) {
    // SAFETY: the caller guarantees `vm` is the live context of this entry;
    // the context lives on the entry's Rust frame, outside the store.
    let vm = unsafe { &mut *vm };
    // SAFETY: the store pointer was made from the `&mut Store` of the entry,
    // which is not used while generated code (and so this helper) runs.
    let store = unsafe { &mut *vm.store };
    // SAFETY: `sp` lies in the slot stack `[.., slot_end)`, one allocation
    // owned by the entry and not otherwise referenced while code runs.
    let slots = unsafe {
        let len = vm.slot_end.offset_from(sp).max(0) as usize;
        core::slice::from_raw_parts_mut(sp, len)
    };
    (vm, store, slots)
}

/// The compiled module the context runs.
pub(crate) fn module_of(vm: &VmCtx) -> &JitModule {
    // SAFETY: `module` points at the `JitModule` whose `invoke` created the
    // context and which outlives the entry (it is borrowed by it).
    unsafe { &*vm.module }
}

/// The `extern "C"` entry points of the helpers: each turns the raw
/// arguments generated code passes into references (see [`enter_helper`])
/// and runs the safe helper body in [`crate::helpers`].
pub(crate) mod shims {
    use super::{enter_helper, VmCtx};
    use crate::helpers;

    /// The one signature of every helper: context, slot address, two immediates.
    pub(crate) type HelperFn = unsafe extern "C" fn(*mut VmCtx, *mut u64, u64, u64) -> u64;

    macro_rules! shims {
        ($($name:ident => $body:path;)*) => {$(
            /// Helper entry point called by generated code.
            ///
            /// # Safety
            /// Only generated code calls this, passing its live context and
            /// a slot address of the current frame (see [`enter_helper`]).
            pub(crate) unsafe extern "C" fn $name(vm: *mut VmCtx, sp: *mut u64, a: u64, b: u64) -> u64 {
                // SAFETY: generated code passes `r12` (the live context) and
                // an address inside its frame, per this function's contract.
                let (vm, store, slots) = unsafe { enter_helper(vm, sp) };
                $body(vm, store, slots, a, b)
            }
        )*};
    }

    shims! {
        jit_num => helpers::num;
        jit_simd => helpers::simd;
        jit_op => helpers::op;
        jit_call_func => helpers::call_func;
        jit_call_indirect => helpers::call_indirect;
        jit_call_ref => helpers::call_ref;
        jit_throw => helpers::throw;
        jit_throw_ref => helpers::throw_ref;
        jit_catch => helpers::catch;
        jit_poll => helpers::poll;
        jit_trap_frame => helpers::trap_frame;
    }
}
