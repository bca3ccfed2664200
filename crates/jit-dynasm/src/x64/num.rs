//! Inline x86-64 code for the numeric operators that map to a few
//! instructions. Everything else (clz/ctz/popcnt, float rounding, min/max,
//! float-to-int truncations, u64-to-float) is left to the numeric helper,
//! which runs the interpreter's exact semantics.
//!
//! i32 results are written zero-extended (32-bit writes clear the upper
//! half of the register), which the helpers rely on.

use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use strata_ir::{NumOp, TrapCode};

use super::{slot, X64Masm};

macro_rules! bin32 {
    ($m:ident, $dst:ident, $a:ident, $b:ident, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; mov eax, [rbx + slot($a)]
            ; $ins eax, [rbx + slot($b)]
            ; mov [rbx + slot($dst)], rax
        )
    };
}
macro_rules! bin64 {
    ($m:ident, $dst:ident, $a:ident, $b:ident, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; mov rax, [rbx + slot($a)]
            ; $ins rax, [rbx + slot($b)]
            ; mov [rbx + slot($dst)], rax
        )
    };
}
macro_rules! shift32 {
    ($m:ident, $dst:ident, $a:ident, $b:ident, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; mov ecx, [rbx + slot($b)]
            ; mov eax, [rbx + slot($a)]
            ; $ins eax, cl
            ; mov [rbx + slot($dst)], rax
        )
    };
}
macro_rules! shift64 {
    ($m:ident, $dst:ident, $a:ident, $b:ident, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; mov rcx, [rbx + slot($b)]
            ; mov rax, [rbx + slot($a)]
            ; $ins rax, cl
            ; mov [rbx + slot($dst)], rax
        )
    };
}
macro_rules! cmp32 {
    ($m:ident, $dst:ident, $a:ident, $b:ident, $set:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; mov ecx, [rbx + slot($a)]
            ; xor eax, eax
            ; cmp ecx, [rbx + slot($b)]
            ; $set al
            ; mov [rbx + slot($dst)], rax
        )
    };
}
macro_rules! cmp64 {
    ($m:ident, $dst:ident, $a:ident, $b:ident, $set:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; mov rcx, [rbx + slot($a)]
            ; xor eax, eax
            ; cmp rcx, [rbx + slot($b)]
            ; $set al
            ; mov [rbx + slot($dst)], rax
        )
    };
}
macro_rules! fbin64 {
    ($m:ident, $dst:ident, $a:ident, $b:ident, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; movsd xmm0, [rbx + slot($a)]
            ; $ins xmm0, [rbx + slot($b)]
            ; movsd [rbx + slot($dst)], xmm0
        )
    };
}
macro_rules! fbin32 {
    ($m:ident, $dst:ident, $a:ident, $b:ident, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; movss xmm0, [rbx + slot($a)]
            ; $ins xmm0, [rbx + slot($b)]
            ; movd eax, xmm0
            ; mov [rbx + slot($dst)], rax
        )
    };
}
/// Float compare: `ucomis{s,d} x, y` then `setcc`; `swap` compares (b, a).
macro_rules! fcmp {
    ($m:ident, $dst:ident, $a:ident, $b:ident, $mov:ident, $ucom:ident, $set:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; $mov xmm0, [rbx + slot($a)]
            ; $mov xmm1, [rbx + slot($b)]
            ; xor eax, eax
            ; $ucom xmm0, xmm1
            ; $set al
            ; mov [rbx + slot($dst)], rax
        )
    };
}
macro_rules! feq {
    ($m:ident, $dst:ident, $a:ident, $b:ident, $mov:ident, $ucom:ident, $set:ident, $setp:ident, $join:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; $mov xmm0, [rbx + slot($a)]
            ; $ucom xmm0, [rbx + slot($b)]
            ; $set al
            ; $setp cl
            ; $join al, cl
            ; movzx eax, al
            ; mov [rbx + slot($dst)], rax
        )
    };
}

/// Emit `op` inline; `false` if it is left to the helper.
pub(super) fn emit_num(m: &mut X64Masm, op: NumOp, dst: u32, a: u32, b: u32) -> bool {
    use NumOp::*;
    match op {
        I32Add => bin32!(m, dst, a, b, add),
        I32Sub => bin32!(m, dst, a, b, sub),
        I32Mul => bin32!(m, dst, a, b, imul),
        I32And => bin32!(m, dst, a, b, and),
        I32Or => bin32!(m, dst, a, b, or),
        I32Xor => bin32!(m, dst, a, b, xor),
        I64Add => bin64!(m, dst, a, b, add),
        I64Sub => bin64!(m, dst, a, b, sub),
        I64Mul => bin64!(m, dst, a, b, imul),
        I64And => bin64!(m, dst, a, b, and),
        I64Or => bin64!(m, dst, a, b, or),
        I64Xor => bin64!(m, dst, a, b, xor),
        I32Shl => shift32!(m, dst, a, b, shl),
        I32ShrS => shift32!(m, dst, a, b, sar),
        I32ShrU => shift32!(m, dst, a, b, shr),
        I32Rotl => shift32!(m, dst, a, b, rol),
        I32Rotr => shift32!(m, dst, a, b, ror),
        I64Shl => shift64!(m, dst, a, b, shl),
        I64ShrS => shift64!(m, dst, a, b, sar),
        I64ShrU => shift64!(m, dst, a, b, shr),
        I64Rotl => shift64!(m, dst, a, b, rol),
        I64Rotr => shift64!(m, dst, a, b, ror),
        I32Eq => cmp32!(m, dst, a, b, sete),
        I32Ne => cmp32!(m, dst, a, b, setne),
        I32LtS => cmp32!(m, dst, a, b, setl),
        I32LtU => cmp32!(m, dst, a, b, setb),
        I32GtS => cmp32!(m, dst, a, b, setg),
        I32GtU => cmp32!(m, dst, a, b, seta),
        I32LeS => cmp32!(m, dst, a, b, setle),
        I32LeU => cmp32!(m, dst, a, b, setbe),
        I32GeS => cmp32!(m, dst, a, b, setge),
        I32GeU => cmp32!(m, dst, a, b, setae),
        I64Eq => cmp64!(m, dst, a, b, sete),
        I64Ne => cmp64!(m, dst, a, b, setne),
        I64LtS => cmp64!(m, dst, a, b, setl),
        I64LtU => cmp64!(m, dst, a, b, setb),
        I64GtS => cmp64!(m, dst, a, b, setg),
        I64GtU => cmp64!(m, dst, a, b, seta),
        I64LeS => cmp64!(m, dst, a, b, setle),
        I64LeU => cmp64!(m, dst, a, b, setbe),
        I64GeS => cmp64!(m, dst, a, b, setge),
        I64GeU => cmp64!(m, dst, a, b, setae),
        I32Eqz => dynasm!(m.ops
            ; .arch x64
            ; xor eax, eax
            ; cmp DWORD [rbx + slot(a)], 0
            ; sete al
            ; mov [rbx + slot(dst)], rax
        ),
        I64Eqz => dynasm!(m.ops
            ; .arch x64
            ; xor eax, eax
            ; cmp QWORD [rbx + slot(a)], 0
            ; sete al
            ; mov [rbx + slot(dst)], rax
        ),
        I32DivU | I32RemU => {
            let zero = m.trap_label(TrapCode::IntegerDivideByZero);
            dynasm!(m.ops
                ; .arch x64
                ; mov ecx, [rbx + slot(b)]
                ; test ecx, ecx
                ; jz =>zero
                ; mov eax, [rbx + slot(a)]
                ; xor edx, edx
                ; div ecx
            );
            if op == I32DivU {
                dynasm!(m.ops ; .arch x64 ; mov [rbx + slot(dst)], rax);
            } else {
                dynasm!(m.ops ; .arch x64 ; mov [rbx + slot(dst)], rdx);
            }
        }
        I64DivU | I64RemU => {
            let zero = m.trap_label(TrapCode::IntegerDivideByZero);
            dynasm!(m.ops
                ; .arch x64
                ; mov rcx, [rbx + slot(b)]
                ; test rcx, rcx
                ; jz =>zero
                ; mov rax, [rbx + slot(a)]
                ; xor edx, edx
                ; div rcx
            );
            if op == I64DivU {
                dynasm!(m.ops ; .arch x64 ; mov [rbx + slot(dst)], rax);
            } else {
                dynasm!(m.ops ; .arch x64 ; mov [rbx + slot(dst)], rdx);
            }
        }
        I32DivS => {
            let zero = m.trap_label(TrapCode::IntegerDivideByZero);
            let ovf = m.trap_label(TrapCode::IntegerOverflow);
            let ok = m.ops.new_dynamic_label();
            dynasm!(m.ops
                ; .arch x64
                ; mov ecx, [rbx + slot(b)]
                ; test ecx, ecx
                ; jz =>zero
                ; mov eax, [rbx + slot(a)]
                ; cmp ecx, -1
                ; jne =>ok
                ; cmp eax, i32::MIN
                ; je =>ovf
                ; =>ok
                ; cdq
                ; idiv ecx
                ; mov [rbx + slot(dst)], rax
            );
        }
        I64DivS => {
            let zero = m.trap_label(TrapCode::IntegerDivideByZero);
            let ovf = m.trap_label(TrapCode::IntegerOverflow);
            let ok = m.ops.new_dynamic_label();
            dynasm!(m.ops
                ; .arch x64
                ; mov rcx, [rbx + slot(b)]
                ; test rcx, rcx
                ; jz =>zero
                ; mov rax, [rbx + slot(a)]
                ; cmp rcx, -1
                ; jne =>ok
                ; mov rdx, QWORD i64::MIN
                ; cmp rax, rdx
                ; je =>ovf
                ; =>ok
                ; cqo
                ; idiv rcx
                ; mov [rbx + slot(dst)], rax
            );
        }
        I32RemS => {
            let zero = m.trap_label(TrapCode::IntegerDivideByZero);
            let minus_one = m.ops.new_dynamic_label();
            let done = m.ops.new_dynamic_label();
            dynasm!(m.ops
                ; .arch x64
                ; mov ecx, [rbx + slot(b)]
                ; test ecx, ecx
                ; jz =>zero
                ; cmp ecx, -1
                ; je =>minus_one
                ; mov eax, [rbx + slot(a)]
                ; cdq
                ; idiv ecx
                ; mov [rbx + slot(dst)], rdx
                ; jmp =>done
                ; =>minus_one
                ; mov QWORD [rbx + slot(dst)], 0
                ; =>done
            );
        }
        I64RemS => {
            let zero = m.trap_label(TrapCode::IntegerDivideByZero);
            let minus_one = m.ops.new_dynamic_label();
            let done = m.ops.new_dynamic_label();
            dynasm!(m.ops
                ; .arch x64
                ; mov rcx, [rbx + slot(b)]
                ; test rcx, rcx
                ; jz =>zero
                ; cmp rcx, -1
                ; je =>minus_one
                ; mov rax, [rbx + slot(a)]
                ; cqo
                ; idiv rcx
                ; mov [rbx + slot(dst)], rdx
                ; jmp =>done
                ; =>minus_one
                ; mov QWORD [rbx + slot(dst)], 0
                ; =>done
            );
        }
        I32WrapI64 | I64ExtendI32U | I32ReinterpretF32 | F32ReinterpretI32 => dynasm!(m.ops
            ; .arch x64
            ; mov eax, [rbx + slot(a)]
            ; mov [rbx + slot(dst)], rax
        ),
        I64ReinterpretF64 | F64ReinterpretI64 => dynasm!(m.ops
            ; .arch x64
            ; mov rax, [rbx + slot(a)]
            ; mov [rbx + slot(dst)], rax
        ),
        I64ExtendI32S | I64Extend32S => dynasm!(m.ops
            ; .arch x64
            ; movsxd rax, DWORD [rbx + slot(a)]
            ; mov [rbx + slot(dst)], rax
        ),
        I32Extend8S => dynasm!(m.ops
            ; .arch x64
            ; movsx eax, BYTE [rbx + slot(a)]
            ; mov [rbx + slot(dst)], rax
        ),
        I32Extend16S => dynasm!(m.ops
            ; .arch x64
            ; movsx eax, WORD [rbx + slot(a)]
            ; mov [rbx + slot(dst)], rax
        ),
        I64Extend8S => dynasm!(m.ops
            ; .arch x64
            ; movsx rax, BYTE [rbx + slot(a)]
            ; mov [rbx + slot(dst)], rax
        ),
        I64Extend16S => dynasm!(m.ops
            ; .arch x64
            ; movsx rax, WORD [rbx + slot(a)]
            ; mov [rbx + slot(dst)], rax
        ),
        F64Add => fbin64!(m, dst, a, b, addsd),
        F64Sub => fbin64!(m, dst, a, b, subsd),
        F64Mul => fbin64!(m, dst, a, b, mulsd),
        F64Div => fbin64!(m, dst, a, b, divsd),
        F32Add => fbin32!(m, dst, a, b, addss),
        F32Sub => fbin32!(m, dst, a, b, subss),
        F32Mul => fbin32!(m, dst, a, b, mulss),
        F32Div => fbin32!(m, dst, a, b, divss),
        F64Sqrt => dynasm!(m.ops
            ; .arch x64
            ; sqrtsd xmm0, [rbx + slot(a)]
            ; movsd [rbx + slot(dst)], xmm0
        ),
        F32Sqrt => dynasm!(m.ops
            ; .arch x64
            ; sqrtss xmm0, [rbx + slot(a)]
            ; movd eax, xmm0
            ; mov [rbx + slot(dst)], rax
        ),
        F64Gt => fcmp!(m, dst, a, b, movsd, ucomisd, seta),
        F64Ge => fcmp!(m, dst, a, b, movsd, ucomisd, setae),
        F64Lt => fcmp!(m, dst, b, a, movsd, ucomisd, seta),
        F64Le => fcmp!(m, dst, b, a, movsd, ucomisd, setae),
        F32Gt => fcmp!(m, dst, a, b, movss, ucomiss, seta),
        F32Ge => fcmp!(m, dst, a, b, movss, ucomiss, setae),
        F32Lt => fcmp!(m, dst, b, a, movss, ucomiss, seta),
        F32Le => fcmp!(m, dst, b, a, movss, ucomiss, setae),
        F64Eq => feq!(m, dst, a, b, movsd, ucomisd, sete, setnp, and),
        F64Ne => feq!(m, dst, a, b, movsd, ucomisd, setne, setp, or),
        F32Eq => feq!(m, dst, a, b, movss, ucomiss, sete, setnp, and),
        F32Ne => feq!(m, dst, a, b, movss, ucomiss, setne, setp, or),
        F32Abs => dynasm!(m.ops
            ; .arch x64
            ; mov eax, [rbx + slot(a)]
            ; and eax, 0x7fff_ffff
            ; mov [rbx + slot(dst)], rax
        ),
        F32Neg => dynasm!(m.ops
            ; .arch x64
            ; mov eax, [rbx + slot(a)]
            ; xor eax, i32::MIN
            ; mov [rbx + slot(dst)], rax
        ),
        F32Copysign => dynasm!(m.ops
            ; .arch x64
            ; mov eax, [rbx + slot(a)]
            ; and eax, 0x7fff_ffff
            ; mov ecx, [rbx + slot(b)]
            ; and ecx, i32::MIN
            ; or eax, ecx
            ; mov [rbx + slot(dst)], rax
        ),
        F64Abs => dynasm!(m.ops
            ; .arch x64
            ; mov rax, [rbx + slot(a)]
            ; btr rax, 63
            ; mov [rbx + slot(dst)], rax
        ),
        F64Neg => dynasm!(m.ops
            ; .arch x64
            ; mov rax, [rbx + slot(a)]
            ; btc rax, 63
            ; mov [rbx + slot(dst)], rax
        ),
        F64Copysign => dynasm!(m.ops
            ; .arch x64
            ; mov rax, [rbx + slot(a)]
            ; btr rax, 63
            ; mov rcx, [rbx + slot(b)]
            ; shr rcx, 63
            ; shl rcx, 63
            ; or rax, rcx
            ; mov [rbx + slot(dst)], rax
        ),
        F64ConvertI32S => dynasm!(m.ops
            ; .arch x64
            ; xorps xmm0, xmm0
            ; cvtsi2sd xmm0, DWORD [rbx + slot(a)]
            ; movsd [rbx + slot(dst)], xmm0
        ),
        F64ConvertI64S => dynasm!(m.ops
            ; .arch x64
            ; xorps xmm0, xmm0
            ; cvtsi2sd xmm0, QWORD [rbx + slot(a)]
            ; movsd [rbx + slot(dst)], xmm0
        ),
        F64ConvertI32U => dynasm!(m.ops
            ; .arch x64
            ; mov eax, [rbx + slot(a)]
            ; xorps xmm0, xmm0
            ; cvtsi2sd xmm0, rax
            ; movsd [rbx + slot(dst)], xmm0
        ),
        F32ConvertI32S => dynasm!(m.ops
            ; .arch x64
            ; xorps xmm0, xmm0
            ; cvtsi2ss xmm0, DWORD [rbx + slot(a)]
            ; movd eax, xmm0
            ; mov [rbx + slot(dst)], rax
        ),
        F32ConvertI64S => dynasm!(m.ops
            ; .arch x64
            ; xorps xmm0, xmm0
            ; cvtsi2ss xmm0, QWORD [rbx + slot(a)]
            ; movd eax, xmm0
            ; mov [rbx + slot(dst)], rax
        ),
        F32ConvertI32U => dynasm!(m.ops
            ; .arch x64
            ; mov eax, [rbx + slot(a)]
            ; xorps xmm0, xmm0
            ; cvtsi2ss xmm0, rax
            ; movd eax, xmm0
            ; mov [rbx + slot(dst)], rax
        ),
        F64PromoteF32 => dynasm!(m.ops
            ; .arch x64
            ; cvtss2sd xmm0, [rbx + slot(a)]
            ; movsd [rbx + slot(dst)], xmm0
        ),
        F32DemoteF64 => dynasm!(m.ops
            ; .arch x64
            ; cvtsd2ss xmm0, [rbx + slot(a)]
            ; movd eax, xmm0
            ; mov [rbx + slot(dst)], rax
        ),
        _ => return false,
    }
    true
}

macro_rules! bin32i {
    ($m:ident, $dst:ident, $a:ident, $imm:ident, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; mov eax, [rbx + slot($a)]
            ; $ins eax, $imm
            ; mov [rbx + slot($dst)], rax
        )
    };
}
macro_rules! bin64i {
    ($m:ident, $dst:ident, $a:ident, $imm:ident, $ins:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; mov rax, [rbx + slot($a)]
            ; $ins rax, $imm
            ; mov [rbx + slot($dst)], rax
        )
    };
}
macro_rules! shift32i {
    ($m:ident, $dst:ident, $a:ident, $imm:ident, $ins:ident) => {{
        let n = ($imm & 31) as i8;
        dynasm!($m.ops
            ; .arch x64
            ; mov eax, [rbx + slot($a)]
            ; $ins eax, n
            ; mov [rbx + slot($dst)], rax
        )
    }};
}
macro_rules! shift64i {
    ($m:ident, $dst:ident, $a:ident, $imm:ident, $ins:ident) => {{
        let n = ($imm & 63) as i8;
        dynasm!($m.ops
            ; .arch x64
            ; mov rax, [rbx + slot($a)]
            ; $ins rax, n
            ; mov [rbx + slot($dst)], rax
        )
    }};
}
macro_rules! cmp32i {
    ($m:ident, $dst:ident, $a:ident, $imm:ident, $set:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; xor eax, eax
            ; cmp DWORD [rbx + slot($a)], $imm
            ; $set al
            ; mov [rbx + slot($dst)], rax
        )
    };
}
macro_rules! cmp64i {
    ($m:ident, $dst:ident, $a:ident, $imm:ident, $set:ident) => {
        dynasm!($m.ops
            ; .arch x64
            ; xor eax, eax
            ; cmp QWORD [rbx + slot($a)], $imm
            ; $set al
            ; mov [rbx + slot($dst)], rax
        )
    };
}

/// Emit `op` with a constant second operand inline; `false` if there is no
/// immediate form (or the constant does not fit one).
pub(super) fn emit_num_imm(m: &mut X64Masm, op: NumOp, dst: u32, a: u32, c: u64) -> bool {
    use NumOp::*;
    // i32 operators take the low 32 bits as is; i64 ones need a constant
    // that sign-extends from 32 bits.
    let i32v = c as u32 as i32;
    let fits64 = i64::from(c as i64 as i32) == c as i64;
    let i64v = c as i64 as i32;
    match op {
        I32Add => bin32i!(m, dst, a, i32v, add),
        I32Sub => bin32i!(m, dst, a, i32v, sub),
        I32And => bin32i!(m, dst, a, i32v, and),
        I32Or => bin32i!(m, dst, a, i32v, or),
        I32Xor => bin32i!(m, dst, a, i32v, xor),
        I32Shl => shift32i!(m, dst, a, c, shl),
        I32ShrS => shift32i!(m, dst, a, c, sar),
        I32ShrU => shift32i!(m, dst, a, c, shr),
        I32Rotl => shift32i!(m, dst, a, c, rol),
        I32Rotr => shift32i!(m, dst, a, c, ror),
        I64Shl => shift64i!(m, dst, a, c, shl),
        I64ShrS => shift64i!(m, dst, a, c, sar),
        I64ShrU => shift64i!(m, dst, a, c, shr),
        I64Rotl => shift64i!(m, dst, a, c, rol),
        I64Rotr => shift64i!(m, dst, a, c, ror),
        I32Eq => cmp32i!(m, dst, a, i32v, sete),
        I32Ne => cmp32i!(m, dst, a, i32v, setne),
        I32LtS => cmp32i!(m, dst, a, i32v, setl),
        I32LtU => cmp32i!(m, dst, a, i32v, setb),
        I32GtS => cmp32i!(m, dst, a, i32v, setg),
        I32GtU => cmp32i!(m, dst, a, i32v, seta),
        I32LeS => cmp32i!(m, dst, a, i32v, setle),
        I32LeU => cmp32i!(m, dst, a, i32v, setbe),
        I32GeS => cmp32i!(m, dst, a, i32v, setge),
        I32GeU => cmp32i!(m, dst, a, i32v, setae),
        _ if !fits64 => return false,
        I64Add => bin64i!(m, dst, a, i64v, add),
        I64Sub => bin64i!(m, dst, a, i64v, sub),
        I64And => bin64i!(m, dst, a, i64v, and),
        I64Or => bin64i!(m, dst, a, i64v, or),
        I64Xor => bin64i!(m, dst, a, i64v, xor),
        I64Eq => cmp64i!(m, dst, a, i64v, sete),
        I64Ne => cmp64i!(m, dst, a, i64v, setne),
        I64LtS => cmp64i!(m, dst, a, i64v, setl),
        I64LtU => cmp64i!(m, dst, a, i64v, setb),
        I64GtS => cmp64i!(m, dst, a, i64v, setg),
        I64GtU => cmp64i!(m, dst, a, i64v, seta),
        I64LeS => cmp64i!(m, dst, a, i64v, setle),
        I64LeU => cmp64i!(m, dst, a, i64v, setbe),
        I64GeS => cmp64i!(m, dst, a, i64v, setge),
        I64GeU => cmp64i!(m, dst, a, i64v, setae),
        _ => return false,
    }
    true
}

/// A condition of an integer compare.
#[derive(Clone, Copy)]
enum Cc {
    E,
    Ne,
    L,
    Ge,
    B,
    Ae,
    G,
    Le,
    A,
    Be,
}

impl Cc {
    fn not(self) -> Cc {
        match self {
            Cc::E => Cc::Ne,
            Cc::Ne => Cc::E,
            Cc::L => Cc::Ge,
            Cc::Ge => Cc::L,
            Cc::B => Cc::Ae,
            Cc::Ae => Cc::B,
            Cc::G => Cc::Le,
            Cc::Le => Cc::G,
            Cc::A => Cc::Be,
            Cc::Be => Cc::A,
        }
    }
}

fn jcc(m: &mut X64Masm, cc: Cc, l: dynasmrt::DynamicLabel) {
    match cc {
        Cc::E => dynasm!(m.ops ; .arch x64 ; je =>l),
        Cc::Ne => dynasm!(m.ops ; .arch x64 ; jne =>l),
        Cc::L => dynasm!(m.ops ; .arch x64 ; jl =>l),
        Cc::Ge => dynasm!(m.ops ; .arch x64 ; jge =>l),
        Cc::B => dynasm!(m.ops ; .arch x64 ; jb =>l),
        Cc::Ae => dynasm!(m.ops ; .arch x64 ; jae =>l),
        Cc::G => dynasm!(m.ops ; .arch x64 ; jg =>l),
        Cc::Le => dynasm!(m.ops ; .arch x64 ; jle =>l),
        Cc::A => dynasm!(m.ops ; .arch x64 ; ja =>l),
        Cc::Be => dynasm!(m.ops ; .arch x64 ; jbe =>l),
    }
}

/// Compare and branch: jump to `l` when `a op b` (or `a op c` for a
/// constant `c`) is `when`. `false` for operators other than the integer
/// compares and `eqz`.
pub(super) fn emit_cmp_branch(
    m: &mut X64Masm,
    op: NumOp,
    a: u32,
    b: Result<u32, u64>,
    when: bool,
    l: dynasmrt::DynamicLabel,
) -> bool {
    use NumOp::*;
    let (wide, cc) = match op {
        I32Eqz => (false, Cc::E),
        I64Eqz => (true, Cc::E),
        I32Eq => (false, Cc::E),
        I32Ne => (false, Cc::Ne),
        I32LtS => (false, Cc::L),
        I32LtU => (false, Cc::B),
        I32GtS => (false, Cc::G),
        I32GtU => (false, Cc::A),
        I32LeS => (false, Cc::Le),
        I32LeU => (false, Cc::Be),
        I32GeS => (false, Cc::Ge),
        I32GeU => (false, Cc::Ae),
        I64Eq => (true, Cc::E),
        I64Ne => (true, Cc::Ne),
        I64LtS => (true, Cc::L),
        I64LtU => (true, Cc::B),
        I64GtS => (true, Cc::G),
        I64GtU => (true, Cc::A),
        I64LeS => (true, Cc::Le),
        I64LeU => (true, Cc::Be),
        I64GeS => (true, Cc::Ge),
        I64GeU => (true, Cc::Ae),
        _ => return false,
    };
    let b = if matches!(op, I32Eqz | I64Eqz) {
        Err(0)
    } else {
        b
    };
    match (wide, b) {
        (false, Ok(b)) => dynasm!(m.ops
            ; .arch x64
            ; mov eax, [rbx + slot(a)]
            ; cmp eax, [rbx + slot(b)]
        ),
        (false, Err(c)) => {
            let c = c as u32 as i32;
            dynasm!(m.ops ; .arch x64 ; cmp DWORD [rbx + slot(a)], c)
        }
        (true, Ok(b)) => dynasm!(m.ops
            ; .arch x64
            ; mov rax, [rbx + slot(a)]
            ; cmp rax, [rbx + slot(b)]
        ),
        (true, Err(c)) => {
            if i64::from(c as i64 as i32) != c as i64 {
                return false;
            }
            let c = c as i64 as i32;
            dynasm!(m.ops ; .arch x64 ; cmp QWORD [rbx + slot(a)], c)
        }
    }
    jcc(m, if when { cc } else { cc.not() }, l);
    true
}
