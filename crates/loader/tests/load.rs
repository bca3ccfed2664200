//! Loading hand-written modules: sections, memory64/table64 limits, constant
//! expressions, unreachable-code elimination, block structure and error kinds.
#![cfg(feature = "wat")]

use strata_ir::{
    BlockType, ConstOp, DataMode, ElemMode, ExternKind, ExtractLane, Features, HeapType,
    ImportType, IndexType, LaneWidth, LoadKind, MemArg, MemIdx, Module, NumOp, Op, RefType, Shape,
    SimdOp, ValType, ValidModule,
};
use strata_loader::{LoadErrorKind, Loader};

fn load(text: &str) -> ValidModule {
    match Loader::default().load_wat(text) {
        Ok(m) => m,
        Err(e) => panic!("load failed: {e}"),
    }
}

fn ops(m: &Module, defined: usize) -> &[Op] {
    &m.bodies[defined].ops
}

#[test]
fn memory64_and_table64_limits() {
    let m = load(
        r#"(module
            (memory i64 0x1000000000000)
            (memory $m2 i64 1 0x1000000000000)
            (table i64 0xffffffffffffffff funcref)
            (table i64 1 0xffffffffffffffff externref)
            (memory 1 2))"#,
    );
    assert_eq!(m.memories.len(), 3);
    assert_eq!(m.memories[0].index, IndexType::I64);
    assert_eq!(m.memories[0].limits.min, 1 << 48);
    assert_eq!(m.memories[0].page_size_log2, 16);
    assert_eq!(m.memories[1].limits.max, Some(1 << 48));
    assert_eq!(m.memories[2].index, IndexType::I32);
    assert_eq!(m.memories[2].limits.max, Some(2));
    assert_eq!(m.tables[0].index, IndexType::I64);
    assert_eq!(m.tables[0].limits.min, u64::MAX);
    assert_eq!(m.tables[0].elem, RefType::FUNCREF);
    assert_eq!(m.tables[1].limits.max, Some(u64::MAX));
    assert_eq!(m.tables[1].elem, RefType::EXTERNREF);
    assert_eq!(m.table_inits, vec![None, None]);

    // Beyond 2^48 pages is invalid.
    let err = Loader::default()
        .load_wat("(module (memory i64 0x1000000000001))")
        .unwrap_err();
    assert!(err.is_invalid(), "{err}");
}

#[test]
fn segment_offsets_as_i64_extended_const() {
    let m = load(
        r#"(module
            (import "env" "g" (global $g i64))
            (memory i64 1)
            (table i64 10 funcref)
            (func $f)
            (data (i64.add (global.get $g) (i64.const 4)) "abc")
            (data "passive")
            (elem (table 0) (offset (i64.mul (i64.const 2) (i64.const 3))) func $f $f)
            (elem funcref (ref.func $f) (ref.null func))
            (elem declare func $f))"#,
    );
    assert_eq!(m.datas.len(), 2);
    match &m.datas[0].mode {
        DataMode::Active { mem, offset } => {
            assert_eq!(*mem, MemIdx(0));
            assert_eq!(
                &*offset.ops,
                &[
                    ConstOp::GlobalGet(0.into()),
                    ConstOp::I64Const(4),
                    ConstOp::I64Add
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(&*m.datas[0].bytes, b"abc");
    assert_eq!(m.datas[1].mode, DataMode::Passive);
    assert_eq!(m.elems.len(), 3);
    match &m.elems[0].mode {
        ElemMode::Active { table, offset } => {
            assert_eq!(table.0, 0);
            assert_eq!(
                &*offset.ops,
                &[ConstOp::I64Const(2), ConstOp::I64Const(3), ConstOp::I64Mul]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(m.elems[0].items.len(), 2);
    assert_eq!(&*m.elems[0].items[1].ops, &[ConstOp::RefFunc(0.into())]);
    assert_eq!(m.elems[1].mode, ElemMode::Passive);
    assert_eq!(
        &*m.elems[1].items[1].ops,
        &[ConstOp::RefNull(HeapType::Func)]
    );
    assert_eq!(m.elems[2].mode, ElemMode::Declared);
    assert_eq!(m.num_imported_globals, 1);
}

#[test]
fn imports_exports_start_names() {
    let m = load(
        r#"(module
            (import "env" "f" (func $imp (param i32) (result i32)))
            (import "env" "t" (table 1 funcref))
            (import "env" "m" (memory i64 1))
            (import "env" "g" (global (mut i64)))
            (func $local (export "run") (result i32) (call $imp (i32.const 1)))
            (func $start)
            (start $start)
            (global $own i32 (i32.const 0))
            (export "mem" (memory 0)))"#,
    );
    assert_eq!(m.imports.len(), 4);
    assert_eq!(m.num_imported_funcs, 1);
    assert_eq!(m.num_imported_tables, 1);
    assert_eq!(m.num_imported_memories, 1);
    assert_eq!(m.num_imported_globals, 1);
    assert!(matches!(m.imports[2].ty, ImportType::Memory(t) if t.index == IndexType::I64));
    assert_eq!(m.funcs.len(), 3);
    assert_eq!(m.bodies.len(), 2);
    assert_eq!(m.globals.len(), 2);
    assert_eq!(m.global_inits.len(), 1);
    assert_eq!(m.start, Some(2.into()));
    assert_eq!(
        m.export("run").map(|e| (e.kind, e.index)),
        Some((ExternKind::Func, 1))
    );
    assert_eq!(m.export("mem").map(|e| e.kind), Some(ExternKind::Memory));
    assert_eq!(m.func_display_name(1.into()), "local");
    assert_eq!(m.func_display_name(0.into()), "imp");
    assert_eq!(m.types[m.funcs[0].index()].params[..], [ValType::I32]);
    assert_eq!(m.func_type(1.into()).results[..], [ValType::I32]);
    let body = &m.bodies[0];
    assert_eq!(body.ops, vec![Op::I32Const(1), Op::Call(0.into()), Op::End]);
    assert_eq!(body.offsets.len(), body.ops.len());
    assert!(body.offset > 0 && (body.offset as usize) < m.byte_len);
}

#[test]
fn unreachable_code_is_dropped() {
    let m = load(
        r#"(module (func
            block
              br 0
              i32.const 1
              drop
              block (result i32) i32.const 2 end
              drop
            end
            unreachable
            i32.const 3
            drop))"#,
    );
    assert_eq!(
        ops(&m, 0),
        &[
            Op::Block {
                ty: BlockType::Empty,
                end: 2
            },
            Op::Br(0),
            Op::End,
            Op::Unreachable,
            Op::End
        ]
    );
}

#[test]
fn if_else_end_indices() {
    let m = load(
        r#"(module (func (param i32) (result i32)
            local.get 0
            if (result i32)
              i32.const 1
              return
            else
              i32.const 2
            end
            local.get 0
            if
              nop
            end))"#,
    );
    let o = ops(&m, 0);
    assert_eq!(
        o,
        &[
            Op::LocalGet(0.into()),
            Op::If {
                ty: BlockType::Value(ValType::I32),
                else_: 4,
                end: 6
            },
            Op::I32Const(1),
            Op::Return,
            Op::Else { end: 6 },
            Op::I32Const(2),
            Op::End,
            Op::LocalGet(0.into()),
            Op::If {
                ty: BlockType::Empty,
                else_: 10,
                end: 10
            },
            Op::Nop,
            Op::End,
            Op::End,
        ]
    );
    assert!(m.bodies[0].max_stack >= 2);
}

#[test]
fn dead_then_arm_with_nested_blocks() {
    let m = load(
        r#"(module (func (param i32) (result i32)
            (if (result i32) (local.get 0)
              (then (unreachable) (if (i32.const 0) (then nop) (else nop)) (i32.const 9))
              (else (i32.const 2)))))"#,
    );
    assert_eq!(
        ops(&m, 0),
        &[
            Op::LocalGet(0.into()),
            Op::If {
                ty: BlockType::Value(ValType::I32),
                else_: 3,
                end: 5
            },
            Op::Unreachable,
            Op::Else { end: 5 },
            Op::I32Const(2),
            Op::End,
            Op::End,
        ]
    );
}

#[test]
fn br_table_select_loads_locals() {
    let m = load(
        r#"(module (memory 1)
          (func (param i32) (result f64) (local i64 i64) (local f32)
            (block (block (br_table 1 0 1 (local.get 0))))
            (select (f64.const 1.5) (f64.load offset=8 align=4 (i32.const 0)) (local.get 0))
            (f64.add (select (result f64) (f64.const 0) (f64.const 1) (i32.const 1)))))"#,
    );
    let b = &m.bodies[0];
    assert_eq!(&*b.locals, &[ValType::I64, ValType::I64, ValType::F32]);
    assert_eq!(b.br_tables, vec![Box::from([1u32, 0, 1])]);
    assert!(b.ops.contains(&Op::Select(ValType::F64)));
    assert!(b.ops.contains(&Op::F64Const(1.5f64.to_bits())));
    assert!(b.ops.contains(&Op::Load(
        LoadKind::F64,
        MemArg {
            mem: MemIdx(0),
            offset: 8,
            align_log2: 2
        }
    )));
    assert!(b.ops.contains(&Op::Num(NumOp::F64Add)));
    assert_eq!(b.ops.last(), Some(&Op::End));
    assert_eq!(b.max_stack, 4);
}

#[test]
fn function_references_and_tail_calls() {
    let m = load(
        r#"(module
          (type $t (func (param i32) (result i32)))
          (func $f (type $t) (local.get 0))
          (elem declare func $f)
          (func (param (ref null $t)) (result i32) (local $r (ref null $t))
            (local.set $r
              (block $l (result (ref $t))
                (br_on_non_null $l (local.get 0))
                (return_call_ref $t (i32.const 1) (ref.as_non_null (ref.func $f)))))
            (call_ref $t (i32.const 2) (local.get $r))))"#,
    );
    let o = ops(&m, 1);
    assert!(o.contains(&Op::BrOnNonNull(0)));
    assert!(o.contains(&Op::ReturnCallRef(0.into())));
    assert!(o.contains(&Op::RefAsNonNull));
    assert!(o.contains(&Op::CallRef(0.into())));
    assert_eq!(
        m.types[1].params[..],
        [ValType::Ref(RefType {
            nullable: true,
            heap: HeapType::Concrete(0.into())
        })]
    );
}

#[test]
fn malformed_bytes() {
    let l = Loader::default();
    let e = l.load(b"\0asm\x02\0\0\0").unwrap_err();
    assert!(matches!(e.kind(), LoadErrorKind::Malformed(_)), "{e}");
    assert_eq!(e.offset(), 4);

    let e = l.load(b"\0asn\x01\0\0\0").unwrap_err();
    assert!(e.is_malformed(), "{e}");

    // Truncated type section.
    let e = l.load(b"\0asm\x01\0\0\0\x01\x05\x01\x60").unwrap_err();
    assert!(e.is_malformed(), "{e}");
    assert!(e.offset() >= 8, "{e}");

    // Function body without `end`.
    let e = l
        .load(b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0\x0a\x04\x01\x02\0\x01")
        .unwrap_err();
    assert!(e.is_malformed(), "{e}");

    // memory.init without a data count section is malformed (spec binary.wast).
    let bytes = b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0\x05\x03\x01\0\0\
        \x0a\x0e\x01\x0c\0\x41\0\x41\0\x41\0\xfc\x08\0\0\x0b\x0b\x03\x01\x01\0";
    let e = l.load(bytes).unwrap_err();
    assert!(e.is_malformed(), "{e}");

    let e = l.load_wat("(module (func (i32.const)))").unwrap_err();
    assert!(e.is_malformed(), "{e}");
    let e = l.load_any(b"(module (func").unwrap_err();
    assert!(e.is_malformed(), "{e}");
}

#[test]
fn invalid_modules() {
    let l = Loader::default();
    for text in [
        "(module (func (result i32) (i64.const 1)))",
        "(module (func (drop (i32.const 1)) (drop)))",
        "(module (func (call 3)))",
        "(module (memory 1) (func (drop (i32.load align=8 (i32.const 0)))))",
        "(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))",
        "(module (func unreachable i32.add drop (i64.const 0) (i32.const 1) (i32.add) drop))",
    ] {
        let e = l.load_wat(text).unwrap_err();
        assert!(e.is_invalid(), "{text}: {e}");
        assert!(e.offset() > 8, "{text}: {e}");
    }
}

#[test]
fn simd_is_invalid_when_disabled_and_mapped_when_enabled() {
    let text = "(module (func (result i32) (i32x4.extract_lane 3 (v128.const i64x2 1 2))))";
    let no_simd = Loader::new(Features {
        simd: false,
        relaxed_simd: false,
        ..Features::CORE
    });
    let e = no_simd.load_wat(text).unwrap_err();
    assert!(e.is_invalid(), "{e}");

    let m = Loader::default().load_wat(text).unwrap();
    let mut bytes = [0u8; 16];
    bytes[0] = 1;
    bytes[8] = 2;
    assert_eq!(
        m.bodies[0].ops,
        vec![
            Op::V128Const(bytes),
            Op::ExtractLane(
                ExtractLane {
                    shape: Shape::I32x4,
                    signed: false
                },
                3
            ),
            Op::End
        ]
    );
    assert!(m.uses_simd());

    // Lanes are validated: i32x4 has no lane 4.
    let e = Loader::default()
        .load_wat("(module (func (result i32) (i32x4.extract_lane 4 (v128.const i64x2 1 2))))")
        .unwrap_err();
    assert!(e.is_invalid(), "{e}");

    // Pure operators, lane memory operators, shuffles.
    let m = Loader::default()
        .load_wat(
            "(module (memory i64 1) (func (param i64 v128) (result v128)
               (i8x16.shuffle 0 17 2 3 4 5 6 7 8 9 10 11 12 13 14 31
                 (i32x4.add (local.get 1) (v128.load64_lane offset=8 1 (local.get 0) (local.get 1)))
                 (f32x4.relaxed_madd (local.get 1) (local.get 1) (local.get 1)))))",
        )
        .unwrap();
    let ops = &m.bodies[0].ops;
    assert!(ops.contains(&Op::Simd(SimdOp::I32x4Add)));
    assert!(ops.contains(&Op::Simd(SimdOp::F32x4RelaxedMadd)));
    assert!(ops.iter().any(|op| matches!(
        op,
        Op::V128LoadLane(LaneWidth::B64, 1, MemArg { offset: 8, .. })
    )));
    assert!(ops
        .iter()
        .any(|op| matches!(op, Op::I8x16Shuffle(l) if l[1] == 17 && l[15] == 31)));

    // Relaxed SIMD is its own feature.
    let e = Loader::new(Features {
        relaxed_simd: false,
        ..Features::CORE
    })
    .load_wat("(module (func (param v128) (result v128) (f32x4.relaxed_min (local.get 0) (local.get 0))))")
    .unwrap_err();
    assert!(e.is_invalid(), "{e}");

    // A module without any vector use does not use SIMD.
    assert!(!Loader::default()
        .load_wat("(module (func))")
        .unwrap()
        .uses_simd());
}

#[test]
fn gc_validation_rules_apply_but_gc_objects_are_unsupported() {
    // Wasm 3.0 validation: abstract heap types and `global.get` of a defined
    // immutable global in a constant expression are valid.
    let m = Loader::default()
        .load_wat(
            "(module (global $g i32 (i32.const 1)) (global i32 (global.get $g))
                     (func (result anyref) (ref.null any)))",
        )
        .expect("valid in Wasm 3.0");
    assert_eq!(m.global_inits.len(), 2);
    let e = Loader::default()
        .load_wat("(module (type (struct)))")
        .unwrap_err();
    assert!(e.is_unsupported(), "{e}");
    let tags = Loader::default()
        .load_wat("(module (tag (export \"t\") (param i32)))")
        .expect("tags are supported");
    assert_eq!(tags.tags.len(), 1);
}

#[test]
fn disabled_proposals_are_invalid() {
    let no_gc = Loader::new(Features {
        gc: false,
        exceptions: false,
        ..Features::CORE
    });
    let e = no_gc
        .load_wat("(module (func (drop (ref.null any))))")
        .unwrap_err();
    assert!(e.is_invalid(), "{e}");
    let e = no_gc.load_wat("(module (type (struct)))").unwrap_err();
    assert!(e.is_invalid(), "{e}");
    let e = no_gc.load_wat("(module (tag))").unwrap_err();
    assert!(e.is_invalid(), "{e}");
    let no_tail = Loader::new(Features {
        tail_call: false,
        ..Features::CORE
    });
    let e = no_tail
        .load_wat("(module (func (return_call 0)))")
        .unwrap_err();
    assert!(e.is_invalid(), "{e}");
}

#[test]
fn broken_name_section_is_ignored() {
    let l = Loader::default();
    let mut bytes = wat::parse_str("(module (func))").unwrap();
    // Custom section "name" with a garbage payload.
    bytes.extend_from_slice(b"\x00\x08\x04name\x01\xff\xff");
    let m = l.load(&bytes).unwrap();
    assert_eq!(m.bodies.len(), 1);
    assert_eq!(m.byte_len, bytes.len());
}

#[test]
fn huge_local_count_is_rejected_without_allocating() {
    // One declaration of 2^32-1 i32 locals.
    let bytes = b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0\
        \x0a\x0a\x01\x08\x01\xff\xff\xff\xff\x0f\x7f\x0b";
    let e = Loader::default().load(bytes).unwrap_err();
    assert!(e.is_malformed(), "{e}");
}
