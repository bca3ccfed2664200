//! The artifact file format: a self-describing, versioned container.
//!
//! ```text
//! 0   magic            8 bytes  "STRATAOT"
//! 8   format version   u32 LE   (ARTIFACT_VERSION)
//! 12  reserved         u32      0
//! 16  checksum         u64 LE   FNV-1a 64 of every byte of the file except
//!                               these eight
//! 24  total length     u64 LE   of the whole file
//! 32  sections         (tag u32 LE, length u64 LE, bytes) in tag order:
//!       1 Strata version      UTF-8
//!       2 target triple       UTF-8
//!       3 CPU features        UTF-8, comma-separated Cranelift ISA flags
//!       4 wasm features       JSON (`strata_ir::Features`)
//!       5 wasm module         the binary module, exactly as compiled
//!       6 code                linked, position-independent machine code
//!       7 symbol table        (offset u32 LE, length u32 LE) per symbol:
//!                             every defined function, then its trampoline
//!       8 signature           optional: Ed25519 public key (32 bytes),
//!                             signature (64 bytes); see `signing`
//! ```
//!
//! Reading checks, in order: magic, length (truncation), format version,
//! checksum, the reserved field, the section tags (1 to 7, then a 96-byte
//! section 8 or the end); then, if the
//! caller requires one, the signature; then Strata version, target triple
//! and CPU features; then it decodes the wasm features and the symbol table.
//! The loader (`crate::Aot::load_artifact_with`) then validates the wasm
//! module with those features, as `strata-loader` validates any module, and
//! holds the symbol table to the layout the linker produces for it
//! (`super::image`). Each failure is its own [`ArtifactError`] variant.
//!
//! FNV-1a changes its state bijectively per byte, so every single-byte
//! corruption changes the checksum. The checksum detects accidents, not
//! attacks: anyone can recompute it, and the checks after it refuse a
//! consistent-but-forged table, not forged machine code.

use strata_ir::Features;

use super::ArtifactError;
use crate::link::{CodeImage, Symbol};

/// The artifact magic.
pub const MAGIC: &[u8; 8] = b"STRATAOT";
/// The format version this build writes and reads. Bumped whenever the
/// layout or the code's contract with the runtime changes (3: the context's
/// call-depth words; 4: the wasm module instead of its IR, linked code with
/// a symbol table of offsets and lengths, no relocations, an optional
/// signature).
pub const ARTIFACT_VERSION: u32 = 4;
/// This build's Strata version.
pub const STRATA_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Length of the header.
pub(crate) const HEADER: usize = 32;
/// The section tags every artifact has, in order.
const REQUIRED: u32 = 7;
/// The tag of the optional signature section, after every other.
pub(crate) const SIGNATURE_TAG: u32 = 8;
/// Bytes of the signature section: public key, then signature.
pub(crate) const SIGNATURE_LEN: usize = 32 + 64;
/// Bytes of one symbol table entry.
const SYMBOL_ENTRY: usize = 8;

/// FNV-1a 64 of `bytes` with the checksum field (bytes 16..24) skipped.
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, b) in bytes.iter().enumerate() {
        if (16..24).contains(&i) {
            continue;
        }
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Everything an artifact holds but its signature.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Contents {
    pub strata_version: String,
    pub target: String,
    pub cpu_features: String,
    pub features: Features,
    /// The binary wasm module the code was compiled from.
    pub wasm: Vec<u8>,
    pub image: CodeImage,
}

/// Append section `tag` holding `bytes`.
pub(crate) fn section(out: &mut Vec<u8>, tag: u32, bytes: &[u8]) {
    out.extend_from_slice(&tag.to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Fill in the header's total length and checksum.
pub(crate) fn seal(out: &mut [u8]) {
    let len = out.len() as u64;
    out[24..32].copy_from_slice(&len.to_le_bytes());
    let sum = checksum(out);
    out[16..24].copy_from_slice(&sum.to_le_bytes());
}

/// Write an unsigned artifact.
pub(crate) fn write(c: &Contents) -> Result<Vec<u8>, ArtifactError> {
    let features =
        serde_json::to_vec(&c.features).map_err(|e| ArtifactError::Malformed(e.to_string()))?;
    let mut out = Vec::with_capacity(HEADER + c.wasm.len() + c.image.code.len() + 256);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&ARTIFACT_VERSION.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    section(&mut out, 1, c.strata_version.as_bytes());
    section(&mut out, 2, c.target.as_bytes());
    section(&mut out, 3, c.cpu_features.as_bytes());
    section(&mut out, 4, &features);
    section(&mut out, 5, &c.wasm);
    section(&mut out, 6, &c.image.code);
    let syms: Vec<u8> = c
        .image
        .symbols
        .iter()
        .flat_map(|s| [s.offset.to_le_bytes(), s.len.to_le_bytes()])
        .flatten()
        .collect();
    section(&mut out, 7, &syms);
    seal(&mut out);
    Ok(out)
}

/// Whether `bytes` starts like an artifact (for `strata run` to tell an
/// artifact from a module).
pub fn is_artifact(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, ArtifactError> {
    let s = b.get(at..at + 4).ok_or(ArtifactError::Truncated)?;
    Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> Result<u64, ArtifactError> {
    let s = b.get(at..at + 8).ok_or(ArtifactError::Truncated)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Ok(u64::from_le_bytes(a))
}

fn malformed(what: &str) -> ArtifactError {
    ArtifactError::Malformed(what.to_string())
}

/// An artifact whose header, checksum and section tags checked out, split
/// into its sections.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Container<'a> {
    /// Sections 1 to 7.
    pub sections: [&'a [u8]; REQUIRED as usize],
    /// Section 8, if present.
    pub signature: Option<&'a [u8]>,
    /// Where section 8 starts (the file's length if there is none): what a
    /// signature covers.
    pub signed_len: usize,
}

/// The tag and byte range of the section at `*at`, moving `*at` past it.
fn next_section(b: &[u8], at: &mut usize) -> Result<(u32, std::ops::Range<usize>), ArtifactError> {
    let tag = u32_at(b, *at)?;
    let len = usize::try_from(u64_at(b, *at + 4)?).map_err(|_| ArtifactError::Truncated)?;
    let start = *at + 12;
    let end = start.checked_add(len).ok_or(ArtifactError::Truncated)?;
    if end > b.len() {
        return Err(ArtifactError::Truncated);
    }
    *at = end;
    Ok((tag, start..end))
}

/// Check the header and checksum of `b` and split its sections.
pub(crate) fn container(b: &[u8]) -> Result<Container<'_>, ArtifactError> {
    if b.len() < MAGIC.len() || &b[..MAGIC.len()] != MAGIC {
        return Err(ArtifactError::BadMagic);
    }
    let total = u64_at(b, 24)?;
    if (b.len() as u64) < total {
        return Err(ArtifactError::Truncated);
    }
    let version = u32_at(b, 8)?;
    if version != ARTIFACT_VERSION {
        return Err(ArtifactError::FormatVersion {
            found: version,
            expected: ARTIFACT_VERSION,
        });
    }
    if b.len() as u64 != total || u64_at(b, 16)? != checksum(b) {
        return Err(ArtifactError::Checksum);
    }
    if u32_at(b, 12)? != 0 {
        return Err(malformed("reserved header field is not zero"));
    }
    let mut at = HEADER;
    let mut sections: [&[u8]; REQUIRED as usize] = [&[]; REQUIRED as usize];
    for (i, slot) in sections.iter_mut().enumerate() {
        let (tag, range) = next_section(b, &mut at)?;
        if tag != i as u32 + 1 {
            return Err(ArtifactError::Malformed(format!(
                "section {tag} where section {} belongs",
                i + 1
            )));
        }
        *slot = &b[range];
    }
    let signed_len = at;
    let signature = if at == b.len() {
        None
    } else {
        let (tag, range) = next_section(b, &mut at)?;
        if tag != SIGNATURE_TAG {
            return Err(ArtifactError::Malformed(format!(
                "section {tag} after the symbol table"
            )));
        }
        if at != b.len() {
            return Err(malformed("trailing bytes after the signature"));
        }
        if range.len() != SIGNATURE_LEN {
            return Err(ArtifactError::Malformed(format!(
                "signature section of {} bytes (expected {SIGNATURE_LEN})",
                range.len()
            )));
        }
        Some(&b[range])
    };
    Ok(Container {
        sections,
        signature,
        signed_len,
    })
}

fn utf8<'a>(b: &'a [u8], what: &str) -> Result<&'a str, ArtifactError> {
    std::str::from_utf8(b).map_err(|_| ArtifactError::Malformed(format!("{what} is not UTF-8")))
}

/// Check that the artifact was written by this Strata for this host:
/// `host_target` and `host_features` describe the machine that will run
/// the code.
pub(crate) fn check_host(
    c: &Container<'_>,
    host_target: &str,
    host_features: &str,
) -> Result<(), ArtifactError> {
    let strata_version = utf8(c.sections[0], "the Strata version")?;
    if strata_version != STRATA_VERSION {
        return Err(ArtifactError::StrataVersion {
            found: strata_version.to_string(),
            expected: STRATA_VERSION.to_string(),
        });
    }
    let target = utf8(c.sections[1], "the target")?;
    if target != host_target {
        return Err(ArtifactError::Target {
            found: target.to_string(),
            expected: host_target.to_string(),
        });
    }
    let cpu_features = utf8(c.sections[2], "the CPU features")?;
    let host: Vec<&str> = host_features.split(',').collect();
    let missing: Vec<&str> = cpu_features
        .split(',')
        .filter(|f| !f.is_empty() && !host.contains(f))
        .collect();
    if !missing.is_empty() {
        return Err(ArtifactError::CpuFeatures(missing.join(",")));
    }
    Ok(())
}

/// Decode the sections of `c` (nothing is validated beyond their syntax).
pub(crate) fn decode(c: &Container<'_>) -> Result<Contents, ArtifactError> {
    let s = &c.sections;
    let features: Features = serde_json::from_slice(s[3])
        .map_err(|e| ArtifactError::Malformed(format!("wasm features: {e}")))?;
    if s[6].len() % SYMBOL_ENTRY != 0 {
        return Err(malformed("symbol table length"));
    }
    let word = |c: &[u8]| u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
    let symbols = s[6]
        .chunks_exact(SYMBOL_ENTRY)
        .map(|e| Symbol {
            offset: word(&e[..4]),
            len: word(&e[4..]),
        })
        .collect();
    Ok(Contents {
        strata_version: utf8(s[0], "the Strata version")?.to_string(),
        target: utf8(s[1], "the target")?.to_string(),
        cpu_features: utf8(s[2], "the CPU features")?.to_string(),
        features,
        wasm: s[4].to_vec(),
        image: CodeImage {
            code: s[5].to_vec(),
            symbols,
        },
    })
}

/// Check everything of `b` that does not need the module, and decode it.
#[cfg(test)]
pub(crate) fn read(
    b: &[u8],
    host_target: &str,
    host_features: &str,
) -> Result<Contents, ArtifactError> {
    let c = container(b)?;
    check_host(&c, host_target, host_features)?;
    decode(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Contents {
        Contents {
            strata_version: STRATA_VERSION.into(),
            target: "x86_64-unknown-linux-gnu".into(),
            cpu_features: "has_sse41".into(),
            features: Features::default(),
            wasm: b"\0asm\x01\0\0\0".to_vec(),
            image: CodeImage {
                code: vec![0xc3; 32],
                symbols: vec![Symbol { offset: 0, len: 32 }],
            },
        }
    }

    #[test]
    fn round_trip_and_checks() {
        let c = sample();
        let bytes = write(&c).unwrap();
        let back = read(&bytes, "x86_64-unknown-linux-gnu", "has_avx,has_sse41").unwrap();
        assert_eq!(back, c);
        assert!(matches!(
            read(&bytes, "aarch64-unknown-linux-gnu", ""),
            Err(ArtifactError::Target { .. })
        ));
        assert!(matches!(
            read(&bytes, "x86_64-unknown-linux-gnu", "has_avx"),
            Err(ArtifactError::CpuFeatures(_))
        ));
        assert!(matches!(
            read(
                &bytes[..bytes.len() - 1],
                "x86_64-unknown-linux-gnu",
                "has_sse41"
            ),
            Err(ArtifactError::Truncated)
        ));
        let mut v = bytes.clone();
        v[8] = 9;
        assert!(matches!(
            read(&v, "x86_64-unknown-linux-gnu", "has_sse41"),
            Err(ArtifactError::FormatVersion { found: 9, .. })
        ));
        let mut v = bytes;
        let last = v.len() - 1;
        v[last] ^= 1;
        assert!(matches!(
            read(&v, "x86_64-unknown-linux-gnu", "has_sse41"),
            Err(ArtifactError::Checksum)
        ));
    }

    #[test]
    fn sections_must_come_in_order_and_end_the_file() {
        let bytes = write(&sample()).unwrap();
        let host = |b: &[u8]| read(b, "x86_64-unknown-linux-gnu", "has_sse41").map(|_| ());
        // An unknown section after the symbol table.
        let mut v = bytes.clone();
        section(&mut v, 9, b"x");
        seal(&mut v);
        assert!(matches!(host(&v), Err(ArtifactError::Malformed(_))));
        // A signature section, then more.
        let mut v = bytes.clone();
        section(&mut v, SIGNATURE_TAG, &[0; SIGNATURE_LEN]);
        v.push(0);
        seal(&mut v);
        assert!(matches!(host(&v), Err(ArtifactError::Malformed(_))));
        // A signature section of the wrong length.
        let mut v = bytes.clone();
        section(&mut v, SIGNATURE_TAG, &[0; 64]);
        seal(&mut v);
        assert!(matches!(host(&v), Err(ArtifactError::Malformed(_))));
        // The reserved header field.
        let mut v = bytes.clone();
        v[12] = 1;
        seal(&mut v);
        assert!(matches!(host(&v), Err(ArtifactError::Malformed(_))));
        // A section length past the end.
        let mut v = bytes.clone();
        v[HEADER + 4..HEADER + 12].copy_from_slice(&u64::MAX.to_le_bytes());
        seal(&mut v);
        assert!(matches!(host(&v), Err(ArtifactError::Truncated)));
        // Tags out of order.
        let mut v = bytes;
        v[HEADER] = 2;
        seal(&mut v);
        assert!(matches!(host(&v), Err(ArtifactError::Malformed(_))));
    }
}
