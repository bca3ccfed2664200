//! The Strata embedding API: compile WebAssembly modules, instantiate them in
//! a store, link them with each other and with host functions, and call them.
//!
//! The shapes follow the usual embedding APIs (wasmtime, wasmi):
//!
//! - an [`Engine`] (built from a [`Config`]) owns the execution tier and the
//!   limits; it is cheap to clone and shared across threads;
//! - a [`Module`] is a loaded, validated and compiled module (binary or text);
//! - a [`Store`] owns every runtime entity — functions, memories, tables,
//!   globals, instances — together with the embedder's data `T`;
//! - [`Func`], [`Memory`], [`Table`], [`Global`], [`Tag`] and [`Instance`]
//!   are `Copy` handles into a store, stamped with its [`StoreId`], as are
//!   the references inside a [`Val`]: used with another store they fail with
//!   [`ErrorKind::WrongStore`] (one integer compare per call), never touching
//!   an entity of that store;
//! - a [`Linker`] resolves a module's imports by name.
//!
//! Memories and tables keep their index width (`i32` or `i64`, memory64 and
//! table64) as part of their type; nothing in this API truncates an address.
//!
//! # Guest addresses and width-generic host functions
//!
//! Every memory is addressed by a [`GuestAddr`] (a `u64` inside); lengths are
//! [`GuestSize`]s. [`Memory::read`], [`Memory::write`], [`Memory::slice`] and
//! [`Memory::slice_mut`] check `address + length` for overflow and against the
//! current size, and fail with a typed [`MemoryAccessError`].
//!
//! A host function defined with [`Linker::func_wrap`] may take `GuestAddr`
//! and `GuestSize` parameters: a memory32 module imports them as `i32`, a
//! memory64 module as `i64`, and the address resolves against the calling
//! instance's memory ([`Caller::memory`]). [`Func::typed`] gives a
//! [`TypedFunc`] whose Rust types are checked once.
//!
//! # Limits and interruption
//!
//! [`StoreLimits`] caps memory bytes (per memory and in total), table
//! elements and entity counts; a module over a limit fails to instantiate
//! with the limit named, and growth past one returns -1 to wasm (a
//! [`GrowError`] to the host). [`Store::interrupt_handle`] stops a running
//! guest from another thread ([`Watchdog`] does it after a timeout);
//! [`Store::set_fuel`] meters it. Both trap with
//! their own [`TrapCode`]. [`StoreLimits::exceptions`] bounds the exception
//! objects alive at once (a `throw` past it traps).
//!
//! # Exceptions
//!
//! A wasm exception crosses host functions and tiers: a host function
//! throws one with [`Tag::throw`] or [`ExnRef::to_trap`], propagates a
//! nested call's exception by returning its error, and an exception no
//! handler caught reaches the embedder with its payload
//! ([`Error::exception`]).
//!
//! # Embedder-supplied memory
//!
//! [`Config::memory_creator`] installs a [`MemoryCreator`] that supplies the
//! backing ([`MemoryBacking`], an `unsafe trait`: compiled code uses its base
//! pointer directly) of every linear memory of the engine's stores. The
//! runtime still owns the layout, the limits and every bounds check; a
//! creator's refusal is an error naming the memory
//! ([`Error::memory_error`]), a backing's refusal to grow is -1 to wasm.
//! See `examples/custom_memory`.
//!
//! # Example
//!
//! ```
//! use strata_api::{Engine, Func, FuncType, Linker, Module, Store, Val, ValType};
//!
//! # fn main() -> Result<(), strata_api::Error> {
//! let engine = Engine::default();
//! let module = Module::new(
//!     &engine,
//!     r#"(module
//!          (import "host" "double" (func $double (param i32) (result i32)))
//!          (func (export "quadruple") (param i32) (result i32)
//!            (call $double (call $double (local.get 0)))))"#,
//! )?;
//! let mut store = Store::new(&engine, 0u32);
//! let double = Func::new(
//!     &mut store,
//!     FuncType::new([ValType::I32], [ValType::I32]),
//!     |mut caller, args, results| {
//!         *caller.data_mut() += 1;
//!         results[0] = Val::I32(args[0].i32().unwrap_or(0) * 2);
//!         Ok(())
//!     },
//! );
//! let mut linker = Linker::new(&engine);
//! linker.define("host", "double", double)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let quadruple = instance.get_func(&store, "quadruple").expect("exported");
//! assert_eq!(quadruple.call(&mut store, &[Val::I32(5)])?, [Val::I32(20)]);
//! assert_eq!(*store.data(), 2);
//! # Ok(())
//! # }
//! ```
//!
//! # Cargo features
//!
//! | feature  | default | enables                                              |
//! |----------|---------|------------------------------------------------------|
//! | `interp` | yes     | the interpreter tier, used when no tier is configured |
//! | `jit`    | no      | the baseline JIT tier (`Jit`, x86-64), set with [`Config::tier`] |
//! | `aot`    | no      | the AOT tier on Cranelift (`Aot`), set with [`Config::tier`]; artifacts (`Engine::precompile_module`, `Module::deserialize`, `Module::deserialize_trusted`, keys and signatures in `artifact`) |
//! | `plugins` | no     | `Config::load_tier`: tiers loaded from plugin libraries at run time |
//!
//! Without a built-in tier, a tier must be given with [`Config::tier`].
// `unsafe` is denied, and allowed by name in two places: the tier-plugin
// descriptor and loader (`plugin`: opening a library runs its code), and,
// with the `aot` feature, the `unsafe fn`s that load an artifact
// (`Module::deserialize` and `deserialize_trusted`: loading an artifact runs
// its code). Both are trust decisions left to the caller.
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod engine;
pub mod errors;
mod exn;
mod externals;
mod func;
mod guest;
mod handle;
mod host;
mod instance;
mod limits;
mod linker;
mod memory;
mod module;
mod plugin;
mod store;
pub mod tier;
mod typed;
mod types;
mod val;
mod watchdog;

pub use config::Config;
pub use engine::Engine;
pub use errors::{Error, ErrorKind};
pub use externals::{Extern, Global, Table, Tag};
pub use func::{Caller, Func};
pub use guest::{GuestAddr, GuestSize};
pub use host::{HostReturn, IntoHostFunc};
pub use instance::Instance;
pub use limits::StoreLimits;
pub use linker::Linker;
pub use memory::{GrowError, Memory, MemoryAccessError};
pub use module::{ExportType, ImportType, Module};
pub use store::{AsStore, Store};
/// Embedder-supplied linear memory, installed with [`Config::memory_creator`].
pub use strata_runtime::{
    BackingError, DefaultMemoryCreator, MemoryBacking, MemoryCreator, MemoryError, MemoryRequest,
};
pub use strata_runtime::{InterruptHandle, StoreId};
pub use typed::{HostFuncType, HostValType, TypedFunc, WasmList, WasmTy};
pub use types::ExternType;
pub use val::{AnyRef, ExnRef, ExternRef, Val};
pub use watchdog::Watchdog;

/// Artifacts of the AOT tier: their checks, keys and signatures.
#[cfg(feature = "aot")]
pub use strata_aot::artifact;
#[cfg(feature = "aot")]
pub use strata_aot::{Aot, AotModule, ArtifactError, ArtifactPolicy};
/// The interpreter tier (the default).
#[cfg(feature = "interp")]
pub use strata_interp::Interp;
pub use strata_ir::{
    ExternAddr, ExternKind, Features, FuncAddr, FuncType, GlobalType, HeapType, IndexType, Limits,
    MemoryType, RefType, TableType, Trap, TrapCode, TrapFrame, ValType,
};
/// The baseline JIT tier (x86-64; elsewhere it refuses to compile).
#[cfg(feature = "jit")]
pub use strata_jit::{Jit, JitConfig};
/// The tier contract, for embedders that supply their own execution tier.
pub use strata_runtime::{CompileError, CompiledModule, Tier};
