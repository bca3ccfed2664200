//! A host function called from wasm: the guest passes a string by address
//! and length, the host reads it from the caller's memory.
//!
//! `cargo run -p strata-api --example hello` prints `Hello, world!`.

use strata_api::{Caller, Error, GuestAddr, GuestSize, Linker, Module, Store, Trap};

const WAT: &str = r#"
(module
  (import "host" "print" (func $print (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello, world!")
  (func (export "main")
    (call $print (i32.const 16) (i32.const 13))))
"#;

/// Run the guest; returns what it printed.
fn run() -> Result<String, Error> {
    let engine = strata_api::Engine::default();
    let module = Module::new(&engine, WAT)?;
    let mut linker = Linker::<String>::new(&engine);
    linker.func_wrap(
        "host",
        "print",
        |mut caller: Caller<'_, String>, ptr: GuestAddr, len: GuestSize| -> Result<(), Trap> {
            let memory = caller
                .memory()
                .ok_or_else(|| Trap::host("print: the caller has no memory"))?;
            let text = String::from_utf8_lossy(memory.slice(&caller, ptr, len)?).into_owned();
            caller.data_mut().push_str(&text);
            Ok(())
        },
    )?;
    let mut store = Store::new(&engine, String::new());
    let instance = linker.instantiate(&mut store, &module)?;
    instance
        .get_typed_func::<(), ()>(&store, "main")?
        .call(&mut store, ())?;
    Ok(store.into_data())
}

fn main() -> Result<(), Error> {
    println!("{}", run()?);
    Ok(())
}

#[test]
fn example_runs() -> Result<(), Error> {
    assert_eq!(run()?, "Hello, world!");
    Ok(())
}
