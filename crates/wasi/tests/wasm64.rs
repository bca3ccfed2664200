//! The wasm64 ABI of strata-wasi, checked against the wasm32 one: each test
//! is one WAT template rendered for a memory32 and a memory64 module (witx
//! pointers and `size`s as `i32` or `i64`, 8- or 16-byte iovecs, 4- or
//! 8-byte `size` outputs), run in the interpreter, the JIT and the AOT tier,
//! and must give the same observable output in every configuration. The
//! memory64 variants place their buffers, iovec arrays and outputs above
//! 4 GiB (and across the 4 GiB mark) in a memory of 65540 pages.

mod common;

use std::time::Duration;

use common::{each, engines, Guest, Width, R};
use strata_api::{ErrorKind, Val};
use strata_wasi::{
    DirPerms, FilePerms, MemoryInputPipe, MemoryOutputPipe, MonotonicClock, RandomSource,
    WallClock, WasiCtx, WasiCtxBuilder,
};

/// 4 GiB, the first address a memory32 module cannot reach.
const G4: u64 = 1 << 32;
/// Pages of the memory64 modules: 4 GiB + 256 KiB.
const PAGES64: u64 = 65_540;
/// The end of a memory64 module's memory.
const END64: u64 = PAGES64 << 16;

impl Width {
    /// The pointer or `size` the guest sees at `at`.
    fn read_ptr(self, mem: &[u8], at: u64) -> u64 {
        let b = &mem[at as usize..(at + self.size()) as usize];
        b.iter().rev().fold(0, |acc, &x| (acc << 8) | u64::from(x))
    }

    /// The test module: `PRELUDE`, `template` and a closing parenthesis,
    /// with `@ptr` (the pointer type), `@psz` (its size), `@load32u` (a u32
    /// load as a pointer-typed value), `@pages` and each `(name, value)` of
    /// `vars` replaced.
    fn wat(self, template: &str, vars: &[(&str, u64)]) -> String {
        let mut vars: Vec<(&str, String)> = vars.iter().map(|&(k, v)| (k, v.to_string())).collect();
        vars.push(("@pages", self.pick(2, PAGES64).to_string()));
        vars.push(("@load32u", self.pick("i32.load", "i64.load32_u").into()));
        self.render(&format!("{PRELUDE}{template})"), &vars)
    }
}

/// The imports, the memory and the helpers every test module shares. The
/// helpers keep their iovec at 0x100, `nwritten` at 0x120 and a newline at
/// 0x130.
const PRELUDE: &str = r#"(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 @ptr @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 @ptr @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 @ptr @ptr i32 i64 i64 i32 @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 @ptr @ptr i64 @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 @ptr @ptr) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") @ptr @pages)
  (data (@ptr.const 0x130) "\n") (data (@ptr.const 0x140) ":?\n")
  (func $write (param $fd i32) (param $buf @ptr) (param $len @ptr) (result i32)
    (@ptr.store (@ptr.const 0x100) (local.get $buf))
    (@ptr.store offset=@psz (@ptr.const 0x100) (local.get $len))
    (call $fd_write (local.get $fd) (@ptr.const 0x100) (@ptr.const 1) (@ptr.const 0x120)))
  (func $strlen (param $s @ptr) (result @ptr)
    (local $n @ptr)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (i32.load8_u (@ptr.add (local.get $s) (local.get $n)))))
        (local.set $n (@ptr.add (local.get $n) (@ptr.const 1)))
        (br $l)))
    (local.get $n))
  (func $puts (param $s @ptr) (result i32)
    (local $e i32)
    (local.set $e (call $write (i32.const 1) (local.get $s) (call $strlen (local.get $s))))
    (if (local.get $e) (then (return (local.get $e))))
    (call $write (i32.const 1) (@ptr.const 0x130) (@ptr.const 1)))
  (func $puts_all (param $arr @ptr) (param $n @ptr) (result i32)
    (local $i @ptr) (local $e i32)
    (block $done
      (loop $l
        (br_if $done (@ptr.ge_u (local.get $i) (local.get $n)))
        (local.set $e (call $puts (@ptr.load (@ptr.add (local.get $arr)
          (@ptr.mul (local.get $i) (@ptr.const @psz))))))
        (if (local.get $e) (then (return (local.get $e))))
        (local.set $i (@ptr.add (local.get $i) (@ptr.const 1)))
        (br $l)))
    (i32.const 0))
"#;

/// A data segment of `n` bytes 0xAA at `addr`: the sentinel the tests check
/// is left alone around each output.
fn sentinel(addr: &str, n: usize) -> String {
    format!("(data (@ptr.const {addr}) \"{}\")\n", "\\aa".repeat(n))
}

impl Guest {
    /// The `size` output at `at`, checking that the 16 - `self.w.size()` bytes
    /// after it still hold the 0xAA sentinel.
    fn size_out(&self, at: u64) -> u64 {
        let w = self.w;
        assert_eq!(
            self.bytes(at + w.size(), 16 - w.size()),
            vec![0xAA; (16 - w.size()) as usize],
            "{w:?}: bytes after the size output at {at:#x} were overwritten"
        );
        w.read_ptr(self.mem(), at)
    }
}

/// A context builder with stdout captured by the returned pipe.
fn piped() -> (MemoryOutputPipe, WasiCtxBuilder) {
    let stdout = MemoryOutputPipe::new(1 << 16);
    let mut b = WasiCtxBuilder::new();
    b.stdout(stdout.clone());
    (stdout, b)
}

fn text(pipe: &MemoryOutputPipe) -> String {
    String::from_utf8_lossy(&pipe.contents()).into_owned()
}

/// The errno-chaining `run` export: each `call` in `calls` in turn, the
/// first nonzero errno returned.
fn run_export(calls: &[&str]) -> String {
    let mut body = String::new();
    for c in calls {
        body.push_str(&format!("      (br_if $fail (local.tee $e {c}))\n"));
    }
    format!(
        "  (func (export \"run\") (result i32) (local $e i32)\n    (block $fail\n{body}      (return (i32.const 0)))\n    (local.get $e))\n"
    )
}

#[test]
fn args_and_environ() -> R {
    let out = each(|engine, w| {
        let base = w.pick(0x1000, G4 + 0x1000);
        let vars = [
            ("@argc", base),
            ("@argsz", base + 0x10),
            ("@envc", base + 0x20),
            ("@envsz", base + 0x30),
            ("@argv", base + 0x100),
            ("@argbuf", base + 0x200),
            ("@environ", base + 0x400),
            ("@envbuf", base + 0x500),
        ];
        let mut t = String::new();
        for v in ["@argc", "@argv", "@environ"] {
            t.push_str(&sentinel(v, 64));
        }
        t.push_str(&run_export(&[
            "(call $args_sizes_get (@ptr.const @argc) (@ptr.const @argsz))",
            "(call $args_get (@ptr.const @argv) (@ptr.const @argbuf))",
            "(call $puts_all (@ptr.const @argv) (@ptr.load (@ptr.const @argc)))",
            "(call $environ_sizes_get (@ptr.const @envc) (@ptr.const @envsz))",
            "(call $environ_get (@ptr.const @environ) (@ptr.const @envbuf))",
            "(call $puts_all (@ptr.const @environ) (@ptr.load (@ptr.const @envc)))",
        ]));
        let (stdout, mut b) = piped();
        let wasi = b
            .args(["prog", "--flag", "wörld"])
            .envs([("HOME", "/nowhere"), ("EMPTY", "")])
            .build();
        let mut g = Guest::new(engine, w, &w.wat(&t, &vars), wasi)?;
        assert_eq!(g.call("run", &[])?, 0);
        let sizes: Vec<u64> = [base, base + 0x10, base + 0x20, base + 0x30]
            .iter()
            .map(|&a| g.size_out(a))
            .collect();
        // The pointer arrays: `size()`-byte slots, then the sentinel.
        let mut strings = Vec::new();
        for (arr, n) in [(base + 0x100, sizes[0]), (base + 0x400, sizes[2])] {
            for i in 0..n {
                let p = w.read_ptr(g.mem(), arr + i * w.size());
                let len = g.mem()[p as usize..].iter().position(|&b| b == 0);
                strings.push(g.bytes(p, len.ok_or("no NUL")? as u64));
            }
            let after = g.bytes(arr + n * w.size(), 8);
            assert_eq!(after, [0xAA; 8], "{w:?}: past the pointer array");
        }
        Ok((text(&stdout), sizes, strings))
    })?;
    assert_eq!(out.0, "prog\n--flag\nwörld\nHOME=/nowhere\nEMPTY=\n");
    assert_eq!(out.1, [3, 19, 2, 21]);
    let want = ["prog", "--flag", "wörld", "HOME=/nowhere", "EMPTY="];
    assert_eq!(out.2, want.map(|s| s.as_bytes().to_vec()));
    Ok(())
}

#[test]
fn fd_write_above_4gib() -> R {
    let out = each(|engine, w| {
        let vars = [
            ("@iovs", w.pick(0x2000, G4 + 0x2000)),
            ("@nw", w.pick(0x2100, G4 + 0x2100)),
            ("@a", w.pick(0x10, G4 + 0x10)),
            // Across the 4 GiB mark in wasm64.
            ("@b", w.pick(0x3000, G4 - 6)),
            ("@c", w.pick(0x18000, G4 + 0x3_0000)),
            // An empty buffer at the very end of memory.
            ("@end", w.pick(0x20000, END64)),
        ];
        let mut t = sentinel("@nw", 16);
        t.push_str(
            r#"(data (@ptr.const @a) "Hello, ") (data (@ptr.const @b) "straddling ")
  (data (@ptr.const @c) "wasm64!\n")
  (func $iov (param $i @ptr) (param $buf @ptr) (param $len @ptr)
    (local $at @ptr)
    (local.set $at (@ptr.add (@ptr.const @iovs) (@ptr.mul (local.get $i) (@ptr.mul (@ptr.const @psz) (@ptr.const 2)))))
    (@ptr.store (local.get $at) (local.get $buf))
    (@ptr.store offset=@psz (local.get $at) (local.get $len)))
  (func (export "run") (result i32)
    (call $iov (@ptr.const 0) (@ptr.const @a) (@ptr.const 7))
    (call $iov (@ptr.const 1) (@ptr.const @b) (@ptr.const 11))
    (call $iov (@ptr.const 2) (@ptr.const @end) (@ptr.const 0))
    (call $iov (@ptr.const 3) (@ptr.const @c) (@ptr.const 8))
    (call $fd_write (i32.const 1) (@ptr.const @iovs) (@ptr.const 4) (@ptr.const @nw)))
"#,
        );
        let (stdout, mut b) = piped();
        let wasi = b.build();
        let mut g = Guest::new(engine, w, &w.wat(&t, &vars), wasi)?;
        let errno = g.call("run", &[])?;
        Ok((errno, text(&stdout), g.size_out(vars[1].1)))
    })?;
    assert_eq!(out, (0, "Hello, straddling wasm64!\n".to_string(), 26));
    Ok(())
}

#[test]
fn fd_read_above_4gib_echoes_stdin() -> R {
    let input = "echo: 0123456789abcdef\n";
    let out = each(|engine, w| {
        let vars = [
            ("@iovs", w.pick(0x2000, G4 + 0x3000)),
            ("@nread", w.pick(0x2100, G4 + 0x3100)),
            ("@nread2", w.pick(0x2200, G4 + 0x3200)),
            ("@b1", w.pick(0x1000, G4 - 3)),
            ("@b2", w.pick(0x8000, G4 + 0x2_0000)),
        ];
        let mut t = sentinel("@nread", 16) + &sentinel("@nread2", 16);
        t.push_str(
            r#"(func $iovs (param $len2 @ptr)
    (@ptr.store (@ptr.const @iovs) (@ptr.const @b1))
    (@ptr.store offset=@psz (@ptr.const @iovs) (@ptr.const 6))
    (@ptr.store (@ptr.add (@ptr.const @iovs) (@ptr.mul (@ptr.const @psz) (@ptr.const 2))) (@ptr.const @b2))
    (@ptr.store (@ptr.add (@ptr.const @iovs) (@ptr.mul (@ptr.const @psz) (@ptr.const 3))) (local.get $len2)))
"#,
        );
        t.push_str(&run_export(&[
            "(block (result i32) (call $iovs (@ptr.const 64)) (call $fd_read (i32.const 0) (@ptr.const @iovs) (@ptr.const 2) (@ptr.const @nread)))",
            "(call $fd_read (i32.const 0) (@ptr.const @iovs) (@ptr.const 2) (@ptr.const @nread2))",
            "(block (result i32) (call $iovs (@ptr.sub (@ptr.load (@ptr.const @nread)) (@ptr.const 6))) (call $fd_write (i32.const 1) (@ptr.const @iovs) (@ptr.const 2) (@ptr.const 0x120)))",
        ]));
        let (stdout, mut b) = piped();
        let wasi = b.stdin(MemoryInputPipe::new(input)).build();
        let mut g = Guest::new(engine, w, &w.wat(&t, &vars), wasi)?;
        let errno = g.call("run", &[])?;
        let n = g.size_out(vars[1].1);
        let n2 = g.size_out(vars[2].1);
        Ok((errno, text(&stdout), n, n2, g.bytes(vars[3].1, 6)))
    })?;
    assert_eq!(out, (0, input.to_string(), 23, 0, b"echo: ".to_vec()));
    Ok(())
}

#[test]
fn path_open_and_fd_readdir_on_a_preopen() -> R {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("alpha.txt"), "alpha contents\n")?;
    std::fs::write(dir.path().join("beta"), "")?;
    std::fs::create_dir(dir.path().join("gamma"))?;
    let out = each(|engine, w| {
        let hi = |off: u64| w.pick(0x1000 + off, G4 + off);
        let vars = [
            ("@dot", hi(0x10)),
            ("@alpha", hi(0x20)),
            ("@fd1", hi(0x40)),
            ("@fd2", hi(0x50)),
            ("@used", hi(0x60)),
            ("@riov", hi(0x80)),
            ("@rn", hi(0xa0)),
            ("@rbuf", hi(0x200)),
            ("@buf", hi(0x1000)),
        ];
        let mut t = sentinel("@used", 16);
        t.push_str(
            r#"(data (@ptr.const @dot) ".") (data (@ptr.const @alpha) "alpha.txt")
  (func $list (param $buf @ptr) (param $used @ptr) (result i32)
    (local $off @ptr) (local $len @ptr) (local $e i32)
    (block $done
      (loop $l
        (br_if $done (@ptr.ge_u (local.get $off) (local.get $used)))
        (local.set $len (@load32u offset=16 (@ptr.add (local.get $buf) (local.get $off))))
        ;; The name, then ":<d_type>\n" from 0x140.
        (i32.store8 (@ptr.const 0x141)
          (i32.add (i32.const 48) (i32.load8_u offset=20 (@ptr.add (local.get $buf) (local.get $off)))))
        (local.set $e (call $write (i32.const 1) (@ptr.add (@ptr.add (local.get $buf) (local.get $off)) (@ptr.const 24)) (local.get $len)))
        (if (local.get $e) (then (return (local.get $e))))
        (local.set $e (call $write (i32.const 1) (@ptr.const 0x140) (@ptr.const 3)))
        (if (local.get $e) (then (return (local.get $e))))
        (local.set $off (@ptr.add (local.get $off) (@ptr.add (@ptr.const 24) (local.get $len))))
        (br $l)))
    (i32.const 0))
  (func $cat (param $fd i32) (result i32)
    (local $e i32)
    (@ptr.store (@ptr.const @riov) (@ptr.const @rbuf))
    (@ptr.store offset=@psz (@ptr.const @riov) (@ptr.const 256))
    (local.set $e (call $fd_read (local.get $fd) (@ptr.const @riov) (@ptr.const 1) (@ptr.const @rn)))
    (if (local.get $e) (then (return (local.get $e))))
    (call $write (i32.const 1) (@ptr.const @rbuf) (@ptr.load (@ptr.const @rn))))
"#,
        );
        // Rights: fd_readdir (1 << 14) for ".", fd_read (1 << 1) for the file.
        t.push_str(&run_export(&[
            "(call $path_open (i32.const 3) (i32.const 0) (@ptr.const @dot) (@ptr.const 1) (i32.const 2) (i64.const 0x4000) (i64.const 0) (i32.const 0) (@ptr.const @fd1))",
            "(call $fd_readdir (i32.load (@ptr.const @fd1)) (@ptr.const @buf) (@ptr.const 4096) (i64.const 0) (@ptr.const @used))",
            "(call $list (@ptr.const @buf) (@ptr.load (@ptr.const @used)))",
            "(call $path_open (i32.const 3) (i32.const 0) (@ptr.const @alpha) (@ptr.const 9) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (@ptr.const @fd2))",
            "(call $cat (i32.load (@ptr.const @fd2)))",
        ]));
        let (stdout, mut b) = piped();
        let wasi = b
            .preopened_dir(dir.path(), "/sandbox", DirPerms::READ, FilePerms::READ)?
            .build();
        let mut g = Guest::new(engine, w, &w.wat(&t, &vars), wasi)?;
        let errno = g.call("run", &[])?;
        let used = g.size_out(vars[4].1);
        let fds = (g.bytes(vars[2].1, 4), g.bytes(vars[3].1, 4));
        Ok((errno, text(&stdout), used, fds))
    })?;
    assert_eq!(out.0, 0, "errno");
    let lines: Vec<&str> = out.1.lines().collect();
    for want in [".:3", "..:3", "alpha.txt:4", "beta:4", "gamma:3"] {
        assert!(lines.contains(&want), "{want} missing from {lines:?}");
    }
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert_eq!(lines[5], "alpha contents");
    // Five dirents: 24-byte headers and the names.
    assert_eq!(out.2, 5 * 24 + (1 + 2 + 9 + 4 + 5));
    assert_eq!(
        out.3,
        (4u32.to_le_bytes().to_vec(), 5u32.to_le_bytes().to_vec())
    );
    Ok(())
}

/// A clock that stands still, as wall clock and as monotonic clock.
struct Fixed;
impl WallClock for Fixed {
    fn now(&self) -> Duration {
        Duration::new(1_700_000_000, 123_456_789)
    }
    fn resolution(&self) -> Duration {
        Duration::from_micros(1)
    }
}
impl MonotonicClock for Fixed {
    fn now(&self) -> u64 {
        42_000_000_007
    }
    fn resolution(&self) -> Duration {
        Duration::from_nanos(10)
    }
}

#[test]
fn clock_time_get_above_4gib() -> R {
    let out = each(|engine, w| {
        let vars = [
            ("@t0", w.pick(0x1010, G4 + 0x30)),
            // Across the 4 GiB mark in wasm64.
            ("@t1", w.pick(0x1030, G4 - 4)),
            ("@r0", w.pick(0x1050, G4 + 0x50)),
            ("@r1", w.pick(0x1070, G4 + 0x70)),
        ];
        let mut t = String::new();
        for (_, at) in &vars {
            t.push_str(&sentinel(&(at - 8).to_string(), 24));
        }
        t.push_str(&run_export(&[
            "(call $clock_time_get (i32.const 0) (i64.const 1) (@ptr.const @t0))",
            "(call $clock_time_get (i32.const 1) (i64.const 0) (@ptr.const @t1))",
            "(call $clock_res_get (i32.const 0) (@ptr.const @r0))",
            "(call $clock_res_get (i32.const 1) (@ptr.const @r1))",
        ]));
        t.push_str(
            r#"(func (export "bad") (result i32)
    (call $clock_time_get (i32.const 9) (i64.const 0) (@ptr.const @t0)))
"#,
        );
        let wasi = WasiCtxBuilder::new()
            .wall_clock(Fixed)
            .monotonic_clock(Fixed)
            .build();
        let mut g = Guest::new(engine, w, &w.wat(&t, &vars), wasi)?;
        let errno = g.call("run", &[])?;
        let mut values = Vec::new();
        for (_, at) in vars {
            let b = g.bytes(at - 8, 24);
            assert_eq!(b[..8], [0xAA; 8], "{w:?}: before the timestamp at {at:#x}");
            assert_eq!(b[16..], [0xAA; 8], "{w:?}: past the timestamp at {at:#x}");
            values.push(u64::from_le_bytes(b[8..16].try_into()?));
        }
        Ok((errno, values, g.call("bad", &[])?))
    })?;
    let want = vec![1_700_000_000_123_456_789, 42_000_000_007, 1000, 10];
    assert_eq!(
        out,
        (0, want, 28),
        "errno, [wall, monotonic, resolutions], bad id"
    );
    Ok(())
}

/// Bytes 0, 1, 2, ... in order.
struct Counter(u8);
impl RandomSource for Counter {
    fn fill(&mut self, buf: &mut [u8]) -> std::io::Result<()> {
        for b in buf {
            *b = self.0;
            self.0 = self.0.wrapping_add(1);
        }
        Ok(())
    }
}

#[test]
fn random_get_above_4gib() -> R {
    let out = each(|engine, w| {
        let a = w.pick(0x1010, G4 + 0x10);
        let b = w.pick(0x1040, G4 - 8);
        let vars = [("@a", a), ("@b", b), ("@end", w.pick(0x20000, END64))];
        let t = sentinel(&format!("{}", a - 8), 32)
            + &sentinel(&format!("{}", b - 8), 32)
            + &run_export(&[
                "(call $random_get (@ptr.const @a) (@ptr.const 16))",
                "(call $random_get (@ptr.const @b) (@ptr.const 16))",
                "(call $random_get (@ptr.const @end) (@ptr.const 0))",
            ]);
        let wasi = WasiCtxBuilder::new().random(Counter(0)).build();
        let mut g = Guest::new(engine, w, &w.wat(&t, &vars), wasi)?;
        let errno = g.call("run", &[])?;
        Ok((errno, g.bytes(a - 8, 32), g.bytes(b - 8, 32)))
    })?;
    let around = |start: u8| {
        let mut v = vec![0xAA; 8];
        v.extend(start..start + 16);
        v.extend([0xAA; 8]);
        v
    };
    assert_eq!(out, (0, around(0), around(16)));
    Ok(())
}

#[test]
fn fd_prestat_get_and_dir_name() -> R {
    let d1 = tempfile::tempdir()?;
    let d2 = tempfile::tempdir()?;
    let out = each(|engine, w| {
        let pre = w.pick(0x1010, G4 + 0x10);
        let name = w.pick(0x1100, G4 + 0x100);
        let t = r#"(func (export "prestat") (param $fd i32) (param $at @ptr) (result i32)
    (call $fd_prestat_get (local.get $fd) (local.get $at)))
  (func (export "dir_name") (param $fd i32) (param $len @ptr) (result i32)
    (call $fd_prestat_dir_name (local.get $fd) (@ptr.const @name) (local.get $len)))
"#;
        let wasi = WasiCtxBuilder::new()
            .preopened_dir(d1.path(), "/data", DirPerms::all(), FilePerms::all())?
            .preopened_dir(d2.path(), "scratch/dir", DirPerms::READ, FilePerms::READ)?
            .build();
        let mut g = Guest::new(engine, w, &w.wat(t, &[("@name", name)]), wasi)?;
        let mut seen = Vec::new();
        for fd in [3, 4] {
            g.fill(pre - 8, 32, 0xEE);
            g.fill(name, 16, 0xEE);
            let errno = g.call("prestat", &[Val::I32(fd), w.val(pre)])?;
            let b = g.bytes(pre - 8, 32);
            assert_eq!(b[..8], [0xEE; 8], "{w:?}: before the prestat");
            assert_eq!(b[8], 0, "{w:?}: tag is dir");
            let len_at = 8 + w.size() as usize;
            let len = w.read_ptr(&b, len_at as u64);
            let end = len_at + w.size() as usize;
            assert_eq!(
                b[end..],
                vec![0xEE; 32 - end][..],
                "{w:?}: after the prestat"
            );
            let ok = g.call("dir_name", &[Val::I32(fd), w.val(len)])?;
            let short = g.call("dir_name", &[Val::I32(fd), w.val(len - 1)])?;
            let n = g.bytes(name, 16);
            let shown = String::from_utf8_lossy(&n[..len as usize]).into_owned();
            assert_eq!(n[len as usize..], vec![0xEE; 16 - len as usize][..]);
            seen.push((errno, len, ok, short, shown));
        }
        let mut errs = Vec::new();
        for (fd, at) in [
            (5, pre),
            (1, pre),
            (0, pre),
            (3, w.pick(0x1_fffc, END64 - 4)),
        ] {
            errs.push(g.call("prestat", &[Val::I32(fd), w.val(at)])?);
        }
        Ok((seen, errs))
    })?;
    assert_eq!(
        out.0,
        [
            (0, 5, 0, 37, "/data".to_string()),
            (0, 11, 0, 37, "scratch/dir".to_string())
        ]
    );
    // No fd 5; 1 and 0 are not directories; a prestat past the end.
    assert_eq!(out.1, [8, 8, 8, 21]);
    Ok(())
}

#[test]
fn imports_of_the_other_width_are_refused_at_link_time() -> R {
    for (tier, engine) in engines()? {
        for w in [Width::W32, Width::W64] {
            let other = w.pick(64, 32);
            let m = format!(
                r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i{other} i{other} i{other}) (result i32)))
  (memory {} 1))"#,
                w.ptr()
            );
            let err = Guest::new(&engine, w, &m, WasiCtx::builder().build())
                .err()
                .ok_or_else(|| format!("{tier}/{w:?}: linked"))?;
            assert_eq!(err.kind(), ErrorKind::Link, "{tier}/{w:?}: {err}");
            let (p, mem) = (w.ptr(), w.pick(32, 64));
            assert_eq!(
                err.to_string(),
                format!(
                    "failed to link module: incompatible import type for function \
                     `wasi_snapshot_preview1`.`fd_write`: expected (func (param i32 i{other} i{other} i{other}) (result i32)), \
                     found host function (func (param i32 ptr len ptr) (result i32)), \
                     i.e. (func (param i32 {p} {p} {p}) (result i32)) for a memory{mem} module"
                ),
                "{tier}/{w:?}"
            );
        }
    }
    Ok(())
}

#[test]
fn proc_exit_gives_the_exit_status() -> R {
    let out = each(|engine, w| {
        let t = r#"(data (@ptr.const 0x200) "bye\n")
  (func (export "run") (result i32)
    (drop (call $write (i32.const 1) (@ptr.const 0x200) (@ptr.const 4)))
    (call $proc_exit (i32.const 7))
    unreachable)
"#;
        let (stdout, mut b) = piped();
        let wasi = b.build();
        let mut g = Guest::new(engine, w, &w.wat(t, &[]), wasi)?;
        let f = g.instance.get_func(&g.store, "run").ok_or("run")?;
        let err = f
            .call(&mut g.store, &[])
            .err()
            .ok_or("proc_exit returned")?;
        Ok((err.exit_status(), err.kind(), text(&stdout)))
    })?;
    assert_eq!(out, (Some(7), ErrorKind::Exit(7), "bye\n".to_string()));
    Ok(())
}
