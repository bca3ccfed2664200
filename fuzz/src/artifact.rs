//! The artifact target's tools: the checksum (FNV-1a 64 over every byte but
//! 16..24, as `crates/aot/src/artifact/format.rs` writes it), a splitter for
//! the sections after the 32-byte header (`tag u32, length u64, bytes`),
//! and fuzzer-driven mutations that never touch the bytes of the code
//! section (tag 6): a forged artifact's machine code cannot be vouched for,
//! so only what the loader checks is mutated.
//!
//! Kept small and local on purpose: the artifact format may change, and
//! only the header layout and the section framing are assumed here.

use std::ops::Range;

/// The artifact header's size.
pub const HEADER: usize = 32;
/// The code section's tag.
pub const CODE: u32 = 6;
/// The symbol table's tag.
pub const SYMBOLS: u32 = 7;
/// Where the checksum lives.
const CHECKSUM: Range<usize> = 16..24;
/// Where the total length lives.
const LENGTH: Range<usize> = 24..32;

/// FNV-1a 64 of `bytes` with the checksum field skipped.
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, b) in bytes.iter().enumerate() {
        if CHECKSUM.contains(&i) {
            continue;
        }
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Write the checksum of `bytes` into its field (if the file has one).
pub fn fix_checksum(bytes: &mut [u8]) {
    if bytes.len() >= CHECKSUM.end {
        let sum = checksum(bytes);
        bytes[CHECKSUM].copy_from_slice(&sum.to_le_bytes());
    }
}

/// Write the file's length into its field (if the file has one).
pub fn fix_length(bytes: &mut [u8]) {
    if bytes.len() >= LENGTH.end {
        let len = bytes.len() as u64;
        bytes[LENGTH].copy_from_slice(&len.to_le_bytes());
    }
}

/// One section: its tag, where its 12-byte header starts, and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The tag.
    pub tag: u32,
    /// Offset of the tag field.
    pub at: usize,
    /// The body's range.
    pub body: Range<usize>,
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// The sections after the header, as far as their framing holds together.
pub fn sections(b: &[u8]) -> Vec<Section> {
    let mut at = HEADER;
    let mut out = Vec::new();
    while let (Some(tag), Some(len)) = (u32_at(b, at), u64_at(b, at + 4)) {
        let start = at + 12;
        let Some(end) = usize::try_from(len).ok().and_then(|l| start.checked_add(l)) else {
            break;
        };
        if end > b.len() {
            break;
        }
        out.push(Section {
            tag,
            at,
            body: start..end,
        });
        at = end;
    }
    out
}

/// The bodies of sections `tags` if the file's framing is exactly the
/// writer's (tags 1 to 7 in order, then the optional signature section 8,
/// nothing after), else `None`.
pub fn bodies<'a>(b: &'a [u8], tags: &[u32]) -> Option<Vec<&'a [u8]>> {
    let s = sections(b);
    let framed = (s.len() == 7 || s.len() == 8)
        && s.iter().zip(1..).all(|(s, tag)| s.tag == tag)
        && s.last().map(|s| s.body.end) == Some(b.len());
    if !framed {
        return None;
    }
    Some(
        tags.iter()
            .filter_map(|t| s.iter().find(|s| s.tag == *t))
            .map(|s| &b[s.body.clone()])
            .collect(),
    )
}

/// A place a mutation may touch.
#[derive(Debug, Clone)]
enum Region {
    /// Header bytes (the checksum field excluded: it is recomputed).
    Header(Range<usize>),
    /// A section's tag and length fields.
    SectionHeader(Range<usize>),
    /// A section's body (never the code's), whose length field is at `len_at`.
    Body { range: Range<usize>, len_at: usize },
}

fn regions(b: &[u8]) -> Vec<Region> {
    let mut out = vec![
        Region::Header(0..CHECKSUM.start.min(b.len())),
        Region::Header(LENGTH.start.min(b.len())..HEADER.min(b.len())),
    ];
    for s in sections(b) {
        out.push(Region::SectionHeader(s.at..s.at + 12));
        if s.tag != CODE {
            out.push(Region::Body {
                range: s.body.clone(),
                len_at: s.at + 4,
            });
        }
    }
    out.retain(|r| match r {
        Region::Header(r) | Region::SectionHeader(r) => !r.is_empty(),
        Region::Body { .. } => true,
    });
    out
}

/// Values worth writing over a length, count or index field.
const INTERESTING: [u64; 12] = [
    0,
    1,
    2,
    4,
    8,
    17,
    0x7f,
    0xff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    u64::MAX,
];

/// JSON fragments for the JSON sections (features, IR).
const TOKENS: [&[u8]; 10] = [
    b"null",
    b"{}",
    b"[]",
    b"\"\"",
    b"-1",
    b"1e999",
    b"18446744073709551616",
    b"true",
    b",",
    b"4294967295",
];

/// Grow or shrink the length field at `len_at` by `delta` (wrapping: the
/// field then describes the body as it now is).
fn adjust_len(b: &mut [u8], len_at: usize, delta: i64) {
    if let Some(len) = u64_at(b, len_at) {
        let len = len.wrapping_add_signed(delta);
        b[len_at..len_at + 8].copy_from_slice(&len.to_le_bytes());
    }
}

/// Apply the mutations `ops` (5 bytes each: kind, region, offset low,
/// offset high, value) to `artifact`. A mutation whose region no longer
/// exists (the framing broke) is skipped; the code section's bytes are
/// never written, inserted into or deleted from.
pub fn mutate(artifact: &[u8], ops: &[u8]) -> Vec<u8> {
    let mut b = artifact.to_vec();
    for op in ops.chunks_exact(5) {
        let regions = regions(&b);
        if regions.is_empty() {
            break;
        }
        let region = &regions[usize::from(op[1]) % regions.len()];
        let offset = usize::from(u16::from_le_bytes([op[2], op[3]]));
        let value = op[4];
        let (range, len_at) = match region {
            Region::Header(r) | Region::SectionHeader(r) => (r.clone(), None),
            Region::Body { range, len_at } => (range.clone(), Some(*len_at)),
        };
        // Resizing ops may also act at the end of a body (an empty one too).
        let span = range.len() + usize::from(len_at.is_some());
        let at = range.start + offset % span.max(1);
        let in_range = |n: usize| at + n <= range.end;
        match op[0] % 8 {
            0 if at < range.end => b[at] = value,
            1 if at < range.end => b[at] ^= value | 1,
            2 if in_range(4) => {
                let v = INTERESTING[usize::from(value) % INTERESTING.len()] as u32;
                b[at..at + 4].copy_from_slice(&v.to_le_bytes());
            }
            3 if in_range(8) => {
                let v = INTERESTING[usize::from(value) % INTERESTING.len()];
                b[at..at + 8].copy_from_slice(&v.to_le_bytes());
            }
            4 => {
                let n = usize::from(value % 16) + 1;
                b.splice(at..at, std::iter::repeat_n(value, n));
                if let Some(len_at) = len_at {
                    adjust_len(&mut b, len_at, n as i64);
                }
            }
            5 if at < range.end => {
                let n = (usize::from(value % 16) + 1).min(range.end - at);
                b.drain(at..at + n);
                if let Some(len_at) = len_at {
                    adjust_len(&mut b, len_at, -(n as i64));
                }
            }
            6 => b.truncate(at),
            7 => {
                let token = TOKENS[usize::from(value) % TOKENS.len()];
                b.splice(at..at, token.iter().copied());
                if let Some(len_at) = len_at {
                    adjust_len(&mut b, len_at, token.len() as i64);
                }
            }
            _ => {}
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact() -> Vec<u8> {
        let mut b = b"STRATAOT".to_vec();
        b.extend_from_slice(&[0; 24]);
        for tag in 1..=7u32 {
            let body: Vec<u8> = vec![tag as u8; tag as usize];
            b.extend_from_slice(&tag.to_le_bytes());
            b.extend_from_slice(&(body.len() as u64).to_le_bytes());
            b.extend_from_slice(&body);
        }
        fix_length(&mut b);
        fix_checksum(&mut b);
        b
    }

    #[test]
    fn body_mutations_keep_the_framing_and_the_code() {
        let a = artifact();
        assert_eq!(sections(&a).len(), 7);
        let code = bodies(&a, &[CODE]).expect("framed")[0].to_vec();
        // Regions: two header spans, then each section's header and (but
        // for the code's) its body.
        let body_regions = [3u8, 5, 7, 9, 11, 14];
        for seed in 0..4000u32 {
            let mut ops = Vec::new();
            for i in 0..5u32 {
                let x = seed.wrapping_mul(0x9e37_79b9).rotate_left(i * 5);
                let kind = [0u8, 1, 2, 3, 4, 5, 7][(x % 7) as usize];
                let region = body_regions[((x >> 3) % 6) as usize];
                ops.extend_from_slice(&[kind, region, (x >> 8) as u8, 0, (x >> 16) as u8]);
            }
            let m = mutate(&a, &ops);
            let found = bodies(&m, &[CODE]).unwrap_or_else(|| panic!("seed {seed}: framing"));
            assert_eq!(found[0], code.as_slice(), "seed {seed}");
        }
    }

    #[test]
    fn checksum_skips_its_field() {
        let mut a = artifact();
        let sum = checksum(&a);
        a[16] ^= 0xff;
        assert_eq!(checksum(&a), sum);
        a[0] ^= 1;
        assert_ne!(checksum(&a), sum);
    }
}
