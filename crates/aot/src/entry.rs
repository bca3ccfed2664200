//! Calls from Rust into generated code, and the native stack limit that
//! generated code checks at every function entry.
#![allow(unsafe_code)]

use std::cell::Cell;

/// Bytes kept free below the limit for helpers, the Rust code they run and
/// trap reporting.
const STACK_MARGIN: usize = 256 * 1024;

thread_local! {
    static LIMIT: Cell<u64> = const { Cell::new(0) };
}

/// The lowest stack address of the current thread, if the platform says.
fn thread_stack_low() -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
        // SAFETY: `pthread_getattr_np` initialises `attr` for the calling
        // thread when it returns 0; it is destroyed below.
        if unsafe { libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) } != 0 {
            return None;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        // SAFETY: `attr` was initialised by the successful call above.
        let rc = unsafe { libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) };
        // SAFETY: `attr` is initialised and not used after this.
        unsafe { libc::pthread_attr_destroy(attr.as_mut_ptr()) };
        if rc != 0 || addr.is_null() {
            return None;
        }
        Some(addr as usize)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// The stack limit for generated code on this thread: the bottom of the
/// thread's stack plus a margin, or (if the platform does not say) 1 MiB
/// below the current stack pointer.
pub(crate) fn stack_limit() -> u64 {
    LIMIT.with(|l| {
        if l.get() == 0 {
            let here = &l as *const _ as usize;
            let low = thread_stack_low()
                .map(|low| low + STACK_MARGIN)
                .filter(|low| *low < here)
                .unwrap_or_else(|| here.saturating_sub(1 << 20));
            l.set(low as u64);
        }
        l.get()
    })
}

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
