;; sort64.wat: a memory64 program whose data lives above 4 GiB.
;;
;; The memory is 65600 pages (about 4.004 GiB), so the buffer at
;; 0x1_0000_0040 is only reachable with 64-bit addresses. Pages are committed
;; lazily, so the program touches only the few pages it uses.
;;
;; `main` fills N = 2000 u64 values from an LCG (Knuth's MMIX constants, seed
;; 42), heap-sorts them as unsigned numbers, checks that they are sorted and
;; that nothing was written to the low alias 0x40 (an address truncated to
;; 32 bits would land there), and returns an FNV-style checksum of the sorted
;; buffer. Any failed check traps with `unreachable`.
;;
;;   strata run examples/sort64.wat      prints 8058710662330092173
(module
  (memory (export "memory") i64 65600)

  ;; Start of the buffer: 64 bytes above 4 GiB.
  (global $base i64 (i64.const 0x1_0000_0040))
  ;; Number of elements.
  (global $n i64 (i64.const 2000))

  (func $addr (param $i i64) (result i64)
    (i64.add (global.get $base) (i64.shl (local.get $i) (i64.const 3))))

  (func $get (param $i i64) (result i64)
    (i64.load (call $addr (local.get $i))))

  (func $set (param $i i64) (param $v i64)
    (i64.store (call $addr (local.get $i)) (local.get $v)))

  ;; a[i] = x_i where x_{i+1} = x_i * 6364136223846793005 + 1442695040888963407.
  (func $fill (param $x i64)
    (local $i i64)
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (global.get $n)))
        (local.set $x
          (i64.add
            (i64.mul (local.get $x) (i64.const 6364136223846793005))
            (i64.const 1442695040888963407)))
        (call $set (local.get $i) (local.get $x))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next))))

  ;; Restore the max-heap property of a[0..end) below `root`.
  (func $sift (param $root i64) (param $end i64)
    (local $child i64)
    (local $v i64)
    (local.set $v (call $get (local.get $root)))
    (block $done
      (loop $down
        (local.set $child
          (i64.add (i64.shl (local.get $root) (i64.const 1)) (i64.const 1)))
        (br_if $done (i64.ge_u (local.get $child) (local.get $end)))
        ;; Take the larger of the two children.
        (if (i64.lt_u (i64.add (local.get $child) (i64.const 1)) (local.get $end))
          (then
            (if (i64.lt_u
                  (call $get (local.get $child))
                  (call $get (i64.add (local.get $child) (i64.const 1))))
              (then
                (local.set $child (i64.add (local.get $child) (i64.const 1)))))))
        (br_if $done (i64.ge_u (local.get $v) (call $get (local.get $child))))
        (call $set (local.get $root) (call $get (local.get $child)))
        (local.set $root (local.get $child))
        (br $down)))
    (call $set (local.get $root) (local.get $v)))

  (func $heapsort
    (local $i i64)
    (local $end i64)
    (local $t i64)
    ;; Build the heap.
    (local.set $i (i64.shr_u (global.get $n) (i64.const 1)))
    (block $built
      (loop $heapify
        (br_if $built (i64.eqz (local.get $i)))
        (local.set $i (i64.sub (local.get $i) (i64.const 1)))
        (call $sift (local.get $i) (global.get $n))
        (br $heapify)))
    ;; Move the maximum to the end, shrink the heap, repeat.
    (local.set $end (global.get $n))
    (block $sorted
      (loop $extract
        (br_if $sorted (i64.le_u (local.get $end) (i64.const 1)))
        (local.set $end (i64.sub (local.get $end) (i64.const 1)))
        (local.set $t (call $get (i64.const 0)))
        (call $set (i64.const 0) (call $get (local.get $end)))
        (call $set (local.get $end) (local.get $t))
        (call $sift (i64.const 0) (local.get $end))
        (br $extract))))

  ;; 1 if a[0..n) is in ascending unsigned order, else 0.
  (func $is_sorted (result i32)
    (local $i i64)
    (local.set $i (i64.const 1))
    (block $ok
      (loop $next
        (br_if $ok (i64.ge_u (local.get $i) (global.get $n)))
        (if (i64.gt_u
              (call $get (i64.sub (local.get $i) (i64.const 1)))
              (call $get (local.get $i)))
          (then (return (i32.const 0))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (i32.const 1))

  ;; h = (h * 1099511628211) ^ a[i], starting from the FNV-1a offset basis.
  (func $checksum (result i64)
    (local $i i64)
    (local $h i64)
    (local.set $h (i64.const 0xcbf2_9ce4_8422_2325))
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (global.get $n)))
        (local.set $h
          (i64.xor
            (i64.mul (local.get $h) (i64.const 1099511628211))
            (call $get (local.get $i))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (local.get $h))

  (func (export "main") (result i64)
    (call $fill (i64.const 42))
    ;; The low alias of the buffer must still be zero.
    (if (i64.ne (i64.load (i64.const 0x40)) (i64.const 0)) (then (unreachable)))
    (call $heapsort)
    (if (i32.eqz (call $is_sorted)) (then (unreachable)))
    (call $checksum)))
