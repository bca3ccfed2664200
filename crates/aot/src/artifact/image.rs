//! The structural check of a code image before it is mapped: its symbol
//! table must be exactly the one `crate::link` lays out for a module with
//! that many defined functions, and every symbol must start with the
//! target's frame setup.
//!
//! What it refuses, each as [`ArtifactError::Symbols`] naming the symbol:
//! a symbol count other than two per defined function; a symbol that does
//! not start where the one before it ends, rounded up to
//! [`ALIGN`](crate::link::ALIGN) (so an offset moved by any amount, into
//! another function or past the end, is refused); an empty symbol; padding
//! that is not zero bytes; code that does not end where the last symbol
//! ends; and a symbol whose first instruction is not the frame setup the
//! compiler emits for the target (`preserve_frame_pointers` is always on),
//! which refuses code for one architecture labelled as another.
//!
//! What no check can vouch for is the machine code itself: code that tiles
//! the image and opens every function with a frame setup can still do
//! anything. Only a signature (`super::signing`) says who compiled it.

use target_lexicon::{Architecture, Triple};

use super::ArtifactError;
use crate::link::{next_start, CodeImage};

/// The architectures the AOT tier emits code for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arch {
    /// x86-64.
    X86_64,
    /// aarch64.
    Aarch64,
}

impl Arch {
    /// The architecture of `triple`, if the tier emits code for it.
    pub(crate) fn of(triple: &Triple) -> Option<Self> {
        match triple.architecture {
            Architecture::X86_64 => Some(Arch::X86_64),
            Architecture::Aarch64(_) => Some(Arch::Aarch64),
            _ => None,
        }
    }

    /// The architecture of the target triple `text`.
    pub(crate) fn of_str(text: &str) -> Result<Self, ArtifactError> {
        text.parse::<Triple>()
            .ok()
            .and_then(|t| Self::of(&t))
            .ok_or_else(|| ArtifactError::Malformed(format!("no code for target `{text}`")))
    }

    /// The bytes every function the compiler emits starts with.
    fn frame_setup(self) -> &'static [u8] {
        match self {
            // push rbp; mov rbp, rsp
            Arch::X86_64 => &[0x55, 0x48, 0x89, 0xe5],
            // stp x29, x30, [sp, #-16]!; mov x29, sp
            Arch::Aarch64 => &[0xfd, 0x7b, 0xbf, 0xa9, 0xfd, 0x03, 0x00, 0x91],
        }
    }
}

fn refuse(what: String) -> ArtifactError {
    ArtifactError::Symbols(what)
}

/// Check `image`, compiled for `arch`, against a module with `functions`
/// defined functions.
///
/// # Errors
/// [`ArtifactError::Symbols`] naming the first symbol that breaks the
/// layout.
pub(crate) fn check(image: &CodeImage, functions: usize, arch: Arch) -> Result<(), ArtifactError> {
    let expected = functions
        .checked_mul(2)
        .ok_or_else(|| refuse("too many functions".into()))?;
    if image.symbols.len() != expected {
        return Err(refuse(format!(
            "{} symbols for {functions} functions (expected {expected})",
            image.symbols.len()
        )));
    }
    let code = &image.code;
    let setup = arch.frame_setup();
    let mut end = 0usize;
    for (i, sym) in image.symbols.iter().enumerate() {
        let start = if i == 0 {
            0
        } else {
            next_start(end).ok_or_else(|| refuse("code too large".into()))?
        };
        if sym.offset as usize != start {
            return Err(refuse(format!(
                "symbol {i} starts at {:#x}, not at {start:#x} where the one before it ends",
                sym.offset
            )));
        }
        if (sym.len as usize) < setup.len() {
            return Err(refuse(format!("symbol {i} is {} bytes long", sym.len)));
        }
        let body = code
            .get(start..sym.end())
            .ok_or_else(|| refuse(format!("symbol {i} ends past the code")))?;
        if !body.starts_with(setup) {
            return Err(refuse(format!(
                "symbol {i} does not start with the frame setup of {arch:?} code"
            )));
        }
        if code[end..start].iter().any(|b| *b != 0) {
            return Err(refuse(format!("the padding before symbol {i} is not zero")));
        }
        end = sym.end();
    }
    if end != code.len() {
        return Err(refuse(format!(
            "the code is {:#x} bytes, the symbols end at {end:#x}",
            code.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::Symbol;

    /// Two x86 functions of 20 and 6 bytes, laid out as the linker does.
    fn image() -> CodeImage {
        let mut code = vec![0x55, 0x48, 0x89, 0xe5];
        code.resize(20, 0xc3);
        code.resize(32, 0);
        code.extend_from_slice(&[0x55, 0x48, 0x89, 0xe5, 0x5d, 0xc3]);
        CodeImage {
            code,
            symbols: vec![Symbol { offset: 0, len: 20 }, Symbol { offset: 32, len: 6 }],
        }
    }

    #[test]
    fn the_linked_layout_passes() {
        assert_eq!(check(&image(), 1, Arch::X86_64), Ok(()));
        assert_eq!(check(&CodeImage::default(), 0, Arch::X86_64), Ok(()));
    }

    #[test]
    fn every_edit_of_the_table_is_refused() {
        let refused = |f: &dyn Fn(&mut CodeImage)| {
            let mut i = image();
            f(&mut i);
            assert!(
                matches!(check(&i, 1, Arch::X86_64), Err(ArtifactError::Symbols(_))),
                "{i:?}"
            );
        };
        refused(&|i| i.symbols[1].offset += 1);
        refused(&|i| i.symbols[1].offset -= 1);
        refused(&|i| i.symbols[1].offset = 0);
        refused(&|i| i.symbols[1].offset = 64);
        refused(&|i| i.symbols[0].len -= 1);
        refused(&|i| i.symbols[0].len = 12);
        refused(&|i| i.symbols[1].len -= 1);
        refused(&|i| i.symbols[1].len = 0);
        refused(&|i| i.symbols[0].offset = 1);
        refused(&|i| {
            i.symbols.pop();
        });
        refused(&|i| i.symbols.push(Symbol { offset: 48, len: 4 }));
        refused(&|i| i.code[25] = 0x90);
        refused(&|i| i.code.push(0));
        refused(&|i| i.code[32] = 0xfd);
        // A length grown into the zero padding changes nothing that runs.
        let mut i = image();
        i.symbols[0].len += 1;
        assert_eq!(check(&i, 1, Arch::X86_64), Ok(()));
        // The same image is refused as aarch64 code.
        assert!(check(&image(), 1, Arch::Aarch64).is_err());
    }
}
