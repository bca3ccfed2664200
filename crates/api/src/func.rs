//! [`Func`]: a function handle (wasm or host), host functions defined with
//! [`Func::new`] (untyped) or [`Func::wrap`] (a Rust closure), typed views
//! ([`Func::typed`]), and [`Caller`], what a host function sees of its
//! caller.

use std::any::Any;
use std::marker::PhantomData;
use std::sync::Arc;

use strata_ir::{FuncAddr, FuncType, HeapType, IndexType, Trap, Val, ValType};
use strata_runtime::signature::canonical_func_type;
use strata_runtime::{FuncKind, HostContext, HostFunc, InstanceAddr, Store as RtStore};

use crate::errors::{Error, ErrorKind};
use crate::externals::{extern_from_rt, Extern};
use crate::host::{HostFuncDef, IntoHostFunc};
use crate::instance::Instance;
use crate::memory::Memory;
use crate::store::{data_of, data_of_mut, extern_data, sealed::Sealed, AsStore};
use crate::typed::{TypedFunc, WasmList};
use crate::types::{types_text, val_type_of};

/// A function in a store: exported by an instance or defined by the host.
/// A `Copy` handle, valid with the store that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func(pub(crate) FuncAddr);

impl Func {
    /// A host function of type `ty`. `f` reads its arguments (already checked
    /// against `ty.params`), writes its results into the slice it is given
    /// (sized to `ty.results`, pre-filled with zeros/nulls) or returns a
    /// trap, which unwinds the wasm caller.
    ///
    /// Host function types may not use concrete reference types (`(ref $t)`)
    /// yet: such a function matches no import.
    pub fn new<S, F>(store: &mut S, ty: FuncType, f: F) -> Func
    where
        S: AsStore,
        F: Fn(Caller<'_, S::Data>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    {
        let rt = store.rt_mut();
        let sig = rt.sigs.intern(canonical_func_type(&ty, &[]));
        Func(rt.push_host_func(sig, host_func::<S::Data, F>(f)))
    }

    /// A host function from a Rust closure `Fn(Caller<'_, T>, A1, .., An) ->
    /// R` (see [`IntoHostFunc`]), with guest addresses and sizes
    /// ([`GuestAddr`](crate::GuestAddr), [`GuestSize`](crate::GuestSize))
    /// typed for memories of index type `index`. To serve memory32 and
    /// memory64 modules with one definition, use
    /// [`Linker::func_wrap`](crate::Linker::func_wrap) instead.
    pub fn wrap<S, P, R>(
        store: &mut S,
        index: IndexType,
        f: impl IntoHostFunc<S::Data, P, R>,
    ) -> Func
    where
        S: AsStore,
    {
        let def = f.into_def();
        let ty = def.ty.resolve_for(index);
        Func::from_def(store.rt_mut(), &def, ty, Some(index))
    }

    /// Put a Rust-typed host function into `rt` with the concrete type `ty`.
    pub(crate) fn from_def(
        rt: &mut RtStore,
        def: &HostFuncDef,
        ty: FuncType,
        index: Option<IndexType>,
    ) -> Func {
        let sig = rt.sigs.intern(canonical_func_type(&ty, &[]));
        Func(rt.push_host_func(sig, def.bind(index)))
    }

    /// A typed view of the function, its type checked once against the Rust
    /// types `P` and `R` ([`WasmList`]s: `()`, one value, or a tuple).
    /// Guest addresses and sizes in `P` and `R` take the index type of memory
    /// 0 of the function's instance.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] if the types differ (the message names both), or
    /// if `P` or `R` holds a guest address or size and the function has no
    /// memory.
    pub fn typed<P: WasmList, R: WasmList>(
        &self,
        store: &impl AsStore,
    ) -> Result<TypedFunc<P, R>, Error> {
        TypedFunc::new(store, *self)
    }

    /// The index type of memory 0 of the function's instance (`None` for
    /// host functions and instances without memory).
    pub(crate) fn memory_index_type(&self, store: &impl AsStore) -> Option<IndexType> {
        let rt = store.rt();
        match &rt.funcs.get(self.index())?.kind {
            FuncKind::Wasm { instance, .. } => {
                let mem = rt.instances.get(instance.index())?.memories.first()?;
                Some(rt.memories.get(mem.index())?.index_type())
            }
            FuncKind::Host(_) => None,
        }
    }

    /// The function's type (in the store's canonical form).
    ///
    /// # Panics
    /// If the handle is not from this store.
    pub fn ty(&self, store: &impl AsStore) -> FuncType {
        let rt = store.rt();
        rt.sigs.get(rt.funcs[self.index()].sig).clone()
    }

    /// Call the function with `args` and return its results.
    ///
    /// # Errors
    /// Kind [`ErrorKind::Type`] if the arguments do not match the function's
    /// parameter types (the message names both lists);
    /// [`ErrorKind::Trap`] if execution traps.
    pub fn call(&self, store: &mut impl AsStore, args: &[Val]) -> Result<Vec<Val>, Error> {
        let rt = store.rt_mut();
        let Some(entity) = rt.funcs.get(self.index()) else {
            return Err(Error::msg(
                ErrorKind::Type,
                format!("function handle {} is not from this store", self.0 .0),
            ));
        };
        let ty = rt.sigs.get(entity.sig);
        check_args(rt, &ty.params, args)?;
        Ok(rt.invoke(self.0, args)?)
    }

    /// The function as a `funcref` value.
    pub fn to_val(&self) -> Val {
        Val::FuncRef(Some(self.0))
    }

    /// The function a non-null `funcref` value points to.
    pub fn from_val(value: &Val) -> Option<Func> {
        match value {
            Val::FuncRef(Some(f)) => Some(Func(*f)),
            _ => None,
        }
    }

    /// The store address.
    pub fn addr(&self) -> FuncAddr {
        self.0
    }

    fn index(&self) -> usize {
        self.0 .0 as usize
    }
}

/// Wrap a typed host closure as the runtime's untyped host function. (A
/// separate function so the closure's type does not mention the store type,
/// which may borrow.)
fn host_func<T, F>(f: F) -> HostFunc
where
    T: Send + 'static,
    F: Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
{
    Arc::new(
        move |cx: HostContext<'_>, params: &[Val], results: &mut [Val]| {
            if !cx.store.host_data.is::<T>() {
                return Err(Trap::host(
                    "host function called from a store with another data type",
                ));
            }
            f(
                Caller {
                    cx,
                    _data: PhantomData,
                },
                params,
                results,
            )
        },
    )
}

/// Check call arguments against parameter types (canonical).
fn check_args(rt: &RtStore, params: &[ValType], args: &[Val]) -> Result<(), Error> {
    let ok = params.len() == args.len()
        && params
            .iter()
            .zip(args)
            .all(|(t, v)| value_matches(rt, v, *t));
    if ok {
        return Ok(());
    }
    let given: Vec<ValType> = args.iter().map(val_type_of).collect();
    Err(Error::msg(
        ErrorKind::Type,
        format!(
            "argument type mismatch: expected {}, given {}",
            types_text(params),
            types_text(&given)
        ),
    ))
}

/// Whether `v` is a value of the canonical type `ty` in `rt`.
pub(crate) fn value_matches(rt: &RtStore, v: &Val, ty: ValType) -> bool {
    if !v.matches_shape(ty) {
        return false;
    }
    match (v, ty) {
        (Val::FuncRef(Some(f)), ValType::Ref(r)) => match r.heap {
            HeapType::Concrete(sig) => rt.funcs.get(f.0 as usize).is_some_and(|e| e.sig.0 == sig.0),
            HeapType::NoFunc => false,
            _ => (f.0 as usize) < rt.funcs.len(),
        },
        (Val::ExternRef(Some(e)), ValType::Ref(r)) => {
            r.heap != HeapType::NoExtern && (e.0 as usize) < rt.externs.len()
        }
        _ => true,
    }
}

/// What a host function sees of its caller: the store's data, the calling
/// instance's exports, and the store itself (pass `&mut caller` wherever an
/// [`AsStore`] is wanted, for example to call back into wasm).
pub struct Caller<'a, T> {
    pub(crate) cx: HostContext<'a>,
    pub(crate) _data: PhantomData<fn() -> T>,
}

impl<T: Send + 'static> Caller<'_, T> {
    /// The store's data.
    pub fn data(&self) -> &T {
        data_of(self.cx.store)
    }

    /// The store's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        data_of_mut(self.cx.store)
    }

    /// An export of the calling instance; `None` if there is no such export
    /// or the function was not called from wasm.
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        let InstanceAddr(i) = self.cx.caller?;
        let inst = self.cx.store.instances.get(i as usize)?;
        inst.export(name).map(extern_from_rt)
    }

    /// Memory 0 of the calling instance, against which guest addresses
    /// passed to a host function resolve; `None` if the instance has no
    /// memory or the function was not called from wasm.
    pub fn memory(&self) -> Option<Memory> {
        let InstanceAddr(i) = self.cx.caller?;
        let inst = self.cx.store.instances.get(i as usize)?;
        inst.memories.first().copied().map(Memory)
    }

    /// The calling instance, if a wasm function made the call.
    pub fn instance(&self) -> Option<Instance> {
        self.cx.caller.map(Instance)
    }

    /// A new non-null `externref` value holding `value`.
    pub fn new_extern_ref(&mut self, value: impl Any + Send) -> Val {
        Val::ExternRef(Some(self.cx.store.push_extern(Box::new(value))))
    }

    /// The host value an `externref` holds (see
    /// [`Store::extern_ref_data`](crate::Store::extern_ref_data)).
    pub fn extern_ref_data(&self, value: &Val) -> Option<&dyn Any> {
        extern_data(self.cx.store, value)
    }
}

impl<T> Sealed for Caller<'_, T> {
    fn rt(&self) -> &RtStore {
        self.cx.store
    }

    fn rt_mut(&mut self) -> &mut RtStore {
        self.cx.store
    }
}

impl<T: Send + 'static> AsStore for Caller<'_, T> {
    type Data = T;
}

impl<T> core::fmt::Debug for Caller<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Caller")
            .field("instance", &self.cx.caller)
            .finish()
    }
}
