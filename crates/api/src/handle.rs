//! Store-stamped handles: [`Stored`], a store address together with the
//! [`StoreId`] of the store that made it, and [`Foreign`], what is known
//! when a handle meets another store.
//!
//! Every handle of this crate ([`Func`](crate::Func),
//! [`Memory`](crate::Memory), [`Table`](crate::Table),
//! [`Global`](crate::Global), [`Tag`](crate::Tag),
//! [`Instance`](crate::Instance) and the references inside
//! [`Val`](crate::Val)) is a `Stored` address. Before an address reaches the
//! runtime store it is checked against that store's id: one integer compare,
//! and a [`ErrorKind::WrongStore`](crate::ErrorKind::WrongStore) error instead
//! of a panic or an access to another entity. Entities are never removed
//! from a store, so an address of the right store always names an entity.

use core::fmt;

use strata_runtime::{Store as RtStore, StoreId};

use crate::errors::{Error, ErrorKind};

/// An address `A` in the store `store`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Stored<A> {
    store: StoreId,
    addr: A,
}

impl<A: Copy> Stored<A> {
    /// The address `addr` of the store `store`.
    #[inline(always)]
    pub(crate) fn new(store: StoreId, addr: A) -> Self {
        Self { store, addr }
    }

    /// The store that made the handle.
    #[inline(always)]
    pub(crate) fn store(&self) -> StoreId {
        self.store
    }

    /// The address, without a check (for reporting it).
    #[inline(always)]
    pub(crate) fn addr(&self) -> A {
        self.addr
    }

    /// The address, if the handle is of `rt`; otherwise what went wrong,
    /// `what` naming the kind of handle ("Func", "Memory", ...).
    #[inline(always)]
    pub(crate) fn get(&self, rt: &RtStore, what: &'static str) -> Result<A, Foreign> {
        self.check(rt.id(), what)
    }

    /// The address, if the handle is of the store `store` (see
    /// [`Stored::get`]).
    #[inline(always)]
    pub(crate) fn check(&self, store: StoreId, what: &'static str) -> Result<A, Foreign> {
        if self.store == store {
            Ok(self.addr)
        } else {
            Err(Foreign {
                what,
                handle: self.store,
                store,
            })
        }
    }
}

/// A handle of the store `handle` given to the store `store`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Foreign {
    /// The kind of handle: "Func", "Memory", "funcref", ...
    pub(crate) what: &'static str,
    /// The store that made the handle.
    pub(crate) handle: StoreId,
    /// The store it was used with.
    pub(crate) store: StoreId,
}

impl Foreign {
    /// The error, its message prefixed with `context` (what was being done).
    #[cold]
    pub(crate) fn context(self, context: impl fmt::Display) -> Error {
        Error::msg(ErrorKind::WrongStore, format!("{context}: {self}"))
    }
}

impl fmt::Display for Foreign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {} of store {} used with store {}",
            self.what, self.handle, self.store
        )
    }
}

impl From<Foreign> for Error {
    #[cold]
    fn from(e: Foreign) -> Self {
        Error::msg(ErrorKind::WrongStore, e.to_string())
    }
}
