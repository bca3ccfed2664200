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
//! - [`Func`], [`Memory`], [`Table`], [`Global`] and [`Instance`] are `Copy`
//!   handles into a store: they are only meaningful with the store that made
//!   them;
//! - a [`Linker`] resolves a module's imports by name.
//!
//! Memories and tables keep their index width (`i32` or `i64`, memory64 and
//! table64) as part of their type; nothing in this API truncates an address.
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
//!
//! Without a built-in tier, a tier must be given with [`Config::tier`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod engine;
pub mod errors;
mod externals;
mod func;
mod instance;
mod linker;
mod module;
mod store;
mod types;

pub use config::Config;
pub use engine::Engine;
pub use errors::{Error, ErrorKind};
pub use externals::{Extern, Global, Memory, MemoryAccessError, Table};
pub use func::{Caller, Func};
pub use instance::Instance;
pub use linker::Linker;
pub use module::{ExportType, ImportType, Module};
pub use store::{AsStore, Store};
pub use types::ExternType;

pub use strata_ir::{
    ExternAddr, ExternKind, Features, FuncAddr, FuncType, GlobalType, HeapType, IndexType, Limits,
    MemoryType, RefType, TableType, Trap, TrapCode, Val, ValType,
};
/// The tier contract, for embedders that supply their own execution tier.
pub use strata_runtime::{CompileError, CompiledModule, Tier};
