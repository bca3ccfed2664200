//! Strata's interpreter tier: a register-based interpreter.
//!
//! [`Interp`] translates each validated function body once, in a single pass,
//! into register bytecode ([`bytecode`]): instructions name frame slots, and no
//! operand stack exists at run time. The executor ([`exec`]) runs frames on one
//! contiguous slot stack, with callee frames overlapping the caller's argument
//! slots, and an explicit frame stack, so deep wasm recursion never grows the
//! host stack and traps with "call stack exhausted" at the configured depth.
//! Only entries into wasm from Rust (a host function or another tier's code
//! calling back into the interpreter) nest on the host stack; each is checked
//! against the thread's native stack limit ([`strata_runtime::native_stack`])
//! and refused below it with the same trap.
//!
//! Memory accesses are width-specific instructions (`LoadM32`, `LoadM64`, ...)
//! chosen at translation time and served by one handler generic over
//! [`strata_ir::Address`], so memory32 code pays nothing for memory64.
//! After translation, compare-and-branches and the common memory-0 accesses
//! are rewritten into one variant per comparison or access kind
//! ([`bytecode::Instr::specialize`]), so each costs a single dispatch.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod bytecode;
mod code;
mod exec;
mod translate;
pub mod vector;

use std::sync::Arc;

use strata_ir::{FuncIdx, ValidModule};
use strata_runtime::{CompileError, CompiledModule, Tier};

pub use code::{CompiledFunc, InterpModule};

/// The interpreter tier.
#[derive(Debug, Clone, Default)]
pub struct Interp {
    _config: InterpConfig,
}

/// Settings of the interpreter tier.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct InterpConfig {}

impl Interp {
    /// An interpreter with the given settings.
    pub fn new(config: InterpConfig) -> Self {
        Self { _config: config }
    }
}

impl Tier for Interp {
    fn name(&self) -> &'static str {
        "interp"
    }

    fn compile(&self, module: &ValidModule) -> Result<Arc<dyn CompiledModule>, CompileError> {
        let stride = if module.uses_simd() { 2 } else { 1 };
        let mut funcs = Vec::with_capacity(module.bodies.len());
        for (i, body) in module.bodies.iter().enumerate() {
            let func = FuncIdx(module.num_imported_funcs + i as u32);
            funcs.push(translate::translate_function(module, func, body, stride)?);
        }
        Ok(Arc::new(InterpModule {
            module: module.arc().clone(),
            funcs,
            stride,
        }))
    }
}
