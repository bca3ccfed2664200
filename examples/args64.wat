;; args64.wat: a wasm64 WASI program (memory64, 64-bit WASI pointers) that
;; prints its arguments and environment, one per line, with buffers above
;; the 4 GiB mark, then exits with the number of arguments after argv[0].
;;
;;   strata run --env GREETING=hi examples/args64.wat one --two
;;     prints examples/args64.wat, one, --two, GREETING=hi; exit status 2
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i64 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  ;; 65537 pages: one past 4 GiB. Only the pages touched are committed.
  (memory (export "memory") i64 65537)

  ;; Layout, all above 4 GiB (base 0x1_0000_0000):
  ;;   +0   count, +8 buffer size (both 8-byte `size`s)
  ;;   +64  iovec (16 bytes) and nwritten
  ;;   +256 the pointer array (8 bytes a pointer)
  ;;   +32768 the strings
  (global $base i64 (i64.const 0x1_0000_0000))

  ;; Write the NUL-terminated string at $p and a newline to stdout.
  (func $puts (param $p i64)
    (local $end i64)
    (local.set $end (local.get $p))
    (block $done (loop $scan
      (br_if $done (i32.eqz (i32.load8_u (local.get $end))))
      (local.set $end (i64.add (local.get $end) (i64.const 1)))
      (br $scan)))
    ;; Replace the NUL by a newline and write the line.
    (i32.store8 (local.get $end) (i32.const 10))
    (i64.store (i64.add (global.get $base) (i64.const 64)) (local.get $p))
    (i64.store (i64.add (global.get $base) (i64.const 72))
      (i64.add (i64.sub (local.get $end) (local.get $p)) (i64.const 1)))
    (drop (call $fd_write (i32.const 1) (i64.add (global.get $base) (i64.const 64)) (i64.const 1)
      (i64.add (global.get $base) (i64.const 80)))))

  ;; Print each string of a pointer array of $n entries.
  (func $print_all (param $n i64)
    (local $i i64)
    (block $done (loop $next
      (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
      (call $puts (i64.load (i64.add (i64.add (global.get $base) (i64.const 256))
        (i64.mul (local.get $i) (i64.const 8)))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $next))))

  (func (export "_start")
    (local $argc i64)
    (drop (call $args_sizes_get (global.get $base) (i64.add (global.get $base) (i64.const 8))))
    (local.set $argc (i64.load (global.get $base)))
    (drop (call $args_get (i64.add (global.get $base) (i64.const 256)) (i64.add (global.get $base) (i64.const 32768))))
    (call $print_all (local.get $argc))
    (drop (call $environ_sizes_get (global.get $base) (i64.add (global.get $base) (i64.const 8))))
    (drop (call $environ_get (i64.add (global.get $base) (i64.const 256)) (i64.add (global.get $base) (i64.const 32768))))
    (call $print_all (i64.load (global.get $base)))
    (call $proc_exit (i32.wrap_i64 (i64.sub (local.get $argc) (i64.const 1))))))
