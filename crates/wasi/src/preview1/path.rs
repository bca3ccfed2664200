//! Operations on paths under a directory descriptor: `path_*`, and the
//! directory listing `fd_readdir` reads.
//!
//! Every path is resolved by cap-std relative to the directory's handle, so
//! no path (absolute, with `..`, or through a symlink) reaches outside the
//! directory the guest was given; such attempts fail with `perm`.

use cap_fs_ext::{
    DirExt, FollowSymlinks, OpenOptionsExt, OpenOptionsFollowExt, OpenOptionsMaybeDirExt,
    OsMetadataExt,
};
use cap_std::fs::{Dir, OpenOptions};

use crate::abi::{FdFlags, FileType, LookupFlags, OFlags, Rights};
use crate::ctx::WasiCtx;
use crate::errno::Errno;
use crate::guest::GuestMemory;
use crate::preview1::stat::{file_type, times, FileStat};
use crate::table::{DirEntry, Entry, FileEntry, Kind};

/// Rights that need write access to a file.
const WRITE_RIGHTS: Rights = Rights::FD_WRITE
    .union(Rights::FD_DATASYNC)
    .union(Rights::FD_ALLOCATE)
    .union(Rights::FD_FILESTAT_SET_SIZE);

fn follows(flags: u32) -> Result<bool, Errno> {
    let flags = LookupFlags::from_bits(flags).ok_or(Errno::Inval)?;
    Ok(flags.contains(LookupFlags::SYMLINK_FOLLOW))
}

/// The entries of `dir` in a stable order: `.`, `..`, then by name. Each
/// with its inode number and file type.
pub(crate) fn dir_listing(dir: &Dir) -> Result<Vec<(Vec<u8>, u64, FileType)>, Errno> {
    use std::os::unix::ffi::OsStrExt;
    let here = dir.dir_metadata()?;
    let parent = dir.symlink_metadata("..").map_or(here.ino(), |m| m.ino());
    let mut out = vec![
        (b".".to_vec(), here.ino(), FileType::Directory),
        (b"..".to_vec(), parent, FileType::Directory),
    ];
    let mut rest = Vec::new();
    for entry in dir.entries()? {
        let entry = entry?;
        let ty = file_type(entry.file_type()?);
        let ino = entry.metadata().map_or(0, |m| m.ino());
        rest.push((entry.file_name().as_bytes().to_vec(), ino, ty));
    }
    rest.sort_by(|a, b| a.0.cmp(&b.0));
    out.extend(rest);
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn path_open(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    dirflags: u32,
    path: u64,
    path_len: u64,
    oflags: u32,
    base: u64,
    inheriting: u64,
    fdflags: u32,
    out: u64,
) -> Result<(), Errno> {
    let path = mem.string(path, path_len)?;
    let follow = follows(dirflags)?;
    let oflags = u16::try_from(oflags)
        .ok()
        .and_then(OFlags::from_bits)
        .ok_or(Errno::Inval)?;
    let fdflags = u16::try_from(fdflags)
        .ok()
        .and_then(FdFlags::from_bits)
        .ok_or(Errno::Inval)?;
    let base = Rights::from_bits_truncate(base);
    let inheriting = Rights::from_bits_truncate(inheriting);
    let (d, dentry) = cx.fds.dir(fd, Rights::PATH_OPEN)?;
    if oflags.contains(OFlags::CREAT) && !dentry.base.contains(Rights::PATH_CREATE_FILE) {
        return Err(Errno::Perm);
    }
    if oflags.contains(OFlags::TRUNC) && !dentry.base.contains(Rights::PATH_FILESTAT_SET_SIZE) {
        return Err(Errno::Perm);
    }
    let wants_write = base.intersects(WRITE_RIGHTS) || fdflags.contains(FdFlags::APPEND);
    let write = wants_write || oflags.intersects(OFlags::CREAT | OFlags::TRUNC);
    if write && !dentry.inheriting.contains(Rights::FD_WRITE) {
        return Err(Errno::Perm);
    }
    if base.contains(Rights::FD_READ) && !dentry.inheriting.contains(Rights::FD_READ) {
        return Err(Errno::Perm);
    }
    let child_inheriting = inheriting & dentry.inheriting;
    let (dir_perms, file_perms) = (d.dir_perms, d.file_perms);

    let entry = if oflags.contains(OFlags::DIRECTORY) {
        if oflags.intersects(OFlags::CREAT | OFlags::TRUNC) {
            return Err(Errno::Inval);
        }
        if wants_write {
            return Err(Errno::Isdir);
        }
        let dir = if follow {
            d.dir.open_dir(path)?
        } else {
            d.dir.open_dir_nofollow(path)?
        };
        dir_entry(dir, base, dentry, dir_perms, file_perms, child_inheriting)
    } else {
        let append = fdflags.contains(FdFlags::APPEND);
        // The standard library (and so cap-std) refuses O_APPEND with
        // O_TRUNC: an appending file is truncated right after opening.
        let truncate = oflags.contains(OFlags::TRUNC);
        let mut opts = OpenOptions::new();
        opts.read(!write || base.intersects(Rights::FD_READ | Rights::FD_READDIR))
            .write(write && !append)
            .append(append)
            .truncate(truncate && !append)
            .maybe_dir(!write)
            .follow(if follow {
                FollowSymlinks::Yes
            } else {
                FollowSymlinks::No
            });
        if oflags.contains(OFlags::CREAT) {
            if oflags.contains(OFlags::EXCL) {
                opts.create_new(true);
            } else {
                opts.create(true);
            }
        }
        let mut custom = rustix::fs::OFlags::empty();
        for (f, o) in [
            (FdFlags::NONBLOCK, rustix::fs::OFlags::NONBLOCK),
            (FdFlags::DSYNC, rustix::fs::OFlags::DSYNC),
            (FdFlags::RSYNC, rustix::fs::OFlags::RSYNC),
            (FdFlags::SYNC, rustix::fs::OFlags::SYNC),
        ] {
            if fdflags.contains(f) {
                custom |= o;
            }
        }
        opts.custom_flags(custom.bits() as i32);
        let file = d.dir.open_with(path, &opts)?;
        if truncate && append {
            file.set_len(0)?;
        }
        if file.metadata()?.is_dir() {
            let dir = Dir::from_std_file(file.into_std());
            dir_entry(dir, base, dentry, dir_perms, file_perms, child_inheriting)
        } else {
            Entry {
                kind: Kind::File(FileEntry { file }),
                base: base & Rights::FILE & dentry.inheriting,
                inheriting: child_inheriting,
                flags: FdFlags::empty(),
            }
        }
    };
    let new = cx.fds.push(entry)?;
    mem.write_u32(out, new)
}

fn dir_entry(
    dir: Dir,
    base: Rights,
    parent: &Entry,
    dir_perms: crate::ctx::DirPerms,
    file_perms: crate::ctx::FilePerms,
    inheriting: Rights,
) -> Entry {
    Entry {
        kind: Kind::Dir(DirEntry {
            dir,
            preopen: None,
            dir_perms,
            file_perms,
        }),
        base: base & Rights::DIR & parent.inheriting,
        inheriting,
        flags: FdFlags::empty(),
    }
}

/// Run `op` on the path argument under directory `fd`, which must hold
/// `right`: the shape of the calls that take one path and return nothing.
fn on_path(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    (fd, path, path_len): (u32, u64, u64),
    right: Rights,
    op: impl FnOnce(&Dir, &str) -> std::io::Result<()>,
) -> Result<(), Errno> {
    let path = mem.string(path, path_len)?;
    let (d, _) = cx.fds.dir(fd, right)?;
    Ok(op(&d.dir, path)?)
}

pub(crate) fn path_create_directory(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    path: u64,
    path_len: u64,
) -> Result<(), Errno> {
    let right = Rights::PATH_CREATE_DIRECTORY;
    on_path(cx, mem, (fd, path, path_len), right, |d, p| d.create_dir(p))
}

pub(crate) fn path_remove_directory(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    path: u64,
    path_len: u64,
) -> Result<(), Errno> {
    let right = Rights::PATH_REMOVE_DIRECTORY;
    on_path(cx, mem, (fd, path, path_len), right, |d, p| d.remove_dir(p))
}

pub(crate) fn path_unlink_file(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    path: u64,
    path_len: u64,
) -> Result<(), Errno> {
    let right = Rights::PATH_UNLINK_FILE;
    on_path(cx, mem, (fd, path, path_len), right, |d, p| {
        d.remove_file_or_symlink(p)
    })
}

pub(crate) fn path_filestat_get(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
    path: u64,
    path_len: u64,
    out: u64,
) -> Result<(), Errno> {
    let follow = follows(flags)?;
    let path = mem.string(path, path_len)?;
    let (d, _) = cx.fds.dir(fd, Rights::PATH_FILESTAT_GET)?;
    let meta = if follow {
        d.dir.metadata(path)?
    } else {
        d.dir.symlink_metadata(path)?
    };
    FileStat::of(&meta).write(mem, out)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn path_filestat_set_times(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
    path: u64,
    path_len: u64,
    atim: u64,
    mtim: u64,
    fst: u32,
) -> Result<(), Errno> {
    let follow = follows(flags)?;
    let (atime, mtime) = times(atim, mtim, fst)?;
    let path = mem.string(path, path_len)?;
    let (d, _) = cx.fds.dir(fd, Rights::PATH_FILESTAT_SET_TIMES)?;
    if follow {
        d.dir.set_times(path, atime, mtime)?;
    } else {
        d.dir.set_symlink_times(path, atime, mtime)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn path_link(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    old_fd: u32,
    old_flags: u32,
    old_path: u64,
    old_len: u64,
    new_fd: u32,
    new_path: u64,
    new_len: u64,
) -> Result<(), Errno> {
    if follows(old_flags)? {
        // Hard links to what a symlink points to are not offered: the
        // target could be resolved outside the sandbox's own view.
        return Err(Errno::Inval);
    }
    let old_path = mem.string(old_path, old_len)?;
    let new_path = mem.string(new_path, new_len)?;
    let (old, _) = cx.fds.dir(old_fd, Rights::PATH_LINK_SOURCE)?;
    let (new, _) = cx.fds.dir(new_fd, Rights::PATH_LINK_TARGET)?;
    old.dir.hard_link(old_path, &new.dir, new_path)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn path_rename(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    old_fd: u32,
    old_path: u64,
    old_len: u64,
    new_fd: u32,
    new_path: u64,
    new_len: u64,
) -> Result<(), Errno> {
    let old_path = mem.string(old_path, old_len)?;
    let new_path = mem.string(new_path, new_len)?;
    let (old, _) = cx.fds.dir(old_fd, Rights::PATH_RENAME_SOURCE)?;
    let (new, _) = cx.fds.dir(new_fd, Rights::PATH_RENAME_TARGET)?;
    old.dir.rename(old_path, &new.dir, new_path)?;
    Ok(())
}

pub(crate) fn path_symlink(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    old_path: u64,
    old_len: u64,
    fd: u32,
    new_path: u64,
    new_len: u64,
) -> Result<(), Errno> {
    let target = mem.string(old_path, old_len)?;
    let link = mem.string(new_path, new_len)?;
    let (d, _) = cx.fds.dir(fd, Rights::PATH_SYMLINK)?;
    d.dir.symlink(target, link)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn path_readlink(
    cx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    path: u64,
    path_len: u64,
    buf: u64,
    buf_len: u64,
    bufused: u64,
) -> Result<(), Errno> {
    use std::os::unix::ffi::OsStrExt;
    let path = mem.string(path, path_len)?;
    let (d, _) = cx.fds.dir(fd, Rights::PATH_READLINK)?;
    let target = d.dir.read_link_contents(path)?;
    let bytes = target.as_os_str().as_bytes();
    let n = bytes
        .len()
        .min(usize::try_from(buf_len).unwrap_or(usize::MAX));
    mem.write(buf, &bytes[..n])?;
    mem.write_ptr(bufused, n as u64)
}
