//! One `Module` shared by many threads, each with its own `Store`: every
//! thread runs a checksum kernel over its own data and checks it against the
//! same computation in Rust.
#![cfg(feature = "interp")]

use std::thread;

use strata_api::{Caller, Engine, GuestAddr, GuestSize, Linker, Module, Store, Trap};

/// Fills `len` bytes at `ptr` from a host-side generator (seeded by the
/// store's data), then folds them: `h = (h * 31 + byte) mod 2^64`.
const KERNEL: &str = r#"(module
  (import "host" "fill" (func $fill (param i64 i64)))
  (memory (export "memory") i64 2)
  (func (export "checksum") (param $ptr i64) (param $len i64) (result i64)
    (local $i i64) (local $h i64)
    (call $fill (local.get $ptr) (local.get $len))
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (local.get $len)))
        (local.set $h
          (i64.add
            (i64.mul (local.get $h) (i64.const 31))
            (i64.load8_u (i64.add (local.get $ptr) (local.get $i)))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (local.get $h)))"#;

/// The bytes thread `seed` works on.
fn data(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn checksum(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0u64, |h, &b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
}

#[test]
fn threads_share_one_module() {
    const THREADS: u64 = 8;
    const LEN: usize = 50_000;
    let engine = Engine::default();
    let module = Module::new(&engine, KERNEL).expect("kernel loads");
    let mut linker = Linker::<u64>::new(&engine);
    linker
        .func_wrap(
            "host",
            "fill",
            |mut caller: Caller<'_, u64>, ptr: GuestAddr, len: GuestSize| -> Result<(), Trap> {
                let memory = caller.memory().ok_or_else(|| Trap::host("no memory"))?;
                let len = usize::try_from(len.get()).map_err(|_| Trap::host("length"))?;
                let bytes = data(*caller.data(), len);
                memory.write(&mut caller, ptr, &bytes)?;
                Ok(())
            },
        )
        .expect("define");
    // The module and the linker are shared by reference; each thread makes
    // its own store.
    let results: Vec<(u64, u64)> = thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|seed| {
                let (engine, module, linker) = (&engine, &module, &linker);
                scope.spawn(move || -> Result<(u64, u64), strata_api::Error> {
                    let mut store = Store::new(engine, seed);
                    let instance = linker.instantiate(&mut store, module)?;
                    let f = instance
                        .get_typed_func::<(GuestAddr, GuestSize), u64>(&store, "checksum")?;
                    let got =
                        f.call(&mut store, (GuestAddr(1000 + seed), GuestSize(LEN as u64)))?;
                    Ok((got, checksum(&data(seed, LEN))))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .expect("thread does not panic")
                    .expect("kernel runs")
            })
            .collect()
    });
    let mut distinct = std::collections::HashSet::new();
    for (got, want) in results {
        assert_eq!(got, want);
        distinct.insert(got);
    }
    assert_eq!(
        distinct.len(),
        THREADS as usize,
        "each thread had its own data"
    );
}
