//! One host function with a guest-pointer parameter, linked into a memory32
//! and a memory64 module from the same Rust definition. The memory64 module
//! passes a buffer above 4 GiB; the host reads it, writes it back reversed
//! and returns the sum of its bytes.
//!
//! `cargo run -p strata-api --example memory64_host`.

use strata_api::{Caller, Engine, GuestAddr, GuestSize, IndexType, Linker, Module, Store, Trap};

/// The guest: `run` calls the host on the buffer at `addr`, then returns the
/// sum from the host plus the first byte after the call, times 1000.
fn wat(index: IndexType, pages: u64, addr: u64) -> String {
    let ty = match index {
        IndexType::I32 => "i32",
        IndexType::I64 => "i64",
    };
    format!(
        r#"(module
  (import "host" "reverse_sum" (func $reverse_sum (param {ty} {ty}) (result i64)))
  (memory (export "memory") {ty} {pages})
  (data ({ty}.const {addr}) "abcdefgh")
  (func (export "run") (result i64)
    (i64.add
      (call $reverse_sum ({ty}.const {addr}) ({ty}.const 8))
      (i64.mul (i64.load8_u ({ty}.const {addr})) (i64.const 1000)))))"#
    )
}

/// What the host saw: the index type and address of each call.
type Calls = Vec<(IndexType, GuestAddr)>;

fn reverse_sum(mut caller: Caller<'_, Calls>, ptr: GuestAddr, len: GuestSize) -> Result<u64, Trap> {
    let memory = caller
        .memory()
        .ok_or_else(|| Trap::host("reverse_sum: the caller has no memory"))?;
    let index = memory.index_type(&caller)?;
    caller.data_mut().push((index, ptr));
    let bytes = memory.slice_mut(&mut caller, ptr, len)?;
    bytes.reverse();
    Ok(bytes.iter().map(|&b| u64::from(b)).sum())
}

/// Run both modules; returns one line per module.
fn run() -> Result<String, Box<dyn std::error::Error>> {
    let engine = Engine::default();
    let mut linker = Linker::<Calls>::new(&engine);
    linker.func_wrap("host", "reverse_sum", reverse_sum)?;
    let mut out = String::new();
    // memory64: 65537 pages (4 GiB + 64 KiB), the buffer at 4 GiB + 256;
    // pages are committed lazily, so only the touched ones cost memory.
    let cases = [
        (IndexType::I32, 1, 0x100),
        (IndexType::I64, 65_537, (1 << 32) + 0x100),
    ];
    for (index, pages, addr) in cases {
        let module = Module::new(&engine, wat(index, pages, addr))?;
        let mut store = Store::new(&engine, Calls::new());
        let instance = linker.instantiate(&mut store, &module)?;
        let result = instance
            .get_typed_func::<(), u64>(&store, "run")?
            .call(&mut store, ())?;
        let memory = instance
            .get_memory(&store, "memory")
            .ok_or("the module exports no memory")?;
        let after = memory.slice(&store, addr, 8u64)?;
        out.push_str(&format!(
            "{index:?}: host called at {:?}, result {result}, buffer now {:?}\n",
            store.data(),
            String::from_utf8_lossy(after)
        ));
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", run()?);
    Ok(())
}

#[test]
fn example_runs() -> Result<(), Box<dyn std::error::Error>> {
    // 'a'..'h' sum to 804; after reversing, the first byte is 'h' (104).
    let expected = "I32: host called at [(I32, GuestAddr(256))], result 104804, buffer now \"hgfedcba\"\n\
                    I64: host called at [(I64, GuestAddr(4294967552))], result 104804, buffer now \"hgfedcba\"\n";
    assert_eq!(run()?, expected);
    Ok(())
}
