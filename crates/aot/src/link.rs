//! Linking: lays the compiled pieces (functions, then trampolines) out into
//! one code image and resolves the calls between them, so that the image is
//! position-independent and needs no relocation when it is loaded.
//!
//! The layout, which `crate::artifact::image` holds an artifact's symbol
//! table to: piece `k` starts at the first multiple of [`ALIGN`] at or after
//! the end of piece `k - 1` (piece 0 at offset 0), the gap between two pieces
//! is zero bytes, and the image ends where the last piece ends. Pieces
//! `0..n` are the defined functions, `n..2n` their trampolines.
//!
//! The only references between pieces are direct calls and tail calls to
//! defined functions (x86-64 `call`/`jmp rel32`, aarch64 `bl`/`b`): helpers
//! are reached through the context's helper table. Both encode the distance
//! from the call to its target, so resolving them here gives the same bytes
//! wherever the image is later mapped.

/// Alignment of every piece in the image.
pub(crate) const ALIGN: usize = 16;

/// How a call encodes its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// x86-64: the 32-bit displacement of `call rel32`/`jmp rel32`, relative
    /// to the end of the field (the addend says how far that is).
    X86Rel32,
    /// aarch64: the 26-bit word offset of `bl`/`b`.
    Arm64Branch26,
}

/// A call from one piece to the start of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Call {
    /// Offset of the field in its piece.
    pub at: u32,
    /// How the field encodes the target.
    pub kind: CallKind,
    /// The called symbol (a defined function's index).
    pub target: u32,
    /// Added to the target's address before the distance is taken.
    pub addend: i64,
}

/// One compiled symbol before linking.
#[derive(Debug, Clone, Default)]
pub(crate) struct Piece {
    /// Its machine code, calls unresolved.
    pub code: Vec<u8>,
    /// Its calls to other symbols.
    pub calls: Vec<Call>,
}

/// Where a symbol's code lies in the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Symbol {
    /// Offset of its first byte.
    pub offset: u32,
    /// Length of its code, without the padding after it.
    pub len: u32,
}

impl Symbol {
    /// Offset one past its last byte.
    pub(crate) fn end(self) -> usize {
        self.offset as usize + self.len as usize
    }
}

/// A linked, not yet loaded, code image.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CodeImage {
    /// The machine code, every call resolved.
    pub code: Vec<u8>,
    /// Every symbol (functions, then trampolines), in image order.
    pub symbols: Vec<Symbol>,
}

/// Where the piece after one ending at `end` starts.
pub(crate) fn next_start(end: usize) -> Option<usize> {
    end.checked_next_multiple_of(ALIGN)
}

/// Lay `pieces` out and resolve their calls.
///
/// # Errors
/// An image past 4 GiB, or a call whose target or field is out of range
/// (neither happens for code the compiler emitted).
pub(crate) fn link(pieces: Vec<Piece>) -> Result<CodeImage, String> {
    let mut image = CodeImage::default();
    for piece in &pieces {
        let start = next_start(image.code.len()).ok_or("code image too large")?;
        image.code.resize(start, 0);
        let offset = u32::try_from(start).map_err(|_| "code image larger than 4 GiB")?;
        let len = u32::try_from(piece.code.len()).map_err(|_| "function larger than 4 GiB")?;
        image.symbols.push(Symbol { offset, len });
        image.code.extend_from_slice(&piece.code);
    }
    u32::try_from(image.code.len()).map_err(|_| "code image larger than 4 GiB")?;
    for (piece, sym) in pieces.iter().zip(&image.symbols) {
        for call in &piece.calls {
            resolve(&mut image.code, &image.symbols, *sym, call)?;
        }
    }
    Ok(image)
}

/// Write the distance from `call` (in the piece at `sym`) to its target.
fn resolve(code: &mut [u8], symbols: &[Symbol], sym: Symbol, call: &Call) -> Result<(), String> {
    let target = symbols
        .get(call.target as usize)
        .ok_or_else(|| format!("call to symbol {} of {}", call.target, symbols.len()))?;
    if call.at as usize + 4 > sym.len as usize {
        return Err(format!("call field at {} outside its function", call.at));
    }
    let at = sym.offset as usize + call.at as usize;
    let distance = i64::from(target.offset) + call.addend - at as i64;
    let field = code
        .get_mut(at..at + 4)
        .ok_or_else(|| format!("call field at {at} outside the image"))?;
    match call.kind {
        CallKind::X86Rel32 => {
            let rel = i32::try_from(distance)
                .map_err(|_| format!("call at {at}: displacement {distance} out of range"))?;
            field.copy_from_slice(&rel.to_le_bytes());
        }
        CallKind::Arm64Branch26 => {
            if distance % 4 != 0 || !(-(1 << 27)..(1 << 27)).contains(&distance) {
                return Err(format!("branch at {at}: offset {distance} out of range"));
            }
            let mut insn = u32::from_le_bytes([field[0], field[1], field[2], field[3]]);
            insn = (insn & 0xfc00_0000) | (((distance >> 2) as u32) & 0x03ff_ffff);
            field.copy_from_slice(&insn.to_le_bytes());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_aligned_and_calls_resolved() {
        // Piece 1 calls piece 0 with an x86 `call rel32` at its byte 1.
        let pieces = vec![
            Piece {
                code: vec![0x55; 20],
                calls: vec![],
            },
            Piece {
                code: vec![0xe8, 0, 0, 0, 0, 0xc3],
                calls: vec![Call {
                    at: 1,
                    kind: CallKind::X86Rel32,
                    target: 0,
                    addend: -4,
                }],
            },
        ];
        let image = link(pieces).unwrap();
        assert_eq!(
            image.symbols,
            [Symbol { offset: 0, len: 20 }, Symbol { offset: 32, len: 6 }]
        );
        assert_eq!(image.code.len(), 38);
        assert!(image.code[20..32].iter().all(|b| *b == 0));
        // The call's end is at 32 + 5 = 37; 0 - 37 = -37.
        assert_eq!(image.code[33..37], (-37i32).to_le_bytes());
    }

    #[test]
    fn bad_calls_are_refused() {
        let call = |target, at| Piece {
            code: vec![0; 8],
            calls: vec![Call {
                at,
                kind: CallKind::Arm64Branch26,
                target,
                addend: 0,
            }],
        };
        assert!(link(vec![call(1, 0)]).is_err());
        assert!(link(vec![call(0, 6)]).is_err());
        assert!(link(vec![call(0, 4)]).is_ok());
    }
}
