//! Lowering of the vector loads and stores: `v128.load` and its extending,
//! splatting and zero-filling forms, `v128.store`, and the lane loads and
//! stores. Each goes through the same bounds plan as a scalar access
//! (`bounds.rs`), with the access's own size (16 bytes, or the bytes it
//! reads or writes), in memory32 and memory64 alike.

use cranelift_codegen::ir::{types, InstBuilder};
use strata_ir::{LaneWidth, MemArg, V128LoadKind};

use super::bounds::heap_flags;
use super::FuncTranslator;

/// The scalar type of one lane of a width.
fn lane_scalar(w: LaneWidth) -> types::Type {
    match w {
        LaneWidth::B8 => types::I8,
        LaneWidth::B16 => types::I16,
        LaneWidth::B32 => types::I32,
        LaneWidth::B64 => types::I64,
    }
}

/// The vector type whose lanes have width `w`.
fn lane_vector(w: LaneWidth) -> types::Type {
    match w {
        LaneWidth::B8 => types::I8X16,
        LaneWidth::B16 => types::I16X8,
        LaneWidth::B32 => types::I32X4,
        LaneWidth::B64 => types::I64X2,
    }
}

impl FuncTranslator<'_> {
    /// `v128.load*`.
    pub(super) fn visit_v128_load(&mut self, kind: V128LoadKind, memarg: MemArg) {
        use V128LoadKind as K;
        let (addr, o) = self.checked_address(memarg, kind.width());
        let f = heap_flags();
        let ins = self.builder.ins();
        let v = match kind {
            K::V128 => ins.load(types::I8X16, f, addr, o),
            K::I16x8S8 => ins.sload8x8(f, addr, o),
            K::I16x8U8 => ins.uload8x8(f, addr, o),
            K::I32x4S16 => ins.sload16x4(f, addr, o),
            K::I32x4U16 => ins.uload16x4(f, addr, o),
            K::I64x2S32 => ins.sload32x2(f, addr, o),
            K::I64x2U32 => ins.uload32x2(f, addr, o),
            K::Splat8 | K::Splat16 | K::Splat32 | K::Splat64 => {
                let w = match kind {
                    K::Splat8 => LaneWidth::B8,
                    K::Splat16 => LaneWidth::B16,
                    K::Splat32 => LaneWidth::B32,
                    _ => LaneWidth::B64,
                };
                let x = ins.load(lane_scalar(w), f, addr, o);
                self.builder.ins().splat(lane_vector(w), x)
            }
            K::Zero32 => {
                let x = ins.load(types::I32, f, addr, o);
                self.builder.ins().scalar_to_vector(types::I32X4, x)
            }
            K::Zero64 => {
                let x = ins.load(types::I64, f, addr, o);
                self.builder.ins().scalar_to_vector(types::I64X2, x)
            }
        };
        self.vpush(v);
    }

    /// `v128.store`.
    pub(super) fn visit_v128_store(&mut self, memarg: MemArg) {
        let v = self.vpop(types::I8X16);
        let (addr, o) = self.checked_address(memarg, 16);
        self.builder.ins().store(heap_flags(), v, addr, o);
    }

    /// `v128.load*_lane`: the vector is popped first, then the address.
    pub(super) fn visit_v128_load_lane(&mut self, w: LaneWidth, lane: u8, memarg: MemArg) {
        let v = self.vpop(lane_vector(w));
        let (addr, o) = self.checked_address(memarg, w.bytes());
        let x = self
            .builder
            .ins()
            .load(lane_scalar(w), heap_flags(), addr, o);
        let r = self.builder.ins().insertlane(v, x, lane);
        self.vpush(r);
    }

    /// `v128.store*_lane`.
    pub(super) fn visit_v128_store_lane(&mut self, w: LaneWidth, lane: u8, memarg: MemArg) {
        let v = self.vpop(lane_vector(w));
        let x = self.builder.ins().extractlane(v, lane);
        let (addr, o) = self.checked_address(memarg, w.bytes());
        self.builder.ins().store(heap_flags(), x, addr, o);
    }
}
