//! Rust-typed host functions: [`IntoHostFunc`], implemented for closures
//! `Fn(Caller<'_, T>, A1, .., An) -> R` whose arguments are [`WasmTy`]s and
//! whose result is a [`WasmList`] or a `Result` of one with a [`Trap`].
//!
//! Such a closure becomes a [`HostFuncDef`]: its signature template (a
//! [`HostFuncType`], with `ptr`/`len` for [`GuestAddr`](crate::GuestAddr) and
//! [`GuestSize`](crate::GuestSize) parameters) and a store-independent
//! trampoline. The template is resolved against a memory index type when the
//! function is put into a store, so one Rust function serves memory32 and
//! memory64 modules alike.

use std::marker::PhantomData;
use std::sync::Arc;

use strata_ir::{IndexType, Trap, Val};
use strata_runtime::{HostContext, HostFunc};

use crate::func::Caller;
use crate::typed::sealed::WasmListImpl;
use crate::typed::{HostFuncType, WasmList, WasmTy};

/// The type-erased call of a Rust-typed host function: arguments of the
/// resolved types in, results out, with the index type the signature was
/// resolved for.
type Trampoline = dyn Fn(HostContext<'_>, &[Val], &mut [Val], Option<IndexType>) -> Result<(), Trap>
    + Send
    + Sync;

/// A Rust-typed host function, not yet bound to a store or an index type.
#[derive(Clone)]
pub struct HostFuncDef {
    pub(crate) ty: HostFuncType,
    call: Arc<Trampoline>,
}

impl HostFuncDef {
    /// The runtime host function for memories of index type `index`; a
    /// host error it raises names it as `name` (`module.field`), if given.
    pub(crate) fn bind(&self, index: Option<IndexType>, name: Option<Arc<str>>) -> HostFunc {
        let call = self.call.clone();
        match name {
            None => Arc::new(move |cx, params, results| call(cx, params, results, index)),
            Some(name) => Arc::new(move |cx, params, results| {
                call(cx, params, results, index).map_err(|t| t.in_host_function(&name))
            }),
        }
    }
}

impl core::fmt::Debug for HostFuncDef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "HostFuncDef {}", self.ty)
    }
}

/// What a Rust-typed host function may return: a [`WasmList`] (`()`, one
/// value or a tuple), or `Result<L, Trap>` to trap. Sealed.
pub trait HostReturn: sealed::HostReturnImpl + Send + 'static {}

pub(crate) mod sealed {
    use super::*;

    /// The conversion behind [`HostReturn`](super::HostReturn).
    pub trait HostReturnImpl {
        /// The results list.
        type List: WasmList;
        /// The results, or the trap.
        fn into_result(self) -> Result<Self::List, Trap>;
    }

    /// The conversion behind [`IntoHostFunc`](super::IntoHostFunc).
    pub trait IntoHostFuncImpl<T, Params, Results> {
        /// The signature template and the trampoline.
        fn into_def(self) -> HostFuncDef;
    }
}

impl<L: WasmList> sealed::HostReturnImpl for L {
    type List = L;
    fn into_result(self) -> Result<L, Trap> {
        Ok(self)
    }
}
impl<L: WasmList> HostReturn for L {}

impl<L: WasmList> sealed::HostReturnImpl for Result<L, Trap> {
    type List = L;
    fn into_result(self) -> Result<L, Trap> {
        self
    }
}
impl<L: WasmList> HostReturn for Result<L, Trap> {}

/// A Rust closure usable as a host function: `Fn(Caller<'_, T>, A1, .., An)
/// -> R` for up to ten [`WasmTy`] arguments and a [`HostReturn`] `R`.
/// `Params` and `Results` only tell the implementations apart. Sealed.
pub trait IntoHostFunc<T, Params, Results>:
    sealed::IntoHostFuncImpl<T, Params, Results> + Send + Sync + 'static
{
}

fn store_results<L: WasmList>(
    list: L,
    index: Option<IndexType>,
    results: &mut [Val],
) -> Result<(), Trap> {
    let mut vals = Vec::with_capacity(results.len());
    list.into_vals(index, &mut vals)
        .map_err(|m| Trap::host(format!("host function result: {m}")))?;
    if vals.len() != results.len() {
        return Err(Trap::host(
            "host function returned the wrong number of results",
        ));
    }
    results.copy_from_slice(&vals);
    Ok(())
}

macro_rules! into_host_func {
    ($($a:ident)*) => {
        #[allow(non_snake_case, unused_variables, unused_mut)]
        impl<T, F, R, $($a,)*> sealed::IntoHostFuncImpl<T, ($($a,)*), R> for F
        where
            T: Send + 'static,
            F: Fn(Caller<'_, T>, $($a),*) -> R + Send + Sync + 'static,
            R: HostReturn,
            $($a: WasmTy,)*
        {
            fn into_def(self) -> HostFuncDef {
                let ty = HostFuncType {
                    params: vec![$($a::host_type(),)*],
                    results: <R as sealed::HostReturnImpl>::List::host_types(),
                };
                let call = move |cx: HostContext<'_>,
                                 params: &[Val],
                                 results: &mut [Val],
                                 index: Option<IndexType>|
                      -> Result<(), Trap> {
                    if !cx.store.host_data().is::<T>() {
                        return Err(Trap::host(
                            "host function called from a store with another data type",
                        ));
                    }
                    let mut it = params.iter().copied();
                    $(
                        let $a = it.next().and_then($a::from_val).ok_or_else(|| {
                            Trap::host("host function called with arguments of the wrong types")
                        })?;
                    )*
                    let caller = Caller { cx, _data: PhantomData };
                    let list = sealed::HostReturnImpl::into_result(self(caller, $($a),*))?;
                    store_results(list, index, results)
                };
                HostFuncDef { ty, call: Arc::new(call) }
            }
        }
        impl<T, F, R, $($a,)*> IntoHostFunc<T, ($($a,)*), R> for F
        where
            T: Send + 'static,
            F: Fn(Caller<'_, T>, $($a),*) -> R + Send + Sync + 'static,
            R: HostReturn,
            $($a: WasmTy,)*
        {
        }
    };
}

into_host_func!();
into_host_func!(A1);
into_host_func!(A1 A2);
into_host_func!(A1 A2 A3);
into_host_func!(A1 A2 A3 A4);
into_host_func!(A1 A2 A3 A4 A5);
into_host_func!(A1 A2 A3 A4 A5 A6);
into_host_func!(A1 A2 A3 A4 A5 A6 A7);
into_host_func!(A1 A2 A3 A4 A5 A6 A7 A8);
into_host_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9);
into_host_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);
