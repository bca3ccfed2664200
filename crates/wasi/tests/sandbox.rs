//! The sandbox of strata-wasi: paths that would leave a preopened directory
//! (`..`, absolute paths, symlinks pointing outside) are refused without the
//! outside file being read, a read-only preopen refuses every write, bad
//! guest pointers and lengths are `fault` and bad descriptors `badf`. Each
//! test is one WAT template rendered for a memory32 and a memory64 module,
//! run in the interpreter, the JIT and the AOT tier; all runs must agree.

mod common;

use std::path::Path;

use common::{each, Guest, Width, R};
use strata_api::Val;
use strata_wasi::{
    DirPerms, FilePerms, MemoryInputPipe, MemoryOutputPipe, WasiCtx, WasiCtxBuilder,
};

/// The size of every test module's memory: one page.
const MEM: u64 = 1 << 16;

// WASI errnos.
const FAULT: i32 = 21;
const BADF: i32 = 8;
const LOOP: i32 = 32;
const NOTDIR: i32 = 54;
const PERM: i32 = 63;
const NOTCAPABLE: i32 = 76;

// Rights and flags.
const FD_READ: i64 = 1 << 1;
const FD_WRITE: i64 = 1 << 6;
const PATH_CREATE_DIRECTORY: i64 = 1 << 9;
const PATH_CREATE_FILE: i64 = 1 << 10;
const PATH_OPEN: i64 = 1 << 13;
const FD_READDIR: i64 = 1 << 14;
const DIR_RIGHTS: i64 = PATH_OPEN | FD_READDIR | PATH_CREATE_FILE | PATH_CREATE_DIRECTORY;
const O_CREAT: i32 = 1;
const O_DIRECTORY: i32 = 2;
const O_TRUNC: i32 = 8;
const FDFLAG_APPEND: i32 = 1;
const SYMLINK_FOLLOW: i32 = 1;

impl Width {
    /// The largest pointer value.
    fn max(self) -> u64 {
        self.pick(u32::MAX.into(), u64::MAX)
    }

    /// A pointer or `size` as the guest stores it.
    fn bytes(self, v: u64) -> Vec<u8> {
        v.to_le_bytes()[..self.size() as usize].to_vec()
    }

    /// The test module, `GUEST` for this width.
    fn wat(self) -> String {
        self.render(GUEST, &[])
    }
}

/// The guest: thin exports over the WASI imports. `open` opens a path under
/// `dirfd` with the descriptor out at 0x200 and, if it succeeded and asked
/// for `fd_read`, copies the file to stdout (iovec at 0x300, data at
/// 0x1000), as a guest trying to exfiltrate it would.
const GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 @ptr @ptr i32 i64 i64 i32 @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 @ptr @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 @ptr @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 @ptr) (result i32)))
  (memory (export "memory") @ptr 1)
  (func (export "open") (param $dirfd i32) (param $path @ptr) (param $len @ptr)
      (param $dirflags i32) (param $oflags i32) (param $rights i64) (param $fdflags i32) (result i32)
    (local $e i32)
    (local.set $e (call $path_open (local.get $dirfd) (local.get $dirflags) (local.get $path)
      (local.get $len) (local.get $oflags) (local.get $rights) (i64.const 0) (local.get $fdflags)
      (@ptr.const 0x200)))
    (if (i32.or (local.get $e) (i64.eqz (i64.and (local.get $rights) (i64.const 2))))
      (then (return (local.get $e))))
    (@ptr.store (@ptr.const 0x300) (@ptr.const 0x1000))
    (@ptr.store offset=@psz (@ptr.const 0x300) (@ptr.const 256))
    (local.set $e (call $fd_read (i32.load (@ptr.const 0x200)) (@ptr.const 0x300) (@ptr.const 1) (@ptr.const 0x320)))
    (if (local.get $e) (then (return (local.get $e))))
    (@ptr.store offset=@psz (@ptr.const 0x300) (@ptr.load (@ptr.const 0x320)))
    (call $fd_write (i32.const 1) (@ptr.const 0x300) (@ptr.const 1) (@ptr.const 0x320)))
  (func (export "write") (param i32 @ptr @ptr @ptr) (result i32)
    (call $fd_write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "read") (param i32 @ptr @ptr @ptr) (result i32)
    (call $fd_read (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "close") (param i32) (result i32) (call $fd_close (local.get 0)))
  (func (export "args_get") (param @ptr @ptr) (result i32)
    (call $args_get (local.get 0) (local.get 1)))
  (func (export "args_sizes_get") (param @ptr @ptr) (result i32)
    (call $args_sizes_get (local.get 0) (local.get 1)))
  (func (export "mkdir") (param @ptr @ptr) (result i32)
    (call $path_create_directory (i32.const 3) (local.get 0) (local.get 1)))
  (func (export "prestat") (param i32 @ptr) (result i32)
    (call $fd_prestat_get (local.get 0) (local.get 1))))"#;

/// Where `open` takes its path from.
const PATH_AT: u64 = 0x400;
/// Where `open` puts the new descriptor.
const FD_AT: u64 = 0x200;

impl Guest {
    /// The descriptor slot `open` writes.
    fn fd_slot(&mut self) -> u32 {
        let b = &self.mem_mut()[FD_AT as usize..FD_AT as usize + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// `path_open` of `path` under `dirfd`; the errno. The descriptor slot
    /// must be left alone unless the open succeeds.
    fn open(
        &mut self,
        dirfd: i32,
        path: &str,
        dirflags: i32,
        oflags: i32,
        rights: i64,
        fdflags: i32,
    ) -> R<i32> {
        self.put(PATH_AT, path.as_bytes());
        self.put(FD_AT, &[0xAA; 4]);
        let w = self.w;
        let args = [
            Val::I32(dirfd),
            w.val(PATH_AT),
            w.val(path.len() as u64),
            Val::I32(dirflags),
            Val::I32(oflags),
            Val::I64(rights),
            Val::I32(fdflags),
        ];
        let errno = self.call("open", &args)?;
        if errno != 0 {
            assert_eq!(
                self.fd_slot(),
                0xAAAA_AAAA,
                "{path}: fd written on a refusal"
            );
        }
        Ok(errno)
    }

    /// Write one iovec `{buf, len}` at `at`.
    fn iovec(&mut self, at: u64, buf: u64, len: u64) {
        let w = self.w;
        let mut b = w.bytes(buf);
        b.extend(w.bytes(len));
        self.put(at, &b);
    }
}

/// A temporary tree:
///
/// ```text
/// root/outside               "TOP SECRET outside"
/// root/outer/x               "TOP SECRET x"
/// root/outer/box/            the preopen
/// root/outer/box/inside.txt  "inside"
/// root/outer/box/a/
/// root/outer/box/abs_link -> <root>/outside
/// root/outer/box/rel_link -> ../../outside
/// root/outer/box/up       -> ../..
/// ```
struct Tree {
    root: tempfile::TempDir,
}

impl Tree {
    fn new() -> R<Tree> {
        use std::os::unix::fs::symlink;
        let root = tempfile::tempdir()?;
        let r = root.path();
        std::fs::write(r.join("outside"), "TOP SECRET outside\n")?;
        std::fs::create_dir_all(r.join("outer/box/a"))?;
        std::fs::write(r.join("outer/x"), "TOP SECRET x\n")?;
        std::fs::write(r.join("outer/box/inside.txt"), "inside\n")?;
        symlink(r.join("outside"), r.join("outer/box/abs_link"))?;
        symlink("../../outside", r.join("outer/box/rel_link"))?;
        symlink("../..", r.join("outer/box/up"))?;
        Ok(Tree { root })
    }

    fn sandbox(&self) -> std::path::PathBuf {
        self.root.path().join("outer/box")
    }

    /// The names in the sandbox, sorted.
    fn listing(&self) -> R<Vec<String>> {
        let mut names = std::fs::read_dir(self.sandbox())?
            .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
            .collect::<Result<Vec<_>, std::io::Error>>()?;
        names.sort();
        Ok(names)
    }
}

fn ctx(
    dir: &Path,
    stdout: &MemoryOutputPipe,
    dir_perms: DirPerms,
    file_perms: FilePerms,
) -> R<WasiCtx> {
    Ok(WasiCtxBuilder::new()
        .arg("prog")
        .stdin(MemoryInputPipe::new("stdin data"))
        .stdout(stdout.clone())
        .preopened_dir(dir, "/box", dir_perms, file_perms)?
        .build())
}

#[test]
fn paths_leading_outside_the_preopen_are_refused() -> R {
    let tree = Tree::new()?;
    const F: i32 = SYMLINK_FOLLOW;
    // The directory `a`, once opened under the preopen.
    const SUB: i32 = -1;
    // (under fd, path, lookup flags, oflags, rights)
    let cases: [(i32, &str, i32, i32, i64); 16] = [
        // Inside: the harness can read what it may.
        (3, "inside.txt", F, 0, FD_READ),
        (3, "a/../inside.txt", F, 0, FD_READ),
        (3, "../x", F, 0, FD_READ),
        (3, "/etc/passwd", F, 0, FD_READ),
        (3, "a/../../x", F, 0, FD_READ),
        (3, "abs_link", F, 0, FD_READ),
        (3, "rel_link", F, 0, FD_READ),
        (3, "up/outside", F, 0, FD_READ),
        (3, "up", F, O_DIRECTORY, DIR_RIGHTS),
        (3, "abs_link", 0, 0, FD_READ),
        (3, "rel_link", 0, 0, FD_READ),
        // A directory opened under the preopen is a sandbox of its own.
        (3, "a", F, O_DIRECTORY, DIR_RIGHTS),
        (SUB, "../inside.txt", F, 0, FD_READ),
        (SUB, "../../x", F, 0, FD_READ),
        (SUB, "..", F, O_DIRECTORY, DIR_RIGHTS),
        (SUB, "/etc/passwd", F, 0, FD_READ),
    ];
    let (errnos, stdout) = each(|engine, w| {
        let stdout = MemoryOutputPipe::new(1 << 16);
        let wasi = ctx(&tree.sandbox(), &stdout, DirPerms::all(), FilePerms::all())?;
        let mut g = Guest::new(engine, w, &w.wat(), wasi)?;
        let mut errnos = Vec::new();
        let mut sub = -1;
        for (dirfd, path, dirflags, oflags, rights) in cases {
            let fd = if dirfd == SUB { sub } else { dirfd };
            let e = g.open(fd, path, dirflags, oflags, rights, 0)?;
            if path == "a" {
                sub = g.fd_slot() as i32;
            }
            errnos.push((dirfd, path, e));
        }
        Ok((
            errnos,
            String::from_utf8_lossy(&stdout.contents()).into_owned(),
        ))
    })?;
    let want = [
        (3, "inside.txt", 0),
        (3, "a/../inside.txt", 0),
        (3, "../x", PERM),
        (3, "/etc/passwd", PERM),
        (3, "a/../../x", PERM),
        (3, "abs_link", PERM),
        (3, "rel_link", PERM),
        (3, "up/outside", PERM),
        (3, "up", PERM),
        // Without SYMLINK_FOLLOW the final symlink is not followed: `loop`.
        (3, "abs_link", LOOP),
        (3, "rel_link", LOOP),
        (3, "a", 0),
        (SUB, "../inside.txt", PERM),
        (SUB, "../../x", PERM),
        (SUB, "..", PERM),
        (SUB, "/etc/passwd", PERM),
    ];
    assert_eq!(errnos, want);
    assert_eq!(stdout, "inside\ninside\n");
    assert!(!stdout.contains("SECRET"));
    Ok(())
}

#[test]
fn read_only_preopen_refuses_writes() -> R {
    let tree = Tree::new()?;
    let before = tree.listing()?;
    let out = each(|engine, w| {
        let stdout = MemoryOutputPipe::new(1 << 16);
        let wasi = ctx(&tree.sandbox(), &stdout, DirPerms::READ, FilePerms::READ)?;
        let mut g = Guest::new(engine, w, &w.wat(), wasi)?;
        let mut seen = Vec::new();
        for (what, path, oflags, rights, fdflags) in [
            ("create rw", "new.txt", O_CREAT, FD_READ | FD_WRITE, 0),
            ("create ro", "new.txt", O_CREAT, 0, 0),
            ("open for write", "inside.txt", 0, FD_WRITE, 0),
            ("truncate", "inside.txt", O_TRUNC, FD_READ, 0),
            ("append", "inside.txt", 0, 0, FDFLAG_APPEND),
        ] {
            seen.push((what, g.open(3, path, 0, oflags, rights, fdflags)?));
        }
        // Opening for reading works; writing through that descriptor does not.
        seen.push(("open for read", g.open(3, "inside.txt", 0, 0, FD_READ, 0)?));
        let fd = g.fd_slot();
        g.put(0x800, b"pwned");
        g.iovec(0x700, 0x800, 5);
        let args = [Val::I32(fd as i32), w.val(0x700), w.val(1), w.val(0x720)];
        seen.push(("write the read-only fd", g.call("write", &args)?));
        g.put(0x900, b"newdir");
        seen.push(("mkdir", g.call("mkdir", &[w.val(0x900), w.val(6)])?));
        // A subdirectory asked for with create rights gets none of them.
        let sub = g.open(3, "a", 0, O_DIRECTORY, DIR_RIGHTS, 0)?;
        seen.push(("open a subdirectory", sub));
        let fd = g.fd_slot() as i32;
        seen.push((
            "create under it",
            g.open(fd, "new.txt", 0, O_CREAT, FD_READ, 0)?,
        ));
        Ok((
            seen,
            String::from_utf8_lossy(&stdout.contents()).into_owned(),
        ))
    })?;
    let want = vec![
        ("create rw", PERM),
        ("create ro", PERM),
        ("open for write", PERM),
        ("truncate", PERM),
        ("append", PERM),
        ("open for read", 0),
        ("write the read-only fd", NOTCAPABLE),
        ("mkdir", NOTCAPABLE),
        ("open a subdirectory", 0),
        ("create under it", PERM),
    ];
    assert_eq!(out, (want, "inside\n".to_string()));
    assert_eq!(tree.listing()?, before, "the sandbox changed");
    assert_eq!(std::fs::read_dir(tree.sandbox().join("a"))?.count(), 0);
    assert_eq!(
        std::fs::read_to_string(tree.sandbox().join("inside.txt"))?,
        "inside\n"
    );
    Ok(())
}

#[test]
fn bad_pointers_and_lengths_are_faults() -> R {
    let tree = Tree::new()?;
    let out = each(|engine, w| {
        let stdout = MemoryOutputPipe::new(1 << 16);
        let wasi = ctx(&tree.sandbox(), &stdout, DirPerms::all(), FilePerms::all())?;
        let mut g = Guest::new(engine, w, &w.wat(), wasi)?;
        let max = w.max();
        let (iov, nw) = (0x700, 0x720);
        g.put(0x800, b"must not appear");
        let mut seen = Vec::new();
        let mut io =
            |g: &mut Guest, what: &'static str, f: &str, fd: i32, iovs: u64, n: u64| -> R {
                let e = g.call(f, &[Val::I32(fd), w.val(iovs), w.val(n), w.val(nw)])?;
                seen.push((what, e));
                Ok(())
            };
        io(&mut g, "iovec array across the end", "write", 1, MEM - 4, 1)?;
        io(&mut g, "iovec array at the top", "write", 1, max - 7, 1)?;
        // 0x7fffffff (2^62) iovecs: far more than the memory holds; 2^62
        // 16-byte iovecs do not even fit in 64 bits.
        io(
            &mut g,
            "huge iovec count",
            "write",
            1,
            iov,
            w.pick(0x7fff_ffff, 1 << 62),
        )?;
        io(&mut g, "max iovec count", "write", 1, iov, max)?;
        g.iovec(iov, MEM - 2, 4);
        io(&mut g, "buffer across the end", "write", 1, iov, 1)?;
        io(
            &mut g,
            "read into a buffer across the end",
            "read",
            0,
            iov,
            1,
        )?;
        g.iovec(iov, max, 2);
        io(&mut g, "buffer wrapping around", "write", 1, iov, 1)?;
        g.iovec(iov, MEM, 1);
        io(&mut g, "buffer at the end", "read", 0, iov, 1)?;

        let mut open = |g: &mut Guest, what: &'static str, path: u64, len: u64| -> R {
            let args = [
                Val::I32(3),
                w.val(path),
                w.val(len),
                Val::I32(0),
                Val::I32(0),
                Val::I64(FD_READ),
                Val::I32(0),
            ];
            seen.push((what, g.call("open", &args)?));
            Ok(())
        };
        open(&mut g, "path longer than memory", 0, MEM + 1)?;
        open(&mut g, "path across the end", MEM - 1, 2)?;
        open(&mut g, "path of max length", PATH_AT, max)?;

        for (what, f, a, b) in [
            ("argv across the end", "args_get", MEM - 2, 0x800),
            ("argv at the top", "args_get", max - 3, 0x800),
            ("argv buffer across the end", "args_get", 0x800, MEM - 3),
            ("argc at the end", "args_sizes_get", MEM, 0x800),
            ("argv size across the end", "args_sizes_get", 0x800, MEM - 2),
            ("prestat across the end", "prestat", MEM - 4, 0),
        ] {
            let args = if f == "prestat" {
                vec![Val::I32(3), w.val(a)]
            } else {
                vec![w.val(a), w.val(b)]
            };
            seen.push((what, g.call(f, &args)?));
        }
        Ok((seen, stdout.contents()))
    })?;
    let (seen, stdout) = out;
    assert!(stdout.is_empty(), "{:?}", String::from_utf8_lossy(&stdout));
    let names: Vec<&str> = seen.iter().map(|s| s.0).collect();
    assert_eq!(seen, names.iter().map(|&n| (n, FAULT)).collect::<Vec<_>>());
    Ok(())
}

#[test]
fn bad_descriptors_are_badf() -> R {
    let tree = Tree::new()?;
    let out = each(|engine, w| {
        let stdout = MemoryOutputPipe::new(1 << 16);
        let wasi = ctx(&tree.sandbox(), &stdout, DirPerms::all(), FilePerms::all())?;
        let mut g = Guest::new(engine, w, &w.wat(), wasi)?;
        g.put(0x800, b"must not appear");
        g.iovec(0x700, 0x800, 15);
        let io = [w.val(0x700), w.val(1), w.val(0x720)];
        let with_fd = |fd: i32| [&[Val::I32(fd)][..], &io[..]].concat();
        let mut seen = vec![
            ("write 99", g.call("write", &with_fd(99))?),
            ("write -1", g.call("write", &with_fd(-1))?),
            ("read 42", g.call("read", &with_fd(42))?),
            ("write stdin", g.call("write", &with_fd(0))?),
            ("close 99", g.call("close", &[Val::I32(99)])?),
            (
                "prestat 99",
                g.call("prestat", &[Val::I32(99), w.val(0x900)])?,
            ),
            ("open under 77", g.open(77, "inside.txt", 0, 0, FD_READ, 0)?),
            (
                "open under stdout",
                g.open(1, "inside.txt", 0, 0, FD_READ, 0)?,
            ),
            ("close the preopen", g.call("close", &[Val::I32(3)])?),
            (
                "open under the closed preopen",
                g.open(3, "inside.txt", 0, 0, FD_READ, 0)?,
            ),
            ("close it again", g.call("close", &[Val::I32(3)])?),
        ];
        seen.push(("close stdout", g.call("close", &[Val::I32(1)])?));
        seen.push(("write closed stdout", g.call("write", &with_fd(1))?));
        Ok((seen, stdout.contents()))
    })?;
    let want = vec![
        ("write 99", BADF),
        ("write -1", BADF),
        ("read 42", BADF),
        ("write stdin", BADF),
        ("close 99", BADF),
        ("prestat 99", BADF),
        ("open under 77", BADF),
        ("open under stdout", NOTDIR),
        ("close the preopen", 0),
        ("open under the closed preopen", BADF),
        ("close it again", BADF),
        ("close stdout", 0),
        ("write closed stdout", BADF),
    ];
    assert_eq!(out.0, want);
    assert!(out.1.is_empty());
    Ok(())
}
