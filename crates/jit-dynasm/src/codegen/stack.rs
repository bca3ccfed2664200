//! The lazy operand stack: `local.get` pushes a reference to the local and
//! a constant pushes its value, instead of copying either into the operand
//! slot, so the consumer reads the local's slot directly or uses the
//! constant as an immediate (winch's `Val::Local` and `Val::I32`, the
//! interpreter's lazy entries). An operator whose result goes straight into
//! `local.set` writes the local directly.
//!
//! Invariants: an operand at height `k` is in its home slot
//! (`FuncCompiler::s(k)`) unless `lazy[k]` says it equals local `i`
//! ([`Lazy::Local`]) or a constant ([`Lazy::Const`]). Before local `i` is
//! written, every lazy entry naming it is copied home
//! ([`FuncCompiler::materialize_local`]); before any control-flow operator,
//! call or helper, every lazy entry is written home ([`FuncCompiler::flush`]),
//! so labels, callees and helpers only ever see home slots. A home slot is
//! written only by the operator producing its height, so writing a lazy
//! entry home later within the same straight-line code is always correct.

use super::FuncCompiler;
use crate::masm::Masm;

/// Where an operand is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lazy {
    /// In its home slot.
    Home,
    /// Equal to the local in this slot.
    Local(u32),
    /// This constant (raw slot form).
    Const(u64),
}

impl<M: Masm> FuncCompiler<'_, M> {
    fn lazy_at(&self, k: u32) -> Lazy {
        self.lazy.get(k as usize).copied().unwrap_or(Lazy::Home)
    }

    fn set_lazy(&mut self, k: u32, v: Lazy) {
        let k = k as usize;
        if self.lazy.len() <= k {
            self.lazy.resize(k + 1, Lazy::Home);
        }
        self.lazy[k] = v;
    }

    /// The slot that holds the operand at height `k` (a constant is written
    /// home first).
    pub(super) fn src(&mut self, k: u32) -> u32 {
        match self.lazy_at(k) {
            Lazy::Local(local) => local,
            Lazy::Const(_) => {
                self.materialize(k);
                self.s(k)
            }
            Lazy::Home => self.s(k),
        }
    }

    /// The operand at height `k` if it is a constant not yet written.
    pub(super) fn konst(&self, k: u32) -> Option<u64> {
        match self.lazy_at(k) {
            Lazy::Const(v) => Some(v),
            _ => None,
        }
    }

    /// Record that the operand at height `k` is in its home slot.
    pub(super) fn set_home(&mut self, k: u32) {
        self.set_lazy(k, Lazy::Home);
    }

    /// Push the local in slot `i` lazily.
    pub(super) fn push_local(&mut self, i: u32) {
        self.set_lazy(self.h, Lazy::Local(i));
        self.lazy_count += 1;
        self.h += 1;
    }

    /// Push a constant lazily.
    pub(super) fn push_const(&mut self, v: u64) {
        self.set_lazy(self.h, Lazy::Const(v));
        self.lazy_count += 1;
        self.h += 1;
    }

    /// Write the lazy operand at height `k` (if it is one) to its home slot.
    fn materialize(&mut self, k: u32) {
        match self.lazy_at(k) {
            Lazy::Local(local) => self.m.emit_copy(self.s(k), local),
            Lazy::Const(v) => self.m.emit_const(self.s(k), v),
            Lazy::Home => return,
        }
        self.set_home(k);
    }

    /// Write the operands `[from, h)` home.
    pub(super) fn materialize_range(&mut self, from: u32) {
        if self.lazy_count == 0 {
            return;
        }
        for k in from..self.h {
            self.materialize(k);
        }
    }

    /// Write every operand home (before control flow, calls and helpers).
    pub(super) fn flush(&mut self) {
        if self.lazy_count == 0 {
            return;
        }
        for k in 0..self.h {
            self.materialize(k);
        }
        for e in self.lazy.iter_mut() {
            *e = Lazy::Home;
        }
        self.lazy_count = 0;
    }

    /// Copy home every operand below height `h` that refers to the local in slot `i`
    /// (before `i` is written).
    pub(super) fn materialize_local(&mut self, i: u32) {
        if self.lazy_count == 0 {
            return;
        }
        for k in 0..self.h {
            if self.lazy_at(k) == Lazy::Local(i) {
                self.materialize(k);
            }
        }
    }
}
