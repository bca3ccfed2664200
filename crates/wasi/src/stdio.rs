//! Standard streams: what a guest's descriptors 0, 1 and 2 read from and
//! write to. The host's own streams ([`inherit`](crate::WasiCtxBuilder::inherit_stdio)),
//! or in-memory pipes for embedders and tests: [`MemoryInputPipe`] feeds
//! bytes to the guest, [`MemoryOutputPipe`] collects what it writes.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};

/// Something the guest reads from (fd 0, or any stream the embedder gives).
pub trait InputStream: Send {
    /// Read up to `buf.len()` bytes; 0 at the end of the stream.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// Whether this is a terminal (`isatty`).
    fn is_terminal(&self) -> bool {
        false
    }
    /// Whether a read would return at once (data or end of stream), for
    /// `poll_oneoff`.
    fn is_ready(&self) -> bool {
        true
    }
}

/// Something the guest writes to (fds 1 and 2).
pub trait OutputStream: Send {
    /// Write all of `buf`.
    fn write(&mut self, buf: &[u8]) -> io::Result<()>;
    /// Flush anything buffered.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Whether this is a terminal (`isatty`).
    fn is_terminal(&self) -> bool {
        false
    }
}

/// Bytes the guest reads as its input, given up front.
#[derive(Debug, Default)]
pub struct MemoryInputPipe {
    data: Vec<u8>,
    pos: usize,
}

impl MemoryInputPipe {
    /// A stream that yields `data`, then end of file.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        Self {
            data: data.into(),
            pos: 0,
        }
    }
}

impl InputStream for MemoryInputPipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// Collects what the guest writes. Clones share the buffer, so the embedder
/// keeps one clone and reads [`MemoryOutputPipe::contents`] after the run.
/// Writes past `capacity` bytes fail with `nospc` to the guest.
#[derive(Debug, Clone)]
pub struct MemoryOutputPipe {
    buf: Arc<Mutex<Vec<u8>>>,
    capacity: usize,
}

impl MemoryOutputPipe {
    /// A pipe that holds at most `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        Self {
            buf: Arc::default(),
            capacity,
        }
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.buf
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl OutputStream for MemoryOutputPipe {
    fn write(&mut self, data: &[u8]) -> io::Result<()> {
        let mut buf = self.buf.lock().unwrap_or_else(PoisonError::into_inner);
        if buf.len().saturating_add(data.len()) > self.capacity {
            return Err(io::Error::from_raw_os_error(
                rustix::io::Errno::NOSPC.raw_os_error(),
            ));
        }
        buf.extend_from_slice(data);
        Ok(())
    }
}

/// The host process's standard input.
pub(crate) struct HostStdin;

impl InputStream for HostStdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        io::stdin().lock().read(buf)
    }
    fn is_terminal(&self) -> bool {
        rustix::termios::isatty(io::stdin())
    }
    fn is_ready(&self) -> bool {
        use rustix::event::{poll, PollFd, PollFlags};
        let stdin = io::stdin();
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        let zero = rustix::time::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        matches!(poll(&mut fds, Some(&zero)), Ok(n) if n > 0)
    }
}

/// The host process's standard output.
pub(crate) struct HostStdout;

impl OutputStream for HostStdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(buf)?;
        // Unbuffered as seen from the guest: its own libc buffers.
        out.flush()
    }
    fn is_terminal(&self) -> bool {
        rustix::termios::isatty(io::stdout())
    }
}

/// The host process's standard error.
pub(crate) struct HostStderr;

impl OutputStream for HostStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<()> {
        io::stderr().lock().write_all(buf)
    }
    fn is_terminal(&self) -> bool {
        rustix::termios::isatty(io::stderr())
    }
}

/// An input that is always at its end (the default stdin).
pub(crate) struct EmptyInput;

impl InputStream for EmptyInput {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        Ok(0)
    }
}

/// An output that drops everything (the default stdout and stderr).
pub(crate) struct Sink;

impl OutputStream for Sink {
    fn write(&mut self, _buf: &[u8]) -> io::Result<()> {
        Ok(())
    }
}
