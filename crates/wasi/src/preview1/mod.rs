//! The 46 functions of `wasi_snapshot_preview1`, each written once for both
//! guest widths: they take guest addresses and sizes as `u64` and a
//! [`GuestMemory`](crate::guest::GuestMemory) that knows the width, and
//! return `Ok(())` or the [`Errno`](crate::Errno) the guest sees.
//!
//! - `env`: arguments, environment, clocks, randomness, `sched_yield`,
//!   `proc_raise`;
//! - `fd`: descriptor operations (`fd_*`);
//! - `path`: operations on paths under a directory descriptor (`path_*`);
//! - `poll`: `poll_oneoff`;
//! - `sock`: the socket calls, on preopened sockets only.

pub(crate) mod env;
pub(crate) mod fd;
pub(crate) mod path;
pub(crate) mod poll;
pub(crate) mod sock;
mod stat;
