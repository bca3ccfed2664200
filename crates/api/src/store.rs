//! [`Store`]: all runtime state of a group of instances plus the embedder's
//! data, and [`AsStore`], the sealed trait through which handles reach a
//! store (a [`Store`] itself, or a [`Caller`](crate::Caller) inside a host
//! function).
//!
//! The embedder's `T` lives in the runtime store's `host_data` box, so host
//! functions, which only see the runtime store, can reach it. It is always a
//! `T`: the box is created here and never replaced.
//!
//! Each store has a [`StoreId`], unique in the process, assigned by the
//! runtime store when it is created; every handle is stamped with it (see
//! [`crate::handle`]).

use std::any::Any;
use std::marker::PhantomData;

use strata_runtime::{InterruptHandle, Store as RtStore, StoreId};

use crate::engine::Engine;
use crate::handle::Stored;
use crate::limits::StoreLimits;
use crate::val::{ExternRef, Val};

pub(crate) mod sealed {
    /// Access to the runtime store, for this crate only.
    pub trait Sealed {
        /// The runtime store.
        fn rt(&self) -> &strata_runtime::Store;
        /// The runtime store, mutably.
        fn rt_mut(&mut self) -> &mut strata_runtime::Store;
    }
}

/// Something that gives access to a store whose data is of type
/// [`AsStore::Data`]: a [`Store`] or a [`Caller`](crate::Caller). Sealed.
///
/// Handle methods take `&impl AsStore` to read and `&mut impl AsStore` to
/// change or run something, so they work the same in and out of host
/// functions.
pub trait AsStore: sealed::Sealed {
    /// The embedder's data type of the store.
    type Data: Send + 'static;
}

/// All runtime state — functions, memories, tables, globals, instances,
/// host references — of a group of instances, plus the embedder's data `T`.
///
/// A store is single-threaded (it may move between threads); handles
/// ([`Func`](crate::Func), [`Memory`](crate::Memory), ...) are addresses in
/// one store, stamped with its [`StoreId`]: used with another store they fail
/// with [`ErrorKind::WrongStore`](crate::ErrorKind::WrongStore). Entities
/// live as long as the store.
pub struct Store<T> {
    inner: RtStore,
    engine: Engine,
    _data: PhantomData<fn() -> T>,
}

impl<T: Send + 'static> Store<T> {
    /// An empty store of `engine`, with its limits, holding `data`.
    pub fn new(engine: &Engine, data: T) -> Self {
        let mut inner = RtStore::new(engine.store_config(), Box::new(data));
        if engine.config().consume_fuel {
            inner.interrupt_mut().fuel = Some(0);
        }
        Self {
            inner,
            engine: engine.clone(),
            _data: PhantomData,
        }
    }

    /// Apply `limits` to the store (limits left unset keep their value).
    /// Count and total limits apply at once; per-memory and per-table caps
    /// bound entities created afterwards and growth of every entity (see
    /// [`StoreLimits::memory_bytes`]).
    pub fn set_limits(&mut self, limits: StoreLimits) {
        limits.apply(self.inner.config_mut());
    }

    /// The limits in force (every limit set).
    pub fn limits(&self) -> StoreLimits {
        StoreLimits::of(self.inner.config())
    }

    /// Exception objects alive in the store (see
    /// [`StoreLimits::exceptions`]).
    pub fn live_exceptions(&self) -> usize {
        self.inner.live_exceptions()
    }

    /// A handle that stops this store's running guest from any thread:
    /// after [`InterruptHandle::interrupt`], the guest traps with
    /// "interrupted" ([`TrapCode::Interrupted`](crate::TrapCode::Interrupted))
    /// at its next loop iteration or call. An interrupt requested while no
    /// guest runs stops the next one that does; it is cleared once it fires.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        self.inner.interrupt().handle()
    }

    /// Set the remaining fuel, turning metering on for this store: one unit
    /// per loop iteration and per call; at 0 the guest traps with "all fuel
    /// consumed" ([`TrapCode::OutOfFuel`](crate::TrapCode::OutOfFuel)).
    pub fn set_fuel(&mut self, fuel: u64) {
        self.inner.interrupt_mut().fuel = Some(fuel);
    }

    /// The remaining fuel; `None` if the store does not meter fuel.
    pub fn fuel(&self) -> Option<u64> {
        self.inner.interrupt().fuel
    }

    /// Turn fuel metering off for this store.
    pub fn disable_fuel(&mut self) {
        self.inner.interrupt_mut().fuel = None;
    }

    /// The store's identity, unique in the process; handles made by this
    /// store carry it.
    pub fn id(&self) -> StoreId {
        self.inner.id()
    }

    /// The store's engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The embedder's data.
    pub fn data(&self) -> &T {
        data_of(&self.inner)
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        data_of_mut(&mut self.inner)
    }

    /// Consume the store, returning the embedder's data.
    pub fn into_data(self) -> T {
        match self.inner.into_host_data().downcast::<T>() {
            Ok(data) => *data,
            Err(_) => unreachable!("the host data of a Store<T> is always a T"),
        }
    }

    /// A new non-null `externref` value holding `value`.
    pub fn new_extern_ref(&mut self, value: impl Any + Send) -> Val {
        new_extern_ref(&mut self.inner, Box::new(value))
    }

    /// The host value an `externref` holds; `None` for null, for
    /// non-`externref` values and for references of another store.
    pub fn extern_ref_data(&self, value: &Val) -> Option<&dyn Any> {
        extern_data(&self.inner, value)
    }

    /// The runtime store, for tier-level inspection.
    pub fn runtime(&self) -> &RtStore {
        &self.inner
    }
}

impl<T> sealed::Sealed for Store<T> {
    fn rt(&self) -> &RtStore {
        &self.inner
    }

    fn rt_mut(&mut self) -> &mut RtStore {
        &mut self.inner
    }
}

impl<T: Send + 'static> AsStore for Store<T> {
    type Data = T;
}

impl<T> core::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Store")
            .field("id", &self.inner.id())
            .field("funcs", &self.inner.func_count())
            .field("memories", &self.inner.memory_count())
            .field("tables", &self.inner.table_count())
            .field("globals", &self.inner.global_count())
            .field("instances", &self.inner.instance_count())
            .finish()
    }
}

/// The `T` in the host data of a runtime store made by [`Store::new`].
pub(crate) fn data_of<T: 'static>(store: &RtStore) -> &T {
    match store.host_data().downcast_ref::<T>() {
        Some(data) => data,
        // Store::new boxes a T and nothing replaces it; host functions check
        // the type before making a Caller.
        None => unreachable!("the host data of a Store<T> is always a T"),
    }
}

/// The `T` in the host data of a runtime store, mutably.
pub(crate) fn data_of_mut<T: 'static>(store: &mut RtStore) -> &mut T {
    host_data_mut(store.host_data_mut())
}

/// The `T` in a runtime store's host data, mutably (given on its own, so
/// callers may hold a memory of the store at the same time: see
/// [`RtStore::memory_and_host_data_mut`]).
pub(crate) fn host_data_mut<T: 'static>(host_data: &mut (dyn Any + Send)) -> &mut T {
    match host_data.downcast_mut::<T>() {
        Some(data) => data,
        None => unreachable!("the host data of a Store<T> is always a T"),
    }
}

/// A new `externref` of `store` holding `value`.
pub(crate) fn new_extern_ref(store: &mut RtStore, value: Box<dyn Any + Send>) -> Val {
    let addr = store.push_extern(value);
    Val::ExternRef(Some(ExternRef(Stored::new(store.id(), addr))))
}

/// The host value behind an `externref` of `store` (`None` for one of
/// another store).
pub(crate) fn extern_data<'s>(store: &'s RtStore, value: &Val) -> Option<&'s dyn Any> {
    let addr = value.extern_ref()?.0.get(store, "ExternRef").ok()?;
    let b: &(dyn Any + Send) = store.get_extern(addr)?;
    Some(b)
}
