//! [`ValidModule`]: a [`Module`] known to satisfy every invariant of this
//! crate, the only form in which tiers take a module.
//!
//! `Module` has public fields and `Default`, so anyone can build one by
//! hand, and a hand-built module can break the invariants tiers compile by
//! (an index past its table, a branch to nowhere, an offset validation would
//! refuse). A `ValidModule` comes from `strata-loader`, which validates
//! every module it produces, or from [`ValidModule::new_unchecked`], whose
//! caller takes the loader's place and so must write `unsafe`. Tiers still
//! check what they can cheaply (memory offsets: see the conformance kit's
//! untrusted-IR check), but they need not re-validate.

use std::ops::Deref;
use std::sync::Arc;

use crate::module::Module;

/// A validated module, shared (cloning clones the `Arc`).
#[derive(Debug, Clone)]
pub struct ValidModule(Arc<Module>);

impl ValidModule {
    /// Take `module` as valid without checking it.
    ///
    /// # Safety
    /// `module` must satisfy every invariant documented in this crate (on
    /// [`crate::op::Op`], [`crate::module::FuncBody`] and the crate root):
    /// it must be what `strata-loader` produced from a module that
    /// validates, unchanged, or equivalent to it. Tiers compile such a
    /// module into code that may index, branch and address memory by those
    /// invariants; a module that breaks them can make that code read or
    /// write outside what the module owns. One invariant is exempt: every
    /// tier checks memory offsets whatever the module says (the
    /// conformance kit's untrusted-IR check holds tiers to it), so a module
    /// whose only flaw is a memory32 access offset past `u32::MAX` is
    /// within this contract.
    // SAFETY: the body only wraps the `Arc`; no unsafe operation happens
    // here. The `unsafe` marks the caller's promise above, which the tiers'
    // compiled code relies on.
    #[allow(unsafe_code, reason = "declares the trust decision; no unsafe block")]
    pub unsafe fn new_unchecked(module: Arc<Module>) -> Self {
        ValidModule(module)
    }

    /// The module, shared.
    #[inline]
    pub fn arc(&self) -> &Arc<Module> {
        &self.0
    }

    /// The module, shared, giving up the proof of validity.
    pub fn into_arc(self) -> Arc<Module> {
        self.0
    }
}

impl Deref for ValidModule {
    type Target = Module;

    #[inline]
    fn deref(&self) -> &Module {
        &self.0
    }
}
