//! Embed a WASI program: give it arguments and stdin, capture its stdout
//! and exit status. The program (WAT below, built for wasm32 and for
//! wasm64 from one text) writes its first argument, then copies stdin to
//! stdout upper-cased, then exits with status 3.

use strata_api::{Engine, Error, Linker, Module, Store};
use strata_wasi::{MemoryInputPipe, MemoryOutputPipe, WasiCtx};

/// The program, with `PTR` standing for the pointer type of its memory.
const PROGRAM: &str = r#"
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param PTR PTR) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param PTR PTR) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 PTR PTR PTR) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 PTR PTR PTR) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") PTR 1)
  ;; 0: argc, SIZE: buffer size; 64: argv pointers; 256: argv strings;
  ;; 1024: iovec; 1088: count; 2048: data buffer (1 KiB).
  (func $write (param $ptr PTR) (param $len PTR)
    (PTR.store (PTR.const 1024) (local.get $ptr))
    (PTR.store (PTR.add (PTR.const 1024) (PTR.const SIZE)) (local.get $len))
    (drop (call $fd_write (i32.const 1) (PTR.const 1024) (PTR.const 1) (PTR.const 1088))))
  (func (export "_start")
    (local $i PTR) (local $n PTR) (local $c i32)
    ;; argv[1], then a newline.
    (drop (call $args_sizes (PTR.const 0) (PTR.const SIZE)))
    (drop (call $args_get (PTR.const 64) (PTR.const 256)))
    (local.set $i (PTR.load (PTR.add (PTR.const 64) (PTR.const SIZE))))
    (local.set $n (local.get $i))
    (block $end (loop $len
      (br_if $end (i32.eqz (i32.load8_u (local.get $n))))
      (local.set $n (PTR.add (local.get $n) (PTR.const 1)))
      (br $len)))
    (i32.store8 (local.get $n) (i32.const 10))
    (call $write (local.get $i) (PTR.add (PTR.sub (local.get $n) (local.get $i)) (PTR.const 1)))
    ;; stdin to stdout, upper-cased, 1 KiB at a time.
    (block $done (loop $more
      (PTR.store (PTR.const 1024) (PTR.const 2048))
      (PTR.store (PTR.add (PTR.const 1024) (PTR.const SIZE)) (PTR.const 1024))
      (drop (call $fd_read (i32.const 0) (PTR.const 1024) (PTR.const 1) (PTR.const 1088)))
      (local.set $n (PTR.load (PTR.const 1088)))
      (br_if $done (PTR.eqz (local.get $n)))
      (local.set $i (PTR.const 0))
      (block $up (loop $each
        (br_if $up (PTR.ge_u (local.get $i) (local.get $n)))
        (local.set $c (i32.load8_u (PTR.add (PTR.const 2048) (local.get $i))))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
          (then (i32.store8 (PTR.add (PTR.const 2048) (local.get $i)) (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $i (PTR.add (local.get $i) (PTR.const 1)))
        (br $each)))
      (call $write (PTR.const 2048) (local.get $n))
      (br $more)))
    (call $exit (i32.const 3))))
"#;

/// The program for a memory of index type `ptr` (`i32` or `i64`).
fn program(ptr: &str) -> String {
    let size = if ptr == "i64" { "8" } else { "4" };
    PROGRAM.replace("PTR", ptr).replace("SIZE", size)
}

/// Run the program built for `ptr` with `stdin`; its stdout and exit status.
fn run(ptr: &str, stdin: &str) -> Result<(String, Option<i32>), Error> {
    struct State {
        wasi: WasiCtx,
    }
    let engine = Engine::default();
    let module = Module::new(&engine, program(ptr))?;
    let stdout = MemoryOutputPipe::new(1 << 20);
    let wasi = WasiCtx::builder()
        .args(["embed", "hello from the host"])
        .stdin(MemoryInputPipe::new(stdin))
        .stdout(stdout.clone())
        .build();
    let mut store = Store::new(&engine, State { wasi });
    let mut linker = Linker::new(&engine);
    strata_wasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi)?;
    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
    let status = match start.call(&mut store, ()) {
        Ok(()) => None,
        Err(e) => Some(e.exit_status().ok_or(e)?),
    };
    Ok((
        String::from_utf8_lossy(&stdout.contents()).into_owned(),
        status,
    ))
}

fn main() -> Result<(), Error> {
    for ptr in ["i32", "i64"] {
        let (out, status) = run(ptr, "piped into the guest\n")?;
        print!("{}: {out}", if ptr == "i64" { "wasm64" } else { "wasm32" });
        println!("exit status {status:?}");
    }
    Ok(())
}

#[test]
fn example_runs() -> Result<(), Error> {
    for ptr in ["i32", "i64"] {
        let (out, status) = run(ptr, "abc xyz\nsecond line")?;
        assert_eq!(out, "hello from the host\nABC XYZ\nSECOND LINE");
        assert_eq!(status, Some(3));
    }
    Ok(())
}
