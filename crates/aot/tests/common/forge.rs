//! Editing an artifact as a forger would: replace a section's bytes, then
//! reseal the header (total length and FNV-1a checksum recomputed), so that
//! only the checks after the checksum can refuse it. This reimplements the
//! container from its documented format rather than calling the crate's.

#![allow(dead_code)]

/// Length of the header.
pub const HEADER: usize = 32;

/// Section tags.
pub const STRATA_VERSION: u32 = 1;
pub const TARGET: u32 = 2;
pub const CPU_FEATURES: u32 = 3;
pub const WASM_FEATURES: u32 = 4;
pub const WASM: u32 = 5;
pub const CODE: u32 = 6;
pub const SYMBOLS: u32 = 7;
pub const SIGNATURE: u32 = 8;

/// FNV-1a 64 of `bytes` without the checksum field (bytes 16..24).
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, b) in bytes.iter().enumerate() {
        if !(16..24).contains(&i) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Write the total length and the checksum into the header.
pub fn reseal(v: &mut [u8]) {
    let len = v.len() as u64;
    v[24..32].copy_from_slice(&len.to_le_bytes());
    let sum = checksum(v);
    v[16..24].copy_from_slice(&sum.to_le_bytes());
}

/// The sections of a well-formed artifact: (tag, payload).
pub fn sections(bytes: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let mut at = HEADER;
    let mut out = Vec::new();
    while at < bytes.len() {
        let tag = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let len = u64::from_le_bytes(bytes[at + 4..at + 12].try_into().unwrap()) as usize;
        out.push((tag, bytes[at + 12..at + 12 + len].to_vec()));
        at += 12 + len;
    }
    out
}

/// The payload of section `tag`.
pub fn section(bytes: &[u8], tag: u32) -> Vec<u8> {
    sections(bytes)
        .into_iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, p)| p)
        .unwrap_or_else(|| panic!("no section {tag}"))
}

/// An artifact with `bytes`' header and these sections, resealed.
pub fn assemble(bytes: &[u8], sections: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut v = bytes[..HEADER].to_vec();
    for (tag, payload) in sections {
        v.extend_from_slice(&tag.to_le_bytes());
        v.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        v.extend_from_slice(payload);
    }
    reseal(&mut v);
    v
}

/// `bytes` with the payload of section `tag` edited by `edit`, resealed.
pub fn edit(bytes: &[u8], tag: u32, edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut s = sections(bytes);
    let payload = s
        .iter_mut()
        .find(|(t, _)| *t == tag)
        .map(|(_, p)| p)
        .unwrap_or_else(|| panic!("no section {tag}"));
    edit(payload);
    assemble(bytes, &s)
}

/// `bytes` with section `tag` holding `payload`, resealed.
pub fn replace(bytes: &[u8], tag: u32, payload: &[u8]) -> Vec<u8> {
    edit(bytes, tag, |p| *p = payload.to_vec())
}

/// The symbol table: (offset, length) per symbol.
pub fn symbols(bytes: &[u8]) -> Vec<(u32, u32)> {
    section(bytes, SYMBOLS)
        .chunks_exact(8)
        .map(|e| {
            (
                u32::from_le_bytes(e[..4].try_into().unwrap()),
                u32::from_le_bytes(e[4..].try_into().unwrap()),
            )
        })
        .collect()
}

/// `bytes` with this symbol table, resealed.
pub fn with_symbols(bytes: &[u8], table: &[(u32, u32)]) -> Vec<u8> {
    let payload: Vec<u8> = table
        .iter()
        .flat_map(|(o, l)| [o.to_le_bytes(), l.to_le_bytes()])
        .flatten()
        .collect();
    replace(bytes, SYMBOLS, &payload)
}
