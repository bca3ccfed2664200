//! `cargo xtask large-module`: generates a large module (by default about
//! 100 MB in about 90,000 functions, scalar and SIMD code mixed, the size of
//! a real scientific-stack build), then loads, validates and compiles it in
//! every built tier with `strata run --stats`, which reports the load and
//! compile times and the process's peak resident memory.
//!
//! Every function has the type `(i32, i32) -> i32` and a body of about 1.1
//! KiB: integer arithmetic, masked memory loads and stores, `v128` loads,
//! lane arithmetic, shuffles and lane extraction, `if`/`else`, and a call to
//! the previous function behind a branch the run never takes. The export
//! `run` is the last function; calling it with `(1, 2)` touches every kind
//! of operator once per segment.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::steps::{workspace_root, Steps};

/// Bytes of one function body (an estimate, to size the module).
const BODY_BYTES: usize = 1100;
/// Code segments per function.
const SEGMENTS: usize = 37;

fn leb_u(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn leb_s(out: &mut Vec<u8>, mut v: i64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        if done {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn section(module: &mut Vec<u8>, id: u8, body: &[u8]) {
    module.push(id);
    leb_u(module, body.len() as u64);
    module.extend_from_slice(body);
}

/// Opcodes used below.
mod op {
    pub const IF: u8 = 0x04;
    pub const ELSE: u8 = 0x05;
    pub const END: u8 = 0x0b;
    pub const CALL: u8 = 0x10;
    pub const LOCAL_GET: u8 = 0x20;
    pub const LOCAL_SET: u8 = 0x21;
    pub const I32_LOAD: u8 = 0x28;
    pub const I32_STORE: u8 = 0x36;
    pub const I32_CONST: u8 = 0x41;
    pub const I32_EQ: u8 = 0x46;
    pub const I32_ADD: u8 = 0x6a;
    pub const I32_MUL: u8 = 0x6c;
    pub const I32_AND: u8 = 0x71;
    pub const I32_XOR: u8 = 0x73;
    pub const I32_SHL: u8 = 0x74;
    pub const I32_SHR_U: u8 = 0x76;
    pub const SIMD: u8 = 0xfd;
    // SIMD sub-opcodes.
    pub const V128_LOAD: u64 = 0;
    pub const V128_STORE: u64 = 11;
    pub const V128_CONST: u64 = 12;
    pub const I8X16_SHUFFLE: u64 = 13;
    pub const I32X4_EXTRACT_LANE: u64 = 27;
    pub const I32X4_ADD: u64 = 174;
    pub const F32X4_MUL: u64 = 230;
}

/// Locals: 0, 1 the parameters; 2, 3 `i32`; 4 a `v128`.
fn body(func: u32, out: &mut Vec<u8>) {
    let mut code = vec![2, 2, 0x7f, 1, 0x7b];
    let c = |code: &mut Vec<u8>, v: i64| {
        code.push(op::I32_CONST);
        leb_s(code, v);
    };
    let simd = |code: &mut Vec<u8>, sub: u64| {
        code.push(op::SIMD);
        leb_u(code, sub);
    };
    let get = |code: &mut Vec<u8>, l: u8| code.extend([op::LOCAL_GET, l]);
    let set = |code: &mut Vec<u8>, l: u8| code.extend([op::LOCAL_SET, l]);
    for k in 0..SEGMENTS {
        let salt = i64::from(func.wrapping_mul(31)) + k as i64;
        match (func as usize + k) % 6 {
            0 => {
                get(&mut code, 0);
                c(&mut code, salt * 7 + 1);
                code.push(op::I32_ADD);
                get(&mut code, 1);
                code.push(op::I32_MUL);
                c(&mut code, salt ^ 0x5a5a);
                code.push(op::I32_XOR);
                set(&mut code, 2);
            }
            1 => {
                get(&mut code, 2);
                c(&mut code, 1020);
                code.push(op::I32_AND);
                code.extend([op::I32_LOAD, 2]);
                leb_u(&mut code, (salt as u64 % 4000) * 4);
                get(&mut code, 3);
                code.push(op::I32_ADD);
                set(&mut code, 3);
                get(&mut code, 2);
                c(&mut code, 1020);
                code.push(op::I32_AND);
                get(&mut code, 3);
                code.extend([op::I32_STORE, 2]);
                leb_u(&mut code, 16_000 + (salt as u64 % 4000) * 4);
            }
            2 => {
                get(&mut code, 2);
                c(&mut code, 4080);
                code.push(op::I32_AND);
                simd(&mut code, op::V128_LOAD);
                code.push(4);
                leb_u(&mut code, (salt as u64 % 2000) * 16);
                get(&mut code, 4);
                simd(&mut code, op::I32X4_ADD);
                simd(&mut code, op::V128_CONST);
                for b in 0..16u8 {
                    code.push(0x3f ^ b.wrapping_mul(salt as u8));
                }
                simd(&mut code, op::F32X4_MUL);
                set(&mut code, 4);
                get(&mut code, 2);
                c(&mut code, 4080);
                code.push(op::I32_AND);
                get(&mut code, 4);
                simd(&mut code, op::V128_STORE);
                code.push(4);
                leb_u(&mut code, 32_768 + (salt as u64 % 1000) * 16);
            }
            3 => {
                get(&mut code, 4);
                get(&mut code, 4);
                simd(&mut code, op::I8X16_SHUFFLE);
                for b in 0..16u8 {
                    code.push((b.wrapping_mul(7).wrapping_add(salt as u8)) & 31);
                }
                simd(&mut code, op::I32X4_EXTRACT_LANE);
                code.push((salt & 3) as u8);
                get(&mut code, 3);
                code.push(op::I32_ADD);
                set(&mut code, 3);
            }
            4 => {
                get(&mut code, 2);
                code.extend([op::IF, 0x40]);
                get(&mut code, 3);
                c(&mut code, 7);
                code.push(op::I32_SHL);
                set(&mut code, 3);
                code.push(op::ELSE);
                get(&mut code, 3);
                c(&mut code, 3);
                code.push(op::I32_SHR_U);
                set(&mut code, 3);
                code.push(op::END);
            }
            _ => {
                // A call of the previous function, never taken by `run(1, 2)`.
                get(&mut code, 1);
                c(&mut code, i64::from((0x7fff_0000 + salt) as i32));
                code.push(op::I32_EQ);
                code.extend([op::IF, 0x40]);
                if func > 0 {
                    get(&mut code, 2);
                    get(&mut code, 3);
                    code.push(op::CALL);
                    leb_u(&mut code, u64::from(func - 1));
                    set(&mut code, 3);
                }
                code.push(op::END);
            }
        }
    }
    get(&mut code, 2);
    get(&mut code, 3);
    code.push(op::I32_ADD);
    get(&mut code, 4);
    simd(&mut code, op::I32X4_EXTRACT_LANE);
    code.push(0);
    code.push(op::I32_ADD);
    code.push(op::END);
    leb_u(out, code.len() as u64);
    out.extend_from_slice(&code);
}

/// A module of about `bytes` bytes.
pub fn generate(bytes: usize) -> Vec<u8> {
    let funcs = (bytes / BODY_BYTES).max(1) as u32;
    let mut module = b"\0asm\x01\0\0\0".to_vec();
    section(&mut module, 1, &[1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]);
    let mut functions = Vec::new();
    leb_u(&mut functions, u64::from(funcs));
    functions.extend(std::iter::repeat_n(0u8, funcs as usize));
    section(&mut module, 3, &functions);
    section(&mut module, 5, &[1, 0, 1]);
    let mut exports = vec![1, 3];
    exports.extend_from_slice(b"run");
    exports.push(0);
    leb_u(&mut exports, u64::from(funcs - 1));
    section(&mut module, 7, &exports);
    let mut code = Vec::with_capacity(bytes + bytes / 8);
    leb_u(&mut code, u64::from(funcs));
    for f in 0..funcs {
        body(f, &mut code);
    }
    section(&mut module, 10, &code);
    module
}

/// `cargo xtask large-module [--mb N] [--tier T]... [--out PATH]`.
pub fn run(args: &[String]) -> Result<()> {
    let mut mb = 100usize;
    let mut tiers: Vec<String> = Vec::new();
    let root = workspace_root()?;
    let mut out = root.join("target").join("large-module.wasm");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--mb" => {
                mb = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .context("--mb needs a number of megabytes")?
            }
            "--tier" => tiers.push(it.next().context("--tier needs a tier")?.clone()),
            "--out" => out = it.next().context("--out needs a path")?.into(),
            other => bail!("unknown option `{other}` (see `cargo xtask help`)"),
        }
    }
    if tiers.is_empty() {
        tiers = crate::BUILT_TIERS.iter().map(|t| t.to_string()).collect();
    }
    let wasm = generate(mb * 1_000_000);
    write(&out, &wasm)?;
    println!(
        "generated {} ({:.1} MB)",
        out.display(),
        wasm.len() as f64 / 1e6
    );
    let mut steps = Steps::new()?;
    let path = out.to_string_lossy();
    for tier in &tiers {
        let mut args = vec!["run", "--release", "-q", "-p", "strata-cli"];
        args.extend_from_slice(crate::tier_features(tier));
        args.extend_from_slice(&[
            "--", "run", "--stats", "--tier", tier, "--invoke", "run", &path, "1", "2",
        ]);
        steps.cargo(&format!("large module ({tier})"), &args)?;
    }
    steps.finish();
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_module_has_the_asked_size_and_shape() {
        let wasm = generate(2_000_000);
        assert!(wasm.starts_with(b"\0asm\x01\0\0\0"));
        let len = wasm.len() as f64;
        assert!((1.6e6..2.4e6).contains(&len), "{len} bytes");
    }

    #[test]
    fn leb128_encodings_match_the_spec_examples() {
        let mut v = Vec::new();
        leb_u(&mut v, 624_485);
        assert_eq!(v, [0xe5, 0x8e, 0x26]);
        v.clear();
        leb_s(&mut v, -123_456);
        assert_eq!(v, [0xc0, 0xbb, 0x78]);
    }
}
