//! Resource limits: a store capped at 1 MiB of memory refuses a module
//! declaring more, and `memory.grow` past the cap returns -1 with the
//! contents intact. A memory64 module declaring 2^48 pages loads, and is
//! refused at instantiation with the cap named.
//!
//! `cargo run -p strata-api --example limits`.

use strata_api::{Engine, Error, Linker, Module, Store, StoreLimits};

/// A memory of `pages` pages with a marker at 100; `grow` grows it and
/// returns memory.grow's result; `marker` reads the marker back.
fn wat(pages: u64) -> String {
    format!(
        r#"(module
  (memory (export "memory") {pages})
  (data (i32.const 100) "\2a")
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "marker") (result i32) (i32.load8_u (i32.const 100))))"#
    )
}

/// Run the scenario; returns one line per step.
fn run() -> Result<String, Error> {
    let engine = Engine::default();
    let linker = Linker::<()>::new(&engine);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().memory_bytes(1 << 20));
    let mut out = String::new();

    // 32 pages are 2 MiB: over the cap.
    let big = Module::new(&engine, wat(32))?;
    match linker.instantiate(&mut store, &big) {
        Ok(_) => out.push_str("2 MiB memory: instantiated (unexpected)\n"),
        Err(e) => out.push_str(&format!("2 MiB memory: {:?}: {e}\n", e.kind())),
    }

    // 2^48 pages of memory64 (the spec's maximum) load, and are refused.
    let huge = Module::new(&engine, "(module (memory i64 281474976710656))")?;
    match linker.instantiate(&mut store, &huge) {
        Ok(_) => out.push_str("2^48 pages: instantiated (unexpected)\n"),
        Err(e) => out.push_str(&format!("2^48 pages: {:?}: {e}\n", e.kind())),
    }

    // 1 page grows to the 16-page cap and no further.
    let small = Module::new(&engine, wat(1))?;
    let instance = linker.instantiate(&mut store, &small)?;
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow")?;
    let marker = instance.get_typed_func::<(), i32>(&store, "marker")?;
    out.push_str(&format!("grow by 15: {}\n", grow.call(&mut store, 15)?));
    out.push_str(&format!("grow by 1: {}\n", grow.call(&mut store, 1)?));
    out.push_str(&format!("marker: {}\n", marker.call(&mut store, ())?));
    if let Some(memory) = instance.get_memory(&store, "memory") {
        out.push_str(&format!("size: {} pages\n", memory.size(&store)?));
        if let Err(e) = memory.grow(&mut store, 1) {
            out.push_str(&format!("host grow by 1: {e}\n"));
        }
    }
    Ok(out)
}

fn main() -> Result<(), Error> {
    print!("{}", run()?);
    Ok(())
}

#[test]
fn example_runs() -> Result<(), Error> {
    let out = run()?;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "2 MiB memory: Resource: failed to instantiate module: memory 0: memory minimum of 2097152 bytes (32 pages) exceeds the configured cap of 1048576 bytes",
            "2^48 pages: Resource: failed to instantiate module: memory 0: memory minimum of 18446744073709551616 bytes (281474976710656 pages) exceeds the configured cap of 1048576 bytes",
            "grow by 15: 1",
            "grow by 1: -1",
            "marker: 42",
            "size: 16 pages",
            "host grow by 1: growing the memory needs 1114112 bytes, over the store's per-memory limit of 1048576 bytes",
        ]
    );
    Ok(())
}
