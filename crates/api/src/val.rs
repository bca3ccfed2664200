//! [`Val`], a Wasm value as the embedding API sees it, and the reference
//! handles it carries: [`Func`] for `funcref`, [`ExternRef`], [`AnyRef`] and
//! [`ExnRef`].
//!
//! Unlike the runtime's value type, every non-null reference here is stamped
//! with the store it belongs to, so a reference of one store given to
//! another is refused with [`ErrorKind::WrongStore`](crate::ErrorKind::WrongStore)
//! instead of naming whatever sits at the same address there. Conversion to
//! the runtime's values happens at each entry point; numbers pass unchanged.

use core::fmt;

use strata_ir::{AnyAddr, ExnAddr, ExternAddr, RefHierarchy, Val as RtVal, ValType};
use strata_runtime::{Store as RtStore, StoreId};

use crate::func::Func;
use crate::handle::{Foreign, Stored};

/// A Wasm value: a number, or a reference (null, or a handle of the store
/// that made it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    /// 32-bit integer.
    I32(i32),
    /// 64-bit integer.
    I64(i64),
    /// 32-bit float, as raw bits (NaN payloads are preserved).
    F32(u32),
    /// 64-bit float, as raw bits.
    F64(u64),
    /// 128-bit vector; its little-endian bytes are the vector's bytes
    /// (lane 0 of every shape in the low bits).
    V128(u128),
    /// A function reference or null.
    FuncRef(Option<Func>),
    /// A host reference or null.
    ExternRef(Option<ExternRef>),
    /// An internal (GC hierarchy) reference or null.
    AnyRef(Option<AnyRef>),
    /// An exception reference or null.
    ExnRef(Option<ExnRef>),
}

/// Defines a `Copy` reference handle stamped with its store.
macro_rules! reference {
    ($(#[$doc:meta])* $name:ident($addr:ident)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub(crate) Stored<$addr>);

        impl $name {
            /// The address in its store.
            pub fn addr(&self) -> $addr {
                self.0.addr()
            }
        }
    };
}

reference! {
    /// A non-null `externref`: a host value in a store, made by
    /// [`Store::new_extern_ref`](crate::Store::new_extern_ref) and read back
    /// with [`Store::extern_ref_data`](crate::Store::extern_ref_data).
    ExternRef(ExternAddr)
}

reference! {
    /// A non-null `anyref` of a store (no such objects exist until GC is
    /// implemented).
    AnyRef(AnyAddr)
}

reference! {
    /// A non-null `exnref`: an exception thrown in a store.
    ExnRef(ExnAddr)
}

/// Keep the exception a value names alive for `store`'s lifetime: the value
/// is being handed to the embedder.
#[inline]
pub(crate) fn pin_exception(store: &RtStore, v: &RtVal) {
    if let RtVal::ExnRef(Some(exn)) = v {
        store.pin_exception(*exn);
    }
}

impl Val {
    /// The zero (or null) value of a type, as locals and tables start out.
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::Ref(r) => match r.heap.hierarchy() {
                RefHierarchy::Func => Val::FuncRef(None),
                RefHierarchy::Extern => Val::ExternRef(None),
                RefHierarchy::Any => Val::AnyRef(None),
                RefHierarchy::Exn => Val::ExnRef(None),
            },
        }
    }

    /// Whether the value fits the (unparameterized) type: numeric types must
    /// match exactly; references must be of the right hierarchy and non-null
    /// where the type says so. Concrete function types are checked by the
    /// store, which knows each function's type.
    pub fn matches_shape(&self, ty: ValType) -> bool {
        self.shape().matches_shape(ty)
    }

    /// The value as an i32, if it is one.
    pub fn i32(&self) -> Option<i32> {
        match self {
            Val::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// The value as an i64, if it is one.
    pub fn i64(&self) -> Option<i64> {
        match self {
            Val::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The function of a `funcref`, if the value is a non-null one.
    pub fn func_ref(&self) -> Option<Func> {
        match self {
            Val::FuncRef(f) => *f,
            _ => None,
        }
    }

    /// The reference of an `externref`, if the value is a non-null one.
    pub fn extern_ref(&self) -> Option<ExternRef> {
        match self {
            Val::ExternRef(e) => *e,
            _ => None,
        }
    }

    /// The runtime value with the same addresses, unchecked (for shape
    /// checks and messages only).
    fn shape(&self) -> RtVal {
        match *self {
            Val::I32(x) => RtVal::I32(x),
            Val::I64(x) => RtVal::I64(x),
            Val::F32(x) => RtVal::F32(x),
            Val::F64(x) => RtVal::F64(x),
            Val::V128(x) => RtVal::V128(x),
            Val::FuncRef(f) => RtVal::FuncRef(f.map(|f| f.0.addr())),
            Val::ExternRef(e) => RtVal::ExternRef(e.map(|e| e.0.addr())),
            Val::AnyRef(a) => RtVal::AnyRef(a.map(|a| a.0.addr())),
            Val::ExnRef(e) => RtVal::ExnRef(e.map(|e| e.0.addr())),
        }
    }

    /// The runtime value, if every reference in it is of the store `store`.
    #[inline]
    pub(crate) fn to_rt(self, store: StoreId) -> Result<RtVal, Foreign> {
        Ok(match self {
            Val::I32(x) => RtVal::I32(x),
            Val::I64(x) => RtVal::I64(x),
            Val::F32(x) => RtVal::F32(x),
            Val::F64(x) => RtVal::F64(x),
            Val::V128(x) => RtVal::V128(x),
            Val::FuncRef(None) => RtVal::FuncRef(None),
            Val::FuncRef(Some(f)) => RtVal::FuncRef(Some(f.0.check(store, "Func")?)),
            Val::ExternRef(None) => RtVal::ExternRef(None),
            Val::ExternRef(Some(e)) => RtVal::ExternRef(Some(e.0.check(store, "ExternRef")?)),
            Val::AnyRef(None) => RtVal::AnyRef(None),
            Val::AnyRef(Some(a)) => RtVal::AnyRef(Some(a.0.check(store, "AnyRef")?)),
            Val::ExnRef(None) => RtVal::ExnRef(None),
            Val::ExnRef(Some(e)) => RtVal::ExnRef(Some(e.0.check(store, "ExnRef")?)),
        })
    }

    /// A runtime value of `store` for the embedder, its references stamped
    /// with the store. An exception it names is pinned: the embedder may
    /// keep the reference as long as it likes.
    #[inline]
    pub(crate) fn from_rt(v: RtVal, store: &RtStore) -> Val {
        pin_exception(store, &v);
        Val::stamped(v, store.id())
    }

    /// A runtime value of the store `store`, its references stamped with it
    /// (an exception it names must be pinned already).
    #[inline]
    pub(crate) fn stamped(v: RtVal, store: StoreId) -> Val {
        match v {
            RtVal::I32(x) => Val::I32(x),
            RtVal::I64(x) => Val::I64(x),
            RtVal::F32(x) => Val::F32(x),
            RtVal::F64(x) => Val::F64(x),
            RtVal::V128(x) => Val::V128(x),
            RtVal::FuncRef(f) => Val::FuncRef(f.map(|a| Func(Stored::new(store, a)))),
            RtVal::ExternRef(e) => Val::ExternRef(e.map(|a| ExternRef(Stored::new(store, a)))),
            RtVal::AnyRef(r) => Val::AnyRef(r.map(|a| AnyRef(Stored::new(store, a)))),
            RtVal::ExnRef(e) => Val::ExnRef(e.map(|a| ExnRef(Stored::new(store, a)))),
        }
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.shape().fmt(f)
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Self {
        Val::I32(v)
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::I64(v)
    }
}

impl From<Func> for Val {
    fn from(f: Func) -> Self {
        Val::FuncRef(Some(f))
    }
}

/// Up to this many values convert in a stack buffer, without allocating.
const INLINE: usize = 8;

/// Run `f` on a buffer of `len` copies of `fill`: on the stack for short
/// lists, so the common calls do not allocate.
#[inline]
pub(crate) fn with_buf<U: Copy, R>(len: usize, fill: U, f: impl FnOnce(&mut [U]) -> R) -> R {
    if len <= INLINE {
        let mut buf = [fill; INLINE];
        f(&mut buf[..len])
    } else {
        f(&mut vec![fill; len])
    }
}

/// Run `f` on `src` converted element by element with `conv` (given each
/// element's index), in a [`with_buf`] buffer; the first conversion error
/// stops it.
#[inline]
pub(crate) fn convert_in<T, U: Copy, E, R>(
    src: &[T],
    fill: U,
    mut conv: impl FnMut(usize, &T) -> Result<U, E>,
    f: impl FnOnce(&mut [U]) -> R,
) -> Result<R, E> {
    with_buf(src.len(), fill, |buf| {
        for (i, (d, s)) in buf.iter_mut().zip(src).enumerate() {
            *d = conv(i, s)?;
        }
        Ok(f(buf))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_ir::FuncAddr;

    #[test]
    fn references_keep_their_store() {
        let a = strata_runtime::Store::new(Default::default(), Box::new(()));
        let b = strata_runtime::Store::new(Default::default(), Box::new(()));
        let f = Val::stamped(RtVal::FuncRef(Some(FuncAddr(3))), a.id());
        assert_eq!(f.to_rt(a.id()), Ok(RtVal::FuncRef(Some(FuncAddr(3)))));
        let err = f.to_rt(b.id()).expect_err("another store");
        assert_eq!(
            err.to_string(),
            format!("a Func of store {} used with store {}", a.id(), b.id())
        );
        assert_eq!(Val::FuncRef(None).to_rt(b.id()), Ok(RtVal::FuncRef(None)));
        assert_eq!(Val::I64(-2).to_rt(b.id()), Ok(RtVal::I64(-2)));
        assert_eq!(f.to_string(), "func@3: funcref");
    }

    #[test]
    fn long_lists_convert_too() {
        let src: Vec<i32> = (0..20).collect();
        for n in [0, 3, INLINE, INLINE + 1, 20] {
            let sum = convert_in(
                &src[..n],
                0i64,
                |_, &x| Ok::<_, ()>(i64::from(x)),
                |v| v.iter().sum::<i64>(),
            );
            assert_eq!(sum, Ok((0..n as i64).sum()));
        }
        let err = convert_in(
            &src,
            0i64,
            |i, &x| if x == 9 { Err(i) } else { Ok(0) },
            |_| (),
        );
        assert_eq!(err, Err(9));
    }
}
