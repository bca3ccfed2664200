//! File metadata in preview1's shapes: `$filestat` and `$filetype` from
//! cap-std metadata, and the timestamps `*_set_times` asks for.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cap_fs_ext::{FileTypeExt, OsMetadataExt, SystemTimeSpec};
use cap_std::fs::{FileType as HostFileType, Metadata};

use crate::abi::{FileType, FstFlags};
use crate::errno::Errno;
use crate::guest::GuestMemory;

/// The preview1 file type of a host file type.
pub(crate) fn file_type(ty: HostFileType) -> FileType {
    if ty.is_dir() {
        FileType::Directory
    } else if ty.is_file() {
        FileType::RegularFile
    } else if ty.is_symlink() {
        FileType::SymbolicLink
    } else if ty.is_block_device() {
        FileType::BlockDevice
    } else if ty.is_char_device() {
        FileType::CharacterDevice
    } else if ty.is_socket() {
        FileType::SocketStream
    } else {
        FileType::Unknown
    }
}

fn nanos(t: std::io::Result<cap_std::time::SystemTime>) -> u64 {
    t.ok()
        .and_then(|t| t.into_std().duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// A `$filestat`.
pub(crate) struct FileStat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: FileType,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl FileStat {
    pub(crate) fn of(m: &Metadata) -> FileStat {
        let ctim = u64::try_from(m.ctime())
            .ok()
            .and_then(|s| s.checked_mul(1_000_000_000))
            .and_then(|ns| ns.checked_add(u64::try_from(m.ctime_nsec()).unwrap_or(0)))
            .unwrap_or(0);
        FileStat {
            dev: m.dev(),
            ino: m.ino(),
            filetype: file_type(m.file_type()),
            nlink: m.nlink(),
            size: m.len(),
            atim: nanos(m.accessed()),
            mtim: nanos(m.modified()),
            ctim,
        }
    }

    /// A stream's (stdio, pipes): a character device with no times.
    pub(crate) fn stream() -> FileStat {
        FileStat {
            dev: 0,
            ino: 0,
            filetype: FileType::CharacterDevice,
            nlink: 0,
            size: 0,
            atim: 0,
            mtim: 0,
            ctim: 0,
        }
    }

    pub(crate) fn write(&self, mem: &mut GuestMemory<'_>, at: u64) -> Result<(), Errno> {
        let mut b = [0u8; 64];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16] = self.filetype as u8;
        b[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        b[32..40].copy_from_slice(&self.size.to_le_bytes());
        b[40..48].copy_from_slice(&self.atim.to_le_bytes());
        b[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        b[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        mem.write(at, &b)
    }
}

/// The access and modification times `fstflags` asks to set (`None`:
/// leave it), or `inval` for contradictory or unknown flags.
pub(crate) fn times(
    atim: u64,
    mtim: u64,
    fst: u32,
) -> Result<(Option<SystemTimeSpec>, Option<SystemTimeSpec>), Errno> {
    let fst = u16::try_from(fst)
        .ok()
        .and_then(FstFlags::from_bits)
        .ok_or(Errno::Inval)?;
    let one = |set: FstFlags, now: FstFlags, t: u64| -> Result<Option<SystemTimeSpec>, Errno> {
        match (fst.contains(set), fst.contains(now)) {
            (true, true) => Err(Errno::Inval),
            (true, false) => {
                let time = SystemTime::UNIX_EPOCH
                    .checked_add(Duration::from_nanos(t))
                    .ok_or(Errno::Inval)?;
                Ok(Some(SystemTimeSpec::Absolute(
                    cap_std::time::SystemTime::from_std(time),
                )))
            }
            (false, true) => Ok(Some(SystemTimeSpec::SymbolicNow)),
            (false, false) => Ok(None),
        }
    };
    Ok((
        one(FstFlags::ATIM, FstFlags::ATIM_NOW, atim)?,
        one(FstFlags::MTIM, FstFlags::MTIM_NOW, mtim)?,
    ))
}
