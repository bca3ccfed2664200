//! Keyed signatures of artifacts: Ed25519 (RFC 8032, `ed25519-dalek`), so
//! that a deployment runs only the artifacts its own build machine signed.
//!
//! [`sign`] appends the signature section (tag 8: the signer's 32-byte
//! public key, then the 64-byte signature) to an artifact, replacing any
//! signature it had, and reseals the header. The signed message is the
//! domain string `strata artifact signature v1` and a zero byte, then every
//! byte of the artifact before the signature section with the header's
//! checksum and length (bytes 16..32) taken as zero: everything that
//! decides what runs, bound to this use. [`verify`] checks the signature
//! under the trusted keys the caller gives, never under the key the
//! artifact names (that one only identifies the signer in messages), with
//! `verify_strict` (no weak keys, no malleable signatures).
//!
//! Key files are one line of text: a label, a space, and the key's 32 bytes
//! in lowercase hex (64 digits), then a newline:
//!
//! ```text
//! strata-ed25519-secret-key 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60
//! strata-ed25519-public-key d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a
//! ```
//!
//! The secret key is the RFC 8032 seed. Reading a file with the wrong label
//! (a secret key where a public key belongs, or the reverse), a wrong
//! length, non-hex digits or a public key that is not a curve point is a
//! [`KeyError`] saying which.

use ed25519_dalek::{Signature, Signer};

use super::format::{self, SIGNATURE_LEN, SIGNATURE_TAG};
use super::ArtifactError;

/// The label of a secret key file.
pub const SECRET_KEY_LABEL: &str = "strata-ed25519-secret-key";
/// The label of a public key file.
pub const PUBLIC_KEY_LABEL: &str = "strata-ed25519-public-key";
/// What every signed message starts with.
const DOMAIN: &[u8] = b"strata artifact signature v1\0";

/// Why a key could not be read or made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A key file of the other kind.
    #[error("this is a {found} key where a {expected} key is needed")]
    WrongKind {
        /// The kind needed: `secret` or `public`.
        expected: &'static str,
        /// The kind the file holds.
        found: &'static str,
    },
    /// Not a key file at all.
    #[error("not a Strata key file (expected a line `{label} <64 hex digits>`)")]
    Format {
        /// The label the file should start with.
        label: &'static str,
    },
    /// The key's digits do not make 32 bytes.
    #[error("the key is not 64 hex digits: {0}")]
    Digits(String),
    /// A public key that is not a valid Ed25519 point.
    #[error("not a valid Ed25519 public key")]
    NotAPoint,
    /// The system's random number generator failed.
    #[error("no randomness for a new key: {0}")]
    Random(String),
}

/// A secret key that signs artifacts. Its `Debug` shows only the public
/// key's fingerprint; the secret is wiped from memory on drop.
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SigningKey")
            .field("public", &self.verifying_key().fingerprint())
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A new key from the operating system's random number generator.
    ///
    /// # Errors
    /// [`KeyError::Random`] if the generator fails.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
        let key = Self::from_seed(&seed);
        seed.fill(0);
        Ok(key)
    }

    /// The key with this RFC 8032 seed.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// Read a secret key file (see the module documentation).
    ///
    /// # Errors
    /// A [`KeyError`] saying what is wrong with the text.
    pub fn from_key_file(text: &str) -> Result<Self, KeyError> {
        let mut seed = parse_key_file(text, SECRET_KEY_LABEL)?;
        let key = Self::from_seed(&seed);
        seed.fill(0);
        Ok(key)
    }

    /// The text of this key's secret key file.
    pub fn to_key_file(&self) -> String {
        key_file(SECRET_KEY_LABEL, self.0.as_bytes())
    }

    /// The public key that verifies this key's signatures.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.0.verifying_key())
    }
}

/// A public key that artifacts may be signed with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VerifyingKey(ed25519_dalek::VerifyingKey);

impl core::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("VerifyingKey")
            .field(&self.fingerprint())
            .finish()
    }
}

impl VerifyingKey {
    /// The key with these 32 bytes.
    ///
    /// # Errors
    /// [`KeyError::NotAPoint`] if they are not a valid public key.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map(VerifyingKey)
            .map_err(|_| KeyError::NotAPoint)
    }

    /// The key's 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Read a public key file (see the module documentation).
    ///
    /// # Errors
    /// A [`KeyError`] saying what is wrong with the text.
    pub fn from_key_file(text: &str) -> Result<Self, KeyError> {
        Self::from_bytes(&parse_key_file(text, PUBLIC_KEY_LABEL)?)
    }

    /// The text of this key's public key file.
    pub fn to_key_file(&self) -> String {
        key_file(PUBLIC_KEY_LABEL, self.0.as_bytes())
    }

    /// The first 16 hex digits of the key, to name it in messages (the key
    /// file shows the same digits).
    pub fn fingerprint(&self) -> String {
        fingerprint(self.0.as_bytes())
    }
}

fn fingerprint(bytes: &[u8; 32]) -> String {
    hex(&bytes[..8])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn key_file(label: &str, bytes: &[u8; 32]) -> String {
    format!("{label} {}\n", hex(bytes))
}

fn parse_key_file(text: &str, label: &'static str) -> Result<[u8; 32], KeyError> {
    let (found, digits) = text
        .trim()
        .split_once(' ')
        .ok_or(KeyError::Format { label })?;
    if found != label {
        let kind = |l: &str| match l {
            SECRET_KEY_LABEL => Some("secret"),
            PUBLIC_KEY_LABEL => Some("public"),
            _ => None,
        };
        return Err(match (kind(found), kind(label)) {
            (Some(found), Some(expected)) => KeyError::WrongKind { expected, found },
            _ => KeyError::Format { label },
        });
    }
    let digits = digits.trim().as_bytes();
    if digits.len() != 64 {
        return Err(KeyError::Digits(format!("{} digits", digits.len())));
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let digit = |d: u8| {
            (d as char)
                .to_digit(16)
                .ok_or_else(|| KeyError::Digits(format!("`{}` is not a hex digit", d as char)))
        };
        *byte = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    Ok(out)
}

/// The message a signature of `bytes` (an artifact whose signature section,
/// if any, starts at `signed_len`) covers.
fn message(bytes: &[u8], signed_len: usize) -> Vec<u8> {
    let mut m = Vec::with_capacity(DOMAIN.len() + signed_len);
    m.extend_from_slice(DOMAIN);
    m.extend_from_slice(&bytes[..signed_len]);
    let header = DOMAIN.len();
    m[header + 16..header + 32].fill(0);
    m
}

/// `artifact` signed with `key`: its signature section replaced by one of
/// `key`, the header resealed.
///
/// # Errors
/// The header, checksum and section checks of loading, if `artifact` is
/// not a well-formed artifact of this format version.
pub fn sign(artifact: &[u8], key: &SigningKey) -> Result<Vec<u8>, ArtifactError> {
    let c = format::container(artifact)?;
    let signature = key.0.sign(&message(artifact, c.signed_len));
    let mut out = artifact[..c.signed_len].to_vec();
    let mut section = Vec::with_capacity(SIGNATURE_LEN);
    section.extend_from_slice(key.0.verifying_key().as_bytes());
    section.extend_from_slice(&signature.to_bytes());
    format::section(&mut out, SIGNATURE_TAG, &section);
    format::seal(&mut out);
    Ok(out)
}

/// The key `artifact` says it is signed with, without verifying anything
/// but the container (`None`: unsigned).
///
/// # Errors
/// As [`sign`], and a signature section of the wrong length.
pub fn signer(artifact: &[u8]) -> Result<Option<[u8; 32]>, ArtifactError> {
    let c = format::container(artifact)?;
    c.signature.map(|s| split(s).map(|(k, _)| k)).transpose()
}

fn split(section: &[u8]) -> Result<([u8; 32], [u8; 64]), ArtifactError> {
    if section.len() != SIGNATURE_LEN {
        return Err(ArtifactError::Malformed(format!(
            "signature section of {} bytes (expected {SIGNATURE_LEN})",
            section.len()
        )));
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&section[..32]);
    let mut sig = [0u8; 64];
    sig.copy_from_slice(&section[32..]);
    Ok((key, sig))
}

/// Check that `artifact` is signed by one of `trusted`, returning that key.
///
/// # Errors
/// As [`sign`]; [`ArtifactError::Unsigned`] without a signature;
/// [`ArtifactError::UntrustedSigner`] if the key it names is not trusted;
/// [`ArtifactError::BadSignature`] if the signature does not verify under
/// the trusted key it names (the artifact changed after signing).
pub fn verify(artifact: &[u8], trusted: &[VerifyingKey]) -> Result<VerifyingKey, ArtifactError> {
    verify_container(artifact, &format::container(artifact)?, trusted)
}

/// [`verify`] for an artifact already split into `c`.
pub(crate) fn verify_container(
    artifact: &[u8],
    c: &format::Container<'_>,
    trusted: &[VerifyingKey],
) -> Result<VerifyingKey, ArtifactError> {
    let (key, sig) = split(c.signature.ok_or(ArtifactError::Unsigned)?)?;
    let Some(trusted_key) = trusted.iter().find(|k| k.0.as_bytes() == &key) else {
        return Err(ArtifactError::UntrustedSigner {
            signer: fingerprint(&key),
            trusted: if trusted.is_empty() {
                "none".into()
            } else {
                trusted
                    .iter()
                    .map(VerifyingKey::fingerprint)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        });
    };
    trusted_key
        .0
        .verify_strict(
            &message(artifact, c.signed_len),
            &Signature::from_bytes(&sig),
        )
        .map_err(|_| ArtifactError::BadSignature {
            signer: trusted_key.fingerprint(),
        })?;
    Ok(*trusted_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032, test 1.
    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    #[test]
    fn key_files_round_trip_and_match_rfc_8032() {
        let key = SigningKey::from_key_file(&format!("{SECRET_KEY_LABEL} {SEED}\n")).unwrap();
        assert_eq!(key.to_key_file(), format!("{SECRET_KEY_LABEL} {SEED}\n"));
        let public = key.verifying_key();
        assert_eq!(
            public.to_key_file(),
            format!("{PUBLIC_KEY_LABEL} {PUBLIC}\n")
        );
        assert_eq!(
            VerifyingKey::from_key_file(&public.to_key_file()),
            Ok(public)
        );
        assert_eq!(public.fingerprint(), &PUBLIC[..16]);
        assert!(!format!("{key:?}").contains(SEED));
        let fresh = SigningKey::generate().unwrap();
        assert_ne!(fresh.verifying_key(), public);
    }

    #[test]
    fn malformed_key_files_say_why() {
        let secret = format!("{SECRET_KEY_LABEL} {SEED}");
        assert_eq!(
            VerifyingKey::from_key_file(&secret),
            Err(KeyError::WrongKind {
                expected: "public",
                found: "secret"
            })
        );
        assert!(matches!(
            SigningKey::from_key_file(&format!("{PUBLIC_KEY_LABEL} {PUBLIC}")),
            Err(KeyError::WrongKind { .. })
        ));
        assert!(matches!(
            VerifyingKey::from_key_file(""),
            Err(KeyError::Format { .. })
        ));
        assert!(matches!(
            VerifyingKey::from_key_file(SEED),
            Err(KeyError::Format { .. })
        ));
        assert!(matches!(
            VerifyingKey::from_key_file(&format!("{PUBLIC_KEY_LABEL} {}", &PUBLIC[2..])),
            Err(KeyError::Digits(_))
        ));
        assert!(matches!(
            VerifyingKey::from_key_file(&format!("{PUBLIC_KEY_LABEL} zz{}", &PUBLIC[2..])),
            Err(KeyError::Digits(_))
        ));
        assert!(matches!(
            VerifyingKey::from_key_file(&format!("{PUBLIC_KEY_LABEL} é{}", &PUBLIC[2..])),
            Err(KeyError::Digits(_))
        ));
    }
}
