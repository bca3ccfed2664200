//! [`Instance`]: an instantiated module in a store, and its exports.
//!
//! Instantiation follows the spec's order (imports checked, entities
//! allocated, segments applied, start function run) in
//! `strata_runtime::instantiate`; this module only maps handles and errors.

use strata_runtime::instantiate::instantiate;
use strata_runtime::InstanceAddr;

use crate::errors::Error;
use crate::externals::{extern_from_rt, Extern, Global, Memory, Table};
use crate::func::Func;
use crate::module::Module;
use crate::store::AsStore;

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
        let rt = store.rt_mut();
        let imports: Vec<_> = imports.iter().map(|e| e.to_rt()).collect();
        let addr = instantiate(rt, module.ir(), module.code().clone(), &imports)?;
        Ok(Instance(addr))
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
