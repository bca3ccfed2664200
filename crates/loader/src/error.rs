//! The loader's error type: what went wrong (malformed, invalid, unsupported)
//! and at which byte offset.
//!
//! wasmparser reports decoding and validation errors with the same type, so the
//! loader classifies them by where they came from: errors of the parser and the
//! section/operator readers are [`LoadErrorKind::Malformed`], errors of the
//! validator are [`LoadErrorKind::Invalid`], except for the few messages the
//! validator emits for what the spec calls a decoding error (see
//! [`is_decoding_message`]).

use wasmparser::BinaryReaderError;

/// Why a module could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// The bytes (or text) do not decode as a module (spec: `assert_malformed`).
    #[error("malformed: {0}")]
    Malformed(String),
    /// The module decodes but does not validate (spec: `assert_invalid`).
    #[error("invalid: {0}")]
    Invalid(String),
    /// The module is valid but uses a feature Strata does not implement
    /// (SIMD operators, GC types, exception handling, ...).
    #[error("unsupported: {0}")]
    Unsupported(String),
}

impl LoadErrorKind {
    /// The message, without the kind prefix.
    pub fn message(&self) -> &str {
        match self {
            LoadErrorKind::Malformed(m)
            | LoadErrorKind::Invalid(m)
            | LoadErrorKind::Unsupported(m) => m,
        }
    }
}

/// The boxed payload of a [`LoadError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadErrorInner {
    /// What went wrong.
    pub kind: LoadErrorKind,
    /// Byte offset in the module (0 for text parse errors, whose message
    /// carries the line and column instead).
    pub offset: usize,
    /// Whether the error is in the text form: the message locates it (file,
    /// line and column), and there is no binary offset to show.
    pub in_text: bool,
}

/// An error loading a module: its kind, message and byte offset. One word wide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(Box<LoadErrorInner>);

impl core::fmt::Display for LoadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.0.in_text {
            write!(f, "{}", self.0.kind)
        } else {
            write!(f, "{} (at offset {:#x})", self.0.kind, self.0.offset)
        }
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    /// An error of the given kind at `offset`.
    pub fn new(kind: LoadErrorKind, offset: usize) -> Self {
        LoadError(Box::new(LoadErrorInner {
            kind,
            offset,
            in_text: false,
        }))
    }

    /// An error in a module's text form, which `message` locates (offset 0).
    pub fn in_text(message: String) -> Self {
        LoadError(Box::new(LoadErrorInner {
            kind: LoadErrorKind::Malformed(message),
            offset: 0,
            in_text: true,
        }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &LoadErrorKind {
        &self.0.kind
    }

    /// Byte offset of the error in the module.
    pub fn offset(&self) -> usize {
        self.0.offset
    }

    /// The message, without the offset (but with the kind prefix).
    pub fn message(&self) -> String {
        self.0.kind.to_string()
    }

    /// Whether this is a [`LoadErrorKind::Malformed`] error.
    pub fn is_malformed(&self) -> bool {
        matches!(self.0.kind, LoadErrorKind::Malformed(_))
    }

    /// Whether this is a [`LoadErrorKind::Invalid`] error.
    pub fn is_invalid(&self) -> bool {
        matches!(self.0.kind, LoadErrorKind::Invalid(_))
    }

    /// Whether this is a [`LoadErrorKind::Unsupported`] error.
    pub fn is_unsupported(&self) -> bool {
        matches!(self.0.kind, LoadErrorKind::Unsupported(_))
    }

    /// A decoding error of the parser or a reader.
    pub(crate) fn malformed(e: BinaryReaderError) -> Self {
        Self::new(
            LoadErrorKind::Malformed(e.message().to_string()),
            usize_offset(e.offset()),
        )
    }

    /// An error of the validator: invalid, unless its message says the
    /// problem is one of decoding.
    pub(crate) fn from_validator(e: BinaryReaderError) -> Self {
        let msg = e.message().to_string();
        let kind = if is_decoding_message(&msg) {
            LoadErrorKind::Malformed(msg)
        } else {
            LoadErrorKind::Invalid(msg)
        };
        Self::new(kind, usize_offset(e.offset()))
    }

    /// A valid construct Strata does not implement.
    pub(crate) fn unsupported(msg: impl Into<String>, offset: u64) -> Self {
        Self::new(LoadErrorKind::Unsupported(msg.into()), usize_offset(offset))
    }
}

fn usize_offset(offset: u64) -> usize {
    usize::try_from(offset).unwrap_or(usize::MAX)
}

/// Whether a message of wasmparser's validator describes what the spec
/// classifies as a decoding (binary format) error rather than a validation
/// error. The validator re-reads sections and checks a few binary-format rules
/// (data count section, local counts, section ids) itself.
pub(crate) fn is_decoding_message(msg: &str) -> bool {
    const PATTERNS: &[&str] = &[
        "unexpected end",
        "malformed",
        "integer too large",
        "integer representation too long",
        "invalid leb128",
        "section size mismatch",
        "unknown binary version",
        "magic header",
        "inconsistent lengths",
        "too many locals",
        "data count section required",
        "unexpected content",
        "length out of bounds",
        "end opcode expected",
        "illegal opcode",
        "zero byte expected",
        "utf-8",
        "control frames remain",
        "operators remaining after end",
        "unexpected data at the end",
        "section out of order",
        "invalid leading byte",
    ];
    let lower = msg.to_ascii_lowercase();
    PATTERNS.iter().any(|p| lower.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_word() {
        assert_eq!(
            std::mem::size_of::<LoadError>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn display_and_message() {
        let e = LoadError::new(LoadErrorKind::Invalid("type mismatch".into()), 0x2a);
        assert_eq!(e.to_string(), "invalid: type mismatch (at offset 0x2a)");
        assert_eq!(e.message(), "invalid: type mismatch");
        assert_eq!(e.kind().message(), "type mismatch");
        assert_eq!(e.offset(), 42);
    }

    #[test]
    fn classification() {
        assert!(is_decoding_message("data count section required"));
        assert!(is_decoding_message(
            "too many locals: locals exceed maximum"
        ));
        assert!(is_decoding_message("malformed section id: 14"));
        assert!(!is_decoding_message("type mismatch: expected i32"));
        assert!(!is_decoding_message(
            "unknown global 3: global index out of bounds"
        ));
    }
}
