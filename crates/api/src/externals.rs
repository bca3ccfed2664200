//! [`Extern`] and the non-function entity handles [`Global`], [`Table`] and
//! [`Tag`] (memories are in [`crate::memory`]), including host-created ones,
//! which are pushed into the runtime store's vectors directly.
//!
//! Memory and table sizes and indices are `u64` for both index widths; a
//! memory32 or table32 simply never reaches values past `u32::MAX`.

use strata_ir::{GlobalType, HeapType, TableType, Val, ValType};
use strata_runtime::value::{from_raw, to_raw};
use strata_runtime::{ExternVal, GlobalAddr, GlobalEntity, TableAddr, TableEntity, TagAddr};

use crate::errors::{Error, ErrorKind};
use crate::func::{value_matches, Func};
use crate::memory::Memory;
use crate::store::AsStore;
use crate::types::{val_type_of, ExternType, ValTypeText};

/// Anything an instance can export or a module import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A linear memory.
    Memory(Memory),
    /// A global.
    Global(Global),
    /// An exception tag.
    Tag(Tag),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    /// The entity's current type (a memory's or table's minimum is its
    /// current size).
    ///
    /// # Panics
    /// If the handle is not from this store.
    pub fn ty(&self, store: &impl AsStore) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
            Extern::Tag(t) => ExternType::Tag(t.ty(store)),
        }
    }

    pub(crate) fn to_rt(self) -> ExternVal {
        match self {
            Extern::Func(f) => ExternVal::Func(f.0),
            Extern::Table(t) => ExternVal::Table(t.0),
            Extern::Memory(m) => ExternVal::Memory(m.0),
            Extern::Global(g) => ExternVal::Global(g.0),
            Extern::Tag(t) => ExternVal::Tag(t.0),
        }
    }
}

pub(crate) fn extern_from_rt(v: ExternVal) -> Extern {
    match v {
        ExternVal::Func(f) => Extern::Func(Func(f)),
        ExternVal::Table(t) => Extern::Table(Table(t)),
        ExternVal::Memory(m) => Extern::Memory(Memory(m)),
        ExternVal::Global(g) => Extern::Global(Global(g)),
        ExternVal::Tag(t) => Extern::Tag(Tag(t)),
    }
}

/// An exception tag in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag(pub(crate) TagAddr);

impl Tag {
    /// The tag's type: its payload is the function type's parameters.
    ///
    /// # Panics
    /// If the handle is not from this store.
    pub fn ty(&self, store: &impl AsStore) -> strata_ir::FuncType {
        let rt = store.rt();
        rt.sigs.get(rt.tags[self.0.index()].sig).clone()
    }
}

impl From<Tag> for Extern {
    fn from(t: Tag) -> Self {
        Extern::Tag(t)
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Self {
        Extern::Func(f)
    }
}

impl From<Table> for Extern {
    fn from(t: Table) -> Self {
        Extern::Table(t)
    }
}

impl From<Memory> for Extern {
    fn from(m: Memory) -> Self {
        Extern::Memory(m)
    }
}

impl From<Global> for Extern {
    fn from(g: Global) -> Self {
        Extern::Global(g)
    }
}

/// Refuse concrete reference types in host-created entities (they would need
/// a module's type section to mean anything).
fn check_no_concrete(ty: ValType, what: &str) -> Result<(), Error> {
    match ty {
        ValType::Ref(r) if matches!(r.heap, HeapType::Concrete(_)) => Err(Error::msg(
            ErrorKind::Unsupported,
            format!(
                "host {what}s of concrete reference type {} are not supported yet",
                ValTypeText(ty)
            ),
        )),
        _ => Ok(()),
    }
}

fn type_mismatch(what: &str, expected: ValType, given: &Val) -> Error {
    Error::msg(
        ErrorKind::Type,
        format!(
            "{what}: expected a value of type {}, given {}",
            ValTypeText(expected),
            ValTypeText(val_type_of(given))
        ),
    )
}

/// A global in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Global(pub(crate) GlobalAddr);

impl Global {
    /// A host global of type `ty` holding `value`.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] if `value` is not of type `ty.ty`;
    /// [`ErrorKind::Unsupported`] for concrete reference types.
    pub fn new(store: &mut impl AsStore, ty: GlobalType, value: Val) -> Result<Global, Error> {
        check_no_concrete(ty.ty, "global")?;
        let rt = store.rt_mut();
        if !value_matches(rt, &value, ty.ty) {
            return Err(type_mismatch("global initializer", ty.ty, &value));
        }
        rt.globals.push(GlobalEntity {
            ty,
            value: to_raw(value),
        });
        Ok(Global(GlobalAddr(rt.globals.len() as u32 - 1)))
    }

    /// The global's type.
    ///
    /// # Panics
    /// If the handle is not from this store (so for all accessors below).
    pub fn ty(&self, store: &impl AsStore) -> GlobalType {
        store.rt().globals[self.0.index()].ty
    }

    /// The current value.
    pub fn get(&self, store: &impl AsStore) -> Val {
        store.rt().global_value(self.0)
    }

    /// Set the value.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] if the global is immutable or `value` has the
    /// wrong type.
    pub fn set(&self, store: &mut impl AsStore, value: Val) -> Result<(), Error> {
        let rt = store.rt_mut();
        let ty = rt.globals[self.0.index()].ty;
        if !ty.mutable {
            return Err(Error::msg(
                ErrorKind::Type,
                "cannot set an immutable global",
            ));
        }
        if !value_matches(rt, &value, ty.ty) {
            return Err(type_mismatch("global.set", ty.ty, &value));
        }
        rt.globals[self.0.index()].value = to_raw(value);
        Ok(())
    }
}

/// A table in a store (table32 or table64, as its type says).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table(pub(crate) TableAddr);

impl Table {
    /// A host table of type `ty` with every element `init`, under the store's
    /// table cap.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] if `init` is not of the element type;
    /// [`ErrorKind::Resource`] if the minimum exceeds the cap;
    /// [`ErrorKind::Unsupported`] for concrete element types.
    pub fn new(store: &mut impl AsStore, ty: TableType, init: Val) -> Result<Table, Error> {
        let elem = ValType::Ref(ty.elem);
        check_no_concrete(elem, "table")?;
        let rt = store.rt_mut();
        if !value_matches(rt, &init, elem) {
            return Err(type_mismatch("table initializer", elem, &init));
        }
        if rt.tables.len() >= rt.config.max_tables {
            return Err(Error::msg(
                ErrorKind::Resource,
                format!("the store allows at most {} tables", rt.config.max_tables),
            ));
        }
        let table = TableEntity::new(ty, to_raw(init), rt.config.max_table_elements)
            .map_err(|e| Error::msg(ErrorKind::Resource, format!("host table: {e}")))?;
        rt.tables.push(table);
        Ok(Table(TableAddr(rt.tables.len() as u32 - 1)))
    }

    /// The table's type, with its current size as minimum.
    pub fn ty(&self, store: &impl AsStore) -> TableType {
        store.rt().tables[self.0.index()].current_type()
    }

    /// Current size in elements.
    pub fn size(&self, store: &impl AsStore) -> u64 {
        store.rt().tables[self.0.index()].size()
    }

    /// The element at `index`, `None` if out of bounds.
    pub fn get(&self, store: &impl AsStore, index: u64) -> Option<Val> {
        let t = &store.rt().tables[self.0.index()];
        let raw = t.get(index).ok()?;
        Some(from_raw(raw, ValType::Ref(t.ty().elem)))
    }

    /// Set the element at `index`.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] for a value of the wrong type;
    /// [`ErrorKind::Trap`] (table out of bounds) for a bad index.
    pub fn set(&self, store: &mut impl AsStore, index: u64, value: Val) -> Result<(), Error> {
        let rt = store.rt_mut();
        let elem = ValType::Ref(rt.tables[self.0.index()].ty().elem);
        if !value_matches(rt, &value, elem) {
            return Err(type_mismatch("table.set", elem, &value));
        }
        rt.tables[self.0.index()]
            .set(index, to_raw(value))
            .map_err(|code| Error::from(strata_ir::Trap::new(code)))
    }

    /// Grow by `delta` elements set to `init`; returns the old size.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] for an `init` of the wrong type;
    /// [`ErrorKind::Resource`] if the growth is refused.
    pub fn grow(&self, store: &mut impl AsStore, delta: u64, init: Val) -> Result<u64, Error> {
        let rt = store.rt_mut();
        let elem = ValType::Ref(rt.tables[self.0.index()].ty().elem);
        if !value_matches(rt, &init, elem) {
            return Err(type_mismatch("table.grow", elem, &init));
        }
        let table = &rt.tables[self.0.index()];
        let (size, max) = (table.size(), table.ty().limits.max);
        let cap = rt.config.max_table_elements;
        rt.grow_table(self.0, delta, to_raw(init)).ok_or_else(|| {
            let max = max.map_or_else(|| "none".to_string(), |m| m.to_string());
            Error::msg(
                ErrorKind::Resource,
                format!(
                    "table.grow of a table of {size} elements by {delta} elements refused \
                     (type maximum: {max}, store limit: {cap} elements)"
                ),
            )
        })
    }
}
