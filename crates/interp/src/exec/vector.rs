//! Execution of the vector instructions ([`crate::vector`]): one match arm
//! per instruction, the pure SIMD rows generated from
//! `strata_ir::for_each_simd_op!` and computed by `strata_ir::simd`.
//!
//! Slot pairs are read and written unchecked: the verifier proved that every
//! vector operand's pair lies inside the frame (see `exec::regs`). Memory
//! accesses go through the same bounds-checked `load::<A, N>`/`store` as the
//! scalar ones (`exec::memory`), generic over the address width.

use strata_ir::{simd, Address, MemIdx, TrapCode};
use strata_runtime::{InstanceAddr, MemAddr, Store};

use super::memory::{mem, mem_mut, MemView};
use super::regs::{get, get128, set, set128, Regs};
use crate::code::CompiledFunc;
use crate::vector::{VInstr, Width};

/// Where a frame's memory accesses go: the store, the instance and its
/// cached memory 0.
pub(super) struct Memories<'a> {
    pub(super) store: &'a mut Store,
    pub(super) instance: InstanceAddr,
    pub(super) mem0: Option<MemAddr>,
    pub(super) view0: Option<MemView>,
}

/// Read `$n` bytes (a literal) at `$addr + $offset` of `$m` as a
/// zero-extended `u128`.
macro_rules! read_bytes {
    ($m:expr, $addr:expr, $offset:expr, $n:expr) => {{
        let (m, addr, offset) = ($m, $addr, $offset);
        Ok(match $n {
            16 => u128::from_le_bytes(m.load::<A, 16>(addr, offset)?),
            8 => u128::from(u64::from_le_bytes(m.load::<A, 8>(addr, offset)?)),
            4 => u128::from(u32::from_le_bytes(m.load::<A, 4>(addr, offset)?)),
            2 => u128::from(u16::from_le_bytes(m.load::<A, 2>(addr, offset)?)),
            _ => u128::from(m.load::<A, 1>(addr, offset)?[0]),
        })
    }};
}

/// Write the low `$n` bytes of `$value` at `$addr + $offset` of `$m`.
macro_rules! write_bytes {
    ($m:expr, $addr:expr, $offset:expr, $n:expr, $value:expr) => {{
        let (m, addr, offset, value) = ($m, $addr, $offset, $value);
        match $n {
            16 => m.store::<A, 16>(addr, offset, value.to_le_bytes()),
            8 => m.store::<A, 8>(addr, offset, (value as u64).to_le_bytes()),
            4 => m.store::<A, 4>(addr, offset, (value as u32).to_le_bytes()),
            2 => m.store::<A, 2>(addr, offset, (value as u16).to_le_bytes()),
            _ => m.store::<A, 1>(addr, offset, [value as u8]),
        }
    }};
}

impl Memories<'_> {
    /// Read `n` (1, 2, 4, 8 or 16) bytes, zero-extended.
    #[inline(always)]
    fn read<A: Address>(
        &self,
        mem_idx: MemIdx,
        addr: A,
        offset: u64,
        n: u32,
    ) -> Result<u128, TrapCode> {
        match self.view0 {
            Some(view) if mem_idx.0 == 0 => read_bytes!(&view, addr, offset, n),
            _ => read_bytes!(
                mem(self.store, self.instance, self.mem0, mem_idx),
                addr,
                offset,
                n
            ),
        }
    }

    /// Write the low `n` (1, 2, 4, 8 or 16) bytes of `value`.
    #[inline(always)]
    fn write<A: Address>(
        &mut self,
        mem_idx: MemIdx,
        addr: A,
        offset: u64,
        n: u32,
        value: u128,
    ) -> Result<(), TrapCode> {
        match self.view0 {
            Some(view) if mem_idx.0 == 0 => write_bytes!(&view, addr, offset, n, value),
            _ => write_bytes!(
                mem_mut(self.store, self.instance, self.mem0, mem_idx),
                addr,
                offset,
                n,
                value
            ),
        }
    }
}

/// Run `$body` with `$addr` bound to the address operand `$raw` at the
/// access's width (so the generic accessors monomorphize per width).
macro_rules! at_address {
    ($width:expr, $raw:expr, $addr:ident => $body:expr) => {
        match $width {
            Width::M32 => {
                let $addr = u32::from_raw($raw);
                $body
            }
            Width::M64 => {
                let $addr: u64 = $raw;
                $body
            }
        }
    };
}

/// One operand of a pure SIMD row, by its type.
macro_rules! operand {
    (V128, $regs:ident, $slot:expr) => {
        get128!($regs, $slot)
    };
    ($scalar:ident, $regs:ident, $slot:expr) => {
        get!($regs, $slot)
    };
}

/// Write a pure SIMD row's result, by its type.
macro_rules! result {
    (V128, $regs:ident, $slot:expr, $value:expr) => {
        set128!($regs, $slot, $value)
    };
    ($scalar:ident, $regs:ident, $slot:expr, $value:expr) => {
        set!($regs, $slot, $value)
    };
}

/// Call `$f` with the row's operands: its parameter types matched with the
/// slots `a b c` in order.
macro_rules! call_row {
    ($f:path, $regs:ident, [], [$($slot:ident)*], [$($arg:expr,)*]) => {
        $f($($arg),*)
    };
    ($f:path, $regs:ident, [$p:ident $($ps:ident)*], [$slot:ident $($slots:ident)*], [$($arg:expr,)*]) => {
        call_row!($f, $regs, [$($ps)*], [$($slots)*], [$($arg,)* operand!($p, $regs, $slot),])
    };
}

macro_rules! define_execute {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident;)*) => {
/// Execute the vector instruction `v` of `func` on the frame `regs`.
///
/// Never inlined: its 230 arms would grow the stack frame of the scalar
/// instruction loop, which every entry into the interpreter pays for on the
/// native stack, and crowd its code.
#[inline(never)]
pub(super) fn execute(
    m: &mut Memories<'_>,
    func: &CompiledFunc,
    v: &VInstr,
    regs: &mut Regs<'_>,
) -> Result<(), TrapCode> {
    let vconst = |idx: u32| func.vconsts.get(idx as usize).copied().unwrap_or(0);
    match *v {
        VInstr::Copy128 { dst, src } => set128!(regs, dst, get128!(regs, src)),
        VInstr::Select128 { dst, cond, a, b } => {
            let pick = if get!(regs, cond) as u32 != 0 { a } else { b };
            set128!(regs, dst, get128!(regs, pick));
        }
        VInstr::Const { dst, idx } => set128!(regs, dst, vconst(idx)),
        VInstr::Shuffle { dst, a, b, lanes } => {
            let lanes = vconst(lanes).to_le_bytes();
            set128!(regs, dst, simd::i8x16_shuffle(get128!(regs, a), get128!(regs, b), lanes));
        }
        VInstr::Extract { dst, src, op, lane } => {
            set!(regs, dst, simd::extract_lane(get128!(regs, src), op, lane));
        }
        VInstr::Replace { dst, v, x, shape, lane } => {
            let r = simd::replace_lane(get128!(regs, v), shape, lane, get!(regs, x));
            set128!(regs, dst, r);
        }
        VInstr::GlobalGet { dst, global } => {
            let addr = m.store.instance(m.instance).globals[global.index()];
            set128!(regs, dst, m.store.global(addr).value);
        }
        VInstr::GlobalSet { src, global } => {
            let addr = m.store.instance(m.instance).globals[global.index()];
            m.store.global_mut(addr).value = get128!(regs, src);
        }
        VInstr::Load { kind, width, dst, ptr, mem, offset } => {
            let raw = at_address!(width, get!(regs, ptr), addr => {
                m.read(mem, addr, offset, kind.width())
            })?;
            set128!(regs, dst, simd::load(kind, raw));
        }
        VInstr::Store { width, ptr, value, mem, offset } => {
            let value = get128!(regs, value);
            at_address!(width, get!(regs, ptr), addr => m.write(mem, addr, offset, 16, value))?;
        }
        VInstr::LoadLane { lanes, lane, width, dst, ptr, v, mem, offset } => {
            let x = at_address!(width, get!(regs, ptr), addr => {
                m.read(mem, addr, offset, lanes.bytes())
            })?;
            set128!(regs, dst, simd::insert(get128!(regs, v), lanes, lane, x as u64));
        }
        VInstr::StoreLane { lanes, lane, width, ptr, v, mem, offset } => {
            let x = u128::from(simd::lane_bits(get128!(regs, v), lanes, lane));
            at_address!(width, get!(regs, ptr), addr => {
                m.write(mem, addr, offset, lanes.bytes(), x)
            })?;
        }
        $(VInstr::$name { dst, a, b, c } => {
            let _ = (a, b, c);
            let r = call_row!(simd::$snake, regs, [$($param)*], [a b c], []);
            result!($result, regs, dst, r);
        })*
    }
    Ok(())
}
    };
}
strata_ir::for_each_simd_op!(define_execute);
