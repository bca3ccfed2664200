//! The contract between the store and an execution tier.
//!
//! A [`Tier`] compiles a validated [`Module`] into a [`CompiledModule`]; the
//! store keeps one per instance and asks it to run that instance's functions.
//! The traits are object-safe so an engine can hold `Arc<dyn Tier>` and a
//! third-party crate can supply its own tier.

use std::any::Any;
use std::sync::Arc;

use strata_ir::{FuncIdx, Module, Trap, Val};

use crate::addr::FuncAddr;
use crate::store::Store;

/// Why a tier could not compile a module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}compile error{}: {message}", .func.map_or(String::new(), |f| format!("function {f}: ")), .offset.map_or(String::new(), |o| format!(" at offset {o:#x}")))]
pub struct CompileError {
    /// The function being compiled, if the error is about one.
    pub func: Option<FuncIdx>,
    /// Byte offset in the module, where known.
    pub offset: Option<u32>,
    /// What went wrong (for an unsupported operator: its name).
    pub message: String,
}

/// An execution tier.
pub trait Tier: Send + Sync + 'static {
    /// Short name (`interp`, `jit`, `aot`, ...).
    fn name(&self) -> &'static str;

    /// Compile a validated module. Every function must compile; a tier that
    /// does not implement an operator returns a [`CompileError`] naming it.
    fn compile(&self, module: &Arc<Module>) -> Result<Arc<dyn CompiledModule>, CompileError>;
}

/// A module compiled by some tier, shared by all its instances.
pub trait CompiledModule: Send + Sync + 'static {
    /// The module this was compiled from.
    fn module(&self) -> &Arc<Module>;

    /// Downcasting, so a tier can recognise its own modules (for example to
    /// call between instances without leaving its execution loop).
    fn as_any(&self) -> &dyn Any;

    /// Run the wasm function `func` (which belongs to an instance of this
    /// module) with arguments already checked against its type, and write its
    /// results.
    fn invoke(
        &self,
        store: &mut Store,
        func: FuncAddr,
        args: &[Val],
        results: &mut Vec<Val>,
    ) -> Result<(), Trap>;
}
