//! The contract between the store and an execution tier.
//!
//! A [`Tier`] compiles a [`ValidModule`] into a [`CompiledModule`]; the
//! store keeps one per instance and asks it to run that instance's functions.
//! The traits are object-safe so an engine can hold `Arc<dyn Tier>` and a
//! third-party crate can supply its own tier.

use std::any::Any;
use std::sync::Arc;

use strata_ir::{FuncIdx, Module, Trap, Val, ValidModule};

use crate::addr::{FuncAddr, InstanceAddr};
use crate::native_stack;
use crate::signature::SigId;
use crate::store::{Store, WasmFunc};

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
///
/// Tiers compile only [`ValidModule`]s, which the loader makes; a module
/// built by hand is no `ValidModule` (making one from it takes `unsafe`):
///
/// ```compile_fail
/// fn compile(tier: &dyn strata_runtime::Tier, module: std::sync::Arc<strata_ir::Module>) {
///     let _ = tier.compile(&module);
/// }
/// ```
pub trait Tier: Send + Sync + 'static {
    /// Short name (`interp`, `jit`, `aot`, ...).
    fn name(&self) -> &'static str;

    /// Compile a validated module. Every function must compile; a tier that
    /// does not implement an operator returns a [`CompileError`] naming it.
    fn compile(&self, module: &ValidModule) -> Result<Arc<dyn CompiledModule>, CompileError>;
}

/// Downcasting, so a tier can recognise its own modules (for example to
/// call between instances without leaving its execution loop). Every
/// [`CompiledModule`] has it; tiers do not implement it.
pub trait AsAny {
    /// `self` as `Any`.
    fn as_any(&self) -> &dyn Any;
}

impl<T: CompiledModule> AsAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A module compiled by some tier, shared by all its instances.
pub trait CompiledModule: AsAny + Send + Sync + 'static {
    /// The module this was compiled from.
    fn module(&self) -> &Arc<Module>;

    /// Run the wasm function `func` (which belongs to an instance of this
    /// module) with arguments already checked against its type, and write its
    /// results. [`Entry::new`] does what every implementation does first.
    /// Callers go through [`Store::invoke`], never here directly: it checks
    /// the arguments, knows when no wasm frame is live (when it may
    /// reclaim unreachable exceptions), and restores the call depth however
    /// this returns.
    ///
    /// The implementation must, for every wasm frame it runs: count it with
    /// [`Store::enter_call`]/[`Store::leave_call`]; call
    /// `store.interrupt_mut().check()` at function entry and loop headers
    /// (fuel and interruption); call what it does not run itself (host
    /// functions, other tiers' modules) with [`Store::call_from`], which
    /// gives host functions their caller; and on a trap append one
    /// [`strata_ir::TrapFrame`] per live frame, innermost first.
    fn invoke(
        &self,
        store: &mut Store,
        func: FuncAddr,
        args: &[Val],
        results: &mut Vec<Val>,
    ) -> Result<(), Trap>;
}

/// What a [`CompiledModule::invoke`] needs to know before it runs anything:
/// the function, its instance, its index among the module's defined
/// functions, and the thread's native stack limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The function's canonical signature.
    pub sig: SigId,
    /// Its instance.
    pub instance: InstanceAddr,
    /// Its index in the module's function index space.
    pub index: FuncIdx,
    /// Its index among the module's defined (not imported) functions.
    pub defined: usize,
    /// The lowest address the native stack may reach
    /// ([`native_stack::check`]).
    pub stack_limit: usize,
}

impl Entry {
    /// Check an entry into `module`'s code for `func`, by the tier named
    /// `tier`: the native stack has room (an entry already below the
    /// thread's limit traps with "call stack exhausted"), and `func` is a
    /// wasm function defined by `module`.
    ///
    /// # Errors
    /// The stack trap, or a host trap naming the tier if `func` is unknown,
    /// a host function, or an import of the module.
    pub fn new(store: &Store, func: FuncAddr, module: &Module, tier: &str) -> Result<Self, Trap> {
        let stack_limit = native_stack::check()?;
        let WasmFunc {
            sig,
            instance,
            index,
        } = store.wasm_func(func, tier)?;
        let defined = index
            .0
            .checked_sub(module.num_imported_funcs)
            .ok_or_else(|| {
                Trap::host(format!(
                    "the {tier} tier was asked to run function {index}, an import"
                ))
            })? as usize;
        Ok(Entry {
            sig,
            instance,
            index,
            defined,
            stack_limit,
        })
    }
}
