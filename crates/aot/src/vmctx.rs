//! The layout of the per-call context (`vmctx`) that generated code reads.
//!
//! A `vmctx` is an array of 64-bit words. The header has fixed word indices
//! (`W_*`); after it come two words per memory of the module (base pointer,
//! current length in bytes) and one word per global (a pointer to the
//! global's raw 64-bit value in the store). Generated code receives the
//! address of word 0 as its first argument.
//!
//! The words are written by the Rust side only while no generated code runs
//! on this context, and by helpers (`crate::libcalls`), which generated code
//! calls; memories and global pointers are re-read by generated code after
//! every call, because a call may grow (and move) a memory.

/// Word: `*mut Store` of the running invocation.
pub(crate) const W_STORE: usize = 0;
/// Word: the instance address (`InstanceAddr.0`).
pub(crate) const W_INSTANCE: usize = 1;
/// Word: pending trap, `0` for none, else [`trap_to_word`] of the code.
pub(crate) const W_TRAP: usize = 2;
/// Word: the lowest stack pointer generated code may run at.
pub(crate) const W_STACK_LIMIT: usize = 3;
/// Word: non-zero when the store counts fuel (every poll calls the helper).
pub(crate) const W_FUEL: usize = 4;
/// Word: `*const AtomicBool`, the store's interrupt flag.
pub(crate) const W_INTERRUPT: usize = 5;
/// Word: `*const usize`, native address of each defined function.
pub(crate) const W_FUNCS: usize = 6;
/// Word: `*const usize`, the helper table (`crate::libcalls::HELPERS`).
pub(crate) const W_HELPERS: usize = 7;
/// Word: scratch, the callee address a resolve helper found for the slow path.
pub(crate) const W_SCRATCH: usize = 8;
/// Word: `*mut Vec<u32>`, the defined-function indices of the frames a trap
/// has unwound in this invocation, innermost first.
pub(crate) const W_TRAP_FRAMES: usize = 9;
/// Word: the raw `exnref` (address plus one) of the exception in flight.
pub(crate) const W_EXN: usize = 10;
/// Word: wasm frames live in the store, the running function's included
/// (the store's call depth at entry plus this invocation's frames). Each
/// native call site traps with "call stack exhausted" when it has reached
/// [`W_MAX_DEPTH`], and otherwise adds one around the call.
pub(crate) const W_DEPTH: usize = 11;
/// Word: the store's maximum call depth (`StoreConfig::max_call_depth`).
pub(crate) const W_MAX_DEPTH: usize = 12;
/// Number of header words.
pub(crate) const HEADER_WORDS: usize = 13;

/// Byte offset of a header word.
pub(crate) const fn off(word: usize) -> i32 {
    (word * 8) as i32
}

/// Word layout of one module's contexts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// Number of memories (imports included).
    pub memories: usize,
    /// Number of globals (imports included).
    pub globals: usize,
}

impl Layout {
    /// Word of memory `i`'s base pointer; its length follows.
    pub(crate) fn mem_base(&self, i: usize) -> usize {
        HEADER_WORDS + 2 * i
    }

    /// Word of memory `i`'s length in bytes.
    pub(crate) fn mem_len(&self, i: usize) -> usize {
        HEADER_WORDS + 2 * i + 1
    }

    /// Word of global `i`'s value pointer.
    pub(crate) fn global(&self, i: usize) -> usize {
        HEADER_WORDS + 2 * self.memories + i
    }

    /// Total words.
    pub(crate) fn words(&self) -> usize {
        HEADER_WORDS + 2 * self.memories + self.globals
    }
}

/// Every trap code generated code can raise, in word order (word = index +
/// 1): the IR's one list.
pub(crate) const TRAP_CODES: [strata_ir::TrapCode; strata_ir::TrapCode::ALL.len()] =
    strata_ir::TrapCode::ALL;

/// The trap word for `code`; a pending trap object (a host trap with its
/// message) uses [`TRAP_PENDING`].
pub(crate) fn trap_to_word(code: strata_ir::TrapCode) -> u64 {
    TRAP_CODES
        .iter()
        .position(|c| *c == code)
        .map_or(TRAP_PENDING, |i| i as u64 + 1)
}

/// The trap code of a trap word.
pub(crate) fn word_to_trap(word: u64) -> Option<strata_ir::TrapCode> {
    let i = usize::try_from(word.checked_sub(1)?).ok()?;
    TRAP_CODES.get(i).copied()
}

/// Trap word meaning "the trap object is kept by the Rust side".
pub(crate) const TRAP_PENDING: u64 = 1000;
/// Trap word meaning "an exception is in flight" (its reference in `W_EXN`).
pub(crate) const TRAP_EXCEPTION: u64 = 1001;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trap_words_round_trip() {
        for code in TRAP_CODES {
            assert_eq!(word_to_trap(trap_to_word(code)), Some(code));
        }
        assert_eq!(word_to_trap(0), None);
        assert_eq!(word_to_trap(TRAP_PENDING), None);
    }
}
