;; hello64.wat: a memory64 program that prints a string stored above 4 GiB
;; through the host module `strata`.
;;
;; `print_bytes(ptr, len)` takes addresses of the memory's index width, so a
;; memory64 module imports it with (i64, i64) and a memory32 one with (i32, i32).
;;
;;   strata run examples/hello64.wat    prints "hello from above 4 GiB" and 23
(module
  (import "strata" "print_bytes" (func $print_bytes (param i64 i64)))
  (import "strata" "print_i64" (func $print_i64 (param i64)))
  (memory (export "memory") i64 65537)
  (data (i64.const 0x1_0000_0000) "hello from above 4 GiB\n")

  (func (export "_start")
    (call $print_bytes (i64.const 0x1_0000_0000) (i64.const 23))
    (call $print_i64 (i64.const 23))))
