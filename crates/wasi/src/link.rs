//! [`add_to_linker`]: the 46 preview1 functions as width-generic host
//! functions of one [`Linker`].
//!
//! Every parameter of witx type pointer or `size` is a
//! [`GuestAddr`]/[`GuestSize`], so the one definition links as `i32` into a
//! memory32 module and as `i64` into a memory64 one; a module whose imports
//! have the other width fails to link with a message that names the
//! signature expected for its memory.

use strata_api::{Caller, Error, GuestAddr, GuestSize, IndexType, Linker, Trap};

use crate::abi::Layout;
use crate::ctx::WasiCtx;
use crate::errno::Errno;
use crate::guest::GuestMemory;
use crate::preview1::{env, fd, path, poll, sock};

/// The import module name of preview1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Run `f` with the WASI context and the caller's memory; the errno as the
/// wasm result.
fn with_memory<T, G>(
    caller: &mut Caller<'_, T>,
    get: G,
    f: impl FnOnce(&mut WasiCtx, &mut GuestMemory<'_>) -> Result<(), Errno>,
) -> Result<i32, Trap>
where
    T: Send + 'static,
    G: Fn(&mut T) -> &mut WasiCtx,
{
    let memory = caller
        .memory()
        .ok_or_else(|| Trap::host("a WASI function was called by a module without a memory"))?;
    let layout = match memory.index_type(caller)? {
        IndexType::I32 => Layout::WASM32,
        IndexType::I64 => Layout::WASM64,
    };
    let (bytes, data) = memory.data_and_store_mut(caller)?;
    let mut mem = GuestMemory::new(bytes, layout);
    Ok(errno_result(f(get(data), &mut mem)))
}

/// Run `f` with the WASI context alone.
fn with_ctx<T, G>(
    caller: &mut Caller<'_, T>,
    get: G,
    f: impl FnOnce(&mut WasiCtx) -> Result<(), Errno>,
) -> Result<i32, Trap>
where
    T: Send + 'static,
    G: Fn(&mut T) -> &mut WasiCtx,
{
    Ok(errno_result(f(get(caller.data_mut()))))
}

fn errno_result(r: Result<(), Errno>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(e) => i32::from(e.code()),
    }
}

/// Define each preview1 function, as `$name(args) => |cx, mem| body` (with
/// the memory) or `$name(args) => |cx| body` (without).
macro_rules! define {
    ($linker:ident, $get:ident;
     $( $name:ident ( $($arg:ident : $ty:ty),* ) => |$cx:ident $(, $mem:ident)?| $body:expr ;)*) => {$(
        $linker.func_wrap(
            MODULE,
            stringify!($name),
            move |mut caller: Caller<'_, T>, $($arg: $ty),*| -> Result<i32, Trap> {
                define!(@call caller, $get, |$cx $(, $mem)?| $body)
            },
        )?;
    )*};
    (@call $caller:ident, $get:ident, |$cx:ident, $mem:ident| $body:expr) => {
        with_memory(&mut $caller, $get, |$cx, $mem| $body)
    };
    (@call $caller:ident, $get:ident, |$cx:ident| $body:expr) => {
        with_ctx(&mut $caller, $get, |$cx| $body)
    };
}

/// Define every function of `wasi_snapshot_preview1` in `linker`. `get`
/// finds the [`WasiCtx`] in the store's data, as in wasmtime:
///
/// ```
/// use strata_api::{Engine, Linker, Module, Store};
/// use strata_wasi::{MemoryOutputPipe, WasiCtx};
///
/// struct State { wasi: WasiCtx }
///
/// # fn main() -> Result<(), strata_api::Error> {
/// let engine = Engine::default();
/// let module = Module::new(&engine, r#"(module
///     (import "wasi_snapshot_preview1" "fd_write"
///       (func $fd_write (param i32 i32 i32 i32) (result i32)))
///     (memory (export "memory") 1)
///     (data (i32.const 16) "hi\n")
///     (data (i32.const 0) "\10\00\00\00\03\00\00\00")
///     (func (export "_start") (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#)?;
/// let stdout = MemoryOutputPipe::new(1 << 20);
/// let wasi = WasiCtx::builder().stdout(stdout.clone()).build();
/// let mut store = Store::new(&engine, State { wasi });
/// let mut linker = Linker::new(&engine);
/// strata_wasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi)?;
/// let instance = linker.instantiate(&mut store, &module)?;
/// instance.get_typed_func::<(), ()>(&store, "_start")?.call(&mut store, ())?;
/// assert_eq!(stdout.contents(), b"hi\n");
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// None today (the `Result` is the linker's).
pub fn add_to_linker<T, G>(linker: &mut Linker<T>, get: G) -> Result<(), Error>
where
    T: Send + 'static,
    G: Fn(&mut T) -> &mut WasiCtx + Copy + Send + Sync + 'static,
{
    define! { linker, get;
        args_get(argv: GuestAddr, buf: GuestAddr) => |cx, mem| env::args_get(cx, mem, argv.0, buf.0);
        args_sizes_get(argc: GuestAddr, size: GuestAddr) => |cx, mem| env::args_sizes_get(cx, mem, argc.0, size.0);
        environ_get(environ: GuestAddr, buf: GuestAddr) => |cx, mem| env::environ_get(cx, mem, environ.0, buf.0);
        environ_sizes_get(count: GuestAddr, size: GuestAddr) => |cx, mem| env::environ_sizes_get(cx, mem, count.0, size.0);
        clock_res_get(id: u32, out: GuestAddr) => |cx, mem| env::clock_res_get(cx, mem, id, out.0);
        clock_time_get(id: u32, precision: u64, out: GuestAddr) => |cx, mem| env::clock_time_get(cx, mem, id, precision, out.0);
        random_get(buf: GuestAddr, len: GuestSize) => |cx, mem| env::random_get(cx, mem, buf.0, len.0);
        sched_yield() => |_cx| env::sched_yield();
        proc_raise(sig: u32) => |_cx| env::proc_raise(sig);

        fd_advise(fd: u32, offset: u64, len: u64, advice: u32) => |cx| fd::fd_advise(cx, fd, offset, len, advice);
        fd_allocate(fd: u32, offset: u64, len: u64) => |cx| fd::fd_allocate(cx, fd, offset, len);
        fd_close(fd: u32) => |cx| fd::fd_close(cx, fd);
        fd_datasync(fd: u32) => |cx| fd::fd_datasync(cx, fd);
        fd_fdstat_get(fd: u32, out: GuestAddr) => |cx, mem| fd::fd_fdstat_get(cx, mem, fd, out.0);
        fd_fdstat_set_flags(fd: u32, flags: u32) => |cx| fd::fd_fdstat_set_flags(cx, fd, flags);
        fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64) => |cx| fd::fd_fdstat_set_rights(cx, fd, base, inheriting);
        fd_filestat_get(fd: u32, out: GuestAddr) => |cx, mem| fd::fd_filestat_get(cx, mem, fd, out.0);
        fd_filestat_set_size(fd: u32, size: u64) => |cx| fd::fd_filestat_set_size(cx, fd, size);
        fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst: u32) => |cx| fd::fd_filestat_set_times(cx, fd, atim, mtim, fst);
        fd_pread(fd: u32, iovs: GuestAddr, iovs_len: GuestSize, offset: u64, nread: GuestAddr) => |cx, mem| fd::fd_pread(cx, mem, fd, iovs.0, iovs_len.0, offset, nread.0);
        fd_prestat_get(fd: u32, out: GuestAddr) => |cx, mem| fd::fd_prestat_get(cx, mem, fd, out.0);
        fd_prestat_dir_name(fd: u32, path: GuestAddr, len: GuestSize) => |cx, mem| fd::fd_prestat_dir_name(cx, mem, fd, path.0, len.0);
        fd_pwrite(fd: u32, iovs: GuestAddr, iovs_len: GuestSize, offset: u64, nwritten: GuestAddr) => |cx, mem| fd::fd_pwrite(cx, mem, fd, iovs.0, iovs_len.0, offset, nwritten.0);
        fd_read(fd: u32, iovs: GuestAddr, iovs_len: GuestSize, nread: GuestAddr) => |cx, mem| fd::fd_read(cx, mem, fd, iovs.0, iovs_len.0, nread.0);
        fd_readdir(fd: u32, buf: GuestAddr, len: GuestSize, cookie: u64, used: GuestAddr) => |cx, mem| fd::fd_readdir(cx, mem, fd, buf.0, len.0, cookie, used.0);
        fd_renumber(from: u32, to: u32) => |cx| fd::fd_renumber(cx, from, to);
        fd_seek(fd: u32, offset: i64, whence: u32, out: GuestAddr) => |cx, mem| fd::fd_seek(cx, mem, fd, offset, whence, out.0);
        fd_sync(fd: u32) => |cx| fd::fd_sync(cx, fd);
        fd_tell(fd: u32, out: GuestAddr) => |cx, mem| fd::fd_tell(cx, mem, fd, out.0);
        fd_write(fd: u32, iovs: GuestAddr, iovs_len: GuestSize, nwritten: GuestAddr) => |cx, mem| fd::fd_write(cx, mem, fd, iovs.0, iovs_len.0, nwritten.0);

        path_create_directory(fd: u32, p: GuestAddr, len: GuestSize) => |cx, mem| path::path_create_directory(cx, mem, fd, p.0, len.0);
        path_filestat_get(fd: u32, flags: u32, p: GuestAddr, len: GuestSize, out: GuestAddr) => |cx, mem| path::path_filestat_get(cx, mem, fd, flags, p.0, len.0, out.0);
        path_filestat_set_times(fd: u32, flags: u32, p: GuestAddr, len: GuestSize, atim: u64, mtim: u64, fst: u32) => |cx, mem| path::path_filestat_set_times(cx, mem, fd, flags, p.0, len.0, atim, mtim, fst);
        path_link(old_fd: u32, old_flags: u32, old: GuestAddr, old_len: GuestSize, new_fd: u32, new: GuestAddr, new_len: GuestSize) => |cx, mem| path::path_link(cx, mem, old_fd, old_flags, old.0, old_len.0, new_fd, new.0, new_len.0);
        path_open(fd: u32, dirflags: u32, p: GuestAddr, len: GuestSize, oflags: u32, base: u64, inheriting: u64, fdflags: u32, out: GuestAddr) => |cx, mem| path::path_open(cx, mem, fd, dirflags, p.0, len.0, oflags, base, inheriting, fdflags, out.0);
        path_readlink(fd: u32, p: GuestAddr, len: GuestSize, buf: GuestAddr, buf_len: GuestSize, used: GuestAddr) => |cx, mem| path::path_readlink(cx, mem, fd, p.0, len.0, buf.0, buf_len.0, used.0);
        path_remove_directory(fd: u32, p: GuestAddr, len: GuestSize) => |cx, mem| path::path_remove_directory(cx, mem, fd, p.0, len.0);
        path_rename(old_fd: u32, old: GuestAddr, old_len: GuestSize, new_fd: u32, new: GuestAddr, new_len: GuestSize) => |cx, mem| path::path_rename(cx, mem, old_fd, old.0, old_len.0, new_fd, new.0, new_len.0);
        path_symlink(old: GuestAddr, old_len: GuestSize, fd: u32, new: GuestAddr, new_len: GuestSize) => |cx, mem| path::path_symlink(cx, mem, old.0, old_len.0, fd, new.0, new_len.0);
        path_unlink_file(fd: u32, p: GuestAddr, len: GuestSize) => |cx, mem| path::path_unlink_file(cx, mem, fd, p.0, len.0);

        poll_oneoff(subs: GuestAddr, events: GuestAddr, n: GuestSize, nevents: GuestAddr) => |cx, mem| poll::poll_oneoff(cx, mem, subs.0, events.0, n.0, nevents.0);

        sock_accept(fd: u32, flags: u32, _out: GuestAddr) => |cx| sock::sock_accept(cx, fd, flags);
        sock_recv(fd: u32, _data: GuestAddr, _data_len: GuestSize, _flags: u32, _len_out: GuestAddr, _flags_out: GuestAddr) => |cx| sock::sock_recv(cx, fd);
        sock_send(fd: u32, _data: GuestAddr, _data_len: GuestSize, _flags: u32, _len_out: GuestAddr) => |cx| sock::sock_send(cx, fd);
        sock_shutdown(fd: u32, how: u32) => |cx| sock::sock_shutdown(cx, fd, how);
    }
    linker.func_wrap(
        MODULE,
        "proc_exit",
        |_caller: Caller<'_, T>, status: u32| -> Result<(), Trap> {
            Err(Trap::exit(status as i32))
        },
    )?;
    Ok(())
}
