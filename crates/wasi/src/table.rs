//! The descriptor table: what each guest `fd` stands for (a stream, a file,
//! a directory), with the rights the guest holds on it.

use std::collections::BTreeMap;

use cap_std::fs::{Dir, File};

use crate::abi::{FdFlags, Rights};
use crate::ctx::{DirPerms, FilePerms};
use crate::errno::Errno;
use crate::stdio::{InputStream, OutputStream};

/// Most descriptors one program may hold open at once; `path_open` past it
/// fails with `mfile`.
pub(crate) const MAX_FDS: usize = 16 * 1024;

/// What a descriptor is.
pub(crate) enum Kind {
    Input(Box<dyn InputStream>),
    Output(Box<dyn OutputStream>),
    File(FileEntry),
    Dir(DirEntry),
}

/// An open file.
pub(crate) struct FileEntry {
    pub file: File,
}

/// An open directory: a preopen, or one opened through `path_open`.
pub(crate) struct DirEntry {
    pub dir: Dir,
    /// The guest name of a preopened directory.
    pub preopen: Option<String>,
    pub dir_perms: DirPerms,
    pub file_perms: FilePerms,
}

impl DirEntry {
    /// The base and inheriting rights its permissions allow.
    pub(crate) fn rights(&self) -> (Rights, Rights) {
        let mut base = Rights::DIR;
        if !self.dir_perms.contains(DirPerms::MUTATE) {
            base -= Rights::PATH_CREATE_DIRECTORY
                | Rights::PATH_CREATE_FILE
                | Rights::PATH_LINK_SOURCE
                | Rights::PATH_LINK_TARGET
                | Rights::PATH_RENAME_SOURCE
                | Rights::PATH_RENAME_TARGET
                | Rights::PATH_FILESTAT_SET_SIZE
                | Rights::PATH_FILESTAT_SET_TIMES
                | Rights::FD_FILESTAT_SET_TIMES
                | Rights::PATH_SYMLINK
                | Rights::PATH_REMOVE_DIRECTORY
                | Rights::PATH_UNLINK_FILE;
        }
        let mut file = Rights::FILE;
        if !self.file_perms.contains(FilePerms::READ) {
            file -= Rights::FD_READ;
        }
        if !self.file_perms.contains(FilePerms::WRITE) {
            file -= Rights::FD_WRITE
                | Rights::FD_DATASYNC
                | Rights::FD_ALLOCATE
                | Rights::FD_FILESTAT_SET_SIZE
                | Rights::FD_FILESTAT_SET_TIMES;
        }
        (base, base | file)
    }
}

/// One descriptor.
pub(crate) struct Entry {
    pub kind: Kind,
    pub base: Rights,
    pub inheriting: Rights,
    /// Flags of a stream; a file's live in the OS.
    pub flags: FdFlags,
}

impl Entry {
    /// Fail with `notcapable` unless the descriptor holds `rights`.
    pub(crate) fn require(&self, rights: Rights) -> Result<(), Errno> {
        if self.base.contains(rights) {
            Ok(())
        } else {
            Err(Errno::Notcapable)
        }
    }
}

/// The table, keyed by descriptor number.
#[derive(Default)]
pub(crate) struct FdTable {
    entries: BTreeMap<u32, Entry>,
}

impl FdTable {
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn insert_at(&mut self, fd: u32, entry: Entry) {
        self.entries.insert(fd, entry);
    }

    /// Put `entry` at the lowest free number.
    pub(crate) fn push(&mut self, entry: Entry) -> Result<u32, Errno> {
        if self.entries.len() >= MAX_FDS {
            return Err(Errno::Mfile);
        }
        let mut fd = 0u32;
        for &used in self.entries.keys() {
            if used != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::Mfile)?;
        }
        self.entries.insert(fd, entry);
        Ok(fd)
    }

    pub(crate) fn get(&self, fd: u32) -> Result<&Entry, Errno> {
        self.entries.get(&fd).ok_or(Errno::Badf)
    }

    pub(crate) fn get_mut(&mut self, fd: u32) -> Result<&mut Entry, Errno> {
        self.entries.get_mut(&fd).ok_or(Errno::Badf)
    }

    pub(crate) fn remove(&mut self, fd: u32) -> Result<Entry, Errno> {
        self.entries.remove(&fd).ok_or(Errno::Badf)
    }

    /// The directory `fd`, holding `rights`.
    pub(crate) fn dir(&self, fd: u32, rights: Rights) -> Result<(&DirEntry, &Entry), Errno> {
        let entry = self.get(fd)?;
        match &entry.kind {
            Kind::Dir(d) => {
                entry.require(rights)?;
                Ok((d, entry))
            }
            _ => Err(Errno::Notdir),
        }
    }

    /// The file `fd`, holding `rights`.
    pub(crate) fn file(&self, fd: u32, rights: Rights) -> Result<&FileEntry, Errno> {
        let entry = self.get(fd)?;
        match &entry.kind {
            Kind::File(f) => {
                entry.require(rights)?;
                Ok(f)
            }
            Kind::Dir(_) => Err(Errno::Isdir),
            _ => Err(Errno::Badf),
        }
    }
}
