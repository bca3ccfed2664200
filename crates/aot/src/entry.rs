//! Calls from Rust into generated code. The native stack limit generated
//! code checks at every function entry is the runtime's
//! ([`strata_runtime::native_stack`]).
#![allow(unsafe_code)]

/// Run the trampoline at `addr` with a context and a value buffer.
///
/// # Safety
/// `addr` must be the trampoline of a loaded code image that stays mapped for
/// the call; `vmctx` must be a context built for that function's instance
/// (see `crate::module`), with its store pointer valid and unaliased; `buf`
/// must hold `max(params, results)` words of the function's type, arguments
/// first.
pub(crate) unsafe fn call_trampoline(addr: usize, vmctx: *mut u64, buf: *mut u64) {
    // SAFETY: the trampoline was generated with the host's default calling
    // convention and exactly this signature (`compile::build_trampoline`).
    let f: unsafe extern "C" fn(*mut u64, *mut u64) = unsafe { std::mem::transmute(addr) };
    // SAFETY: the caller upholds the context and buffer requirements.
    unsafe { f(vmctx, buf) }
}
