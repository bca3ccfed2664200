//! Strata's ahead-of-time tier: lowers the IR to Cranelift (optimized for
//! speed), links the functions into one code image with Strata's own
//! relocation table, and loads it without a system linker.
//!
//! ```
//! use strata_aot::Aot;
//! use strata_runtime::Tier;
//!
//! let module = strata_loader::Loader::default()
//!     .load_wat(r#"(module (func (export "add") (param i32 i32) (result i32)
//!         local.get 0 local.get 1 i32.add))"#)
//!     .unwrap();
//! let compiled = Aot::default().compile(&module).unwrap();
//! # let _ = compiled;
//! ```
//!
//! | module | owns |
//! |---|---|
//! | `translate` | IR → Cranelift IR, bounds checks (`translate::bounds`) |
//! | `compile` | the ISA, parallel compilation, linking into a code image |
//! | `artifact` | the versioned file format and the loader (`unsafe`: mmap, relocation, W^X) |
//! | `libcalls` | helpers generated code calls (`unsafe`: the context's raw pointers) |
//! | `entry` | calls into generated code (`unsafe`) |
//! | `module` | [`AotModule`], building the per-call context |
//!
//! Generated code never executes a trapping instruction and no signal
//! handler is installed: traps are explicit checks that store a trap code in
//! the context and return.
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod artifact;
mod compile;
mod entry;
mod libcalls;
mod module;
mod translate;
mod vmctx;

use std::sync::{Arc, OnceLock};

use cranelift_codegen::isa::OwnedTargetIsa;
use strata_ir::{Module, ValidModule};
use strata_runtime::{CompileError, CompiledModule, Tier};

pub use artifact::ArtifactError;
pub use module::AotModule;

/// The AOT tier on Cranelift.
#[derive(Default)]
pub struct Aot {
    isa: OnceLock<Result<OwnedTargetIsa, String>>,
}

impl core::fmt::Debug for Aot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Aot").finish_non_exhaustive()
    }
}

impl Aot {
    /// The AOT tier for this host.
    pub fn new() -> Self {
        Self::default()
    }

    fn host_isa(&self) -> Result<&OwnedTargetIsa, CompileError> {
        self.isa
            .get_or_init(|| compile::build_isa(None))
            .as_ref()
            .map_err(|e| CompileError {
                func: None,
                offset: None,
                message: e.clone(),
            })
    }
}

impl Aot {
    /// Compile `module` into an artifact for `target` (a target triple such
    /// as `aarch64-unknown-linux-gnu`; `None` for this host with its CPU
    /// features). `progress` is called with (symbols done, symbols in all)
    /// as functions finish compiling, from the compiling threads.
    ///
    /// # Errors
    /// An unknown or unsupported target, or a function that does not compile.
    pub fn compile_artifact(
        &self,
        module: &ValidModule,
        target: Option<&str>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<u8>, CompileError> {
        let err = |message: String| CompileError {
            func: None,
            offset: None,
            message,
        };
        let owned;
        let isa: &OwnedTargetIsa = match target {
            None => self.host_isa()?,
            Some(t) => {
                owned = compile::build_isa(Some(t)).map_err(err)?;
                &owned
            }
        };
        let total = 2 * module.bodies.len();
        let image = compile::compile_module(&**isa, module, &|done| progress(done, total))?;
        artifact::format::write(&artifact::format::Contents {
            strata_version: artifact::STRATA_VERSION.to_string(),
            target: isa.triple().to_string(),
            cpu_features: compile::isa_features(&**isa),
            features: module.features,
            module: Module::clone(module),
            image,
        })
        .map_err(|e| err(e.to_string()))
    }

    /// Load an artifact written by [`Aot::compile_artifact`]: check its
    /// header, version, checksum, target and CPU features, map its code,
    /// apply its relocations and make it executable.
    ///
    /// # Errors
    /// An [`ArtifactError`] naming the check that failed; nothing of a
    /// refused artifact is executed.
    ///
    /// # Safety
    /// The artifact's machine code will run in this process. The checks
    /// catch corruption and mismatches, not malice: a well-formed artifact
    /// can contain any code. Call this only on artifacts from a trusted
    /// source (for example, ones this program compiled itself).
    #[allow(
        unsafe_code,
        reason = "declares the trust decision; the body has no unsafe block"
    )]
    pub unsafe fn load_artifact(
        &self,
        bytes: &[u8],
    ) -> Result<(ValidModule, Arc<dyn CompiledModule>), ArtifactError> {
        let host = self
            .host_isa()
            .map_err(|e| ArtifactError::Map(e.message.clone()))?;
        let contents = artifact::format::read(
            bytes,
            &target_lexicon::HOST.to_string(),
            &compile::isa_features(&**host),
        )?;
        let module = Arc::new(contents.module);
        let code = artifact::code::CodeMemory::load(&contents.image)?;
        let m = AotModule::new(module.clone(), code)
            .ok_or_else(|| ArtifactError::Malformed("symbol table".into()))?;
        // SAFETY: the caller vouches for the artifact (this function's
        // contract), and a trusted artifact holds the module its compile
        // took as a `ValidModule`.
        let module = unsafe { ValidModule::new_unchecked(module) };
        Ok((module, Arc::new(m)))
    }
}

impl Tier for Aot {
    fn name(&self) -> &'static str {
        "aot"
    }

    fn compile(&self, module: &ValidModule) -> Result<Arc<dyn CompiledModule>, CompileError> {
        let isa = self.host_isa()?;
        let image = compile::compile_module(&**isa, module, &|_| {})?;
        let load_err = |e: ArtifactError| CompileError {
            func: None,
            offset: None,
            message: e.to_string(),
        };
        let code = artifact::code::CodeMemory::load(&image).map_err(load_err)?;
        let m = AotModule::new(module.arc().clone(), code).ok_or_else(|| CompileError {
            func: None,
            offset: None,
            message: "code image is missing symbols".into(),
        })?;
        Ok(Arc::new(m))
    }
}
