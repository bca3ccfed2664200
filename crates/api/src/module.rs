//! [`Module`]: a loaded, validated and compiled WebAssembly module, with its
//! import and export types.
//!
//! Loading goes through `strata-loader` with the engine's features; the
//! engine's tier compiles the module right away, so a `Module` that exists
//! can be instantiated any number of times, in any store of its engine.

use std::sync::Arc;

use strata_ir::ExternKind;
use strata_loader::Loader;
use strata_runtime::CompiledModule;

use crate::engine::Engine;
use crate::errors::Error;
use crate::types::ExternType;

struct ModuleInner {
    engine: Engine,
    ir: strata_ir::ValidModule,
    code: Arc<dyn CompiledModule>,
    name: Option<String>,
}

/// A compiled module. Cheap to clone (an `Arc` inside), `Send` and `Sync`.
#[derive(Clone)]
pub struct Module {
    inner: Arc<ModuleInner>,
}

impl Module {
    /// Load a module from its binary form, or from its text form if `bytes`
    /// does not start with the binary magic `\0asm`, and compile it.
    ///
    /// # Errors
    /// [`ErrorKind::Malformed`](crate::ErrorKind::Malformed),
    /// [`Invalid`](crate::ErrorKind::Invalid) or
    /// [`Unsupported`](crate::ErrorKind::Unsupported) from loading;
    /// [`Compile`](crate::ErrorKind::Compile) if the tier refuses it.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Self, Error> {
        let loader = Loader::new(*engine.features());
        let ir = loader.load_any(bytes.as_ref())?;
        Self::compile(engine, ir)
    }

    /// As [`Module::new`], for `bytes` read from the file `path`: a text
    /// parse error names the file, line and column.
    ///
    /// # Errors
    /// As [`Module::new`].
    pub fn new_named(
        engine: &Engine,
        bytes: impl AsRef<[u8]>,
        path: &std::path::Path,
    ) -> Result<Self, Error> {
        let loader = Loader::new(*engine.features());
        let ir = loader.load_any_from(bytes.as_ref(), Some(path))?;
        Self::compile(engine, ir)
    }

    /// Load a module from its binary form and compile it.
    ///
    /// # Errors
    /// As [`Module::new`].
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Self, Error> {
        let loader = Loader::new(*engine.features());
        let ir = loader.load(bytes)?;
        Self::compile(engine, ir)
    }

    /// Load a module from its text form and compile it.
    ///
    /// # Errors
    /// As [`Module::new`]; a text that does not parse is
    /// [`Malformed`](crate::ErrorKind::Malformed).
    pub fn from_wat(engine: &Engine, wat: &str) -> Result<Self, Error> {
        let loader = Loader::new(*engine.features());
        let ir = loader.load_wat(wat)?;
        Self::compile(engine, ir)
    }

    /// Load a module from an artifact written by `strata compile` or
    /// [`Engine::precompile_module`], without compiling. The artifact's
    /// header, format version, checksum, Strata version, target and CPU
    /// features are checked; its wasm module is validated again with its
    /// wasm features, which must be the engine's; its symbol table is held
    /// to the layout the compiler gives that module; then its code is mapped
    /// and made executable. The module runs on the AOT tier whatever the
    /// engine's tier.
    ///
    /// # Errors
    /// [`Compile`](crate::ErrorKind::Compile), whose message names the check
    /// that refused the artifact (`strata_aot::ArtifactError` has the typed
    /// form); nothing of a refused artifact runs.
    ///
    /// # Safety
    /// The artifact's machine code runs in this process. The checks catch
    /// corruption, mismatches and forged tables, not forged machine code:
    /// only load artifacts from a source you trust as much as this program's
    /// own code, or use [`Module::deserialize_trusted`] to require a
    /// signature.
    #[cfg(feature = "aot")]
    #[allow(unsafe_code)]
    pub unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Self, Error> {
        // SAFETY: the caller vouches for the artifact (this function's contract).
        unsafe { Self::deserialize_with(engine, bytes, strata_aot::ArtifactPolicy::new()) }
    }

    /// [`Module::deserialize`], also requiring the artifact to be signed by
    /// one of `trusted` (none: every artifact is refused); the signature is
    /// checked right after the checksum, before anything else of the
    /// artifact is read. `strata_aot::artifact::signing` has the keys and
    /// the signature's format.
    ///
    /// # Errors
    /// As [`Module::deserialize`]; an unsigned artifact, or one whose
    /// signature does not verify under a trusted key, is refused with a
    /// message saying which.
    ///
    /// # Safety
    /// The artifact's machine code runs in this process: trust the holders
    /// of the secret keys of `trusted` as much as this program's own code
    /// (a signature says who compiled the artifact, not what it does).
    #[cfg(feature = "aot")]
    #[allow(unsafe_code)]
    pub unsafe fn deserialize_trusted(
        engine: &Engine,
        bytes: &[u8],
        trusted: &[strata_aot::artifact::VerifyingKey],
    ) -> Result<Self, Error> {
        let policy = strata_aot::ArtifactPolicy::new().trust_only(trusted);
        // SAFETY: the caller vouches for the keys' holders (this function's
        // contract), and the artifact must be signed by one of them.
        unsafe { Self::deserialize_with(engine, bytes, policy) }
    }

    /// Load an artifact under `policy`, with the engine's wasm features.
    #[cfg(feature = "aot")]
    #[allow(unsafe_code)]
    unsafe fn deserialize_with(
        engine: &Engine,
        bytes: &[u8],
        policy: strata_aot::ArtifactPolicy,
    ) -> Result<Self, Error> {
        let policy = policy.require_features(*engine.features());
        // SAFETY: the caller vouches for the artifact (its contract).
        let loaded = unsafe { strata_aot::Aot::default().load_artifact_with(bytes, &policy) };
        let (ir, code) = loaded.map_err(artifact_error)?;
        Ok(Self {
            inner: Arc::new(ModuleInner {
                engine: engine.clone(),
                ir,
                code,
                name: None,
            }),
        })
    }

    fn compile(engine: &Engine, ir: strata_ir::ValidModule) -> Result<Self, Error> {
        let code = engine
            .tier()
            .compile(&ir)
            .map_err(|e| Error::compile(engine.tier_name(), e))?;
        Ok(Self {
            inner: Arc::new(ModuleInner {
                engine: engine.clone(),
                ir,
                code,
                name: None,
            }),
        })
    }

    /// The same module under a name (for messages and diagnostics).
    pub fn with_name(&self, name: impl Into<String>) -> Self {
        Self {
            inner: Arc::new(ModuleInner {
                engine: self.inner.engine.clone(),
                ir: self.inner.ir.clone(),
                code: self.inner.code.clone(),
                name: Some(name.into()),
            }),
        }
    }

    /// The module's name, if one was given with [`Module::with_name`].
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }

    /// The engine the module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The module's imports, in declaration order.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = ImportType<'_>> + '_ {
        let ir = &*self.inner.ir;
        ir.imports.iter().map(move |i| ImportType {
            module: &i.module,
            name: &i.name,
            ty: import_type(ir, &i.ty),
        })
    }

    /// The module's exports, in declaration order.
    pub fn exports(&self) -> impl Iterator<Item = ExportType<'_>> + '_ {
        let ir = &*self.inner.ir;
        ir.exports.iter().filter_map(move |e| {
            Some(ExportType {
                name: &e.name,
                ty: export_type(ir, e.kind, e.index)?,
            })
        })
    }

    /// The validated IR (`.arc()` gives the shared module).
    pub fn ir(&self) -> &strata_ir::ValidModule {
        &self.inner.ir
    }

    /// The tier's compiled code.
    pub(crate) fn code(&self) -> &Arc<dyn CompiledModule> {
        &self.inner.code
    }
}

impl core::fmt::Debug for Module {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.inner.name)
            .field("imports", &self.inner.ir.imports.len())
            .field("exports", &self.inner.ir.exports.len())
            .finish()
    }
}

/// A refused artifact as a compile error of the AOT tier.
#[cfg(feature = "aot")]
pub(crate) fn artifact_error(e: strata_aot::ArtifactError) -> Error {
    Error::compile(
        "aot",
        strata_runtime::CompileError {
            func: None,
            offset: None,
            message: e.to_string(),
        },
    )
}

fn import_type(ir: &strata_ir::Module, ty: &strata_ir::ImportType) -> ExternType {
    match ty {
        strata_ir::ImportType::Func(t) => {
            ExternType::Func(ir.types.get(t.index()).cloned().unwrap_or_default())
        }
        strata_ir::ImportType::Table(t) => ExternType::Table(*t),
        strata_ir::ImportType::Memory(t) => ExternType::Memory(*t),
        strata_ir::ImportType::Global(t) => ExternType::Global(*t),
        strata_ir::ImportType::Tag(t) => {
            ExternType::Tag(ir.types.get(t.index()).cloned().unwrap_or_default())
        }
    }
}

fn export_type(ir: &strata_ir::Module, kind: ExternKind, index: u32) -> Option<ExternType> {
    let i = index as usize;
    // The module is validated, so every export index exists.
    Some(match kind {
        ExternKind::Func => ExternType::Func(ir.types.get(ir.funcs.get(i)?.index())?.clone()),
        ExternKind::Table => ExternType::Table(*ir.tables.get(i)?),
        ExternKind::Memory => ExternType::Memory(*ir.memories.get(i)?),
        ExternKind::Global => ExternType::Global(*ir.globals.get(i)?),
        ExternKind::Tag => ExternType::Tag(ir.types.get(ir.tags.get(i)?.index())?.clone()),
    })
}

/// One import of a module: where it comes from and what it must be.
#[derive(Debug, Clone)]
pub struct ImportType<'m> {
    module: &'m str,
    name: &'m str,
    ty: ExternType,
}

impl<'m> ImportType<'m> {
    /// The module name.
    pub fn module(&self) -> &'m str {
        self.module
    }

    /// The field name.
    pub fn name(&self) -> &'m str {
        self.name
    }

    /// The type the provided entity must have. Function types are the
    /// module's own: a concrete reference `(ref $t)` names a type index of
    /// the module.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

/// One export of a module.
#[derive(Debug, Clone)]
pub struct ExportType<'m> {
    name: &'m str,
    ty: ExternType,
}

impl<'m> ExportType<'m> {
    /// The export name.
    pub fn name(&self) -> &'m str {
        self.name
    }

    /// The exported entity's type.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}
