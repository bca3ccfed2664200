//! Strata's ahead-of-time tier: lowers the IR to Cranelift (optimized for
//! speed), links the functions into one position-independent code image,
//! and loads it without a system linker.
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
//! | `compile` | the ISA, parallel compilation into pieces |
//! | `link` | laying the pieces out into one position-independent image, resolving calls |
//! | `artifact` | the versioned file format, its checks, signatures, and the loader (`unsafe`: mmap, W^X) |
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
mod link;
mod module;
mod translate;
mod vmctx;

use std::sync::{Arc, OnceLock};

use strata_ir::{Features, ValidModule};
use strata_loader::Loader;
use strata_runtime::{CompileError, CompiledModule, Tier};

use artifact::image;
pub use artifact::{ArtifactError, ArtifactPolicy, CompileArtifactError};
pub use module::AotModule;

/// The AOT tier on Cranelift.
#[derive(Default)]
pub struct Aot {
    isa: OnceLock<Result<compile::Isas, String>>,
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

    fn host_isa(&self) -> Result<&compile::Isas, CompileError> {
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
    /// Compile the wasm module `wasm` (binary, or text, which is encoded to
    /// binary first) into an artifact for `target` (a target triple such as
    /// `aarch64-unknown-linux-gnu`; `None` for this host with its CPU
    /// features). The module is loaded and validated with `features`, as
    /// [`strata_loader::Loader`] loads any module; the artifact stores its
    /// binary, which loading validates again. `progress` is called with
    /// (symbols done, symbols in all) as functions finish compiling, from
    /// the compiling threads.
    ///
    /// # Errors
    /// A module that does not load, an unknown or unsupported target, or a
    /// function that does not compile.
    pub fn compile_artifact(
        &self,
        wasm: &[u8],
        features: Features,
        target: Option<&str>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<u8>, CompileArtifactError> {
        let wasm = strata_loader::binary_form(wasm)?;
        let module = Loader::new(features).load(&wasm)?;
        let err = |message: String| CompileError {
            func: None,
            offset: None,
            message,
        };
        let owned;
        let isas: &compile::Isas = match target {
            None => self.host_isa()?,
            Some(t) => {
                owned = compile::build_isa(Some(t)).map_err(err)?;
                &owned
            }
        };
        let arch = image::Arch::of(isas.speed.triple())
            .ok_or_else(|| err(format!("no code for target `{}`", isas.speed.triple())))?;
        let total = 2 * module.bodies.len();
        let code = compile::compile_module(isas, &module, &|done| progress(done, total))?;
        image::check(&code, module.bodies.len(), arch)
            .map_err(|e| err(format!("the compiled code fails its own check: {e}")))?;
        Ok(artifact::format::write(&artifact::format::Contents {
            strata_version: artifact::STRATA_VERSION.to_string(),
            target: isas.speed.triple().to_string(),
            cpu_features: compile::isa_features(&*isas.speed),
            features,
            wasm: wasm.into_owned(),
            image: code,
        })?)
    }

    /// Load an artifact written by [`Aot::compile_artifact`], requiring
    /// nothing beyond its own consistency: as
    /// [`load_artifact_with`](Aot::load_artifact_with) with the default
    /// [`ArtifactPolicy`].
    ///
    /// # Errors
    /// As [`load_artifact_with`](Aot::load_artifact_with).
    ///
    /// # Safety
    /// As [`load_artifact_with`](Aot::load_artifact_with).
    #[allow(
        unsafe_code,
        reason = "declares the trust decision; the body only forwards it"
    )]
    pub unsafe fn load_artifact(
        &self,
        bytes: &[u8],
    ) -> Result<(ValidModule, Arc<dyn CompiledModule>), ArtifactError> {
        // SAFETY: this function's contract is the callee's.
        unsafe { self.load_artifact_with(bytes, &ArtifactPolicy::default()) }
    }

    /// Load an artifact written by [`Aot::compile_artifact`]: check its
    /// header, format version and checksum; its signature, if `policy`
    /// trusts keys; its Strata version, target and CPU features; load and
    /// validate its wasm module with its wasm features (which `policy` may
    /// require); check its symbol table against the layout the compiler
    /// gives that module; then map its code and make it executable.
    ///
    /// # Errors
    /// An [`ArtifactError`] naming the check that failed; nothing of a
    /// refused artifact is executed.
    ///
    /// # Safety
    /// The artifact's machine code will run in this process. The checks
    /// refuse corruption, mismatches and forged tables, but not forged
    /// machine code: a well-formed artifact can contain any code, and a
    /// signature only says which key signed it. Call this only on
    /// artifacts from a trusted source (ones this program compiled itself,
    /// or ones `policy` requires to be signed by a key whose holders you
    /// trust as much as this program).
    #[allow(
        unsafe_code,
        reason = "declares the trust decision; the body has no unsafe block"
    )]
    pub unsafe fn load_artifact_with(
        &self,
        bytes: &[u8],
        policy: &ArtifactPolicy,
    ) -> Result<(ValidModule, Arc<dyn CompiledModule>), ArtifactError> {
        let host = self
            .host_isa()
            .map_err(|e| ArtifactError::Map(e.message.clone()))?;
        let container = artifact::format::container(bytes)?;
        if let Some(trusted) = policy.trusted_keys() {
            artifact::signing::verify_container(bytes, &container, trusted)?;
        }
        artifact::format::check_host(
            &container,
            &target_lexicon::HOST.to_string(),
            &compile::isa_features(&*host.speed),
        )?;
        let contents = artifact::format::decode(&container)?;
        if let Some(required) = policy.required_features() {
            if required != contents.features {
                return Err(ArtifactError::Features(artifact::feature_difference(
                    &contents.features,
                    &required,
                )));
            }
        }
        let module = Loader::new(contents.features)
            .load(&contents.wasm)
            .map_err(|e| ArtifactError::Module(e.to_string()))?;
        let arch = image::Arch::of_str(&contents.target)?;
        image::check(&contents.image, module.bodies.len(), arch)?;
        let code = artifact::code::CodeMemory::load(&contents.image)?;
        let m = AotModule::new(module.arc().clone(), code)
            .ok_or_else(|| ArtifactError::Symbols("a function has no symbol".into()))?;
        Ok((module, Arc::new(m)))
    }
}

impl Tier for Aot {
    fn name(&self) -> &'static str {
        "aot"
    }

    fn compile(&self, module: &ValidModule) -> Result<Arc<dyn CompiledModule>, CompileError> {
        let isas = self.host_isa()?;
        let image = compile::compile_module(isas, module, &|_| {})?;
        let load_err = |e: ArtifactError| CompileError {
            func: None,
            offset: None,
            message: e.to_string(),
        };
        // The same check an artifact's image passes (the compiler's layout
        // holds for every module), then the same loader.
        let arch = image::Arch::of(isas.speed.triple())
            .ok_or_else(|| load_err(ArtifactError::Malformed("no code for this host".into())))?;
        image::check(&image, module.bodies.len(), arch).map_err(load_err)?;
        let code = artifact::code::CodeMemory::load(&image).map_err(load_err)?;
        let m = AotModule::new(module.arc().clone(), code).ok_or_else(|| CompileError {
            func: None,
            offset: None,
            message: "code image is missing symbols".into(),
        })?;
        Ok(Arc::new(m))
    }
}
