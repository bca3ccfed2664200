;; fib.wat: a memory32 program: naive recursion, and a table of results in
;; linear memory.
;;
;;   strata run examples/fib.wat                  prints 6765 (fib 20)
;;   strata run --invoke fib examples/fib.wat 30  prints 832040
;;   strata run --invoke fib_table examples/fib.wat 90
;;                                                prints 2880067194370816120
(module
  (memory (export "memory") 1)

  ;; fib(n) by naive recursion (fib(0) = 0, fib(1) = 1).
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; fib(n) as an i64, by filling the table mem[8*i] = fib(i) for i <= n.
  ;; n above 92 overflows i64 and wraps; n above 8191 traps (out of bounds).
  (func (export "fib_table") (param $n i32) (result i64)
    (local $i i32)
    (i64.store (i32.const 0) (i64.const 0))
    (i64.store (i32.const 8) (i64.const 1))
    (local.set $i (i32.const 2))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
        (i64.store
          (i32.shl (local.get $i) (i32.const 3))
          (i64.add
            (i64.load offset=0 (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 3)))
            (i64.load offset=0 (i32.shl (i32.sub (local.get $i) (i32.const 2)) (i32.const 3)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i64.load (i32.shl (local.get $n) (i32.const 3))))

  (func (export "main") (result i32)
    (call $fib (i32.const 20))))
