//! SIMD on x86-64: SSE4.1 is the baseline (checked when a module that uses
//! SIMD is compiled, see `crate::Jit`). A `v128` position is the slot pair
//! `[rbx + 8 * s, +16)`; operators load their operands into `xmm0`-`xmm3`
//! with unaligned moves (slots are 8-byte aligned), compute, and store the
//! result. Lanes are read and written in the slots directly (a lane of
//! width `w` at index `i` is the bytes `[8 * s + w * i, +w)` of the frame), so lane
//! access needs no vector instructions at all.
//!
//! [`emit_simd`] lowers the operators whose SSE form has exactly the
//! wasm semantics (integer arithmetic, saturation, min/max and compares,
//! bit operations, float arithmetic and compares, pseudo-min/max,
//! rounding, shifts with the count masked, splats, extends, narrows,
//! swizzle, popcount by nibble tables, extending multiplies and pairwise
//! adds, f32/f64 promotion and demotion); the rest (float min/max with
//! their NaN and zero rules, saturating truncations, unsigned int-to-float,
//! `i64x2` multiply, compares, `abs` and arithmetic shift, `i8x16` shifts,
//! Q15, the relaxed dot products and fused multiply-adds) run in the SIMD
//! helper, which computes them with `strata_ir::simd`, the interpreter's
//! own functions.
//!
//! Memory accesses take their bounds check (and Spectre mask) from
//! `x64::bounds`, exactly as the scalar ones.

use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use strata_ir::{ExtractLane, LaneWidth, Shape, SimdOp, V128LoadKind};

use super::bounds::emit_checked_address;
use super::{slot, X64Masm};
use crate::masm::MemAccess;

/// Byte displacement of lane `lane` (of `w`) in the vector at slot `s`.
fn lane_at(s: u32, w: LaneWidth, lane: u8) -> i32 {
    slot(s).wrapping_add(i32::from(lane) * w.bytes() as i32)
}

pub(super) fn emit_v128_const(m: &mut X64Masm, dst: u32, v: u128) {
    let (lo, hi) = (v as u64 as i64, (v >> 64) as u64 as i64);
    dynasm!(m.ops
        ; .arch x64
        ; mov rax, QWORD lo
        ; mov [rbx + slot(dst)], rax
        ; mov rax, QWORD hi
        ; mov [rbx + slot(dst + 1)], rax
    );
}

pub(super) fn emit_shuffle(m: &mut X64Masm, dst: u32, a: u32, b: u32, lanes: [u8; 16]) {
    // `pshufb` picks from one register and zeroes a lane whose index has
    // bit 7 set: one mask per source, the other's lanes zeroed.
    let (mut from_a, mut from_b) = ([0x80u8; 16], [0x80u8; 16]);
    for (i, l) in lanes.iter().enumerate() {
        if *l < 16 {
            from_a[i] = *l;
        } else {
            from_b[i] = l & 15;
        }
    }
    let (la, lb) = (m.const_label(from_a), m.const_label(from_b));
    dynasm!(m.ops
        ; .arch x64
        ; movdqu xmm0, [rbx + slot(a)]
        ; movdqu xmm1, [rbx + slot(b)]
        ; pshufb xmm0, [=>la]
        ; pshufb xmm1, [=>lb]
        ; por xmm0, xmm1
        ; movdqu [rbx + slot(dst)], xmm0
    );
}

pub(super) fn emit_extract_lane(m: &mut X64Masm, e: ExtractLane, lane: u8, dst: u32, v: u32) {
    let at = lane_at(v, e.shape.width(), lane);
    match (e.shape, e.signed) {
        (Shape::I8x16, true) => dynasm!(m.ops ; .arch x64 ; movsx eax, BYTE [rbx + at]),
        (Shape::I8x16, false) => dynasm!(m.ops ; .arch x64 ; movzx eax, BYTE [rbx + at]),
        (Shape::I16x8, true) => dynasm!(m.ops ; .arch x64 ; movsx eax, WORD [rbx + at]),
        (Shape::I16x8, false) => dynasm!(m.ops ; .arch x64 ; movzx eax, WORD [rbx + at]),
        (Shape::I32x4 | Shape::F32x4, _) => dynasm!(m.ops ; .arch x64 ; mov eax, [rbx + at]),
        (Shape::I64x2 | Shape::F64x2, _) => dynasm!(m.ops ; .arch x64 ; mov rax, [rbx + at]),
    }
    dynasm!(m.ops ; .arch x64 ; mov [rbx + slot(dst)], rax);
}

/// Copy the vector at `v` to `dst` (nothing when they are the same).
fn copy_vector(m: &mut X64Masm, dst: u32, v: u32) {
    if dst != v {
        dynasm!(m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot(v)]
            ; movdqu [rbx + slot(dst)], xmm0
        );
    }
}

/// Write the low `w` bytes of `rcx` to lane `lane` of the vector at `dst`.
fn write_lane_from_rcx(m: &mut X64Masm, w: LaneWidth, lane: u8, dst: u32) {
    let at = lane_at(dst, w, lane);
    match w {
        LaneWidth::B8 => dynasm!(m.ops ; .arch x64 ; mov [rbx + at], cl),
        LaneWidth::B16 => dynasm!(m.ops ; .arch x64 ; mov [rbx + at], cx),
        LaneWidth::B32 => dynasm!(m.ops ; .arch x64 ; mov [rbx + at], ecx),
        LaneWidth::B64 => dynasm!(m.ops ; .arch x64 ; mov [rbx + at], rcx),
    }
}

pub(super) fn emit_replace_lane(m: &mut X64Masm, w: LaneWidth, lane: u8, dst: u32, v: u32, x: u32) {
    dynasm!(m.ops ; .arch x64 ; mov rcx, [rbx + slot(x)]);
    copy_vector(m, dst, v);
    write_lane_from_rcx(m, w, lane, dst);
}

pub(super) fn emit_v128_load(m: &mut X64Masm, kind: V128LoadKind, at: MemAccess, dst: u32) {
    let Some((b, d)) = emit_checked_address(m, at) else {
        return;
    };
    match kind {
        V128LoadKind::V128 => dynasm!(m.ops ; .arch x64 ; movdqu xmm0, [Rq(b) + rax + d]),
        V128LoadKind::I16x8S8 => dynasm!(m.ops ; .arch x64 ; pmovsxbw xmm0, [Rq(b) + rax + d]),
        V128LoadKind::I16x8U8 => dynasm!(m.ops ; .arch x64 ; pmovzxbw xmm0, [Rq(b) + rax + d]),
        V128LoadKind::I32x4S16 => dynasm!(m.ops ; .arch x64 ; pmovsxwd xmm0, [Rq(b) + rax + d]),
        V128LoadKind::I32x4U16 => dynasm!(m.ops ; .arch x64 ; pmovzxwd xmm0, [Rq(b) + rax + d]),
        V128LoadKind::I64x2S32 => dynasm!(m.ops ; .arch x64 ; pmovsxdq xmm0, [Rq(b) + rax + d]),
        V128LoadKind::I64x2U32 => dynasm!(m.ops ; .arch x64 ; pmovzxdq xmm0, [Rq(b) + rax + d]),
        V128LoadKind::Splat8 => dynasm!(m.ops
            ; .arch x64
            ; movzx ecx, BYTE [Rq(b) + rax + d]
            ; movd xmm0, ecx
            ; pxor xmm1, xmm1
            ; pshufb xmm0, xmm1
        ),
        V128LoadKind::Splat16 => dynasm!(m.ops
            ; .arch x64
            ; movzx ecx, WORD [Rq(b) + rax + d]
            ; movd xmm0, ecx
            ; pshuflw xmm0, xmm0, 0
            ; punpcklqdq xmm0, xmm0
        ),
        V128LoadKind::Splat32 => dynasm!(m.ops
            ; .arch x64
            ; movd xmm0, [Rq(b) + rax + d]
            ; pshufd xmm0, xmm0, 0
        ),
        V128LoadKind::Splat64 => dynasm!(m.ops
            ; .arch x64
            ; movq xmm0, [Rq(b) + rax + d]
            ; punpcklqdq xmm0, xmm0
        ),
        V128LoadKind::Zero32 => dynasm!(m.ops ; .arch x64 ; movd xmm0, [Rq(b) + rax + d]),
        V128LoadKind::Zero64 => dynasm!(m.ops ; .arch x64 ; movq xmm0, [Rq(b) + rax + d]),
    }
    dynasm!(m.ops ; .arch x64 ; movdqu [rbx + slot(dst)], xmm0);
}

pub(super) fn emit_v128_store(m: &mut X64Masm, at: MemAccess, value: u32) {
    // The check uses general registers only; the value waits in `xmm0`.
    dynasm!(m.ops ; .arch x64 ; movdqu xmm0, [rbx + slot(value)]);
    let Some((b, d)) = emit_checked_address(m, at) else {
        return;
    };
    dynasm!(m.ops ; .arch x64 ; movdqu [Rq(b) + rax + d], xmm0);
}

pub(super) fn emit_v128_load_lane(
    m: &mut X64Masm,
    w: LaneWidth,
    lane: u8,
    at: MemAccess,
    dst: u32,
    v: u32,
) {
    let Some((b, d)) = emit_checked_address(m, at) else {
        return;
    };
    match w {
        LaneWidth::B8 => dynasm!(m.ops ; .arch x64 ; movzx ecx, BYTE [Rq(b) + rax + d]),
        LaneWidth::B16 => dynasm!(m.ops ; .arch x64 ; movzx ecx, WORD [Rq(b) + rax + d]),
        LaneWidth::B32 => dynasm!(m.ops ; .arch x64 ; mov ecx, [Rq(b) + rax + d]),
        LaneWidth::B64 => dynasm!(m.ops ; .arch x64 ; mov rcx, [Rq(b) + rax + d]),
    }
    copy_vector(m, dst, v);
    write_lane_from_rcx(m, w, lane, dst);
}

pub(super) fn emit_v128_store_lane(m: &mut X64Masm, w: LaneWidth, lane: u8, at: MemAccess, v: u32) {
    let Some((b, d)) = emit_checked_address(m, at) else {
        return;
    };
    let src = lane_at(v, w, lane);
    match w {
        LaneWidth::B8 => dynasm!(m.ops
            ; .arch x64
            ; movzx edi, BYTE [rbx + src]
            ; mov [Rq(b) + rax + d], dil
        ),
        LaneWidth::B16 => dynasm!(m.ops
            ; .arch x64
            ; movzx edi, WORD [rbx + src]
            ; mov [Rq(b) + rax + d], di
        ),
        LaneWidth::B32 => dynasm!(m.ops
            ; .arch x64
            ; mov edi, [rbx + src]
            ; mov [Rq(b) + rax + d], edi
        ),
        LaneWidth::B64 => dynasm!(m.ops
            ; .arch x64
            ; mov rdi, [rbx + src]
            ; mov [Rq(b) + rax + d], rdi
        ),
    }
}

/// `xmm0 = a; xmm1 = b; INS xmm0, xmm1; dst = xmm0`.
macro_rules! binary {
    ($m:ident, $dst:expr, $a:expr, $b:expr, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; movdqu xmm1, [rbx + slot($b)]
            ; $ins xmm0, xmm1
            ; movdqu [rbx + slot($dst)], xmm0
        )
    };
}

/// As [`binary!`], then every bit inverted.
macro_rules! binary_not {
    ($m:ident, $dst:expr, $a:expr, $b:expr, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; movdqu xmm1, [rbx + slot($b)]
            ; $ins xmm0, xmm1
            ; pcmpeqd xmm1, xmm1
            ; pxor xmm0, xmm1
            ; movdqu [rbx + slot($dst)], xmm0
        )
    };
}

/// Unsigned `a >= b` (`max`) or `a <= b` (`min`) per lane: `MINMAX(a, b)
/// == a`, inverted for the strict opposite when `$not`.
macro_rules! unsigned_compare {
    ($m:ident, $dst:expr, $a:expr, $b:expr, $minmax:ident, $eq:ident, $not:expr) => {{
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; movdqu xmm1, [rbx + slot($b)]
            ; $minmax xmm1, xmm0
            ; $eq xmm0, xmm1
        );
        if $not {
            dynasm!($m.ops ; .arch x64 ; pcmpeqd xmm1, xmm1 ; pxor xmm0, xmm1);
        }
        dynasm!($m.ops ; .arch x64 ; movdqu [rbx + slot($dst)], xmm0);
    }};
}

/// A float compare: `cmpps`/`cmppd` with predicate `$p` on `a, b`.
macro_rules! float_compare {
    ($m:ident, $dst:expr, $a:expr, $b:expr, $ins:ident, $p:expr) => {
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; movdqu xmm1, [rbx + slot($b)]
            ; $ins xmm0, xmm1, $p
            ; movdqu [rbx + slot($dst)], xmm0
        )
    };
}

/// `xmm0 = a; INS xmm0, xmm0; dst = xmm0`.
macro_rules! unary {
    ($m:ident, $dst:expr, $a:expr, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; $ins xmm0, xmm0
            ; movdqu [rbx + slot($dst)], xmm0
        )
    };
}

/// `0 - a` per lane.
macro_rules! negate {
    ($m:ident, $dst:expr, $a:expr, $sub:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; pxor xmm0, xmm0
            ; movdqu xmm1, [rbx + slot($a)]
            ; $sub xmm0, xmm1
            ; movdqu [rbx + slot($dst)], xmm0
        )
    };
}

/// Shift every lane of `a` by the scalar `b` modulo the lane width.
macro_rules! shift {
    ($m:ident, $dst:expr, $a:expr, $b:expr, $ins:ident, $mask:expr) => {
        dynasm!($m.ops
            ; .arch x64
            ; mov ecx, [rbx + slot($b)]
            ; and ecx, $mask
            ; movd xmm1, ecx
            ; movdqu xmm0, [rbx + slot($a)]
            ; $ins xmm0, xmm1
            ; movdqu [rbx + slot($dst)], xmm0
        )
    };
}

/// Widen the low (or, with `$high`, the high) half of `a`.
macro_rules! extend {
    ($m:ident, $dst:expr, $a:expr, $ins:ident, $high:expr) => {{
        dynasm!($m.ops ; .arch x64 ; movdqu xmm0, [rbx + slot($a)]);
        if $high {
            dynasm!($m.ops ; .arch x64 ; psrldq xmm0, 8);
        }
        dynasm!($m.ops
            ; .arch x64
            ; $ins xmm0, xmm0
            ; movdqu [rbx + slot($dst)], xmm0
        );
    }};
}

/// `all_true`: no lane equal to zero.
macro_rules! all_true {
    ($m:ident, $dst:expr, $a:expr, $eq:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; pxor xmm1, xmm1
            ; $eq xmm1, xmm0
            ; xor eax, eax
            ; ptest xmm1, xmm1
            ; setz al
            ; mov [rbx + slot($dst)], rax
        )
    };
}

/// A sign-bit mask (`$ins` moves the sign bits into `eax`).
macro_rules! bitmask {
    ($m:ident, $dst:expr, $a:expr, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; $ins eax, xmm0
            ; mov [rbx + slot($dst)], rax
        )
    };
}

/// Float `abs` (`$and`: clear the sign) or `neg` (flip it): a mask of all
/// ones shifted by `$shift` (`$sh` per lane width).
macro_rules! sign_op {
    ($m:ident, $dst:expr, $a:expr, $sh:ident, $shift:expr, $op:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; pcmpeqd xmm1, xmm1
            ; $sh xmm1, $shift
            ; $op xmm0, xmm1
            ; movdqu [rbx + slot($dst)], xmm0
        )
    };
}

/// Float rounding with `roundps`/`roundpd` mode `$mode`.
macro_rules! round {
    ($m:ident, $dst:expr, $a:expr, $ins:ident, $mode:expr) => {
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; $ins xmm0, xmm0, $mode
            ; movdqu [rbx + slot($dst)], xmm0
        )
    };
}

/// Extending multiply of 8-bit lanes: both halves widened with `$ext`
/// (after moving the high half down when `$high`), then `pmullw`.
macro_rules! extmul_i8 {
    ($m:ident, $dst:expr, $a:expr, $b:expr, $ext:ident, $high:expr) => {{
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; movdqu xmm1, [rbx + slot($b)]
        );
        if $high {
            dynasm!($m.ops ; .arch x64 ; psrldq xmm0, 8 ; psrldq xmm1, 8);
        }
        dynasm!($m.ops
            ; .arch x64
            ; $ext xmm0, xmm0
            ; $ext xmm1, xmm1
            ; pmullw xmm0, xmm1
            ; movdqu [rbx + slot($dst)], xmm0
        );
    }};
}

/// Extending multiply of 16-bit lanes: the low and high halves of the
/// 32-bit products (`pmullw`, `$mulhi`), interleaved by `$unpack`.
macro_rules! extmul_i16 {
    ($m:ident, $dst:expr, $a:expr, $b:expr, $mulhi:ident, $unpack:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; movdqu xmm1, [rbx + slot($b)]
            ; movdqa xmm2, xmm0
            ; pmullw xmm0, xmm1
            ; $mulhi xmm2, xmm1
            ; $unpack xmm0, xmm2
            ; movdqu [rbx + slot($dst)], xmm0
        )
    };
}

/// Extending multiply of 32-bit lanes: `$mul` (`pmuldq`/`pmuludq`) takes
/// lanes 0 and 2, so `pshufd` first puts the wanted pair (the low one, or
/// the high one when `$high`) there.
macro_rules! extmul_i32 {
    ($m:ident, $dst:expr, $a:expr, $b:expr, $mul:ident, $high:expr) => {{
        dynasm!($m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot($a)]
            ; movdqu xmm1, [rbx + slot($b)]
        );
        if $high {
            dynasm!($m.ops ; .arch x64 ; pshufd xmm0, xmm0, 0xfau8 as i8 ; pshufd xmm1, xmm1, 0xfau8 as i8);
        } else {
            dynasm!($m.ops ; .arch x64 ; pshufd xmm0, xmm0, 0x50 ; pshufd xmm1, xmm1, 0x50);
        }
        dynasm!($m.ops
            ; .arch x64
            ; $mul xmm0, xmm1
            ; movdqu [rbx + slot($dst)], xmm0
        );
    }};
}

/// A pairwise add through a multiply-add by ones: `$madd` with the
/// constant `ones` as its destination (`$ones_first`) or its source.
macro_rules! pairwise {
    ($m:ident, $dst:expr, $a:expr, $ones:expr, $madd:ident, $ones_first:expr) => {{
        let ones = $m.const_label($ones);
        if $ones_first {
            dynasm!($m.ops
                ; .arch x64
                ; movdqu xmm1, [rbx + slot($a)]
                ; movdqa xmm0, [=>ones]
                ; $madd xmm0, xmm1
            );
        } else {
            dynasm!($m.ops
                ; .arch x64
                ; movdqu xmm0, [rbx + slot($a)]
                ; $madd xmm0, [=>ones]
            );
        }
        dynasm!($m.ops ; .arch x64 ; movdqu [rbx + slot($dst)], xmm0);
    }};
}

/// `ones` of 8-bit and of 16-bit lanes, as constant-pool bytes.
const ONES_I8: [u8; 16] = [1; 16];
const ONES_I16: [u8; 16] = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0];

/// `i8x16.popcnt`: a 16-entry table lookup (`pshufb`) per nibble.
fn emit_popcnt(m: &mut X64Masm, dst: u32, a: u32) {
    let table = m.const_label([0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4]);
    let nibble = m.const_label([0x0f; 16]);
    dynasm!(m.ops
        ; .arch x64
        ; movdqu xmm0, [rbx + slot(a)]
        ; movdqa xmm1, xmm0
        ; psrlw xmm1, 4
        ; pand xmm0, [=>nibble]
        ; pand xmm1, [=>nibble]
        ; movdqa xmm2, [=>table]
        ; movdqa xmm3, [=>table]
        ; pshufb xmm2, xmm0
        ; pshufb xmm3, xmm1
        ; paddb xmm2, xmm3
        ; movdqu [rbx + slot(dst)], xmm2
    );
}

/// `i32x4.extadd_pairwise_i16x8_u`: `pmaddwd` is signed, so the lanes are
/// biased by -32768 (a flipped sign bit), added pairwise, and the pair's
/// bias of -65536 added back.
fn emit_extadd_pairwise_u16(m: &mut X64Masm, dst: u32, a: u32) {
    let sign = m.const_label([
        0, 0x80, 0, 0x80, 0, 0x80, 0, 0x80, 0, 0x80, 0, 0x80, 0, 0x80, 0, 0x80,
    ]);
    let ones = m.const_label(ONES_I16);
    let bias = m.const_label([0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0]);
    dynasm!(m.ops
        ; .arch x64
        ; movdqu xmm0, [rbx + slot(a)]
        ; pxor xmm0, [=>sign]
        ; pmaddwd xmm0, [=>ones]
        ; paddd xmm0, [=>bias]
        ; movdqu [rbx + slot(dst)], xmm0
    );
}

/// Emit pure SIMD operator `op` inline if it has an exact SSE4.1 form.
pub(super) fn emit_simd(m: &mut X64Masm, op: SimdOp, dst: u32, a: u32, b: u32, c: u32) -> bool {
    use SimdOp::*;
    match op {
        // Bit operations.
        V128And => binary!(m, dst, a, b, pand),
        V128Or => binary!(m, dst, a, b, por),
        V128Xor => binary!(m, dst, a, b, pxor),
        // `pandn` inverts its destination: `!b & a`.
        V128AndNot => binary!(m, dst, b, a, pandn),
        V128Not => dynasm!(m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot(a)]
            ; pcmpeqd xmm1, xmm1
            ; pxor xmm0, xmm1
            ; movdqu [rbx + slot(dst)], xmm0
        ),
        V128Bitselect
        | I8x16RelaxedLaneselect
        | I16x8RelaxedLaneselect
        | I32x4RelaxedLaneselect
        | I64x2RelaxedLaneselect => dynasm!(m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot(a)]
            ; movdqu xmm1, [rbx + slot(b)]
            ; movdqu xmm2, [rbx + slot(c)]
            ; pand xmm0, xmm2
            ; pandn xmm2, xmm1
            ; por xmm0, xmm2
            ; movdqu [rbx + slot(dst)], xmm0
        ),
        V128AnyTrue => dynasm!(m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot(a)]
            ; xor eax, eax
            ; ptest xmm0, xmm0
            ; setnz al
            ; mov [rbx + slot(dst)], rax
        ),
        I8x16Swizzle | I8x16RelaxedSwizzle => {
            // Indices of 16 and more must give 0: a saturating add of 0x70
            // sets bit 7 on them (and keeps it on those already past 127).
            let bias = m.const_label([0x70; 16]);
            dynasm!(m.ops
                ; .arch x64
                ; movdqu xmm1, [rbx + slot(b)]
                ; paddusb xmm1, [=>bias]
                ; movdqu xmm0, [rbx + slot(a)]
                ; pshufb xmm0, xmm1
                ; movdqu [rbx + slot(dst)], xmm0
            );
        }

        // Splats.
        I8x16Splat => dynasm!(m.ops
            ; .arch x64
            ; movd xmm0, [rbx + slot(a)]
            ; pxor xmm1, xmm1
            ; pshufb xmm0, xmm1
            ; movdqu [rbx + slot(dst)], xmm0
        ),
        I16x8Splat => dynasm!(m.ops
            ; .arch x64
            ; movd xmm0, [rbx + slot(a)]
            ; pshuflw xmm0, xmm0, 0
            ; punpcklqdq xmm0, xmm0
            ; movdqu [rbx + slot(dst)], xmm0
        ),
        I32x4Splat | F32x4Splat => dynasm!(m.ops
            ; .arch x64
            ; movd xmm0, [rbx + slot(a)]
            ; pshufd xmm0, xmm0, 0
            ; movdqu [rbx + slot(dst)], xmm0
        ),
        I64x2Splat | F64x2Splat => dynasm!(m.ops
            ; .arch x64
            ; movq xmm0, [rbx + slot(a)]
            ; punpcklqdq xmm0, xmm0
            ; movdqu [rbx + slot(dst)], xmm0
        ),

        // Integer arithmetic.
        I8x16Add => binary!(m, dst, a, b, paddb),
        I8x16Sub => binary!(m, dst, a, b, psubb),
        I8x16AddSatS => binary!(m, dst, a, b, paddsb),
        I8x16AddSatU => binary!(m, dst, a, b, paddusb),
        I8x16SubSatS => binary!(m, dst, a, b, psubsb),
        I8x16SubSatU => binary!(m, dst, a, b, psubusb),
        I8x16MinS => binary!(m, dst, a, b, pminsb),
        I8x16MinU => binary!(m, dst, a, b, pminub),
        I8x16MaxS => binary!(m, dst, a, b, pmaxsb),
        I8x16MaxU => binary!(m, dst, a, b, pmaxub),
        I8x16AvgrU => binary!(m, dst, a, b, pavgb),
        I8x16Abs => unary!(m, dst, a, pabsb),
        I8x16Neg => negate!(m, dst, a, psubb),
        I16x8Add => binary!(m, dst, a, b, paddw),
        I16x8Sub => binary!(m, dst, a, b, psubw),
        I16x8Mul => binary!(m, dst, a, b, pmullw),
        I16x8AddSatS => binary!(m, dst, a, b, paddsw),
        I16x8AddSatU => binary!(m, dst, a, b, paddusw),
        I16x8SubSatS => binary!(m, dst, a, b, psubsw),
        I16x8SubSatU => binary!(m, dst, a, b, psubusw),
        I16x8MinS => binary!(m, dst, a, b, pminsw),
        I16x8MinU => binary!(m, dst, a, b, pminuw),
        I16x8MaxS => binary!(m, dst, a, b, pmaxsw),
        I16x8MaxU => binary!(m, dst, a, b, pmaxuw),
        I16x8AvgrU => binary!(m, dst, a, b, pavgw),
        I16x8Abs => unary!(m, dst, a, pabsw),
        I16x8Neg => negate!(m, dst, a, psubw),
        I32x4Add => binary!(m, dst, a, b, paddd),
        I32x4Sub => binary!(m, dst, a, b, psubd),
        I32x4Mul => binary!(m, dst, a, b, pmulld),
        I32x4MinS => binary!(m, dst, a, b, pminsd),
        I32x4MinU => binary!(m, dst, a, b, pminud),
        I32x4MaxS => binary!(m, dst, a, b, pmaxsd),
        I32x4MaxU => binary!(m, dst, a, b, pmaxud),
        I32x4Abs => unary!(m, dst, a, pabsd),
        I32x4Neg => negate!(m, dst, a, psubd),
        I32x4DotI16x8S => binary!(m, dst, a, b, pmaddwd),
        I64x2Add => binary!(m, dst, a, b, paddq),
        I64x2Sub => binary!(m, dst, a, b, psubq),
        I64x2Neg => negate!(m, dst, a, psubq),

        // Integer compares.
        I8x16Eq => binary!(m, dst, a, b, pcmpeqb),
        I8x16Ne => binary_not!(m, dst, a, b, pcmpeqb),
        I8x16GtS => binary!(m, dst, a, b, pcmpgtb),
        I8x16LtS => binary!(m, dst, b, a, pcmpgtb),
        I8x16LeS => binary_not!(m, dst, a, b, pcmpgtb),
        I8x16GeS => binary_not!(m, dst, b, a, pcmpgtb),
        I8x16GeU => unsigned_compare!(m, dst, a, b, pmaxub, pcmpeqb, false),
        I8x16LeU => unsigned_compare!(m, dst, a, b, pminub, pcmpeqb, false),
        I8x16LtU => unsigned_compare!(m, dst, a, b, pmaxub, pcmpeqb, true),
        I8x16GtU => unsigned_compare!(m, dst, a, b, pminub, pcmpeqb, true),
        I16x8Eq => binary!(m, dst, a, b, pcmpeqw),
        I16x8Ne => binary_not!(m, dst, a, b, pcmpeqw),
        I16x8GtS => binary!(m, dst, a, b, pcmpgtw),
        I16x8LtS => binary!(m, dst, b, a, pcmpgtw),
        I16x8LeS => binary_not!(m, dst, a, b, pcmpgtw),
        I16x8GeS => binary_not!(m, dst, b, a, pcmpgtw),
        I16x8GeU => unsigned_compare!(m, dst, a, b, pmaxuw, pcmpeqw, false),
        I16x8LeU => unsigned_compare!(m, dst, a, b, pminuw, pcmpeqw, false),
        I16x8LtU => unsigned_compare!(m, dst, a, b, pmaxuw, pcmpeqw, true),
        I16x8GtU => unsigned_compare!(m, dst, a, b, pminuw, pcmpeqw, true),
        I32x4Eq => binary!(m, dst, a, b, pcmpeqd),
        I32x4Ne => binary_not!(m, dst, a, b, pcmpeqd),
        I32x4GtS => binary!(m, dst, a, b, pcmpgtd),
        I32x4LtS => binary!(m, dst, b, a, pcmpgtd),
        I32x4LeS => binary_not!(m, dst, a, b, pcmpgtd),
        I32x4GeS => binary_not!(m, dst, b, a, pcmpgtd),
        I32x4GeU => unsigned_compare!(m, dst, a, b, pmaxud, pcmpeqd, false),
        I32x4LeU => unsigned_compare!(m, dst, a, b, pminud, pcmpeqd, false),
        I32x4LtU => unsigned_compare!(m, dst, a, b, pmaxud, pcmpeqd, true),
        I32x4GtU => unsigned_compare!(m, dst, a, b, pminud, pcmpeqd, true),
        I64x2Eq => binary!(m, dst, a, b, pcmpeqq),
        I64x2Ne => binary_not!(m, dst, a, b, pcmpeqq),

        // Lane tests and masks.
        I8x16AllTrue => all_true!(m, dst, a, pcmpeqb),
        I16x8AllTrue => all_true!(m, dst, a, pcmpeqw),
        I32x4AllTrue => all_true!(m, dst, a, pcmpeqd),
        I64x2AllTrue => all_true!(m, dst, a, pcmpeqq),
        I8x16Bitmask => bitmask!(m, dst, a, pmovmskb),
        I32x4Bitmask => bitmask!(m, dst, a, movmskps),
        I64x2Bitmask => bitmask!(m, dst, a, movmskpd),
        I16x8Bitmask => dynasm!(m.ops
            ; .arch x64
            ; movdqu xmm0, [rbx + slot(a)]
            ; packsswb xmm0, xmm0
            ; pmovmskb eax, xmm0
            ; movzx eax, al
            ; mov [rbx + slot(dst)], rax
        ),

        // Shifts (counts modulo the lane width; SSE zeroes on larger ones).
        I16x8Shl => shift!(m, dst, a, b, psllw, 15),
        I16x8ShrS => shift!(m, dst, a, b, psraw, 15),
        I16x8ShrU => shift!(m, dst, a, b, psrlw, 15),
        I32x4Shl => shift!(m, dst, a, b, pslld, 31),
        I32x4ShrS => shift!(m, dst, a, b, psrad, 31),
        I32x4ShrU => shift!(m, dst, a, b, psrld, 31),
        I64x2Shl => shift!(m, dst, a, b, psllq, 63),
        I64x2ShrU => shift!(m, dst, a, b, psrlq, 63),

        // Widening and narrowing.
        I16x8ExtendLowI8x16S => extend!(m, dst, a, pmovsxbw, false),
        I16x8ExtendHighI8x16S => extend!(m, dst, a, pmovsxbw, true),
        I16x8ExtendLowI8x16U => extend!(m, dst, a, pmovzxbw, false),
        I16x8ExtendHighI8x16U => extend!(m, dst, a, pmovzxbw, true),
        I32x4ExtendLowI16x8S => extend!(m, dst, a, pmovsxwd, false),
        I32x4ExtendHighI16x8S => extend!(m, dst, a, pmovsxwd, true),
        I32x4ExtendLowI16x8U => extend!(m, dst, a, pmovzxwd, false),
        I32x4ExtendHighI16x8U => extend!(m, dst, a, pmovzxwd, true),
        I64x2ExtendLowI32x4S => extend!(m, dst, a, pmovsxdq, false),
        I64x2ExtendHighI32x4S => extend!(m, dst, a, pmovsxdq, true),
        I64x2ExtendLowI32x4U => extend!(m, dst, a, pmovzxdq, false),
        I64x2ExtendHighI32x4U => extend!(m, dst, a, pmovzxdq, true),
        I8x16NarrowI16x8S => binary!(m, dst, a, b, packsswb),
        I8x16NarrowI16x8U => binary!(m, dst, a, b, packuswb),
        I16x8NarrowI32x4S => binary!(m, dst, a, b, packssdw),
        I16x8NarrowI32x4U => binary!(m, dst, a, b, packusdw),

        // Float arithmetic, compares and pseudo-min/max.
        F32x4Add => binary!(m, dst, a, b, addps),
        F32x4Sub => binary!(m, dst, a, b, subps),
        F32x4Mul => binary!(m, dst, a, b, mulps),
        F32x4Div => binary!(m, dst, a, b, divps),
        F32x4Sqrt => unary!(m, dst, a, sqrtps),
        F64x2Add => binary!(m, dst, a, b, addpd),
        F64x2Sub => binary!(m, dst, a, b, subpd),
        F64x2Mul => binary!(m, dst, a, b, mulpd),
        F64x2Div => binary!(m, dst, a, b, divpd),
        F64x2Sqrt => unary!(m, dst, a, sqrtpd),
        // `minps x, y` is `x < y ? x : y`: with `x = b` that is `pmin`;
        // `maxps b, a` is `b > a ? b : a`, `pmax`.
        F32x4PMin => binary!(m, dst, b, a, minps),
        F32x4PMax => binary!(m, dst, b, a, maxps),
        F64x2PMin => binary!(m, dst, b, a, minpd),
        F64x2PMax => binary!(m, dst, b, a, maxpd),
        F32x4Abs => sign_op!(m, dst, a, psrld, 1, pand),
        F32x4Neg => sign_op!(m, dst, a, pslld, 31, pxor),
        F64x2Abs => sign_op!(m, dst, a, psrlq, 1, pand),
        F64x2Neg => sign_op!(m, dst, a, psllq, 63, pxor),
        F32x4Eq => float_compare!(m, dst, a, b, cmpps, 0),
        F32x4Lt => float_compare!(m, dst, a, b, cmpps, 1),
        F32x4Le => float_compare!(m, dst, a, b, cmpps, 2),
        F32x4Ne => float_compare!(m, dst, a, b, cmpps, 4),
        F32x4Gt => float_compare!(m, dst, b, a, cmpps, 1),
        F32x4Ge => float_compare!(m, dst, b, a, cmpps, 2),
        F64x2Eq => float_compare!(m, dst, a, b, cmppd, 0),
        F64x2Lt => float_compare!(m, dst, a, b, cmppd, 1),
        F64x2Le => float_compare!(m, dst, a, b, cmppd, 2),
        F64x2Ne => float_compare!(m, dst, a, b, cmppd, 4),
        F64x2Gt => float_compare!(m, dst, b, a, cmppd, 1),
        F64x2Ge => float_compare!(m, dst, b, a, cmppd, 2),
        F32x4Nearest => round!(m, dst, a, roundps, 8),
        F32x4Floor => round!(m, dst, a, roundps, 9),
        F32x4Ceil => round!(m, dst, a, roundps, 10),
        F32x4Trunc => round!(m, dst, a, roundps, 11),
        F64x2Nearest => round!(m, dst, a, roundpd, 8),
        F64x2Floor => round!(m, dst, a, roundpd, 9),
        F64x2Ceil => round!(m, dst, a, roundpd, 10),
        F64x2Trunc => round!(m, dst, a, roundpd, 11),
        F32x4ConvertI32x4S => unary!(m, dst, a, cvtdq2ps),
        F64x2ConvertLowI32x4S => unary!(m, dst, a, cvtdq2pd),
        // Per lane as the scalar `cvtss2sd`/`cvtsd2ss` (a NaN is quieted,
        // its payload kept); `cvtpd2ps` zeroes the upper half.
        F64x2PromoteLowF32x4 => unary!(m, dst, a, cvtps2pd),
        F32x4DemoteF64x2Zero => unary!(m, dst, a, cvtpd2ps),

        // Popcount, extending multiplies, pairwise adds.
        I8x16Popcnt => emit_popcnt(m, dst, a),
        I16x8ExtMulLowI8x16S => extmul_i8!(m, dst, a, b, pmovsxbw, false),
        I16x8ExtMulHighI8x16S => extmul_i8!(m, dst, a, b, pmovsxbw, true),
        I16x8ExtMulLowI8x16U => extmul_i8!(m, dst, a, b, pmovzxbw, false),
        I16x8ExtMulHighI8x16U => extmul_i8!(m, dst, a, b, pmovzxbw, true),
        I32x4ExtMulLowI16x8S => extmul_i16!(m, dst, a, b, pmulhw, punpcklwd),
        I32x4ExtMulHighI16x8S => extmul_i16!(m, dst, a, b, pmulhw, punpckhwd),
        I32x4ExtMulLowI16x8U => extmul_i16!(m, dst, a, b, pmulhuw, punpcklwd),
        I32x4ExtMulHighI16x8U => extmul_i16!(m, dst, a, b, pmulhuw, punpckhwd),
        I64x2ExtMulLowI32x4S => extmul_i32!(m, dst, a, b, pmuldq, false),
        I64x2ExtMulHighI32x4S => extmul_i32!(m, dst, a, b, pmuldq, true),
        I64x2ExtMulLowI32x4U => extmul_i32!(m, dst, a, b, pmuludq, false),
        I64x2ExtMulHighI32x4U => extmul_i32!(m, dst, a, b, pmuludq, true),
        // `pmaddubsw` multiplies unsigned destination bytes by signed
        // source bytes: ones first for signed lanes, second for unsigned.
        I16x8ExtAddPairwiseI8x16S => pairwise!(m, dst, a, ONES_I8, pmaddubsw, true),
        I16x8ExtAddPairwiseI8x16U => pairwise!(m, dst, a, ONES_I8, pmaddubsw, false),
        I32x4ExtAddPairwiseI16x8S => pairwise!(m, dst, a, ONES_I16, pmaddwd, false),
        I32x4ExtAddPairwiseI16x8U => emit_extadd_pairwise_u16(m, dst, a),
        _ => return false,
    }
    true
}
