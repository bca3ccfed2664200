//! `poll_oneoff`: wait for clock timeouts and descriptor readiness.
//!
//! Files, in-memory pipes and output streams are always ready, as on POSIX
//! systems; an input stream says whether it is ready
//! ([`InputStream::is_ready`](crate::InputStream::is_ready)). When nothing is ready, the call sleeps until the earliest
//! clock subscription expires and reports it.

use std::time::Duration;

use crate::abi::{eventtype, size, Rights, SUBSCRIPTION_CLOCK_ABSTIME};
use crate::ctx::WasiCtx;
use crate::errno::Errno;
use crate::guest::GuestMemory;
use crate::preview1::env;
use crate::table::Kind;

/// One subscription, as read from the guest.
enum Sub {
    Clock {
        userdata: u64,
        deadline: Result<u64, Errno>,
        id: u32,
    },
    Fd {
        userdata: u64,
        kind: u8,
        fd: u32,
    },
}

/// One event to report.
struct Event {
    userdata: u64,
    error: Errno,
    kind: u8,
    nbytes: u64,
}

fn read_subs(cx: &WasiCtx, mem: &GuestMemory<'_>, at: u64, n: u64) -> Result<Vec<Sub>, Errno> {
    let bytes = n.checked_mul(size::SUBSCRIPTION).ok_or(Errno::Fault)?;
    mem.slice(at, bytes)?;
    (0..n)
        .map(|i| {
            let s = at + i * size::SUBSCRIPTION;
            let userdata = mem.read_u64(s)?;
            let tag = mem.read_u8(s + 8)?;
            match tag {
                eventtype::CLOCK => {
                    let id = mem.read_u32(s + 16)?;
                    let timeout = mem.read_u64(s + 24)?;
                    let flags = mem.read_u16(s + 40)?;
                    let deadline = env::now(cx, id).map(|now| {
                        if flags & SUBSCRIPTION_CLOCK_ABSTIME != 0 {
                            timeout
                        } else {
                            now.saturating_add(timeout)
                        }
                    });
                    Ok(Sub::Clock {
                        userdata,
                        deadline,
                        id,
                    })
                }
                eventtype::FD_READ | eventtype::FD_WRITE => Ok(Sub::Fd {
                    userdata,
                    kind: tag,
                    fd: mem.read_u32(s + 16)?,
                }),
                _ => Err(Errno::Inval),
            }
        })
        .collect()
}

/// The readiness event of a descriptor subscription, if ready now.
fn fd_event(cx: &mut WasiCtx, userdata: u64, kind: u8, fd: u32) -> Option<Event> {
    let ready = |nbytes| {
        Some(Event {
            userdata,
            error: Errno::Success,
            kind,
            nbytes,
        })
    };
    let failed = |error| {
        Some(Event {
            userdata,
            error,
            kind,
            nbytes: 0,
        })
    };
    let entry = match cx.fds.get_mut(fd) {
        Ok(e) => e,
        Err(e) => return failed(e),
    };
    if entry.require(Rights::POLL_FD_READWRITE).is_err()
        && entry
            .require(if kind == eventtype::FD_READ {
                Rights::FD_READ
            } else {
                Rights::FD_WRITE
            })
            .is_err()
    {
        return failed(Errno::Notcapable);
    }
    match (&mut entry.kind, kind) {
        (Kind::File(f), eventtype::FD_READ) => {
            use std::io::Seek;
            let len = f.file.metadata().map_or(0, |m| m.len());
            let pos = f.file.stream_position().unwrap_or(0);
            ready(len.saturating_sub(pos))
        }
        (Kind::File(_), _) => ready(0),
        (Kind::Input(s), eventtype::FD_READ) => {
            if s.is_ready() {
                ready(1)
            } else {
                None
            }
        }
        (Kind::Output(_), eventtype::FD_WRITE) => ready(1),
        (Kind::Dir(_), _) => failed(Errno::Isdir),
        _ => failed(Errno::Badf),
    }
}

pub(crate) fn poll_oneoff(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    subs_at: u64,
    events_at: u64,
    n: u64,
    nevents: u64,
) -> Result<(), Errno> {
    if n == 0 {
        return Err(Errno::Inval);
    }
    let subs = read_subs(cx, mem, subs_at, n)?;
    // Events are written to the guest's array of `n` entries.
    let out_bytes = n.checked_mul(size::EVENT).ok_or(Errno::Fault)?;
    mem.slice(events_at, out_bytes)?;
    let mut events = Vec::new();
    loop {
        for s in &subs {
            match s {
                Sub::Fd { userdata, kind, fd } => {
                    events.extend(fd_event(cx, *userdata, *kind, *fd));
                }
                Sub::Clock {
                    userdata,
                    deadline,
                    id,
                } => {
                    let expired = match deadline {
                        Err(e) => Err(*e),
                        Ok(d) => env::now(cx, *id).map(|now| now >= *d),
                    };
                    match expired {
                        Ok(false) => {}
                        Ok(true) => events.push(Event {
                            userdata: *userdata,
                            error: Errno::Success,
                            kind: eventtype::CLOCK,
                            nbytes: 0,
                        }),
                        Err(e) => events.push(Event {
                            userdata: *userdata,
                            error: e,
                            kind: eventtype::CLOCK,
                            nbytes: 0,
                        }),
                    }
                }
            }
        }
        if !events.is_empty() {
            break;
        }
        // Sleep until the nearest deadline, at most 10 ms at a time so a
        // descriptor that becomes ready is seen soon.
        let wait = subs
            .iter()
            .filter_map(|s| match s {
                Sub::Clock {
                    deadline: Ok(d),
                    id,
                    ..
                } => env::now(cx, *id).ok().map(|now| d.saturating_sub(now)),
                _ => None,
            })
            .min()
            .unwrap_or(u64::MAX)
            .min(10_000_000);
        std::thread::sleep(Duration::from_nanos(wait.max(1000)));
    }
    for (i, e) in (0u64..).zip(&events) {
        let at = events_at + i * size::EVENT;
        let mut b = [0u8; 32];
        b[0..8].copy_from_slice(&e.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&e.error.code().to_le_bytes());
        b[10] = e.kind;
        b[16..24].copy_from_slice(&e.nbytes.to_le_bytes());
        mem.write(at, &b)?;
    }
    mem.write_ptr(nevents, events.len() as u64)
}
