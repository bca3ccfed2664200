//! The native stack limit: one rule, shared by every tier, for how deep wasm
//! may go on the host thread's own stack.
//!
//! Compiled code (the JIT, the AOT tier) keeps its frames on the thread's
//! stack, and every entry into wasm from Rust (an embedder's call, a host
//! function calling back into wasm, a call into an instance of another tier)
//! runs Rust frames on it too. Without a signal handler, running into the
//! guard page below the stack is a host crash, so the limit must come from
//! the real bounds of the thread's stack, not from a guess relative to
//! wherever the first entry happened to be.
//!
//! # The rule
//!
//! ```text
//! high ┌──────────────────────────┐  top of the thread's stack
//!      │ embedder, outer entries  │
//!      │ wasm frames              │  generated code keeps sp >= limit
//!      │ ...                      │  (plus a bound on its own frame)
//! limit├──────────────────────────┤  = low + MARGIN
//!      │ margin: runtime helpers, │  what may run below the lowest wasm
//!      │ host functions, trap     │  frame: helpers, a host function it
//!      │ reporting, a refused     │  calls, trap/exception reporting, and
//!      │ re-entry                 │  a re-entry that is then refused
//!  low └──────────────────────────┘  lowest usable address (guard below)
//! ```
//!
//! - [`limit`] is `low + MARGIN`, where `low` is the lowest usable address of
//!   the current thread's stack (on Linux from `pthread_getattr_np` and
//!   `pthread_attr_getstack`, which exclude the guard page). It is computed
//!   once per thread and cached, so every entry on the thread, however deeply
//!   nested (wasm → host → wasm, across tiers), uses the same limit, which is
//!   correct for the thread rather than for the entry.
//! - Generated code compares its stack pointer (less a bound on its frame)
//!   with the limit at every function entry and traps with
//!   [`TrapCode::StackExhausted`] ("call stack exhausted") below it.
//! - Every entry into wasm from Rust calls [`check`] first: an entry whose
//!   stack pointer is already below the limit (a host function called at the
//!   limit calling back into wasm) is refused with the same trap before it
//!   runs anything. The interpreter keeps wasm frames off the native stack,
//!   so this entry check is its whole share of the rule.
//! - Everything that may run below the limit is therefore bounded, whatever
//!   the wasm call depth: the Rust frames of one entry (for the interpreter,
//!   its dispatch loop), the helpers and the host function the lowest wasm
//!   frame calls, the refused re-entry and the trap travelling back.
//!   [`MARGIN`] is sized for that, with room to spare for host functions of
//!   ordinary depth. A host function that itself needs more than that (deep
//!   native recursion, large stack buffers) must run on a thread of its own.
//!
//! Where the platform does not tell the stack's bounds (anything but Linux,
//! or a stack pointer outside the bounds the thread reports), the fallback
//! is conservative: the thread is assumed to have [`FALLBACK_BELOW_SP`]
//! bytes of stack below the stack pointer of the first call on it (every
//! supported platform's default thread stack has that much: 512 KiB for
//! macOS threads, 1 MiB or more for main threads and Rust's spawned
//! threads), and the limit is `sp - FALLBACK_BELOW_SP + MARGIN`, again
//! cached for the thread. The limit belongs to the thread: wasm run on a
//! stack the embedder switches to (a coroutine's) is not covered by it.
//!
//! This is the only module of the crate besides `memory::mmap` with
//! `unsafe` code: the `pthread` calls that read the stack's bounds.
#![deny(clippy::undocumented_unsafe_blocks, unsafe_op_in_unsafe_fn)]

use std::cell::Cell;

use strata_ir::{Trap, TrapCode};

/// Bytes kept free between the limit and the lowest usable address of the
/// thread's stack (see the module documentation for what runs there): 64 KiB,
/// and 128 KiB in builds with debug assertions, whose unoptimized frames are
/// many times larger.
///
/// Measured from the limit down to the deepest byte written, with wasm at
/// the limit calling a host function that calls back into wasm and is
/// refused, the trap then unwinding: under 2 KiB in an optimized build
/// (interpreter and JIT alike; AOT code stops 4 KiB above the limit); in an
/// unoptimized build under 5 KiB for the JIT and about 75 KiB for the
/// interpreter, whose dispatch loop alone has a 75 KiB frame there.
pub const MARGIN: usize = if cfg!(debug_assertions) {
    128 << 10
} else {
    64 << 10
};

/// Where the stack's bounds are unknown: the bytes of stack the thread is
/// assumed to have below the stack pointer of the first [`limit`] call on it.
pub const FALLBACK_BELOW_SP: usize = 256 << 10;

thread_local! {
    /// The current thread's limit, once computed.
    static LIMIT: Cell<Option<usize>> = const { Cell::new(None) };
}

/// An address in the current frame: the stack pointer, to within the size of
/// this frame (inlined, so the caller's frame).
#[inline(always)]
pub fn stack_pointer() -> usize {
    let probe = 0u8;
    std::hint::black_box(&probe) as *const u8 as usize
}

/// The lowest address the stack pointer of wasm code may reach on the
/// current thread: the lowest usable stack address plus [`MARGIN`]. The same
/// for every entry on the thread, computed on the first call.
pub fn limit() -> usize {
    // Under Miri there is no native limit: the addresses of its locals are
    // not a stack's (so no comparison with them means anything), it runs no
    // compiled code, and the interpreter keeps wasm frames off the native
    // stack, bounded by the call depth alone.
    if cfg!(miri) {
        return 0;
    }
    LIMIT.with(|cached| match cached.get() {
        Some(limit) => limit,
        None => {
            let limit = compute_limit(stack_pointer());
            cached.set(Some(limit));
            limit
        }
    })
}

/// The entry check: the thread's [`limit`] (for the entry's generated code
/// to check against), or "call stack exhausted" if the stack pointer is
/// already below it. Every entry into wasm from Rust (a tier's
/// `CompiledModule::invoke`) calls it before running anything.
#[inline]
pub fn check() -> Result<usize, Trap> {
    let limit = limit();
    if stack_pointer() < limit {
        return Err(Trap::new(TrapCode::StackExhausted));
    }
    Ok(limit)
}

/// The limit for a thread whose stack pointer is `sp`.
fn compute_limit(sp: usize) -> usize {
    match thread_stack_bounds() {
        Some((low, high)) if low < sp && sp <= high => low.saturating_add(MARGIN),
        _ => sp.saturating_sub(FALLBACK_BELOW_SP).saturating_add(MARGIN),
    }
}

/// The current thread's stack as `(lowest usable address, highest address)`,
/// if the platform says (Miri has no `pthread_getattr_np`).
#[cfg(all(target_os = "linux", not(miri)))]
fn thread_stack_bounds() -> Option<(usize, usize)> {
    let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: `pthread_getattr_np` only writes `attr`, and initialises it
    // for the calling thread when it returns 0 (the only case in which it is
    // used below).
    if unsafe { libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) } != 0 {
        return None;
    }
    let mut addr: *mut libc::c_void = std::ptr::null_mut();
    let mut size: libc::size_t = 0;
    // SAFETY: `attr` was initialised by the successful call above; `addr` and
    // `size` are valid for writes.
    let rc = unsafe { libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) };
    // SAFETY: `attr` is initialised, destroyed once, and not used after.
    unsafe { libc::pthread_attr_destroy(attr.as_mut_ptr()) };
    let low = addr as usize;
    if rc != 0 || low == 0 || size == 0 {
        return None;
    }
    Some((low, low.checked_add(size)?))
}

/// The current thread's stack bounds: unknown off Linux and under Miri (see
/// the module documentation for the fallback).
#[cfg(not(all(target_os = "linux", not(miri))))]
fn thread_stack_bounds() -> Option<(usize, usize)> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "Miri has no native stack limit (see `limit`)")]
    fn the_limit_lies_inside_the_thread_stack_and_is_cached() {
        let sp = stack_pointer();
        let limit = limit();
        assert!(limit < sp, "limit {limit:#x} not below sp {sp:#x}");
        if let Some((low, high)) = thread_stack_bounds() {
            assert!(low < sp && sp <= high);
            assert_eq!(limit, low + MARGIN);
        }
        assert_eq!(super::limit(), limit);
        assert_eq!(check().map_err(|t| t.to_string()), Ok(limit));
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri has no native stack limit (see `limit`)")]
    fn a_small_thread_gets_its_own_limit() {
        let outer = limit();
        let (inner, sp) = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(|| (limit(), stack_pointer()))
            .map_err(|e| e.to_string())
            .and_then(|h| h.join().map_err(|_| "thread panicked".to_string()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(inner, outer);
        assert!(inner < sp);
        assert!(
            sp - inner < 256 << 10,
            "the limit is within the thread's stack"
        );
    }

    #[test]
    fn outside_the_thread_stack_the_fallback_applies() {
        // No thread's stack holds address 2^30 + 1 on the hosts this runs on
        // (if one did, the thread's own bound applies, also below it).
        let sp = (1 << 30) + 1;
        assert!(compute_limit(sp) < sp);
        assert!(compute_limit(sp) >= sp - FALLBACK_BELOW_SP);
    }
}
