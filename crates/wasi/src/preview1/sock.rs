//! The socket calls. Strata's WASI offers no sockets yet (the embedder
//! cannot preopen one), so these answer `notsock` for any descriptor that
//! exists and `badf` for one that does not; they never block or trap.

use crate::ctx::WasiCtx;
use crate::errno::Errno;

/// The answer for descriptor `fd`: every open descriptor is not a socket.
fn not_a_socket(cx: &WasiCtx, fd: u32) -> Result<(), Errno> {
    cx.fds.get(fd)?;
    Err(Errno::Notsock)
}

pub(crate) fn sock_accept(cx: &WasiCtx, fd: u32, _flags: u32) -> Result<(), Errno> {
    not_a_socket(cx, fd)
}

pub(crate) fn sock_recv(cx: &WasiCtx, fd: u32) -> Result<(), Errno> {
    not_a_socket(cx, fd)
}

pub(crate) fn sock_send(cx: &WasiCtx, fd: u32) -> Result<(), Errno> {
    not_a_socket(cx, fd)
}

pub(crate) fn sock_shutdown(cx: &WasiCtx, fd: u32, _how: u32) -> Result<(), Errno> {
    not_a_socket(cx, fd)
}
