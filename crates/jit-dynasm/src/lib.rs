//! Strata's baseline JIT tier: a single-pass compiler from the IR to x86-64
//! machine code on `dynasmrt`.
//!
//! [`Jit`] compiles every function of a module in one forward walk over its
//! ops ([`codegen`]), into one executable buffer per module ([`code`]: W^X,
//! unmapped with the module). The frame layout is the interpreter's
//! (`[params | locals | operands]` on a slot stack), so the code generator
//! knows every operand's slot at compile time and emits straight-line
//! machine code for it, with no IR rebuilding.
//!
//! - **Memory**: both widths from the same generator, with an explicit
//!   64-bit bounds check per access, the one the runtime's shared bounds
//!   plan (`strata_runtime::memory::bounds_plan`) chooses, lowered by
//!   `x64::bounds`; no address wraps. Accesses are masked against
//!   speculation past the check unless [`JitConfig::spectre_hardening`] is
//!   off. Memory 0's base and length live in registers.
//! - **Traps** return a status through every frame (no signals, no
//!   unwinding through Rust); the entry turns it into a [`strata_ir::Trap`]
//!   with the interpreter's codes and messages. Stack exhaustion is checked
//!   in each prologue (call depth, slot stack and native stack).
//! - **Calls** within a module are direct; host functions, other
//!   instances, `call_indirect` and `call_ref` resolve through helpers
//!   ([`helpers`]). Tail calls jump after moving the arguments. Exceptions
//!   travel as a status, caught by per-`try_table` dispatch code.
//! - **SIMD**: a module that uses SIMD gets two slots per position, so a
//!   `v128` fits every local and operand; the operators are SSE4.1 (checked
//!   at compile time: a host without it gets a [`CompileError`]), the rest
//!   run in a helper on the interpreter's semantics (`strata_ir::simd`).
//! - **Architectures**: the generator talks to a [`masm::Masm`]; `x64` is
//!   the only backend today. On other targets [`Jit::compile`] returns a
//!   clear [`CompileError`].
//!
//! ```
//! use std::sync::Arc;
//! use strata_runtime::Tier;
//! let jit: Arc<dyn Tier> = Arc::new(strata_jit::Jit::default());
//! assert_eq!(jit.name(), "jit");
//! ```
//!
//! `unsafe` is denied except in `code` (the executable buffer and the entry
//! call) and `vmctx` (raw pointers into runtime state, helper entry points).
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(unsafe_op_in_unsafe_fn)]

#[cfg(target_arch = "x86_64")]
mod code;
#[cfg(target_arch = "x86_64")]
mod codegen;
#[cfg(target_arch = "x86_64")]
mod helpers;
#[cfg(target_arch = "x86_64")]
mod masm;
#[cfg(target_arch = "x86_64")]
mod module;
#[cfg(target_arch = "x86_64")]
mod vmctx;
#[cfg(target_arch = "x86_64")]
mod x64;

use std::sync::Arc;

use strata_ir::{Module, ValidModule};
use strata_runtime::{CompileError, CompiledModule, Tier};

#[cfg(target_arch = "x86_64")]
pub use module::JitModule;

/// Status of a frame that returned normally.
#[cfg(target_arch = "x86_64")]
pub(crate) const STATUS_OK: u32 = 0;
/// Status of a frame unwinding a trap.
#[cfg(target_arch = "x86_64")]
pub(crate) const STATUS_TRAP: u32 = 1;
/// Status of a frame unwinding an exception.
#[cfg(target_arch = "x86_64")]
pub(crate) const STATUS_EXN: u32 = 2;

/// The baseline JIT tier.
#[derive(Debug, Clone, Default)]
pub struct Jit {
    config: JitConfig,
}

/// Settings of the JIT tier.
///
/// ```
/// # use strata_jit::{Jit, JitConfig};
/// let unhardened = Jit::new(JitConfig::default().spectre_hardening(false));
/// assert!(!unhardened.config().spectre_hardening);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JitConfig {
    /// Mask every memory access against speculation past its bounds check:
    /// a conditional move on the check's own flags replaces an
    /// out-of-bounds address with one inside the memory, so a mispredicted
    /// branch cannot read host memory (see `strata_runtime::memory::
    /// bounds_plan`). On by default; off only to measure what it costs.
    pub spectre_hardening: bool,
}

impl Default for JitConfig {
    fn default() -> Self {
        Self {
            spectre_hardening: true,
        }
    }
}

impl JitConfig {
    /// Set [`JitConfig::spectre_hardening`].
    pub fn spectre_hardening(mut self, on: bool) -> Self {
        self.spectre_hardening = on;
        self
    }
}

impl Jit {
    /// A JIT with the given settings.
    pub fn new(config: JitConfig) -> Self {
        Self { config }
    }

    /// The JIT's settings.
    pub fn config(&self) -> &JitConfig {
        &self.config
    }
}

impl Tier for Jit {
    fn name(&self) -> &'static str {
        "jit"
    }

    fn compile(&self, module: &ValidModule) -> Result<Arc<dyn CompiledModule>, CompileError> {
        if module.uses_simd() && !host_has_simd() {
            return Err(CompileError {
                func: None,
                offset: None,
                message: "this module uses SIMD, which the jit tier compiles to SSE4.1, \
                          and this host's CPU does not have SSE4.1; \
                          use the interpreter or the aot tier"
                    .into(),
            });
        }
        compile_module(module.arc(), &self.config)
    }
}

/// Whether the host has what the SIMD code needs (SSE4.1, which implies
/// SSSE3). The answer is detected once and cached by `std`.
fn host_has_simd() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("sse4.1")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
fn compile_module(
    module: &Arc<Module>,
    config: &JitConfig,
) -> Result<Arc<dyn CompiledModule>, CompileError> {
    use masm::Masm;
    use strata_ir::FuncIdx;

    let error = |message: String| CompileError {
        func: None,
        offset: None,
        message,
    };
    let stride = if module.uses_simd() { 2 } else { 1 };
    let (mut masm, entry) = x64::X64Masm::new(stride == 2)
        .map_err(|e| error(format!("cannot allocate code memory: {e}")))?;
    let labels: Vec<_> = (0..module.bodies.len()).map(|_| masm.new_label()).collect();
    let mut starts = Vec::with_capacity(module.bodies.len());
    let mut funcs = Vec::with_capacity(module.bodies.len());
    for i in 0..module.bodies.len() {
        let func = FuncIdx(module.num_imported_funcs + i as u32);
        starts.push(masm.offset());
        funcs.push(codegen::FuncCompiler::compile(
            &mut masm,
            module,
            func,
            &labels,
            config.spectre_hardening,
            stride,
        )?);
    }
    let buf = masm
        .ops
        .finalize()
        .map_err(|_| error("cannot finalize the code buffer".into()))?;
    Ok(Arc::new(module::JitModule {
        module: module.clone(),
        code: code::CodeBuffer::new(buf, entry, starts),
        funcs,
        stride: stride as usize,
    }))
}

#[cfg(not(target_arch = "x86_64"))]
fn compile_module(_: &Arc<Module>, _: &JitConfig) -> Result<Arc<dyn CompiledModule>, CompileError> {
    Err(CompileError {
        func: None,
        offset: None,
        message: "the JIT tier supports only x86-64 hosts; use the interpreter".into(),
    })
}
