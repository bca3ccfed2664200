//! The tier SDK: everything an execution tier written outside this
//! workspace implements and calls, under names that do not clash with the
//! embedding API (`RuntimeStore` is the store a tier runs against,
//! `IrModule` the module it compiles; [`crate::Store`] and
//! [`crate::Module`] are the embedder's).
//!
//! A tier implements [`Tier`] (compile a [`ValidModule`]) and
//! [`CompiledModule`] (run one of its functions), and is used with
//! [`Config::tier`](crate::Config::tier), or built as a plugin with
//! [`export_tier!`](crate::export_tier) and loaded at run time (the
//! `plugins` feature: `Config::load_tier`). `docs/writing-a-tier.md` is the
//! guide; in short, what the runtime does and what the tier must do:
//!
//! - **Entry.** [`RuntimeStore::invoke`] is the only caller of
//!   [`CompiledModule::invoke`]: it has checked the arguments against the
//!   function's type. The tier's `invoke` starts with [`Entry::new`], which
//!   checks the native stack and finds the function's instance and index.
//! - **Call depth, fuel, interruption.** For every wasm frame it pushes the
//!   tier calls [`RuntimeStore::enter_call`] (the configured maximum depth
//!   traps with "call stack exhausted") and [`RuntimeStore::leave_call`] when
//!   it pops it, and at every function entry and loop header
//!   `store.interrupt_mut().check()` (fuel and [`crate::InterruptHandle`]).
//!   On a trap it restores the depth it found at entry
//!   ([`RuntimeStore::set_call_depth`]).
//! - **Calls it does not run itself** (host functions, imports from other
//!   instances, functions of another tier's module) go through
//!   [`RuntimeStore::call_from`], which gives a host function its calling
//!   instance (its memory, for width-generic host functions), counts the
//!   call and runs wasm on the callee's own tier. [`AsAny::as_any`]
//!   is implemented for every type already; a tier may downcast a callee's
//!   module to its own type to call it without leaving its loop.
//! - **Traps** carry a backtrace: the tier appends one [`TrapFrame`] per
//!   live frame, innermost first ([`IrModule::defined_func_frame`]).
//! - **Values** travel as raw 64-bit slots ([`value`]: a `v128` takes
//!   two); a tier whose frames give every value the same number of slots
//!   (two where SIMD is used, as the interpreter and the JIT do) converts
//!   at its frame edges with [`rows`].
//! - **Memory** is the store's [`MemoryInstance`]: its length is the bound
//!   of every access (the [`bounds_plan`](strata_runtime::memory) says how
//!   compiled code may elide checks), and bulk operations, `grow`, tables and
//!   exceptions are [`RuntimeStore`] methods.
//!
//! The IR itself is [`ir`]: [`ir::Op`] is the operator stream of a
//! function body, with the invariants the loader guarantees written on it.

pub use strata_ir as ir;
pub use strata_ir::{Module as IrModule, Trap, TrapCode, TrapFrame, ValidModule};
pub use strata_runtime::native_stack;
pub use strata_runtime::rows;
pub use strata_runtime::value;
pub use strata_runtime::{
    AsAny, CompileError, CompiledModule, Entry, FuncEntity, FuncKind, HostContext, HostFunc,
    Interrupt, MemoryInstance, SigId, Store as RuntimeStore, Tier,
};
pub use strata_runtime::{
    DataAddr, ElemAddr, ExnAddr, ExternAddr, FuncAddr, GlobalAddr, InstanceAddr, MemAddr,
    TableAddr, TagAddr,
};

pub use crate::plugin::{
    plugin_box, PluginDescriptor, PLUGIN_ABI_VERSION, PLUGIN_ENTRY_SYMBOL, RUSTC_VERSION,
    STRATA_VERSION, TARGET,
};
