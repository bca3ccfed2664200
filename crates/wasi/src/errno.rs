//! [`Errno`]: the preview1 error codes a WASI function returns to the guest,
//! and the mapping from host I/O errors to them.
//!
//! Every failure a guest can cause (a bad descriptor, a bad pointer, a path
//! outside the sandbox, an OS error) ends here as one of these numbers; none
//! becomes a host panic or a trap.

use std::io;

macro_rules! errnos {
    ($($name:ident = $value:literal, $text:literal;)*) => {
        /// A WASI preview1 `errno` (witx `$errno`, a `u16`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        #[allow(missing_docs)]
        pub enum Errno {
            $($name = $value,)*
        }

        impl Errno {
            /// The witx name, e.g. `badf`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Errno::$name => $text,)*
                }
            }
        }
    };
}

errnos! {
    Success = 0, "success";
    TooBig = 1, "2big";
    Acces = 2, "acces";
    Addrinuse = 3, "addrinuse";
    Addrnotavail = 4, "addrnotavail";
    Afnosupport = 5, "afnosupport";
    Again = 6, "again";
    Already = 7, "already";
    Badf = 8, "badf";
    Badmsg = 9, "badmsg";
    Busy = 10, "busy";
    Canceled = 11, "canceled";
    Child = 12, "child";
    Connaborted = 13, "connaborted";
    Connrefused = 14, "connrefused";
    Connreset = 15, "connreset";
    Deadlk = 16, "deadlk";
    Destaddrreq = 17, "destaddrreq";
    Dom = 18, "dom";
    Dquot = 19, "dquot";
    Exist = 20, "exist";
    Fault = 21, "fault";
    Fbig = 22, "fbig";
    Hostunreach = 23, "hostunreach";
    Idrm = 24, "idrm";
    Ilseq = 25, "ilseq";
    Inprogress = 26, "inprogress";
    Intr = 27, "intr";
    Inval = 28, "inval";
    Io = 29, "io";
    Isconn = 30, "isconn";
    Isdir = 31, "isdir";
    Loop = 32, "loop";
    Mfile = 33, "mfile";
    Mlink = 34, "mlink";
    Msgsize = 35, "msgsize";
    Multihop = 36, "multihop";
    Nametoolong = 37, "nametoolong";
    Netdown = 38, "netdown";
    Netreset = 39, "netreset";
    Netunreach = 40, "netunreach";
    Nfile = 41, "nfile";
    Nobufs = 42, "nobufs";
    Nodev = 43, "nodev";
    Noent = 44, "noent";
    Noexec = 45, "noexec";
    Nolck = 46, "nolck";
    Nolink = 47, "nolink";
    Nomem = 48, "nomem";
    Nomsg = 49, "nomsg";
    Noprotoopt = 50, "noprotoopt";
    Nospc = 51, "nospc";
    Nosys = 52, "nosys";
    Notconn = 53, "notconn";
    Notdir = 54, "notdir";
    Notempty = 55, "notempty";
    Notrecoverable = 56, "notrecoverable";
    Notsock = 57, "notsock";
    Notsup = 58, "notsup";
    Notty = 59, "notty";
    Nxio = 60, "nxio";
    Overflow = 61, "overflow";
    Ownerdead = 62, "ownerdead";
    Perm = 63, "perm";
    Pipe = 64, "pipe";
    Proto = 65, "proto";
    Protonosupport = 66, "protonosupport";
    Prototype = 67, "prototype";
    Range = 68, "range";
    Rofs = 69, "rofs";
    Spipe = 70, "spipe";
    Srch = 71, "srch";
    Stale = 72, "stale";
    Timedout = 73, "timedout";
    Txtbsy = 74, "txtbsy";
    Xdev = 75, "xdev";
    Notcapable = 76, "notcapable";
}

impl Errno {
    /// The number the guest sees.
    pub fn code(self) -> u16 {
        self as u16
    }

    /// The errno for an OS error number (Linux `errno` values), `Io` for
    /// one with no counterpart.
    pub fn from_os(raw: i32) -> Errno {
        use rustix::io::Errno as E;
        let e = E::from_raw_os_error(raw);
        macro_rules! map {
            ($($os:ident => $wasi:ident,)*) => {
                $(if e == E::$os { return Errno::$wasi; })*
            };
        }
        map! {
            TOOBIG => TooBig, ACCESS => Acces, ADDRINUSE => Addrinuse,
            ADDRNOTAVAIL => Addrnotavail, AFNOSUPPORT => Afnosupport, AGAIN => Again,
            ALREADY => Already, BADF => Badf, BADMSG => Badmsg, BUSY => Busy,
            CANCELED => Canceled, CHILD => Child, CONNABORTED => Connaborted,
            CONNREFUSED => Connrefused, CONNRESET => Connreset, DEADLK => Deadlk,
            DESTADDRREQ => Destaddrreq, DOM => Dom, DQUOT => Dquot, EXIST => Exist,
            FAULT => Fault, FBIG => Fbig, HOSTUNREACH => Hostunreach, IDRM => Idrm,
            ILSEQ => Ilseq, INPROGRESS => Inprogress, INTR => Intr, INVAL => Inval,
            IO => Io, ISCONN => Isconn, ISDIR => Isdir, LOOP => Loop, MFILE => Mfile,
            MLINK => Mlink, MSGSIZE => Msgsize, MULTIHOP => Multihop,
            NAMETOOLONG => Nametoolong, NETDOWN => Netdown, NETRESET => Netreset,
            NETUNREACH => Netunreach, NFILE => Nfile, NOBUFS => Nobufs, NODEV => Nodev,
            NOENT => Noent, NOEXEC => Noexec, NOLCK => Nolck, NOLINK => Nolink,
            NOMEM => Nomem, NOMSG => Nomsg, NOPROTOOPT => Noprotoopt, NOSPC => Nospc,
            NOSYS => Nosys, NOTCONN => Notconn, NOTDIR => Notdir, NOTEMPTY => Notempty,
            NOTRECOVERABLE => Notrecoverable, NOTSOCK => Notsock, NOTSUP => Notsup,
            OPNOTSUPP => Notsup, NOTTY => Notty, NXIO => Nxio, OVERFLOW => Overflow,
            OWNERDEAD => Ownerdead, PERM => Perm, PIPE => Pipe, PROTO => Proto,
            PROTONOSUPPORT => Protonosupport, PROTOTYPE => Prototype, RANGE => Range,
            ROFS => Rofs, SPIPE => Spipe, SRCH => Srch, STALE => Stale,
            TIMEDOUT => Timedout, TXTBSY => Txtbsy, XDEV => Xdev,
        }
        Errno::Io
    }
}

impl core::fmt::Display for Errno {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "errno {} ({})", self.code(), self.name())
    }
}

impl std::error::Error for Errno {}

impl From<io::Error> for Errno {
    fn from(e: io::Error) -> Errno {
        if let Some(raw) = e.raw_os_error() {
            return Errno::from_os(raw);
        }
        // Errors made by the standard library or cap-std without an OS
        // error number. cap-std reports a path that would leave the sandbox
        // as `PermissionDenied`: to the guest that is `perm`, as in other
        // runtimes.
        match e.kind() {
            io::ErrorKind::NotFound => Errno::Noent,
            io::ErrorKind::PermissionDenied => Errno::Perm,
            io::ErrorKind::AlreadyExists => Errno::Exist,
            io::ErrorKind::InvalidInput => Errno::Inval,
            io::ErrorKind::WouldBlock => Errno::Again,
            io::ErrorKind::Interrupted => Errno::Intr,
            io::ErrorKind::Unsupported => Errno::Notsup,
            io::ErrorKind::OutOfMemory => Errno::Nomem,
            io::ErrorKind::BrokenPipe => Errno::Pipe,
            io::ErrorKind::NotADirectory => Errno::Notdir,
            io::ErrorKind::IsADirectory => Errno::Isdir,
            io::ErrorKind::DirectoryNotEmpty => Errno::Notempty,
            io::ErrorKind::ReadOnlyFilesystem => Errno::Rofs,
            _ => Errno::Io,
        }
    }
}

impl From<rustix::io::Errno> for Errno {
    fn from(e: rustix::io::Errno) -> Errno {
        Errno::from_os(e.raw_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_map_to_their_wasi_names() {
        assert_eq!(
            Errno::from_os(rustix::io::Errno::NOENT.raw_os_error()),
            Errno::Noent
        );
        assert_eq!(
            Errno::from_os(rustix::io::Errno::LOOP.raw_os_error()),
            Errno::Loop
        );
        assert_eq!(Errno::from(io::Error::from_raw_os_error(9)), Errno::Badf);
        assert_eq!(Errno::Notcapable.code(), 76);
        assert_eq!(Errno::TooBig.name(), "2big");
    }
}
