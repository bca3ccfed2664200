//! [`Extern`] and the non-function entity handles [`Global`], [`Table`] and
//! [`Tag`] (memories are in [`crate::memory`]), including host-created ones,
//! which are pushed into the runtime store's vectors directly.
//!
//! Memory and table sizes and indices are `u64` for both index widths; a
//! memory32 or table32 simply never reaches values past `u32::MAX`.
//!
//! Every handle is stamped with its store (see [`crate::handle`]); used with
//! another store, or given a reference of another store, a method fails
//! with [`ErrorKind::WrongStore`].

use strata_ir::{ExternKind, GlobalType, HeapType, TableType, Val as RtVal, ValType};
use strata_runtime::value::{from_raw, to_raw, to_raw_wide};
use strata_runtime::{
    ExternVal, GlobalAddr, GlobalEntity, StoreId, TableAddr, TableEntity, TagAddr,
};

use crate::errors::{Error, ErrorKind};
use crate::func::{value_matches, Func};
use crate::handle::{Foreign, Stored};
use crate::memory::Memory;
use crate::store::AsStore;
use crate::types::{val_type_of, ExternType, ValTypeText};
use crate::val::Val;

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
    /// What kind of entity this is.
    pub fn kind(&self) -> ExternKind {
        match self {
            Extern::Func(_) => ExternKind::Func,
            Extern::Table(_) => ExternKind::Table,
            Extern::Memory(_) => ExternKind::Memory,
            Extern::Global(_) => ExternKind::Global,
            Extern::Tag(_) => ExternKind::Tag,
        }
    }

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
    /// # Errors
    /// [`ErrorKind::WrongStore`] if the entity is of another store.
    pub fn ty(&self, store: &impl AsStore) -> Result<ExternType, Error> {
        Ok(match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)?),
            Extern::Table(t) => ExternType::Table(t.ty(store)?),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)?),
            Extern::Global(g) => ExternType::Global(g.ty(store)?),
            Extern::Tag(t) => ExternType::Tag(t.ty(store)?),
        })
    }

    /// The runtime's address, if the entity is of the store `store`.
    pub(crate) fn to_rt(self, store: StoreId) -> Result<ExternVal, Foreign> {
        Ok(match self {
            Extern::Func(f) => ExternVal::Func(f.0.check(store, "Func")?),
            Extern::Table(t) => ExternVal::Table(t.0.check(store, "Table")?),
            Extern::Memory(m) => ExternVal::Memory(m.0.check(store, "Memory")?),
            Extern::Global(g) => ExternVal::Global(g.0.check(store, "Global")?),
            Extern::Tag(t) => ExternVal::Tag(t.0.check(store, "Tag")?),
        })
    }

    /// The store that made the entity.
    pub(crate) fn store(&self) -> StoreId {
        match self {
            Extern::Func(f) => f.0.store(),
            Extern::Table(t) => t.0.store(),
            Extern::Memory(m) => m.0.store(),
            Extern::Global(g) => g.0.store(),
            Extern::Tag(t) => t.0.store(),
        }
    }
}

/// The handle of a runtime address of the store `store`.
pub(crate) fn extern_from_rt(v: ExternVal, store: StoreId) -> Extern {
    match v {
        ExternVal::Func(f) => Extern::Func(Func(Stored::new(store, f))),
        ExternVal::Table(t) => Extern::Table(Table(Stored::new(store, t))),
        ExternVal::Memory(m) => Extern::Memory(Memory(Stored::new(store, m))),
        ExternVal::Global(g) => Extern::Global(Global(Stored::new(store, g))),
        ExternVal::Tag(t) => Extern::Tag(Tag(Stored::new(store, t))),
    }
}

/// An exception tag in a store. A `Copy` handle stamped with its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag(pub(crate) Stored<TagAddr>);

impl Tag {
    /// The tag's type: its payload is the function type's parameters.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] if the tag is of another store.
    pub fn ty(&self, store: &impl AsStore) -> Result<strata_ir::FuncType, Error> {
        let rt = store.rt();
        let addr = self.0.get(rt, "Tag")?;
        Ok(rt.sigs().get(rt.tag(addr).sig).clone())
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

fn type_mismatch(what: &str, expected: ValType, given: &RtVal) -> Error {
    Error::msg(
        ErrorKind::Type,
        format!(
            "{what}: expected a value of type {}, given {}",
            ValTypeText(expected),
            ValTypeText(val_type_of(given))
        ),
    )
}

/// A global in a store. A `Copy` handle stamped with its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Global(pub(crate) Stored<GlobalAddr>);

impl Global {
    /// A host global of type `ty` holding `value`.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] if `value` is not of type `ty.ty`;
    /// [`ErrorKind::Unsupported`] for concrete reference types;
    /// [`ErrorKind::WrongStore`] if `value` is a reference of another store.
    pub fn new(store: &mut impl AsStore, ty: GlobalType, value: Val) -> Result<Global, Error> {
        check_no_concrete(ty.ty, "global")?;
        let rt = store.rt_mut();
        let value = value
            .to_rt(rt.id())
            .map_err(|e| e.context("global initializer"))?;
        if !value_matches(rt, &value, ty.ty) {
            return Err(type_mismatch("global initializer", ty.ty, &value));
        }
        let addr = rt.push_global(GlobalEntity {
            ty,
            value: to_raw_wide(value),
        });
        Ok(Global(Stored::new(rt.id(), addr)))
    }

    /// The global's type.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] if the global is of another store (so for
    /// all methods below).
    pub fn ty(&self, store: &impl AsStore) -> Result<GlobalType, Error> {
        let rt = store.rt();
        Ok(rt.global(self.0.get(rt, "Global")?).ty)
    }

    /// The current value.
    pub fn get(&self, store: &impl AsStore) -> Result<Val, Error> {
        let rt = store.rt();
        let addr = self.0.get(rt, "Global")?;
        Ok(Val::from_rt(rt.global_value(addr), rt))
    }

    /// Set the value.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] if the global is immutable or `value` has the
    /// wrong type; [`ErrorKind::WrongStore`] if `value` is a reference of
    /// another store.
    pub fn set(&self, store: &mut impl AsStore, value: Val) -> Result<(), Error> {
        let rt = store.rt_mut();
        let addr = self.0.get(rt, "Global")?;
        let value = value.to_rt(rt.id()).map_err(|e| e.context("global.set"))?;
        let ty = rt.global(addr).ty;
        if !ty.mutable {
            return Err(Error::msg(
                ErrorKind::Type,
                "cannot set an immutable global",
            ));
        }
        if !value_matches(rt, &value, ty.ty) {
            return Err(type_mismatch("global.set", ty.ty, &value));
        }
        rt.global_mut(addr).value = to_raw_wide(value);
        Ok(())
    }
}

/// A table in a store (table32 or table64, as its type says). A `Copy`
/// handle stamped with its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table(pub(crate) Stored<TableAddr>);

impl Table {
    /// A host table of type `ty` with every element `init`, under the store's
    /// table cap.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] if `init` is not of the element type;
    /// [`ErrorKind::Resource`] if the minimum exceeds the cap;
    /// [`ErrorKind::Unsupported`] for concrete element types;
    /// [`ErrorKind::WrongStore`] if `init` is a reference of another store.
    pub fn new(store: &mut impl AsStore, ty: TableType, init: Val) -> Result<Table, Error> {
        let elem = ValType::Ref(ty.elem);
        check_no_concrete(elem, "table")?;
        let rt = store.rt_mut();
        let init = init
            .to_rt(rt.id())
            .map_err(|e| e.context("table initializer"))?;
        if !value_matches(rt, &init, elem) {
            return Err(type_mismatch("table initializer", elem, &init));
        }
        if rt.table_count() >= rt.config().max_tables {
            return Err(Error::msg(
                ErrorKind::Resource,
                format!("the store allows at most {} tables", rt.config().max_tables),
            ));
        }
        let table = TableEntity::new(ty, to_raw(init), rt.config().max_table_elements)
            .map_err(|e| Error::msg(ErrorKind::Resource, format!("host table: {e}")))?;
        let addr = rt.push_table(table);
        Ok(Table(Stored::new(rt.id(), addr)))
    }

    /// The table entity, if the handle is of `store`.
    fn entity<'s>(&self, store: &'s impl AsStore) -> Result<&'s TableEntity, Foreign> {
        let rt = store.rt();
        Ok(rt.table(self.0.get(rt, "Table")?))
    }

    /// The table's type, with its current size as minimum.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] if the table is of another store (so for
    /// all methods below).
    pub fn ty(&self, store: &impl AsStore) -> Result<TableType, Error> {
        Ok(self.entity(store)?.current_type())
    }

    /// Current size in elements.
    pub fn size(&self, store: &impl AsStore) -> Result<u64, Error> {
        Ok(self.entity(store)?.size())
    }

    /// The element at `index`, `None` if out of bounds.
    pub fn get(&self, store: &impl AsStore, index: u64) -> Result<Option<Val>, Error> {
        let t = self.entity(store)?;
        let Ok(raw) = t.get(index) else {
            return Ok(None);
        };
        let value = from_raw(raw, ValType::Ref(t.ty().elem));
        Ok(Some(Val::from_rt(value, store.rt())))
    }

    /// Set the element at `index`.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] for a value of the wrong type;
    /// [`ErrorKind::Trap`] (table out of bounds) for a bad index;
    /// [`ErrorKind::WrongStore`] if `value` is a reference of another store.
    pub fn set(&self, store: &mut impl AsStore, index: u64, value: Val) -> Result<(), Error> {
        let rt = store.rt_mut();
        let addr = self.0.get(rt, "Table")?;
        let value = value.to_rt(rt.id()).map_err(|e| e.context("table.set"))?;
        let elem = ValType::Ref(rt.table(addr).ty().elem);
        if !value_matches(rt, &value, elem) {
            return Err(type_mismatch("table.set", elem, &value));
        }
        rt.table_mut(addr)
            .set(index, to_raw(value))
            .map_err(|code| Error::from(strata_ir::Trap::new(code)))
    }

    /// Grow by `delta` elements set to `init`; returns the old size.
    ///
    /// # Errors
    /// [`ErrorKind::Type`] for an `init` of the wrong type;
    /// [`ErrorKind::Resource`] if the growth is refused;
    /// [`ErrorKind::WrongStore`] if `init` is a reference of another store.
    pub fn grow(&self, store: &mut impl AsStore, delta: u64, init: Val) -> Result<u64, Error> {
        let rt = store.rt_mut();
        let addr = self.0.get(rt, "Table")?;
        let init = init.to_rt(rt.id()).map_err(|e| e.context("table.grow"))?;
        let elem = ValType::Ref(rt.table(addr).ty().elem);
        if !value_matches(rt, &init, elem) {
            return Err(type_mismatch("table.grow", elem, &init));
        }
        let table = rt.table(addr);
        let (size, max) = (table.size(), table.ty().limits.max);
        let cap = rt.config().max_table_elements;
        rt.grow_table(addr, delta, to_raw(init)).ok_or_else(|| {
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
