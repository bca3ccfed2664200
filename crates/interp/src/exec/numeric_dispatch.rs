//! Dispatch of the pure numeric instructions to their semantics in
//! [`crate::numeric`], generated from `strata_ir::for_each_num_op!`.

use strata_ir::TrapCode;

use crate::bytecode::{ImmInstr, Instr};
use crate::numeric;

macro_rules! call_numeric {
    ([$p:ident] $f:path, $regs:ident, $a:ident, $b:ident) => {{
        let _ = $b;
        $f($regs[$a as usize])
    }};
    ([$p:ident $q:ident] $f:path, $regs:ident, $a:ident, $b:ident) => {
        $f($regs[$a as usize], $regs[$b as usize])
    };
}

macro_rules! define_execute_numeric {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident $trap:literal;)*) => {
        /// Execute a numeric instruction; any other instruction is a no-op
        /// (the executor only passes numeric ones).
        #[inline(always)]
        pub(super) fn execute_numeric(instr: Instr, regs: &mut [u64]) -> Result<(), TrapCode> {
            match instr {
                $(Instr::$name { dst, a, b } => {
                    regs[dst as usize] = call_numeric!([$($param)*] numeric::$snake, regs, a, b)?;
                })*
                _ => {}
            }
            Ok(())
        }
    };
}
strata_ir::for_each_num_op!(define_execute_numeric);

macro_rules! imm_operand {
    (32, $imm:expr) => {
        u64::from($imm as u32)
    };
    (64, $imm:expr) => {
        $imm as i64 as u64
    };
}

macro_rules! define_execute_imm {
    ($($name:ident $op:ident $snake:ident $width:tt;)*) => {
        /// Execute a numeric instruction with an immediate operand.
        #[inline(always)]
        pub(super) fn execute_imm(instr: ImmInstr, regs: &mut [u64]) -> Result<(), TrapCode> {
            match instr {
                $(ImmInstr::$name { dst, a, imm } => {
                    regs[dst as usize] =
                        numeric::$snake(regs[a as usize], imm_operand!($width, imm))?;
                })*
            }
            Ok(())
        }
    };
}
crate::bytecode::for_each_imm_op!(define_execute_imm);
