//! Descriptor operations: `fd_*`.

use std::io::{Read, Seek, SeekFrom, Write};

use rustix::fs::{fcntl_getfl, fcntl_setfl, OFlags as OsFlags};

use crate::abi::{whence, FdFlags, FileType, Rights};
use crate::ctx::WasiCtx;
use crate::errno::Errno;
use crate::guest::{GuestMemory, IoVec};
use crate::preview1::stat::{file_type, times, FileStat};
use crate::table::{Entry, FileEntry, Kind};

/// Read into the guest buffers `iovs` from `read` until one read comes
/// short; the number of bytes read.
fn read_into(
    mem: &mut GuestMemory<'_>,
    iovs: &[IoVec],
    mut read: impl FnMut(&mut [u8], u64) -> Result<usize, Errno>,
) -> Result<u64, Errno> {
    mem.check_iovecs(iovs)?;
    let mut total = 0u64;
    for v in iovs {
        let buf = mem.slice_mut(v.buf, v.len)?;
        let n = read(buf, total)?;
        total += n as u64;
        if n < buf.len() {
            break;
        }
    }
    Ok(total)
}

/// The guest bytes of `iovs`, checked, in order.
fn gather<'m>(mem: &'m GuestMemory<'_>, iovs: &[IoVec]) -> Result<Vec<&'m [u8]>, Errno> {
    iovs.iter().map(|v| mem.slice(v.buf, v.len)).collect()
}

/// The file of a positioned read or write (`fd_pread`, `fd_pwrite`),
/// holding `rights`; a stream cannot seek (`spipe`).
fn positioned_file(entry: &Entry, rights: Rights) -> Result<&FileEntry, Errno> {
    let f = match &entry.kind {
        Kind::File(f) => f,
        Kind::Dir(_) => return Err(Errno::Isdir),
        _ => return Err(Errno::Spipe),
    };
    entry.require(rights)?;
    Ok(f)
}

pub(crate) fn fd_read(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u64,
    iovs_len: u64,
    nread: u64,
) -> Result<(), Errno> {
    let iovs = mem.iovecs(iovs, iovs_len)?;
    mem.check_out_ptr(nread)?;
    let entry = cx.fds.get_mut(fd)?;
    entry.require(Rights::FD_READ)?;
    let n = match &mut entry.kind {
        Kind::Input(s) => read_into(mem, &iovs, |b, _| Ok(s.read(b)?))?,
        Kind::File(f) => read_into(mem, &iovs, |b, _| Ok(f.file.read(b)?))?,
        Kind::Dir(_) => return Err(Errno::Isdir),
        Kind::Output(_) => return Err(Errno::Badf),
    };
    mem.write_ptr(nread, n)
}

pub(crate) fn fd_pread(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u64,
    iovs_len: u64,
    offset: u64,
    nread: u64,
) -> Result<(), Errno> {
    let iovs = mem.iovecs(iovs, iovs_len)?;
    mem.check_out_ptr(nread)?;
    let f = positioned_file(cx.fds.get(fd)?, Rights::FD_READ | Rights::FD_SEEK)?;
    let n = read_into(mem, &iovs, |b, done| {
        let at = offset.checked_add(done).ok_or(Errno::Inval)?;
        Ok(rustix::io::pread(&f.file, b, at)?)
    })?;
    mem.write_ptr(nread, n)
}

pub(crate) fn fd_write(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u64,
    iovs_len: u64,
    nwritten: u64,
) -> Result<(), Errno> {
    let iovs = mem.iovecs(iovs, iovs_len)?;
    mem.check_out_ptr(nwritten)?;
    let bufs = gather(mem, &iovs)?;
    let entry = cx.fds.get_mut(fd)?;
    entry.require(Rights::FD_WRITE)?;
    let mut total = 0u64;
    match &mut entry.kind {
        Kind::Output(s) => {
            for b in &bufs {
                s.write(b)?;
                total += b.len() as u64;
            }
            s.flush()?;
        }
        Kind::File(f) => {
            for b in &bufs {
                f.file.write_all(b)?;
                total += b.len() as u64;
            }
        }
        Kind::Dir(_) => return Err(Errno::Isdir),
        Kind::Input(_) => return Err(Errno::Badf),
    }
    mem.write_ptr(nwritten, total)
}

pub(crate) fn fd_pwrite(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u64,
    iovs_len: u64,
    offset: u64,
    nwritten: u64,
) -> Result<(), Errno> {
    let iovs = mem.iovecs(iovs, iovs_len)?;
    mem.check_out_ptr(nwritten)?;
    let bufs = gather(mem, &iovs)?;
    let f = positioned_file(cx.fds.get(fd)?, Rights::FD_WRITE | Rights::FD_SEEK)?;
    let mut total = 0u64;
    for b in bufs {
        let mut done = 0;
        while done < b.len() {
            let at = offset.checked_add(total).ok_or(Errno::Inval)?;
            let n = rustix::io::pwrite(&f.file, &b[done..], at)?;
            if n == 0 {
                return Err(Errno::Io);
            }
            done += n;
            total += n as u64;
        }
    }
    mem.write_ptr(nwritten, total)
}

pub(crate) fn fd_seek(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    offset: i64,
    whence: u32,
    newoffset: u64,
) -> Result<(), Errno> {
    let entry = cx.fds.get_mut(fd)?;
    let rights = if offset == 0 && whence == whence::CUR {
        Rights::FD_TELL
    } else {
        Rights::FD_SEEK | Rights::FD_TELL
    };
    let pos = match whence {
        whence::SET => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
        whence::CUR => SeekFrom::Current(offset),
        whence::END => SeekFrom::End(offset),
        _ => return Err(Errno::Inval),
    };
    let base = entry.base;
    let new = match &mut entry.kind {
        Kind::File(f) => {
            if !base.intersects(rights) {
                return Err(Errno::Notcapable);
            }
            f.file.seek(pos)?
        }
        Kind::Dir(_) => return Err(Errno::Badf),
        _ => return Err(Errno::Spipe),
    };
    mem.write_u64(newoffset, new)
}

pub(crate) fn fd_tell(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    out: u64,
) -> Result<(), Errno> {
    let entry = cx.fds.get_mut(fd)?;
    let base = entry.base;
    let new = match &mut entry.kind {
        Kind::File(f) => {
            if !base.contains(Rights::FD_TELL) {
                return Err(Errno::Notcapable);
            }
            f.file.stream_position()?
        }
        Kind::Dir(_) => return Err(Errno::Badf),
        _ => return Err(Errno::Spipe),
    };
    mem.write_u64(out, new)
}

pub(crate) fn fd_close(cx: &mut WasiCtx, fd: u32) -> Result<(), Errno> {
    cx.fds.remove(fd).map(drop)
}

pub(crate) fn fd_renumber(cx: &mut WasiCtx, from: u32, to: u32) -> Result<(), Errno> {
    cx.fds.get(to)?;
    if from == to {
        return cx.fds.get(from).map(drop);
    }
    let entry = cx.fds.remove(from)?;
    cx.fds.insert_at(to, entry);
    Ok(())
}

/// A descriptor's file type.
fn entry_type(entry: &Entry) -> Result<FileType, Errno> {
    Ok(match &entry.kind {
        Kind::Input(_) | Kind::Output(_) => FileType::CharacterDevice,
        Kind::Dir(_) => FileType::Directory,
        Kind::File(f) => file_type(f.file.metadata()?.file_type()),
    })
}

/// The fd flags the OS holds for a file.
fn os_flags(fd: impl rustix::fd::AsFd) -> Result<FdFlags, Errno> {
    let os = fcntl_getfl(fd)?;
    let mut flags = FdFlags::empty();
    for (o, f) in [
        (OsFlags::APPEND, FdFlags::APPEND),
        (OsFlags::NONBLOCK, FdFlags::NONBLOCK),
        (OsFlags::DSYNC, FdFlags::DSYNC),
        (OsFlags::RSYNC, FdFlags::RSYNC),
        (OsFlags::SYNC, FdFlags::SYNC),
    ] {
        if os.contains(o) {
            flags |= f;
        }
    }
    // O_SYNC includes the O_DSYNC bit on Linux.
    if flags.contains(FdFlags::SYNC) {
        flags -= FdFlags::DSYNC | FdFlags::RSYNC;
    }
    Ok(flags)
}

pub(crate) fn fd_fdstat_get(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    out: u64,
) -> Result<(), Errno> {
    let entry = cx.fds.get(fd)?;
    let filetype = entry_type(entry)?;
    let flags = match &entry.kind {
        Kind::File(f) => os_flags(&f.file)?,
        _ => entry.flags,
    };
    let mut b = [0u8; 24];
    b[0] = filetype as u8;
    b[2..4].copy_from_slice(&flags.bits().to_le_bytes());
    b[8..16].copy_from_slice(&entry.base.bits().to_le_bytes());
    b[16..24].copy_from_slice(&entry.inheriting.bits().to_le_bytes());
    mem.write(out, &b)
}

pub(crate) fn fd_fdstat_set_flags(cx: &mut WasiCtx, fd: u32, flags: u32) -> Result<(), Errno> {
    let flags = u16::try_from(flags)
        .ok()
        .and_then(FdFlags::from_bits)
        .ok_or(Errno::Inval)?;
    let entry = cx.fds.get_mut(fd)?;
    entry.require(Rights::FD_FDSTAT_SET_FLAGS)?;
    match &entry.kind {
        Kind::File(f) => {
            if flags.intersects(FdFlags::DSYNC | FdFlags::RSYNC | FdFlags::SYNC) {
                // Linux cannot change the sync flags of an open file.
                return Err(Errno::Inval);
            }
            let mut os = fcntl_getfl(&f.file)? - (OsFlags::APPEND | OsFlags::NONBLOCK);
            if flags.contains(FdFlags::APPEND) {
                os |= OsFlags::APPEND;
            }
            if flags.contains(FdFlags::NONBLOCK) {
                os |= OsFlags::NONBLOCK;
            }
            fcntl_setfl(&f.file, os)?;
        }
        Kind::Dir(_) => {
            if !flags.is_empty() {
                return Err(Errno::Inval);
            }
        }
        Kind::Input(_) | Kind::Output(_) => {
            entry.flags = flags & (FdFlags::APPEND | FdFlags::NONBLOCK);
        }
    }
    Ok(())
}

pub(crate) fn fd_fdstat_set_rights(
    cx: &mut WasiCtx,
    fd: u32,
    base: u64,
    inheriting: u64,
) -> Result<(), Errno> {
    let entry = cx.fds.get_mut(fd)?;
    let base = Rights::from_bits(base).ok_or(Errno::Notcapable)?;
    let inheriting = Rights::from_bits(inheriting).ok_or(Errno::Notcapable)?;
    if !entry.base.contains(base) || !entry.inheriting.contains(inheriting) {
        return Err(Errno::Notcapable);
    }
    entry.base = base;
    entry.inheriting = inheriting;
    Ok(())
}

pub(crate) fn fd_filestat_get(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    out: u64,
) -> Result<(), Errno> {
    let entry = cx.fds.get(fd)?;
    let stat = match &entry.kind {
        Kind::File(f) => {
            entry.require(Rights::FD_FILESTAT_GET)?;
            FileStat::of(&f.file.metadata()?)
        }
        Kind::Dir(d) => {
            entry.require(Rights::FD_FILESTAT_GET)?;
            FileStat::of(&d.dir.dir_metadata()?)
        }
        Kind::Input(_) | Kind::Output(_) => FileStat::stream(),
    };
    stat.write(mem, out)
}

pub(crate) fn fd_filestat_set_size(cx: &mut WasiCtx, fd: u32, size: u64) -> Result<(), Errno> {
    let f = cx.fds.file(fd, Rights::FD_FILESTAT_SET_SIZE)?;
    f.file.set_len(size)?;
    Ok(())
}

pub(crate) fn fd_filestat_set_times(
    cx: &mut WasiCtx,
    fd: u32,
    atim: u64,
    mtim: u64,
    fst: u32,
) -> Result<(), Errno> {
    let (atime, mtime) = times(atim, mtim, fst)?;
    let entry = cx.fds.get(fd)?;
    entry.require(Rights::FD_FILESTAT_SET_TIMES)?;
    let ts = os_timestamps(atime, mtime);
    match &entry.kind {
        Kind::File(f) => rustix::fs::futimens(&f.file, &ts)?,
        Kind::Dir(d) => rustix::fs::futimens(&d.dir, &ts)?,
        _ => return Err(Errno::Badf),
    }
    Ok(())
}

/// `utimensat`'s timestamps for optional time specs.
fn os_timestamps(
    atime: Option<cap_fs_ext::SystemTimeSpec>,
    mtime: Option<cap_fs_ext::SystemTimeSpec>,
) -> rustix::fs::Timestamps {
    use cap_fs_ext::SystemTimeSpec as S;
    let spec = |t: Option<S>| -> rustix::fs::Timespec {
        match t {
            None => rustix::fs::Timespec {
                tv_sec: 0,
                tv_nsec: rustix::fs::UTIME_OMIT,
            },
            Some(S::SymbolicNow) => rustix::fs::Timespec {
                tv_sec: 0,
                tv_nsec: rustix::fs::UTIME_NOW,
            },
            Some(S::Absolute(t)) => {
                let d = t
                    .into_std()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                rustix::fs::Timespec {
                    tv_sec: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                    tv_nsec: i64::from(d.subsec_nanos()) as _,
                }
            }
        }
    };
    rustix::fs::Timestamps {
        last_access: spec(atime),
        last_modification: spec(mtime),
    }
}

pub(crate) fn fd_advise(
    cx: &mut WasiCtx,
    fd: u32,
    offset: u64,
    len: u64,
    advice: u32,
) -> Result<(), Errno> {
    use rustix::fs::Advice;
    let advice = match advice {
        0 => Advice::Normal,
        1 => Advice::Sequential,
        2 => Advice::Random,
        3 => Advice::WillNeed,
        4 => Advice::DontNeed,
        5 => Advice::NoReuse,
        _ => return Err(Errno::Inval),
    };
    let f = cx.fds.file(fd, Rights::FD_ADVISE)?;
    let len = std::num::NonZeroU64::new(len);
    rustix::fs::fadvise(&f.file, offset, len, advice)?;
    Ok(())
}

pub(crate) fn fd_allocate(cx: &mut WasiCtx, fd: u32, offset: u64, len: u64) -> Result<(), Errno> {
    let f = cx.fds.file(fd, Rights::FD_ALLOCATE)?;
    let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
    if end > i64::MAX as u64 {
        return Err(Errno::Fbig);
    }
    match rustix::fs::fallocate(&f.file, rustix::fs::FallocateFlags::empty(), offset, len) {
        Ok(()) => Ok(()),
        // Filesystems without fallocate: extend the file instead.
        Err(rustix::io::Errno::OPNOTSUPP) => {
            if f.file.metadata()?.len() < end {
                f.file.set_len(end)?;
            }
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn fd_datasync(cx: &mut WasiCtx, fd: u32) -> Result<(), Errno> {
    let f = cx.fds.file(fd, Rights::FD_DATASYNC)?;
    f.file.sync_data()?;
    Ok(())
}

pub(crate) fn fd_sync(cx: &mut WasiCtx, fd: u32) -> Result<(), Errno> {
    let entry = cx.fds.get(fd)?;
    entry.require(Rights::FD_SYNC)?;
    match &entry.kind {
        Kind::File(f) => f.file.sync_all()?,
        Kind::Dir(d) => rustix::fs::fsync(&d.dir)?,
        _ => return Err(Errno::Inval),
    }
    Ok(())
}

pub(crate) fn fd_prestat_get(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    out: u64,
) -> Result<(), Errno> {
    let entry = cx.fds.get(fd)?;
    let Kind::Dir(d) = &entry.kind else {
        return Err(Errno::Badf);
    };
    let name = d.preopen.as_ref().ok_or(Errno::Badf)?;
    let layout = mem.layout();
    mem.slice_mut(out, layout.prestat())?.fill(0);
    mem.write_u8(out, 0)?;
    mem.write_ptr(out + layout.prestat_name_len(), name.len() as u64)
}

pub(crate) fn fd_prestat_dir_name(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    path: u64,
    path_len: u64,
) -> Result<(), Errno> {
    let entry = cx.fds.get(fd)?;
    let Kind::Dir(d) = &entry.kind else {
        return Err(Errno::Badf);
    };
    let name = d.preopen.as_ref().ok_or(Errno::Badf)?;
    if (name.len() as u64) > path_len {
        return Err(Errno::Nametoolong);
    }
    mem.write(path, name.as_bytes())
}

pub(crate) fn fd_readdir(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    buf: u64,
    buf_len: u64,
    cookie: u64,
    bufused: u64,
) -> Result<(), Errno> {
    let (d, _) = cx.fds.dir(fd, Rights::FD_READDIR)?;
    let out = mem.slice_mut(buf, buf_len)?;
    let mut used = 0usize;
    let entries = crate::preview1::path::dir_listing(&d.dir)?;
    for (i, (name, ino, ty)) in entries
        .into_iter()
        .enumerate()
        .skip_while(|(i, _)| (*i as u64) < cookie)
    {
        let mut rec = Vec::with_capacity(24 + name.len());
        rec.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        rec.extend_from_slice(&ino.to_le_bytes());
        rec.extend_from_slice(&u32::try_from(name.len()).unwrap_or(u32::MAX).to_le_bytes());
        rec.push(ty as u8);
        rec.extend_from_slice(&[0; 3]);
        rec.extend_from_slice(&name);
        let n = rec.len().min(out.len() - used);
        out[used..used + n].copy_from_slice(&rec[..n]);
        used += n;
        if used == out.len() {
            break;
        }
    }
    mem.write_ptr(bufused, used as u64)
}
