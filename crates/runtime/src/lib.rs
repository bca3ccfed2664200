//! Strata's shared runtime: the store and everything in it (functions, linear
//! memories, tables, globals, segments, instances), instantiation, and the
//! [`Tier`] contract through which execution tiers plug in.
//!
//! Every tier — the interpreter, the baseline JIT, the AOT tier, or one written
//! outside this workspace — compiles a [`strata_ir::Module`] into a
//! [`CompiledModule`] and executes against a [`Store`]. The store owns all
//! runtime state; tiers own only their code. Values inside the store are kept in
//! their raw 64-bit slot form (see [`value`]).
//!
//! `unsafe` is denied here except in [`memory`]'s `mmap` module, which reserves
//! and commits virtual memory, its `backing` module, which declares the
//! `unsafe` contract of embedder-supplied memory ([`MemoryBacking`]) and
//! turns a backing's base pointer into slices, and [`native_stack`], which
//! reads the bounds of the thread's stack.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod addr;
pub mod config;
pub mod const_eval;
pub mod error;
pub mod exceptions;
pub mod instantiate;
pub mod memory;
#[allow(unsafe_code)]
pub mod native_stack;
pub mod rows;
pub mod signature;
pub mod store;
pub mod table;
pub mod tier;
pub mod value;

pub use addr::*;
pub use config::StoreConfig;
pub use error::{InstantiationError, LinkError, LinkErrorKind};
pub use memory::{
    BackingError, DefaultMemoryCreator, MemoryBacking, MemoryConfig, MemoryCreator, MemoryError,
    MemoryInstance, MemoryRequest, RawMemory,
};
pub use signature::{SigId, SigRegistry};
pub use store::*;
pub use table::{TableEntity, TableError};
pub use tier::{AsAny, CompileError, CompiledModule, Entry, Tier};
