//! Artifacts: the versioned file `strata compile` writes, the checks that
//! refuse a malformed or forged one, its optional signature, and the
//! loader that maps its code for execution.
//!
//! | module | owns |
//! |---|---|
//! | `format` | the container: header, checksum, sections |
//! | `image` | the symbol table's check against the linker's layout |
//! | [`signing`] | Ed25519 keys, key files, signing and verifying |
//! | `code` | mapping, W^X (`unsafe`) |
//!
//! Only `code` has `unsafe` code: mapping and protecting executable memory.

pub(crate) mod code;
pub(crate) mod format;
pub(crate) mod image;
pub mod signing;

pub use format::{is_artifact, ARTIFACT_VERSION, MAGIC, STRATA_VERSION};
pub use signing::{sign, signer, verify, KeyError, SigningKey, VerifyingKey};

use strata_ir::Features;
use strata_loader::LoadError;
use strata_runtime::CompileError;

/// Why an artifact was refused or could not be loaded. Each variant names the
/// check that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArtifactError {
    /// The file does not start with the artifact magic.
    #[error("not a Strata artifact (bad magic)")]
    BadMagic,
    /// The file is shorter than its header or its sections say.
    #[error("truncated artifact")]
    Truncated,
    /// The format version differs from this build's.
    #[error("artifact format version {found}, this build reads {expected}")]
    FormatVersion {
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// Written by another Strata version.
    #[error("artifact written by Strata {found}, this is Strata {expected}")]
    StrataVersion {
        /// Version in the file.
        found: String,
        /// This build's version.
        expected: String,
    },
    /// Compiled for another target.
    #[error("artifact compiled for `{found}`, this host is `{expected}`")]
    Target {
        /// Target triple in the file.
        found: String,
        /// The host's triple.
        expected: String,
    },
    /// Compiled for CPU features this host lacks.
    #[error("artifact needs CPU features `{0}` that this host lacks")]
    CpuFeatures(String),
    /// The checksum does not match the contents.
    #[error("artifact checksum mismatch (corrupt file)")]
    Checksum,
    /// A section is malformed although the checksum matched.
    #[error("malformed artifact: {0}")]
    Malformed(String),
    /// The wasm module inside does not load (decode and validate) with the
    /// artifact's wasm features.
    #[error("the artifact's wasm module does not validate: {0}")]
    Module(String),
    /// Compiled with other wasm features than the loader requires.
    #[error("artifact compiled with other wasm features than required: {0}")]
    Features(String),
    /// The symbol table is not the one the compiler lays out for the
    /// artifact's module.
    #[error("bad symbol table: {0}")]
    Symbols(String),
    /// A signature is required and the artifact has none.
    #[error("artifact is not signed, and only artifacts signed by a trusted key may load")]
    Unsigned,
    /// Signed by a key that is not trusted.
    #[error("artifact signed by key {signer}, which is not trusted (trusted: {trusted})")]
    UntrustedSigner {
        /// Fingerprint of the key the artifact names.
        signer: String,
        /// Fingerprints of the trusted keys.
        trusted: String,
    },
    /// The signature does not verify under the trusted key it names: the
    /// artifact changed after it was signed.
    #[error(
        "artifact signature does not verify under trusted key {signer} (changed after signing?)"
    )]
    BadSignature {
        /// Fingerprint of the key.
        signer: String,
    },
    /// Mapping or protecting memory failed.
    #[error("cannot map code: {0}")]
    Map(String),
}

/// Why [`crate::Aot::compile_artifact`] failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CompileArtifactError {
    /// The module does not parse or validate.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The tier could not compile it, or the target is unknown.
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// The artifact could not be written.
    #[error(transparent)]
    Artifact(#[from] ArtifactError),
}

/// What an artifact must satisfy to load, beyond being well-formed and
/// consistent ([`crate::Aot::load_artifact_with`]). The default requires
/// nothing more: no signature, and the wasm features it was compiled with.
#[derive(Debug, Clone, Default)]
pub struct ArtifactPolicy {
    /// `Some`: a signature by one of these keys is required.
    trusted: Option<Vec<VerifyingKey>>,
    features: Option<Features>,
}

impl ArtifactPolicy {
    /// Nothing more required.
    pub fn new() -> Self {
        Self::default()
    }

    /// Require a signature by `key` or by another key trusted this way.
    pub fn trust(mut self, key: VerifyingKey) -> Self {
        self.trusted.get_or_insert_with(Vec::new).push(key);
        self
    }

    /// Require a signature by one of `keys` (none: every artifact is
    /// refused).
    pub fn trust_only(mut self, keys: &[VerifyingKey]) -> Self {
        self.trusted = Some(keys.to_vec());
        self
    }

    /// Require the artifact to have been compiled with exactly `features`.
    pub fn require_features(mut self, features: Features) -> Self {
        self.features = Some(features);
        self
    }

    /// The keys one of which must have signed the artifact, if a signature
    /// is required.
    pub fn trusted_keys(&self) -> Option<&[VerifyingKey]> {
        self.trusted.as_deref()
    }

    /// The wasm features required, if any.
    pub fn required_features(&self) -> Option<Features> {
        self.features
    }
}

/// The features on which `found` and `expected` differ, as
/// `name (artifact: on, required: off)`.
pub(crate) fn feature_difference(found: &Features, expected: &Features) -> String {
    let (Ok(serde_json::Value::Object(f)), Ok(serde_json::Value::Object(e))) =
        (serde_json::to_value(found), serde_json::to_value(expected))
    else {
        return format!("{found:?} (required: {expected:?})");
    };
    let on = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::Bool(true)) => "on",
        _ => "off",
    };
    f.iter()
        .filter(|(k, v)| e.get(*k) != Some(*v))
        .map(|(k, v)| {
            format!(
                "{k} (artifact: {}, required: {})",
                on(Some(v)),
                on(e.get(k))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
