//! Helpers shared by the integration tests: the two memory widths a WAT
//! template is rendered for, one instantiated test module with WASI linked
//! in, and running a test on every tier and width.

#![allow(dead_code)]

use std::fmt::Debug;
use std::sync::Arc;

use strata_api::{Config, Engine, Instance, Linker, Module, Store, Val};
use strata_wasi::WasiCtx;

pub type R<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// The memory of a test module: memory32 or memory64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    W32,
    W64,
}

impl Width {
    /// `lo` for memory32, `hi` for memory64.
    pub fn pick<T>(self, lo: T, hi: T) -> T {
        match self {
            Width::W32 => lo,
            Width::W64 => hi,
        }
    }

    /// The pointer type.
    pub fn ptr(self) -> &'static str {
        self.pick("i32", "i64")
    }

    /// Bytes of a pointer or `size`.
    pub fn size(self) -> u64 {
        self.pick(4, 8)
    }

    /// A pointer or `size` argument.
    pub fn val(self, v: u64) -> Val {
        self.pick(Val::I32(v as u32 as i32), Val::I64(v as i64))
    }

    /// `text` with `@ptr` (the pointer type), `@psz` (its size) and each
    /// `(name, value)` of `vars` replaced; no `@` may be left.
    pub fn render(self, text: &str, vars: &[(&str, String)]) -> String {
        let mut vars = vars.to_vec();
        vars.push(("@psz", self.size().to_string()));
        vars.push(("@ptr", self.ptr().into()));
        // Longest names first, so that no name is replaced inside another.
        vars.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        let mut text = text.to_string();
        for (k, v) in &vars {
            text = text.replace(k, v);
        }
        assert!(!text.contains('@'), "unreplaced variable in {text}");
        text
    }
}

pub struct Host {
    pub wasi: WasiCtx,
}

/// One instantiated test module.
pub struct Guest {
    /// The width `wat` was rendered for.
    pub w: Width,
    pub store: Store<Host>,
    pub instance: Instance,
}

impl Guest {
    /// Instantiate `wat`, rendered for `w`, with `wasi` linked in.
    pub fn new(
        engine: &Engine,
        w: Width,
        wat: &str,
        wasi: WasiCtx,
    ) -> Result<Guest, strata_api::Error> {
        let module = Module::new(engine, wat)?;
        let mut store = Store::new(engine, Host { wasi });
        let mut linker = Linker::new(engine);
        strata_wasi::add_to_linker(&mut linker, |h: &mut Host| &mut h.wasi)?;
        let instance = linker.instantiate(&mut store, &module)?;
        Ok(Guest { w, store, instance })
    }

    /// Call the export `name`, which returns an errno.
    pub fn call(&mut self, name: &str, args: &[Val]) -> R<i32> {
        let f = self
            .instance
            .get_func(&self.store, name)
            .ok_or_else(|| format!("no export {name}"))?;
        let out = f.call(&mut self.store, args)?;
        Ok(out.first().and_then(Val::i32).ok_or("no i32 result")?)
    }

    pub fn mem(&self) -> &[u8] {
        self.instance
            .get_memory(&self.store, "memory")
            .expect("exported memory")
            .data(&self.store)
            .expect("the memory of this store")
    }

    pub fn mem_mut(&mut self) -> &mut [u8] {
        self.instance
            .get_memory(&self.store, "memory")
            .expect("exported memory")
            .data_mut(&mut self.store)
            .expect("the memory of this store")
    }

    /// The `len` bytes at `at`.
    pub fn bytes(&self, at: u64, len: u64) -> Vec<u8> {
        self.mem()[at as usize..(at + len) as usize].to_vec()
    }

    /// Set the `len` bytes at `at` to `byte`.
    pub fn fill(&mut self, at: u64, len: u64, byte: u8) {
        self.mem_mut()[at as usize..(at + len) as usize].fill(byte);
    }

    /// Copy `bytes` to `at`.
    pub fn put(&mut self, at: u64, bytes: &[u8]) {
        self.mem_mut()[at as usize..at as usize + bytes.len()].copy_from_slice(bytes);
    }
}

/// The engines of every tier: the interpreter, the AOT tier and, on x86-64,
/// the JIT.
pub fn engines() -> R<Vec<(&'static str, Engine)>> {
    let mut out = vec![("interp", Engine::new(&Config::new())?)];
    if cfg!(target_arch = "x86_64") {
        let jit = Config::new().tier(Arc::new(strata_api::Jit::default()));
        let engine = Engine::new(&jit)?;
        assert_eq!(engine.tier_name(), "jit");
        out.push(("jit", engine));
    }
    let aot = Config::new().tier(Arc::new(strata_api::Aot::default()));
    let engine = Engine::new(&aot)?;
    assert_eq!(engine.tier_name(), "aot");
    out.push(("aot", engine));
    Ok(out)
}

/// Run `test` for each tier and width; every run must give the same output,
/// which is returned.
pub fn each<T: PartialEq + Debug>(mut test: impl FnMut(&Engine, Width) -> R<T>) -> R<T> {
    let mut first: Option<(String, T)> = None;
    for (tier, engine) in engines()? {
        for w in [Width::W32, Width::W64] {
            let label = format!("{tier}/{w:?}");
            let out = test(&engine, w).map_err(|e| format!("{label}: {e}"))?;
            match &first {
                Some((l0, o0)) => assert_eq!(o0, &out, "{label} differs from {l0}"),
                None => first = Some((label, out)),
            }
        }
    }
    Ok(first.ok_or("no configuration ran")?.1)
}
