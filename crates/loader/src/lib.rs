//! Loads and validates WebAssembly binaries and text into Strata's IR.
//!
//! [`Loader::load`] decodes a binary module with `wasmparser`, validates it
//! with exactly the proposals enabled in [`Features`], and translates it in the
//! same pass into a [`strata_ir::Module`] whose invariants (no unreachable
//! code, resolved block structure, ...) are documented in [`strata_ir::op`].
//! With the default `wat` feature, [`Loader::load_wat`] and
//! [`Loader::load_any`] accept the text format too, and [`binary_form`] gives
//! the binary encoding of a module given in either form.
//!
//! Errors are [`LoadError`]s: malformed (decoding), invalid (validation) or
//! unsupported (valid, but using something Strata does not implement), always
//! with a byte offset.
// `unsafe` appears once: `Loader::load` vouches for the modules it
// validated (`ValidModule::new_unchecked`).
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod const_expr;
mod error;
mod module_sections;
mod op_map;
mod translate_func;
mod types;

pub use error::{LoadError, LoadErrorInner, LoadErrorKind};
pub use strata_ir::{Features, ValidModule};

use std::sync::Arc;

/// Loads WebAssembly modules with a fixed set of enabled features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loader {
    features: Features,
}

impl Loader {
    /// A loader that validates with exactly these features.
    pub fn new(features: Features) -> Self {
        Self { features }
    }

    /// The features modules are validated with.
    pub fn features(&self) -> Features {
        self.features
    }

    /// Validate and translate a binary module.
    pub fn load(&self, bytes: &[u8]) -> Result<ValidModule, LoadError> {
        let module = module_sections::Builder::load(self.features, bytes)?;
        // SAFETY: `Builder::load` validated `bytes` with wasmparser, in the
        // same pass that translated them into `module`, and the translation
        // establishes the IR's invariants; nothing changes `module` since.
        #[allow(unsafe_code)]
        let valid = unsafe { ValidModule::new_unchecked(Arc::new(module)) };
        Ok(valid)
    }

    /// Parse `.wat` text (or a single module of a `.wast` script) then load.
    /// Text parse errors are malformed, at offset 0 (the message carries the
    /// line and column).
    #[cfg(feature = "wat")]
    pub fn load_wat(&self, text: &str) -> Result<ValidModule, LoadError> {
        self.load_wat_from(text, None)
    }

    /// As [`Loader::load_wat`], with the text's file named in parse errors.
    #[cfg(feature = "wat")]
    pub fn load_wat_from(
        &self,
        text: &str,
        path: Option<&std::path::Path>,
    ) -> Result<ValidModule, LoadError> {
        self.load(&wat_to_binary(text, path)?)
    }

    /// Load `bytes` as a binary module if they start with `\0asm`, else as
    /// text.
    #[cfg(feature = "wat")]
    pub fn load_any(&self, bytes: &[u8]) -> Result<ValidModule, LoadError> {
        self.load_any_from(bytes, None)
    }

    /// As [`Loader::load_any`], with the file the bytes came from named in
    /// text parse errors.
    #[cfg(feature = "wat")]
    pub fn load_any_from(
        &self,
        bytes: &[u8],
        path: Option<&std::path::Path>,
    ) -> Result<ValidModule, LoadError> {
        self.load(&binary_form_from(bytes, path)?)
    }
}

/// The binary form of a module given in either form: `bytes` themselves if
/// they start with `\0asm`, else `bytes` parsed as text and encoded (what
/// [`Loader::load_any`] loads). Nothing is validated.
///
/// # Errors
/// Text that is not UTF-8 or does not parse: malformed (the message carries
/// the line and column).
#[cfg(feature = "wat")]
pub fn binary_form(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, LoadError> {
    binary_form_from(bytes, None)
}

/// As [`binary_form`], with the file the bytes came from named in text
/// parse errors.
///
/// # Errors
/// As [`binary_form`].
#[cfg(feature = "wat")]
pub fn binary_form_from<'b>(
    bytes: &'b [u8],
    path: Option<&std::path::Path>,
) -> Result<std::borrow::Cow<'b, [u8]>, LoadError> {
    if bytes.starts_with(b"\0asm") {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        LoadError::new(
            LoadErrorKind::Malformed(format!("text is not valid UTF-8: {e}")),
            e.valid_up_to(),
        )
    })?;
    wat_to_binary(text, path).map(std::borrow::Cow::Owned)
}

/// Encode `.wat` text, naming `path` in a parse error.
#[cfg(feature = "wat")]
fn wat_to_binary(text: &str, path: Option<&std::path::Path>) -> Result<Vec<u8>, LoadError> {
    wat::parse_str(text).map_err(|mut e| {
        if let Some(path) = path {
            e.set_path(path);
        }
        LoadError::in_text(e.to_string())
    })
}
