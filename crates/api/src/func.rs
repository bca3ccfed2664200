//! [`Func`]: a function handle (wasm or host), host functions defined with
//! [`Func::new`] (untyped) or [`Func::wrap`] (a Rust closure), typed views
//! ([`Func::typed`]), and [`Caller`], what a host function sees of its
//! caller.
//!
//! A [`Func`] is stamped with its store: calling it with another store, or
//! passing it (or any reference) to a function of another store, fails with
//! [`ErrorKind::WrongStore`] before anything runs.

use std::any::Any;
use std::marker::PhantomData;
use std::sync::Arc;

use strata_ir::{FuncAddr, FuncType, HeapType, IndexType, Trap, Val as RtVal, ValType};
use strata_runtime::signature::canonical_func_type;
use strata_runtime::{FuncKind, HostContext, HostFunc, Store as RtStore};

use crate::errors::{Error, ErrorKind};
use crate::externals::{extern_from_rt, Extern};
use crate::handle::Stored;
use crate::host::{HostFuncDef, IntoHostFunc};
use crate::instance::Instance;
use crate::memory::Memory;
use crate::store::{data_of, data_of_mut, extern_data, sealed::Sealed, AsStore};
use crate::typed::{TypedFunc, WasmList};
use crate::types::{types_text, val_type_of};
use crate::val::{convert_in, with_buf, Val};

/// A function in a store: exported by an instance or defined by the host.
/// A `Copy` handle stamped with the store that made it; with any other
/// store its methods fail with [`ErrorKind::WrongStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func(pub(crate) Stored<FuncAddr>);

impl Func {
    /// A host function of type `ty`. `f` reads its arguments (already checked
    /// against `ty.params`), writes its results into the slice it is given
    /// (sized to `ty.results`, pre-filled with zeros/nulls) or returns a
    /// trap, which unwinds the wasm caller.
    ///
    /// Host function types may not use concrete reference types (`(ref $t)`)
    /// yet: such a function matches no import.
    ///
    /// A reference result of another store than the caller's makes the call
    /// trap (naming both stores) instead of reaching wasm.
    pub fn new<S, F>(store: &mut S, ty: FuncType, f: F) -> Func
    where
        S: AsStore,
        F: Fn(Caller<'_, S::Data>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    {
        let rt = store.rt_mut();
        let sig = rt.intern_sig(canonical_func_type(&ty, &[]));
        Func(Stored::new(
            rt.id(),
            rt.push_host_func(sig, host_func::<S::Data, F>(f)),
        ))
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
        Func::from_def(store.rt_mut(), &def, ty, Some(index), None)
    }

    /// Put a Rust-typed host function into `rt` with the concrete type `ty`;
    /// its host errors name it `name`, if given.
    pub(crate) fn from_def(
        rt: &mut RtStore,
        def: &HostFuncDef,
        ty: FuncType,
        index: Option<IndexType>,
        name: Option<Arc<str>>,
    ) -> Func {
        let sig = rt.intern_sig(canonical_func_type(&ty, &[]));
        Func(Stored::new(
            rt.id(),
            rt.push_host_func(sig, def.bind(index, name)),
        ))
    }

    /// A typed view of the function, its type checked once against the Rust
    /// types `P` and `R` ([`WasmList`]s: `()`, one value, or a tuple).
    /// Guest addresses and sizes in `P` and `R` take the index type of memory
    /// 0 of the function's instance.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] if the types differ (the message names both), or
    /// if `P` or `R` holds a guest address or size and the function has no
    /// memory; [`ErrorKind::WrongStore`] if the function is of another store.
    pub fn typed<P: WasmList, R: WasmList>(
        &self,
        store: &impl AsStore,
    ) -> Result<TypedFunc<P, R>, Error> {
        TypedFunc::new(store, *self)
    }

    /// The index type of memory 0 of the function's instance (`None` for
    /// host functions, instances without memory and functions of another
    /// store).
    pub(crate) fn memory_index_type(&self, store: &impl AsStore) -> Option<IndexType> {
        let rt = store.rt();
        let addr = self.0.get(rt, "Func").ok()?;
        match &rt.get_func(addr)?.kind {
            FuncKind::Wasm { instance, .. } => {
                let mem = rt.get_instance(*instance)?.memories.first()?;
                Some(rt.get_memory(*mem)?.index_type())
            }
            FuncKind::Host(_) => None,
        }
    }

    /// The function's type (in the store's canonical form).
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] if the function is of another store.
    pub fn ty(&self, store: &impl AsStore) -> Result<FuncType, Error> {
        let rt = store.rt();
        let addr = self.0.get(rt, "Func")?;
        Ok(rt.sigs().get(rt.func(addr).sig).clone())
    }

    /// Call the function with `args` and return its results.
    ///
    /// # Errors
    /// Kind [`ErrorKind::Type`] if the arguments do not match the function's
    /// parameter types (the message names both lists);
    /// [`ErrorKind::WrongStore`] if the function, or a reference among the
    /// arguments, is of another store (the message names the argument);
    /// [`ErrorKind::Trap`] if execution traps.
    pub fn call(&self, store: &mut impl AsStore, args: &[Val]) -> Result<Vec<Val>, Error> {
        let rt = store.rt_mut();
        let id = rt.id();
        let addr = self.0.get(rt, "Func")?;
        let sig = rt.func(addr).sig;
        let results = convert_in(
            args,
            RtVal::I32(0),
            |i, v| {
                v.to_rt(id)
                    .map_err(|e| e.context(format_args!("argument {i}")))
            },
            |args| -> Result<Vec<RtVal>, Error> {
                check_args(rt, &rt.sigs().get(sig).params, args)?;
                rt.invoke(addr, args).map_err(|t| Error::call_trap(t, id))
            },
        )??;
        Ok(results.into_iter().map(|v| Val::from_rt(v, rt)).collect())
    }

    /// The function as a `funcref` value.
    pub fn to_val(&self) -> Val {
        Val::FuncRef(Some(*self))
    }

    /// The function a non-null `funcref` value points to.
    pub fn from_val(value: &Val) -> Option<Func> {
        value.func_ref()
    }

    /// The address in its store.
    pub fn addr(&self) -> FuncAddr {
        self.0.addr()
    }
}

/// Wrap a typed host closure as the runtime's untyped host function. (A
/// separate function so the closure's type does not mention the store type,
/// which may borrow.) Parameters are stamped with the calling store and
/// results checked against it.
fn host_func<T, F>(f: F) -> HostFunc
where
    T: Send + 'static,
    F: Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
{
    Arc::new(
        move |cx: HostContext<'_>, params: &[RtVal], results: &mut [RtVal]| {
            if !cx.store.host_data().is::<T>() {
                return Err(Trap::host(
                    "host function called from a store with another data type",
                ));
            }
            let id = cx.store.id();
            for p in params {
                crate::val::pin_exception(cx.store, p);
            }
            let stamp = |_, v: &RtVal| Ok::<_, Trap>(Val::stamped(*v, id));
            convert_in(params, Val::I32(0), stamp, |params| {
                with_buf(results.len(), Val::I32(0), |api_results| {
                    for (d, v) in api_results.iter_mut().zip(results.iter()) {
                        *d = Val::stamped(*v, id);
                    }
                    let caller = Caller {
                        cx,
                        _data: PhantomData,
                    };
                    f(caller, params, api_results)?;
                    for (i, (out, v)) in results.iter_mut().zip(api_results.iter()).enumerate() {
                        *out = v
                            .to_rt(id)
                            .map_err(|e| Trap::host(format!("host function result {i}: {e}")))?;
                    }
                    Ok(())
                })
            })?
        },
    )
}

/// Check call arguments against parameter types (canonical).
fn check_args(rt: &RtStore, params: &[ValType], args: &[RtVal]) -> Result<(), Error> {
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

/// Whether `v` (a runtime value of `rt`, its references already checked to
/// be of `rt`) is a value of the canonical type `ty` in `rt`.
pub(crate) fn value_matches(rt: &RtStore, v: &RtVal, ty: ValType) -> bool {
    if !v.matches_shape(ty) {
        return false;
    }
    match (v, ty) {
        (RtVal::FuncRef(Some(f)), ValType::Ref(r)) => match r.heap {
            HeapType::Concrete(sig) => rt.get_func(*f).is_some_and(|e| e.sig.0 == sig.0),
            HeapType::NoFunc => false,
            _ => rt.get_func(*f).is_some(),
        },
        (RtVal::ExternRef(Some(e)), ValType::Ref(r)) => {
            r.heap != HeapType::NoExtern && rt.get_extern(*e).is_some()
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
        let inst = self.cx.store.get_instance(self.cx.caller?)?;
        let id = self.cx.store.id();
        inst.export(name).map(|e| extern_from_rt(e, id))
    }

    /// Memory 0 of the calling instance, against which guest addresses
    /// passed to a host function resolve; `None` if the instance has no
    /// memory or the function was not called from wasm.
    pub fn memory(&self) -> Option<Memory> {
        let inst = self.cx.store.get_instance(self.cx.caller?)?;
        let id = self.cx.store.id();
        inst.memories.first().map(|&m| Memory(Stored::new(id, m)))
    }

    /// The calling instance, if a wasm function made the call.
    pub fn instance(&self) -> Option<Instance> {
        let id = self.cx.store.id();
        self.cx.caller.map(|i| Instance(Stored::new(id, i)))
    }

    /// A new non-null `externref` value holding `value`.
    pub fn new_extern_ref(&mut self, value: impl Any + Send) -> Val {
        crate::store::new_extern_ref(self.cx.store, Box::new(value))
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
