//! The artifact file format: a self-describing, versioned container.
//!
//! ```text
//! 0   magic            8 bytes  "STRATAOT"
//! 8   format version   u32 LE   (ARTIFACT_VERSION)
//! 12  reserved         u32      0
//! 16  checksum         u64 LE   FNV-1a 64 of every byte of the file except
//!                               these eight
//! 24  total length     u64 LE   of the whole file
//! 32  sections         (tag u32, length u64, bytes) in tag order:
//!       1 Strata version   2 target triple   3 CPU features (comma list)
//!       4 wasm features (JSON)   5 IR module (JSON, serde)
//!       6 code   7 symbol offsets (u32 each)
//!       8 relocations (at u32, kind u8, symbol u32, addend i64)
//! ```
//!
//! Reading checks, in order: magic, length (truncation), format version,
//! checksum, Strata version, target triple, CPU features, then parses the
//! sections. Each failure is its own [`ArtifactError`] variant. FNV-1a changes
//! its state bijectively per byte, so every single-byte corruption changes
//! the checksum. The checksum detects accidents, not attacks: loading an
//! artifact runs its code, so the caller must trust its origin.

use strata_ir::{Features, Module};

use super::ArtifactError;
use crate::compile::{CodeImage, RelocKind, Relocation};

/// The artifact magic.
pub const MAGIC: &[u8; 8] = b"STRATAOT";
/// The format version this build writes and reads. Bumped whenever the
/// code's contract with the runtime changes (3: the context's call-depth
/// words).
pub const ARTIFACT_VERSION: u32 = 3;
/// This build's Strata version.
pub const STRATA_VERSION: &str = env!("CARGO_PKG_VERSION");

const HEADER: usize = 32;

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

/// Everything an artifact holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Contents {
    pub strata_version: String,
    pub target: String,
    pub cpu_features: String,
    pub features: Features,
    pub module: Module,
    pub image: CodeImage,
}

fn section(out: &mut Vec<u8>, tag: u32, bytes: &[u8]) {
    out.extend_from_slice(&tag.to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Write an artifact.
pub(crate) fn write(c: &Contents) -> Result<Vec<u8>, ArtifactError> {
    let json = |e: serde_json::Error| ArtifactError::Malformed(e.to_string());
    let mut out = Vec::with_capacity(HEADER + c.image.code.len() * 2);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&ARTIFACT_VERSION.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    section(&mut out, 1, c.strata_version.as_bytes());
    section(&mut out, 2, c.target.as_bytes());
    section(&mut out, 3, c.cpu_features.as_bytes());
    section(&mut out, 4, &serde_json::to_vec(&c.features).map_err(json)?);
    section(&mut out, 5, &serde_json::to_vec(&c.module).map_err(json)?);
    section(&mut out, 6, &c.image.code);
    let syms: Vec<u8> = c
        .image
        .symbols
        .iter()
        .flat_map(|s| s.to_le_bytes())
        .collect();
    section(&mut out, 7, &syms);
    let mut rel = Vec::with_capacity(c.image.relocs.len() * 17);
    for r in &c.image.relocs {
        rel.extend_from_slice(&r.at.to_le_bytes());
        rel.push(r.kind as u8);
        rel.extend_from_slice(&r.symbol.to_le_bytes());
        rel.extend_from_slice(&r.addend.to_le_bytes());
    }
    section(&mut out, 8, &rel);
    let len = out.len() as u64;
    out[24..32].copy_from_slice(&len.to_le_bytes());
    let sum = checksum(&out);
    out[16..24].copy_from_slice(&sum.to_le_bytes());
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

/// Split the sections after the header, requiring tags 1..=8 in order.
fn sections(b: &[u8]) -> Result<Vec<&[u8]>, ArtifactError> {
    let mut at = HEADER;
    let mut out = Vec::new();
    for tag in 1..=8u32 {
        if u32_at(b, at)? != tag {
            return Err(malformed("unexpected section"));
        }
        let len = usize::try_from(u64_at(b, at + 4)?).map_err(|_| ArtifactError::Truncated)?;
        let start = at + 12;
        let end = start.checked_add(len).ok_or(ArtifactError::Truncated)?;
        out.push(b.get(start..end).ok_or(ArtifactError::Truncated)?);
        at = end;
    }
    if at != b.len() {
        return Err(malformed("trailing bytes"));
    }
    Ok(out)
}

fn utf8(b: &[u8]) -> Result<String, ArtifactError> {
    String::from_utf8(b.to_vec()).map_err(|_| malformed("string is not UTF-8"))
}

/// Check the header and identity sections and parse the rest.
///
/// `host_target` and `host_features` describe the machine that will run the
/// code.
pub(crate) fn read(
    b: &[u8],
    host_target: &str,
    host_features: &str,
) -> Result<Contents, ArtifactError> {
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
    let s = sections(b)?;
    let strata_version = utf8(s[0])?;
    if strata_version != STRATA_VERSION {
        return Err(ArtifactError::StrataVersion {
            found: strata_version,
            expected: STRATA_VERSION.to_string(),
        });
    }
    let target = utf8(s[1])?;
    if target != host_target {
        return Err(ArtifactError::Target {
            found: target,
            expected: host_target.to_string(),
        });
    }
    let cpu_features = utf8(s[2])?;
    let host: Vec<&str> = host_features.split(',').collect();
    let missing: Vec<&str> = cpu_features
        .split(',')
        .filter(|f| !f.is_empty() && !host.contains(f))
        .collect();
    if !missing.is_empty() {
        return Err(ArtifactError::CpuFeatures(missing.join(",")));
    }
    let json = |e: serde_json::Error| ArtifactError::Malformed(e.to_string());
    let features: Features = serde_json::from_slice(s[3]).map_err(json)?;
    let module: Module = serde_json::from_slice(s[4]).map_err(json)?;
    if module.features != features {
        return Err(malformed("feature sections disagree"));
    }
    let code = s[5].to_vec();
    if s[6].len() % 4 != 0 || s[7].len() % 17 != 0 {
        return Err(malformed("table length"));
    }
    let symbols: Vec<u32> = s[6]
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    if symbols.len() != 2 * module.bodies.len()
        || symbols.iter().any(|s| *s as usize >= code.len().max(1))
    {
        return Err(malformed("symbol table"));
    }
    let mut relocs = Vec::with_capacity(s[7].len() / 17);
    for c in s[7].chunks_exact(17) {
        let at = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        let kind = RelocKind::from_u8(c[4]).ok_or_else(|| malformed("relocation kind"))?;
        let symbol = u32::from_le_bytes([c[5], c[6], c[7], c[8]]);
        let mut a = [0u8; 8];
        a.copy_from_slice(&c[9..17]);
        relocs.push(Relocation {
            at,
            kind,
            symbol,
            addend: i64::from_le_bytes(a),
        });
    }
    Ok(Contents {
        strata_version,
        target,
        cpu_features,
        features,
        module,
        image: CodeImage {
            code,
            symbols,
            relocs,
        },
    })
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
            module: Module::default(),
            image: CodeImage {
                code: vec![0xc3; 32],
                symbols: vec![],
                relocs: vec![],
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
}
