//! Executable code: the finalized buffer of a module and the call into it.
//!
//! `dynasmrt` assembles into a writable, non-executable buffer; `finalize`
//! flips it to read + execute (W^X: never both), and the mapping is unmapped
//! when the [`CodeBuffer`] (and so its module) is dropped. The entry
//! trampoline at the start of the buffer follows the C ABI, saves the
//! callee-saved registers the generated code uses and calls one function.
//!
//! This module and [`crate::vmctx`] are the only places with `unsafe`.
#![allow(unsafe_code)]

use dynasmrt::{AssemblyOffset, ExecutableBuffer};

use crate::vmctx::VmCtx;

/// A module's machine code, read + execute.
pub(crate) struct CodeBuffer {
    buf: ExecutableBuffer,
    /// The entry trampoline: `extern "C" fn(vm, frame, code) -> status`.
    entry: AssemblyOffset,
    /// Start of each defined function.
    funcs: Vec<AssemblyOffset>,
}

impl core::fmt::Debug for CodeBuffer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CodeBuffer")
            .field("bytes", &self.buf.len())
            .field("funcs", &self.funcs.len())
            .finish()
    }
}

type EntryFn = extern "C" fn(*mut VmCtx, *mut u64, *const u8) -> u32;

impl CodeBuffer {
    /// Wrap finalized code.
    pub fn new(buf: ExecutableBuffer, entry: AssemblyOffset, funcs: Vec<AssemblyOffset>) -> Self {
        Self { buf, entry, funcs }
    }

    /// Bytes of machine code.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// The machine code, for inspection.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Address of defined function `i` (for helpers that hand it to code).
    pub fn func_ptr(&self, i: usize) -> Option<*const u8> {
        self.funcs.get(i).map(|o| self.buf.ptr(*o))
    }

    /// Run defined function `i` with its frame at `frame`; returns the
    /// status (0: returned, [`crate::STATUS_TRAP`], [`crate::STATUS_EXN`]).
    ///
    /// `vm` must be fully initialised for this module's instance and `frame`
    /// must point into the slot stack whose end is `vm.slot_end`, holding the
    /// arguments; the caller keeps no reference to the store, the slot stack
    /// or the context while this runs (see [`crate::vmctx`]).
    pub fn enter(&self, vm: &mut VmCtx, frame: *mut u64, i: usize) -> Option<u32> {
        let code = self.func_ptr(i)?;
        // SAFETY: `entry` is the trampoline emitted by `x64::emit_entry`,
        // which has exactly the C signature of `EntryFn`; the buffer is
        // read + execute and lives as long as `self`.
        let entry: EntryFn = unsafe { core::mem::transmute(self.buf.ptr(self.entry)) };
        Some(entry(vm, frame, code))
    }
}
