//! Instantiation: import matching, allocation of the module's entities,
//! segment initialization and the start function, in the spec's order.

use std::sync::Arc;

use strata_ir::{DataMode, ElemMode, ExternKind, ImportType, Limits, Module, ValType};

use crate::addr::*;
use crate::const_eval::{self, ConstEnv};
use crate::error::{InstantiationError, LinkError, LinkErrorKind};
use crate::memory::MemoryInstance;
use crate::signature::{canonical_val_type, val_subtype, SigId};
use crate::store::*;
use crate::table::TableEntity;
use crate::tier::CompiledModule;

/// Instantiate `module` (compiled as `code`) in `store` with `imports` given
/// in the module's import order, then run its start function.
///
/// # Errors
/// A [`LinkError`] for a missing or mismatched import, a resource error for a
/// memory or table over the caps, or the trap of a segment or start function.
/// On a trap the instance stays in the store (segments applied before the
/// trapping one remain visible, as the spec requires).
pub fn instantiate(
    store: &mut Store,
    module: &Arc<Module>,
    code: Arc<dyn CompiledModule>,
    imports: &[ExternVal],
) -> Result<InstanceAddr, InstantiationError> {
    let max_instances = store.config().max_instances;
    if store.instance_count() >= max_instances {
        return Err(InstantiationError::Limit(format!(
            "the store allows at most {max_instances} instances"
        )));
    }
    let sigs = store.intern_module_types(&module.types);
    check_imports(store, module, &sigs, imports)?;

    let instance = store.next_instance();
    let mut funcs = Vec::with_capacity(module.funcs.len());
    let mut tables = Vec::with_capacity(module.tables.len());
    let mut memories = Vec::with_capacity(module.memories.len());
    let mut globals = Vec::with_capacity(module.globals.len());
    let mut tags = Vec::with_capacity(module.tags.len());
    for import in imports {
        match *import {
            ExternVal::Func(f) => funcs.push(f),
            ExternVal::Table(t) => tables.push(t),
            ExternVal::Memory(m) => memories.push(m),
            ExternVal::Global(g) => globals.push(g),
            ExternVal::Tag(t) => tags.push(t),
        }
    }
    for ty in &module.tags[module.num_imported_tags as usize..] {
        tags.push(store.push_tag(TagEntity {
            sig: sigs[ty.index()],
        }));
    }
    for i in module.num_imported_funcs as usize..module.funcs.len() {
        let sig = sigs[module.funcs[i].index()];
        funcs.push(store.push_func(FuncEntity {
            sig,
            kind: FuncKind::Wasm {
                instance,
                index: strata_ir::FuncIdx(i as u32),
            },
        }));
    }
    for (i, init) in module.global_inits.iter().enumerate() {
        let ty = module.globals[module.num_imported_globals as usize + i];
        let value = const_eval::eval_wide(
            init,
            &ConstEnv {
                funcs: &funcs,
                globals: &globals,
                store: &*store,
            },
        );
        globals.push(store.push_global(GlobalEntity {
            ty: strata_ir::GlobalType {
                ty: canonical_val_type(ty.ty, &sigs),
                mutable: ty.mutable,
            },
            value,
        }));
    }
    for (i, init) in module.table_inits.iter().enumerate() {
        let index = module.num_imported_tables as usize + i;
        let mut ty = module.tables[index];
        ty.elem = match canonical_val_type(ValType::Ref(ty.elem), &sigs) {
            ValType::Ref(r) => r,
            _ => ty.elem,
        };
        let max_tables = store.config().max_tables;
        if store.table_count() >= max_tables {
            return Err(InstantiationError::Limit(format!(
                "the store allows at most {max_tables} tables"
            )));
        }
        let init = init.as_ref().map_or(crate::value::NULL_REF, |e| {
            const_eval::eval(
                e,
                &ConstEnv {
                    funcs: &funcs,
                    globals: &globals,
                    store: &*store,
                },
            )
        });
        let table =
            TableEntity::new(ty, init, store.config().max_table_elements).map_err(|source| {
                InstantiationError::Table {
                    index: index as u32,
                    source,
                }
            })?;
        tables.push(store.push_table(table));
    }
    for index in module.num_imported_memories as usize..module.memories.len() {
        let max_memories = store.config().max_memories;
        if store.memory_count() >= max_memories {
            return Err(InstantiationError::Limit(format!(
                "the store allows at most {max_memories} memories"
            )));
        }
        let mem = MemoryInstance::new(module.memories[index], &store.config().memory).map_err(
            |source| InstantiationError::Memory {
                index: index as u32,
                source,
            },
        )?;
        let addr = store
            .push_memory(mem)
            .map_err(|e| InstantiationError::Limit(format!("memory {index}: {e}")))?;
        memories.push(addr);
    }
    let mut elems = Vec::with_capacity(module.elems.len());
    for seg in &module.elems {
        let env = ConstEnv {
            funcs: &funcs,
            globals: &globals,
            store: &*store,
        };
        let items = seg
            .items
            .iter()
            .map(|e| const_eval::eval(e, &env))
            .collect();
        elems.push(store.push_elem(ElemEntity { items }));
    }
    let mut datas = Vec::with_capacity(module.datas.len());
    for i in 0..module.datas.len() {
        datas.push(store.push_data(DataEntity::new(module.clone(), i)));
    }

    store.push_instance(InstanceEntity {
        module: module.clone(),
        code,
        sigs,
        funcs,
        tables,
        memories,
        globals,
        elems,
        datas,
        tags,
    });
    initialize_segments(store, instance)?;
    if let Some(start) = module.start {
        let addr = store.instance(instance).funcs[start.index()];
        store.invoke(addr, &[])?;
    }
    Ok(instance)
}

/// Apply active element and data segments in order, then drop them (and the
/// declared ones).
fn initialize_segments(
    store: &mut Store,
    instance: InstanceAddr,
) -> Result<(), InstantiationError> {
    let inst = store.instance(instance);
    let module = inst.module.clone();
    for (i, seg) in module.elems.iter().enumerate() {
        let inst = store.instance(instance);
        let elem_addr = inst.elems[i];
        match &seg.mode {
            ElemMode::Active { table, offset } => {
                let env = ConstEnv {
                    funcs: &inst.funcs,
                    globals: &inst.globals,
                    store: &*store,
                };
                let offset = const_eval::eval(offset, &env);
                let table_addr = inst.tables[table.index()];
                let offset = index_operand(offset, module.tables[table.index()].index.is_64());
                let items = std::mem::take(&mut store.elem_mut(elem_addr).items);
                let n = items.len() as u64;
                store
                    .table_mut(table_addr)
                    .init(offset, &items, 0, n)
                    .map_err(strata_ir::Trap::new)?;
            }
            ElemMode::Declared => store.elem_mut(elem_addr).items.clear(),
            ElemMode::Passive => {}
        }
    }
    for (i, seg) in module.datas.iter().enumerate() {
        if let DataMode::Active { mem, offset } = &seg.mode {
            let inst = store.instance(instance);
            let env = ConstEnv {
                funcs: &inst.funcs,
                globals: &inst.globals,
                store: &*store,
            };
            let offset = const_eval::eval(offset, &env);
            let offset = index_operand(offset, module.memories[mem.index()].index.is_64());
            let mem_addr = inst.memories[mem.index()];
            let data_addr = inst.datas[i];
            let n = seg.bytes.len() as u64;
            store
                .memory_mut(mem_addr)
                .init(offset, &seg.bytes, 0, n)
                .map_err(strata_ir::Trap::new)?;
            store.data_mut(data_addr).drop_bytes();
        }
    }
    Ok(())
}

/// An address or index operand in u64 form: i32 operands are zero-extended.
fn index_operand(raw: u64, is_64: bool) -> u64 {
    if is_64 {
        raw
    } else {
        u64::from(raw as u32)
    }
}

fn limits_match(actual: Limits, expected: Limits) -> bool {
    actual.min >= expected.min
        && match expected.max {
            None => true,
            Some(em) => actual.max.is_some_and(|am| am <= em),
        }
}

fn describe_limits(l: Limits) -> String {
    match l.max {
        Some(max) => format!("{{min {}, max {max}}}", l.min),
        None => format!("{{min {}}}", l.min),
    }
}

fn check_imports(
    store: &Store,
    module: &Module,
    sigs: &[SigId],
    imports: &[ExternVal],
) -> Result<(), LinkError> {
    for (i, import) in module.imports.iter().enumerate() {
        let err = |error| LinkError {
            module: import.module.clone(),
            name: import.name.clone(),
            kind: import.ty.kind(),
            error,
        };
        let Some(given) = imports.get(i) else {
            return Err(err(LinkErrorKind::UnknownImport));
        };
        let mismatch = |expected: String, actual: String| {
            err(LinkErrorKind::IncompatibleImportType { expected, actual })
        };
        if given.kind() != import.ty.kind() {
            return Err(mismatch(
                import.ty.kind().to_string(),
                given.kind().to_string(),
            ));
        }
        match (&import.ty, *given) {
            (ImportType::Func(t), ExternVal::Func(f)) => {
                let expected = sigs[t.index()];
                let actual = store.func(f).sig;
                if expected != actual {
                    return Err(mismatch(
                        format!("{:?}", store.sigs().get(expected)),
                        format!("{:?}", store.sigs().get(actual)),
                    ));
                }
            }
            (ImportType::Table(t), ExternVal::Table(a)) => {
                let actual = store.table(a).current_type();
                let elem = canonical_val_type(ValType::Ref(t.elem), sigs);
                if actual.index != t.index
                    || ValType::Ref(actual.elem) != elem
                    || !limits_match(actual.limits, t.limits)
                {
                    return Err(mismatch(
                        format!(
                            "table {:?} {:?} {}",
                            t.index,
                            t.elem,
                            describe_limits(t.limits)
                        ),
                        format!(
                            "table {:?} {:?} {}",
                            actual.index,
                            actual.elem,
                            describe_limits(actual.limits)
                        ),
                    ));
                }
            }
            (ImportType::Memory(t), ExternVal::Memory(a)) => {
                let actual = store.memory(a).current_type();
                if actual.index != t.index
                    || actual.page_size_log2 != t.page_size_log2
                    || actual.shared != t.shared
                    || !limits_match(actual.limits, t.limits)
                {
                    return Err(mismatch(
                        format!("memory {:?} {}", t.index, describe_limits(t.limits)),
                        format!(
                            "memory {:?} {}",
                            actual.index,
                            describe_limits(actual.limits)
                        ),
                    ));
                }
            }
            (ImportType::Global(t), ExternVal::Global(a)) => {
                let actual = store.global(a).ty;
                let expected = canonical_val_type(t.ty, sigs);
                let ok = actual.mutable == t.mutable
                    && if t.mutable {
                        actual.ty == expected
                    } else {
                        val_subtype(actual.ty, expected)
                    };
                if !ok {
                    return Err(mismatch(format!("{t:?}"), format!("{actual:?}")));
                }
            }
            (ImportType::Tag(t), ExternVal::Tag(a)) => {
                let expected = sigs[t.index()];
                let actual = store.tag(a).sig;
                if expected != actual {
                    return Err(mismatch(
                        format!("tag {:?}", store.sigs().get(expected)),
                        format!("tag {:?}", store.sigs().get(actual)),
                    ));
                }
            }
            _ => {
                return Err(mismatch(
                    import.ty.kind().to_string(),
                    given.kind().to_string(),
                ))
            }
        }
    }
    if imports.len() > module.imports.len() {
        return Err(LinkError {
            module: String::new(),
            name: String::new(),
            kind: ExternKind::Func,
            error: LinkErrorKind::IncompatibleImportType {
                expected: format!("{} imports", module.imports.len()),
                actual: format!("{} values", imports.len()),
            },
        });
    }
    Ok(())
}
