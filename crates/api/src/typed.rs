//! Rust types as Wasm values: [`WasmTy`] (one value), [`WasmList`] (the
//! parameters or results of a function: `()`, one value or a tuple), the
//! signature they spell ([`HostFuncType`], which may contain width-generic
//! guest pointers and sizes), and [`TypedFunc`], a function whose type was
//! checked once against Rust types.
//!
//! A [`GuestAddr`] or [`GuestSize`] stands for `i32` in the context of a
//! memory32 memory and `i64` in that of a memory64 memory; which one is
//! decided when a signature is *resolved* against an index type.

use core::fmt;
use std::marker::PhantomData;

use strata_ir::{FuncType, IndexType, Val, ValType};

use crate::errors::{Error, ErrorKind};
use crate::func::Func;
use crate::guest::{GuestAddr, GuestSize};
use crate::store::AsStore;
use crate::types::{FuncTypeText, ValTypeText};

/// The type of one parameter or result of a Rust-typed function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostValType {
    /// A plain Wasm value type.
    Val(ValType),
    /// A guest address ([`GuestAddr`]): the index type of the memory.
    Addr,
    /// A guest size ([`GuestSize`]): the index type of the memory.
    Size,
}

impl HostValType {
    /// The concrete type for a memory of index type `index`; `None` for a
    /// guest address or size when there is no memory.
    pub fn resolve(self, index: Option<IndexType>) -> Option<ValType> {
        match self {
            HostValType::Val(t) => Some(t),
            HostValType::Addr | HostValType::Size => Some(match index? {
                IndexType::I32 => ValType::I32,
                IndexType::I64 => ValType::I64,
            }),
        }
    }

    /// Whether the type depends on the memory's index type.
    pub fn is_width_generic(self) -> bool {
        !matches!(self, HostValType::Val(_))
    }
}

impl fmt::Display for HostValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostValType::Val(t) => write!(f, "{}", ValTypeText(*t)),
            HostValType::Addr => f.write_str("ptr"),
            HostValType::Size => f.write_str("len"),
        }
    }
}

/// The signature of a Rust-typed host function, possibly width-generic.
/// `Display` uses the text format, with `ptr` and `len` for guest addresses
/// and sizes: `(func (param ptr len) (result i32))`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostFuncType {
    /// Parameter types.
    pub params: Vec<HostValType>,
    /// Result types.
    pub results: Vec<HostValType>,
}

impl HostFuncType {
    /// Whether any parameter or result is a guest address or size.
    pub fn is_width_generic(&self) -> bool {
        self.params
            .iter()
            .chain(&self.results)
            .any(|t| t.is_width_generic())
    }

    /// The concrete function type for a memory of index type `index`;
    /// `None` if the signature is width-generic and there is no memory.
    pub fn resolve(&self, index: Option<IndexType>) -> Option<FuncType> {
        let list = |types: &[HostValType]| -> Option<Vec<ValType>> {
            types.iter().map(|t| t.resolve(index)).collect()
        };
        Some(FuncType::new(list(&self.params)?, list(&self.results)?))
    }

    /// The concrete function type for a memory of index type `index`.
    pub fn resolve_for(&self, index: IndexType) -> FuncType {
        let width = match index {
            IndexType::I32 => ValType::I32,
            IndexType::I64 => ValType::I64,
        };
        let list = |types: &[HostValType]| -> Vec<ValType> {
            types
                .iter()
                .map(|t| match t {
                    HostValType::Val(v) => *v,
                    HostValType::Addr | HostValType::Size => width,
                })
                .collect()
        };
        FuncType::new(list(&self.params), list(&self.results))
    }
}

impl fmt::Display for HostFuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        for (word, list) in [("param", &self.params), ("result", &self.results)] {
            if list.is_empty() {
                continue;
            }
            write!(f, " ({word}")?;
            for t in list {
                write!(f, " {t}")?;
            }
            f.write_str(")")?;
        }
        f.write_str(")")
    }
}

pub(crate) mod sealed {
    use super::*;

    /// The conversions behind [`WasmTy`](super::WasmTy); not for use outside
    /// this crate.
    pub trait WasmTyImpl: Sized {
        /// The type in a signature.
        fn host_type() -> HostValType;
        /// From a value of the resolved type (guest addresses and sizes
        /// accept `i32`, zero-extended, and `i64`).
        fn from_val(v: Val) -> Option<Self>;
        /// To a value of the type resolved for `index`; an error message if
        /// it does not fit (a guest address above `u32::MAX` for memory32).
        fn into_val(self, index: Option<IndexType>) -> Result<Val, String>;
    }

    /// The conversions behind [`WasmList`](super::WasmList).
    pub trait WasmListImpl: Sized {
        /// The types, in order.
        fn host_types() -> Vec<HostValType>;
        /// From values of the resolved types; `None` on a mismatch.
        fn from_vals(vals: &[Val]) -> Option<Self>;
        /// To values of the types resolved for `index`.
        fn into_vals(self, index: Option<IndexType>, out: &mut Vec<Val>) -> Result<(), String>;
    }
}

use sealed::{WasmListImpl, WasmTyImpl};

/// A Rust type that is one Wasm value: `i32`, `u32`, `i64`, `u64`, `f32`,
/// `f64` (as `i32`, `i32`, `i64`, `i64`, `f32`, `f64`, unsigned types by
/// their bits), and the width-generic [`GuestAddr`] and [`GuestSize`].
/// Sealed.
pub trait WasmTy: WasmTyImpl + Send + 'static {}

/// The parameters or results of a Rust-typed function: `()`, one
/// [`WasmTy`], or a tuple of up to eight. Sealed.
pub trait WasmList: WasmListImpl + Send + 'static {}

fn addr_val(v: u64, index: Option<IndexType>, what: &str) -> Result<Val, String> {
    match index {
        Some(IndexType::I64) => Ok(Val::I64(v as i64)),
        Some(IndexType::I32) => match u32::try_from(v) {
            Ok(v) => Ok(Val::I32(v as i32)),
            Err(_) => Err(format!(
                "guest {what} {v:#x} does not fit the i32 index type of a memory32 memory"
            )),
        },
        None => Err(format!("guest {what} {v:#x} without a memory")),
    }
}

fn addr_from(v: Val) -> Option<u64> {
    match v {
        Val::I32(x) => Some(u64::from(x as u32)),
        Val::I64(x) => Some(x as u64),
        _ => None,
    }
}

macro_rules! num_ty {
    ($($t:ty => $vt:ident, $from:expr, $to:expr;)*) => {$(
        impl WasmTyImpl for $t {
            fn host_type() -> HostValType {
                HostValType::Val(ValType::$vt)
            }
            fn from_val(v: Val) -> Option<Self> {
                match v {
                    Val::$vt(x) => Some($from(x)),
                    _ => None,
                }
            }
            fn into_val(self, _index: Option<IndexType>) -> Result<Val, String> {
                Ok(Val::$vt($to(self)))
            }
        }
        impl WasmTy for $t {}
    )*};
}

num_ty! {
    i32 => I32, |x| x, |x| x;
    u32 => I32, |x: i32| x as u32, |x: u32| x as i32;
    i64 => I64, |x| x, |x| x;
    u64 => I64, |x: i64| x as u64, |x: u64| x as i64;
    f32 => F32, f32::from_bits, f32::to_bits;
    f64 => F64, f64::from_bits, f64::to_bits;
}

impl WasmTyImpl for GuestAddr {
    fn host_type() -> HostValType {
        HostValType::Addr
    }
    fn from_val(v: Val) -> Option<Self> {
        addr_from(v).map(GuestAddr)
    }
    fn into_val(self, index: Option<IndexType>) -> Result<Val, String> {
        addr_val(self.0, index, "address")
    }
}
impl WasmTy for GuestAddr {}

impl WasmTyImpl for GuestSize {
    fn host_type() -> HostValType {
        HostValType::Size
    }
    fn from_val(v: Val) -> Option<Self> {
        addr_from(v).map(GuestSize)
    }
    fn into_val(self, index: Option<IndexType>) -> Result<Val, String> {
        addr_val(self.0, index, "size")
    }
}
impl WasmTy for GuestSize {}

impl<T: WasmTy> WasmListImpl for T {
    fn host_types() -> Vec<HostValType> {
        vec![T::host_type()]
    }
    fn from_vals(vals: &[Val]) -> Option<Self> {
        match vals {
            [v] => T::from_val(*v),
            _ => None,
        }
    }
    fn into_vals(self, index: Option<IndexType>, out: &mut Vec<Val>) -> Result<(), String> {
        out.push(self.into_val(index)?);
        Ok(())
    }
}
impl<T: WasmTy> WasmList for T {}

macro_rules! tuple_list {
    ($($t:ident)*) => {
        #[allow(non_snake_case, unused_variables, unused_mut, clippy::unused_unit)]
        impl<$($t: WasmTy,)*> WasmListImpl for ($($t,)*) {
            fn host_types() -> Vec<HostValType> {
                vec![$($t::host_type(),)*]
            }
            fn from_vals(vals: &[Val]) -> Option<Self> {
                let mut it = vals.iter().copied();
                let r = ($($t::from_val(it.next()?)?,)*);
                match it.next() {
                    None => Some(r),
                    Some(_) => None,
                }
            }
            fn into_vals(self, index: Option<IndexType>, out: &mut Vec<Val>) -> Result<(), String> {
                let ($($t,)*) = self;
                $(out.push($t.into_val(index)?);)*
                Ok(())
            }
        }
        impl<$($t: WasmTy,)*> WasmList for ($($t,)*) {}
    };
}

tuple_list!();
tuple_list!(A1);
tuple_list!(A1 A2);
tuple_list!(A1 A2 A3);
tuple_list!(A1 A2 A3 A4);
tuple_list!(A1 A2 A3 A4 A5);
tuple_list!(A1 A2 A3 A4 A5 A6);
tuple_list!(A1 A2 A3 A4 A5 A6 A7);
tuple_list!(A1 A2 A3 A4 A5 A6 A7 A8);

/// A function whose type was checked once against the Rust types `P`
/// (parameters) and `R` (results), made by [`Func::typed`]. Calls convert
/// without further type checks. `Copy`, stamped with the store of its
/// function (with any other store, calls fail with
/// [`ErrorKind::WrongStore`]).
pub struct TypedFunc<P, R> {
    func: Func,
    index: Option<IndexType>,
    _types: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, R> Copy for TypedFunc<P, R> {}

impl<P, R> fmt::Debug for TypedFunc<P, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedFunc")
            .field("func", &self.func)
            .field("index", &self.index)
            .finish()
    }
}

impl<P: WasmList, R: WasmList> TypedFunc<P, R> {
    /// Check `func`'s type against `P` and `R`, with guest addresses and
    /// sizes resolved against the index type of memory 0 of `func`'s
    /// instance.
    pub(crate) fn new(store: &impl AsStore, func: Func) -> Result<Self, Error> {
        let ty = func.ty(store)?;
        let index = func.memory_index_type(store);
        let host = HostFuncType {
            params: P::host_types(),
            results: R::host_types(),
        };
        let Some(expected) = host.resolve(index) else {
            return Err(Error::msg(
                ErrorKind::Type,
                format!(
                    "typed function {host} takes guest addresses or sizes, but the function (func{}) has no memory",
                    FuncTypeText(&ty)
                ),
            ));
        };
        if expected != ty {
            let resolved = if host.is_width_generic() {
                format!(", i.e. (func{})", FuncTypeText(&expected))
            } else {
                String::new()
            };
            return Err(Error::msg(
                ErrorKind::Type,
                format!(
                    "function type mismatch: the function has type (func{}), the typed view asks for {host}{resolved}",
                    FuncTypeText(&ty)
                ),
            ));
        }
        Ok(Self {
            func,
            index,
            _types: PhantomData,
        })
    }

    /// The untyped function.
    pub fn func(&self) -> Func {
        self.func
    }

    /// Call the function.
    ///
    /// # Errors
    /// [`ErrorKind::Trap`] if execution traps; [`ErrorKind::Type`] if a
    /// guest address or size does not fit the memory's index type (above
    /// `u32::MAX` for memory32); [`ErrorKind::WrongStore`] if the function
    /// is of another store.
    pub fn call(&self, store: &mut impl AsStore, params: P) -> Result<R, Error> {
        let rt = store.rt_mut();
        let addr = self.func.0.get(rt, "Func")?;
        let mut args = Vec::new();
        params
            .into_vals(self.index, &mut args)
            .map_err(|m| Error::msg(ErrorKind::Type, m))?;
        let id = rt.id();
        let results = rt
            .invoke(addr, &args)
            .map_err(|t| Error::call_trap(t, id))?;
        R::from_vals(&results).ok_or_else(|| {
            Error::msg(
                ErrorKind::Type,
                "the function returned results of other types than checked",
            )
        })
    }
}
