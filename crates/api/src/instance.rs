//! [`Instance`]: an instantiated module in a store, and its exports.
//!
//! Instantiation follows the spec's order (imports checked, entities
//! allocated, segments applied, start function run) in
//! `strata_runtime::instantiate`; this module only maps handles and errors.
//! Every import must be of the store the module is instantiated in.

use strata_runtime::instantiate::instantiate;
use strata_runtime::{InstanceAddr, InstantiationError, LinkError, LinkErrorKind};

use crate::errors::{Error, ErrorKind};
use crate::externals::{extern_from_rt, Extern, Global, Table};
use crate::func::Func;
use crate::handle::Stored;
use crate::memory::Memory;
use crate::module::Module;
use crate::store::AsStore;
use crate::typed::{TypedFunc, WasmList};

/// An instance of a module in a store. A `Copy` handle stamped with its
/// store: with another store it has no exports, and the methods that can
/// fail return [`ErrorKind::WrongStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instance(pub(crate) Stored<InstanceAddr>);

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
    /// as the spec requires; [`ErrorKind::WrongStore`] if an import is of
    /// another store (the message names the import), before anything is
    /// created.
    pub fn new(
        store: &mut impl AsStore,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Self, Error> {
        let id = store.rt().id();
        let mut rt_imports = Vec::with_capacity(imports.len());
        for (i, import) in imports.iter().enumerate() {
            match import.to_rt(id) {
                Ok(e) => rt_imports.push(e),
                Err(e) => return Err(e.context(import_text(module, i))),
            }
        }
        let rt = store.rt_mut();
        match instantiate(rt, module.ir().arc(), module.code().clone(), &rt_imports) {
            Ok(addr) => Ok(Instance(Stored::new(id, addr))),
            Err(InstantiationError::Link(e)) => Err(readable_link_error(store, module, imports, e)),
            Err(e) => Err(e.into()),
        }
    }

    /// The function export `name` as a [`TypedFunc`], its type checked
    /// against `P` and `R` (see [`Func::typed`]).
    ///
    /// # Errors
    /// [`ErrorKind::MissingExport`] if there is no export `name`;
    /// [`ErrorKind::Type`](crate::ErrorKind::Type) if it is not a function
    /// or its type differs (the message names both types);
    /// [`ErrorKind::WrongStore`] if the instance is of another store.
    pub fn get_typed_func<P: WasmList, R: WasmList>(
        &self,
        store: &impl AsStore,
        name: &str,
    ) -> Result<TypedFunc<P, R>, Error> {
        self.0.get(store.rt(), "Instance")?;
        let func = match self.get_export(store, name) {
            Some(Extern::Func(func)) => func,
            Some(other) => {
                return Err(Error::msg(
                    ErrorKind::Type,
                    format!(
                        "the instance's export `{name}` is a {}, not a function",
                        other.kind()
                    ),
                ))
            }
            None => {
                return Err(Error::msg(
                    ErrorKind::MissingExport,
                    format!("the instance has no export `{name}`"),
                ))
            }
        };
        func.typed(store)
    }

    /// The export `name`, if there is one; `None` also if the instance is of
    /// another store, which has no such instance (so nothing of that store
    /// is ever returned). [`Instance::get_typed_func`] and
    /// [`Linker::instance`](crate::Linker::instance) report that case as
    /// [`ErrorKind::WrongStore`].
    pub fn get_export(&self, store: &impl AsStore, name: &str) -> Option<Extern> {
        let rt = store.rt();
        let addr = self.0.get(rt, "Instance").ok()?;
        let inst = rt.get_instance(addr)?;
        inst.export(name).map(|e| extern_from_rt(e, rt.id()))
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

    /// All exports, in declaration order, with their names (none if the
    /// instance is of another store, as for [`Instance::get_export`]).
    pub fn exports<'s>(
        &self,
        store: &'s impl AsStore,
    ) -> impl Iterator<Item = (&'s str, Extern)> + 's {
        let rt = store.rt();
        let id = rt.id();
        let inst = self
            .0
            .get(rt, "Instance")
            .ok()
            .and_then(|addr| rt.get_instance(addr));
        inst.into_iter().flat_map(move |inst| {
            inst.module.exports.iter().filter_map(move |e| {
                Some((e.name.as_str(), extern_from_rt(inst.export(&e.name)?, id)))
            })
        })
    }

    /// The address in its store.
    pub fn addr(&self) -> InstanceAddr {
        self.0.addr()
    }
}

/// `import 2 (env.f)`: an import of `module` by position, for messages.
fn import_text(module: &Module, index: usize) -> String {
    match module.imports().nth(index) {
        Some(i) => format!("import {index} ({}.{})", i.module(), i.name()),
        None => format!("import {index}"),
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
        if let Some((import, Ok(given))) = found.map(|(i, g)| (i, g.ty(store))) {
            *expected = import.ty().to_string();
            *actual = given.to_string();
        }
    }
    e.into()
}
