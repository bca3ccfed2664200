//! [`Instance`]: an instantiated module in a store, and its exports.
//!
//! Instantiation follows the spec's order (imports checked, entities
//! allocated, segments applied, start function run) in
//! `strata_runtime::instantiate`; this module only maps handles and errors.

use strata_runtime::instantiate::instantiate;
use strata_runtime::{ExternVal, InstanceAddr, InstantiationError, LinkError, LinkErrorKind};

use crate::errors::{Error, ErrorKind};
use crate::externals::{extern_from_rt, Extern, Global, Table};
use crate::func::Func;
use crate::memory::Memory;
use crate::module::Module;
use crate::store::AsStore;
use crate::typed::{TypedFunc, WasmList};

/// An instance of a module in a store. A `Copy` handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instance(pub(crate) InstanceAddr);

impl Instance {
    /// Instantiate `module` with `imports` given in the module's import
    /// order, then run its start function.
    ///
    /// # Errors
    /// [`ErrorKind::Link`](crate::ErrorKind::Link) for a missing or mismatched import (the message
    /// names it); [`ErrorKind::Resource`](crate::ErrorKind::Resource) for a memory or table over the
    /// caps (the message names the cap and the requested size);
    /// [`ErrorKind::Trap`](crate::ErrorKind::Trap) if a segment is out of bounds or the start
    /// function traps — the entities created up to then stay in the store,
    /// as the spec requires.
    pub fn new(
        store: &mut impl AsStore,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Self, Error> {
        let rt_imports: Vec<_> = imports.iter().map(|e| e.to_rt()).collect();
        if let Some(i) = rt_imports.iter().position(|e| !in_store(store.rt(), *e)) {
            return Err(Error::msg(
                ErrorKind::Type,
                format!(
                    "import {i}: the given {} is not from this store",
                    rt_imports[i].kind()
                ),
            ));
        }
        let rt = store.rt_mut();
        match instantiate(rt, module.ir(), module.code().clone(), &rt_imports) {
            Ok(addr) => Ok(Instance(addr)),
            Err(InstantiationError::Link(e)) => Err(readable_link_error(store, module, imports, e)),
            Err(e) => Err(e.into()),
        }
    }

    /// The function export `name` as a [`TypedFunc`], its type checked
    /// against `P` and `R` (see [`Func::typed`]).
    ///
    /// # Errors
    /// [`ErrorKind::Type`](crate::ErrorKind::Type) if there is no such
    /// function export or its type differs (the message names both types).
    pub fn get_typed_func<P: WasmList, R: WasmList>(
        &self,
        store: &impl AsStore,
        name: &str,
    ) -> Result<TypedFunc<P, R>, Error> {
        let Some(func) = self.get_func(store, name) else {
            return Err(Error::msg(
                ErrorKind::Type,
                format!("the instance has no function export `{name}`"),
            ));
        };
        func.typed(store)
    }

    /// The export `name`, if there is one.
    pub fn get_export(&self, store: &impl AsStore, name: &str) -> Option<Extern> {
        let inst = store.rt().instances.get(self.0.index())?;
        inst.export(name).map(extern_from_rt)
    }

    /// The function export `name`.
    pub fn get_func(&self, store: &impl AsStore, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The global export `name`.
    pub fn get_global(&self, store: &impl AsStore, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// The memory export `name`.
    pub fn get_memory(&self, store: &impl AsStore, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The table export `name`.
    pub fn get_table(&self, store: &impl AsStore, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    /// All exports, in declaration order, with their names.
    pub fn exports<'s>(
        &self,
        store: &'s impl AsStore,
    ) -> impl Iterator<Item = (&'s str, Extern)> + 's {
        let inst = store.rt().instances.get(self.0.index());
        inst.into_iter().flat_map(move |inst| {
            inst.module
                .exports
                .iter()
                .filter_map(move |e| Some((e.name.as_str(), extern_from_rt(inst.export(&e.name)?))))
        })
    }

    /// The store address.
    pub fn addr(&self) -> InstanceAddr {
        self.0
    }
}

/// The runtime's type mismatch, restated in text-format types: the import's
/// type as the module declares it and the given entity's current type.
fn readable_link_error(
    store: &impl AsStore,
    module: &Module,
    imports: &[Extern],
    mut e: LinkError,
) -> Error {
    if let LinkErrorKind::IncompatibleImportType { expected, actual } = &mut e.error {
        let found = module
            .imports()
            .zip(imports)
            .find(|(i, _)| i.module() == e.module && i.name() == e.name);
        if let Some((import, given)) = found {
            *expected = import.ty().to_string();
            *actual = given.ty(store).to_string();
        }
    }
    e.into()
}

/// Whether `e` addresses an entity of `rt`.
fn in_store(rt: &strata_runtime::Store, e: ExternVal) -> bool {
    match e {
        ExternVal::Func(f) => f.index() < rt.funcs.len(),
        ExternVal::Table(t) => t.index() < rt.tables.len(),
        ExternVal::Memory(m) => m.index() < rt.memories.len(),
        ExternVal::Global(g) => g.index() < rt.globals.len(),
        ExternVal::Tag(t) => t.index() < rt.tags.len(),
    }
}
