//! Arguments, environment, clocks, randomness and scheduling.

use std::time::Duration;

use crate::abi::clockid;
use crate::ctx::WasiCtx;
use crate::errno::Errno;
use crate::guest::GuestMemory;

/// Write `strings` as C strings into `buf` and their addresses into the
/// pointer array at `ptrs` (`args_get`, `environ_get`).
fn write_strings(
    mem: &mut GuestMemory<'_>,
    strings: &[Vec<u8>],
    ptrs: u64,
    buf: u64,
) -> Result<(), Errno> {
    let ptr = mem.layout().ptr;
    let mut at = buf;
    for (i, s) in (0u64..).zip(strings) {
        let slot = i
            .checked_mul(ptr)
            .and_then(|o| ptrs.checked_add(o))
            .ok_or(Errno::Fault)?;
        mem.write_ptr(slot, at)?;
        mem.write(at, s)?;
        let nul = at.checked_add(s.len() as u64).ok_or(Errno::Fault)?;
        mem.write_u8(nul, 0)?;
        at = nul + 1;
    }
    Ok(())
}

/// Write the count and the total size (with NULs) of `strings`.
fn write_sizes(
    mem: &mut GuestMemory<'_>,
    strings: &[Vec<u8>],
    count: u64,
    size: u64,
) -> Result<(), Errno> {
    let total: u64 = strings.iter().map(|s| s.len() as u64 + 1).sum();
    mem.write_ptr(count, strings.len() as u64)?;
    mem.write_ptr(size, total)
}

pub(crate) fn args_get(
    cx: &WasiCtx,
    mem: &mut GuestMemory<'_>,
    argv: u64,
    buf: u64,
) -> Result<(), Errno> {
    write_strings(mem, &cx.args, argv, buf)
}

pub(crate) fn args_sizes_get(
    cx: &WasiCtx,
    mem: &mut GuestMemory<'_>,
    argc: u64,
    size: u64,
) -> Result<(), Errno> {
    write_sizes(mem, &cx.args, argc, size)
}

pub(crate) fn environ_get(
    cx: &WasiCtx,
    mem: &mut GuestMemory<'_>,
    environ: u64,
    buf: u64,
) -> Result<(), Errno> {
    write_strings(mem, &cx.env, environ, buf)
}

pub(crate) fn environ_sizes_get(
    cx: &WasiCtx,
    mem: &mut GuestMemory<'_>,
    count: u64,
    size: u64,
) -> Result<(), Errno> {
    write_sizes(mem, &cx.env, count, size)
}

fn duration_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The CPU time of this process or thread from the OS.
fn cpu_time(id: u32) -> u64 {
    use rustix::time::{clock_gettime, ClockId};
    let clock = if id == clockid::PROCESS_CPUTIME {
        ClockId::ProcessCPUTime
    } else {
        ClockId::ThreadCPUTime
    };
    let t = clock_gettime(clock);
    u64::try_from(t.tv_sec)
        .unwrap_or(0)
        .saturating_mul(1_000_000_000)
        .saturating_add(u64::try_from(t.tv_nsec).unwrap_or(0))
}

/// The current time of clock `id` in nanoseconds.
pub(crate) fn now(cx: &WasiCtx, id: u32) -> Result<u64, Errno> {
    match id {
        clockid::REALTIME => Ok(duration_nanos(cx.wall.now())),
        clockid::MONOTONIC => Ok(cx.monotonic.now()),
        clockid::PROCESS_CPUTIME | clockid::THREAD_CPUTIME => Ok(cpu_time(id)),
        _ => Err(Errno::Inval),
    }
}

pub(crate) fn clock_res_get(
    cx: &WasiCtx,
    mem: &mut GuestMemory<'_>,
    id: u32,
    out: u64,
) -> Result<(), Errno> {
    let res = match id {
        clockid::REALTIME => cx.wall.resolution(),
        clockid::MONOTONIC => cx.monotonic.resolution(),
        clockid::PROCESS_CPUTIME | clockid::THREAD_CPUTIME => Duration::from_nanos(1),
        _ => return Err(Errno::Inval),
    };
    mem.write_u64(out, duration_nanos(res).max(1))
}

pub(crate) fn clock_time_get(
    cx: &WasiCtx,
    mem: &mut GuestMemory<'_>,
    id: u32,
    _precision: u64,
    out: u64,
) -> Result<(), Errno> {
    let t = now(cx, id)?;
    mem.write_u64(out, t)
}

pub(crate) fn random_get(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    buf: u64,
    len: u64,
) -> Result<(), Errno> {
    let dest = mem.slice_mut(buf, len)?;
    cx.random.fill(dest).map_err(|_| Errno::Io)
}

pub(crate) fn sched_yield() -> Result<(), Errno> {
    std::thread::yield_now();
    Ok(())
}

/// Signals are not delivered to WASI programs.
pub(crate) fn proc_raise(_sig: u32) -> Result<(), Errno> {
    Err(Errno::Notsup)
}
