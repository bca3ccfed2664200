//! The validated, tier-neutral module IR of Strata, and the small set of runtime
//! contracts (values, traps, index widths) that every execution tier shares.
//!
//! A [`Module`] is produced by `strata-loader` after full validation, as a
//! [`ValidModule`] (the type that proves it). Every tier —
//! the interpreter, the baseline JIT, the AOT compiler, or a third-party tier —
//! compiles from it without validating again. The invariants a tier may rely on
//! are written down on the types themselves, most importantly on [`op::Op`] and
//! [`module::FuncBody`]:
//!
//! - function bodies contain no unreachable code: after an unconditional control
//!   transfer (`br`, `br_table`, `return`, `unreachable`, `return_call*`) the next
//!   op is the `else` or `end` that closes the enclosing block;
//! - every branch target and block end is pre-resolved to an op index;
//! - a memory access on a 32-bit memory has `offset <= u32::MAX`;
//! - every index names an entity that exists and has the type the op needs.
//!
//! No type of `wasmparser` appears in this crate's API, so a parser upgrade never
//! breaks a tier.
// `unsafe` appears once, on `ValidModule::new_unchecked`: a declaration of
// trust, with no unsafe block.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod features;
pub mod index;
pub mod module;
mod num_ops;
pub mod numeric;
pub mod op;
pub mod rt;
pub mod simd;
mod simd_ops;
pub mod types;
pub mod valid;

pub use features::Features;
pub use index::*;
pub use module::*;
pub use op::*;
pub use rt::*;
pub use types::*;
pub use valid::ValidModule;
