//! Driving the parser and the validator over a module, section by section,
//! and translating each section into the [`Module`].
//!
//! For every payload the section is first decoded and translated (decoding
//! errors are fatal and malformed), then handed to wasmparser's [`Validator`]
//! (its errors are fatal and invalid, see [`LoadError::from_validator`]).
//! Constructs Strata does not implement are recorded and reported only after
//! the whole module validated, so that validation errors take precedence.
//! Section item counts come from the input, so nothing is pre-allocated from
//! them.

use strata_ir::{
    DataMode, DataSegment, ElemMode, ElemSegment, Export, ExternKind, Features, FuncIdx, Import,
    ImportType, MemIdx, Module, RefType, TableIdx, TypeIdx,
};
use wasmparser::{
    self as wp, FuncValidatorAllocations, Parser, Payload, SectionLimited, ValidPayload, Validator,
};

use crate::const_expr;
use crate::error::LoadError;
use crate::translate_func::translate_body;
use crate::types::{global_type, memory_type, ref_type, sub_type, table_type};

/// The wasmparser features matching Strata's [`Features`], exactly.
pub(crate) fn wasm_features(f: Features) -> wp::WasmFeatures {
    use wp::WasmFeatures as W;
    // Floats and GC types are wasmparser-specific base switches: without
    // `GC_TYPES` not even `externref` validates. They do not enable the GC
    // proposal itself.
    let mut w = W::FLOATS | W::GC_TYPES;
    let flags = [
        (f.mutable_global, W::MUTABLE_GLOBAL),
        (f.sign_extension, W::SIGN_EXTENSION),
        (f.saturating_float_to_int, W::SATURATING_FLOAT_TO_INT),
        (f.multi_value, W::MULTI_VALUE),
        (f.reference_types, W::REFERENCE_TYPES),
        (f.bulk_memory, W::BULK_MEMORY),
        (f.multi_memory, W::MULTI_MEMORY),
        (f.memory64, W::MEMORY64),
        (f.extended_const, W::EXTENDED_CONST),
        (f.tail_call, W::TAIL_CALL),
        (f.function_references, W::FUNCTION_REFERENCES),
        (f.simd, W::SIMD),
        (f.simd && f.relaxed_simd, W::RELAXED_SIMD),
        (f.exceptions, W::EXCEPTIONS),
        (f.gc, W::GC),
    ];
    for (on, flag) in flags {
        w.set(flag, on);
    }
    w
}

/// Iterates a section's items, failing with a malformed error on a decoding
/// error (including trailing bytes).
fn items<'a, T: wp::FromReader<'a>>(
    section: &SectionLimited<'a, T>,
) -> impl Iterator<Item = Result<(u64, T), LoadError>> + use<'a, T> {
    section
        .clone()
        .into_iter_with_offsets()
        .map(|r| r.map_err(LoadError::malformed))
}

/// The state of one load.
pub(crate) struct Builder {
    module: Module,
    validator: Validator,
    /// The first unsupported construct, reported if the module validates.
    unsupported: Option<LoadError>,
    allocs: FuncValidatorAllocations,
}

impl Builder {
    /// Validates and translates a binary module.
    pub(crate) fn load(features: Features, bytes: &[u8]) -> Result<Module, LoadError> {
        let wf = wasm_features(features);
        let mut parser = Parser::new(0);
        parser.set_features(wf);
        let mut b = Builder {
            module: Module {
                features,
                byte_len: bytes.len(),
                ..Module::default()
            },
            validator: Validator::new_with_features(wf),
            unsupported: None,
            allocs: FuncValidatorAllocations::default(),
        };
        let mut ended = false;
        for payload in parser.parse_all(bytes) {
            let payload = payload.map_err(LoadError::malformed)?;
            ended |= matches!(payload, Payload::End(_));
            b.payload(payload)?;
        }
        if !ended {
            return Err(LoadError::new(
                crate::LoadErrorKind::Malformed("unexpected end".into()),
                bytes.len(),
            ));
        }
        match b.unsupported {
            Some(e) => Err(e),
            None => Ok(b.module),
        }
    }

    /// Records an unsupported construct; returns the value if there is one.
    fn keep<T>(&mut self, r: Result<T, LoadError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.unsupported.get_or_insert(e);
                None
            }
        }
    }

    fn payload(&mut self, payload: Payload<'_>) -> Result<(), LoadError> {
        // Decode and translate first: decoding errors are malformed.
        match &payload {
            Payload::TypeSection(s) => self.types(s)?,
            Payload::ImportSection(s) => self.imports(s)?,
            Payload::FunctionSection(s) => {
                for item in items(s) {
                    let (_, ty) = item?;
                    self.module.funcs.push(TypeIdx(ty));
                }
            }
            Payload::TableSection(s) => self.tables(s)?,
            Payload::MemorySection(s) => {
                for item in items(s) {
                    let (off, ty) = item?;
                    if let Some(m) = self.keep(memory_type(&ty, off)) {
                        self.module.memories.push(m);
                    }
                }
            }
            Payload::TagSection(s) => {
                for item in items(s) {
                    let (_, tag) = item?;
                    self.module.tags.push(TypeIdx(tag.func_type_idx));
                }
            }
            Payload::GlobalSection(s) => self.globals(s)?,
            Payload::ExportSection(s) => self.exports(s)?,
            Payload::StartSection { func, .. } => self.module.start = Some(FuncIdx(*func)),
            Payload::ElementSection(s) => self.elems(s)?,
            Payload::DataSection(s) => self.datas(s)?,
            Payload::CustomSection(c) => {
                if let wp::KnownCustom::Name(names) = c.as_known() {
                    self.names(names);
                }
            }
            _ => {}
        }
        match self
            .validator
            .payload(&payload)
            .map_err(LoadError::from_validator)?
        {
            ValidPayload::Func(to_validate, body) => {
                let mut fv = to_validate.into_validator(std::mem::take(&mut self.allocs));
                let translated = translate_body(&body, &mut fv);
                self.allocs = fv.into_allocations();
                if let Some(body) = self.keep(translated?) {
                    self.module.bodies.push(body);
                }
            }
            ValidPayload::Parser(_) => {
                // Only produced for components, which the validator rejects.
                return Err(LoadError::unsupported(
                    "nested modules and components",
                    payload.as_section().map_or(0, |(_, r)| r.start),
                ));
            }
            ValidPayload::Ok | ValidPayload::End(_) => {}
        }
        Ok(())
    }

    fn types(&mut self, s: &wp::TypeSectionReader<'_>) -> Result<(), LoadError> {
        for item in items(s) {
            let (_, group) = item?;
            for (off, st) in group.into_types_and_offsets() {
                match self.keep(sub_type(&st, off)) {
                    Some(ft) => self.module.types.push(ft),
                    // Keep the indices of later types right.
                    None => self.module.types.push(Default::default()),
                }
            }
        }
        Ok(())
    }

    fn imports(&mut self, s: &wp::ImportSectionReader<'_>) -> Result<(), LoadError> {
        for imports in items(s) {
            let (_, imports) = imports?;
            for import in imports {
                let (off, import) = import.map_err(LoadError::malformed)?;
                let ty = match import.ty {
                    wp::TypeRef::Func(t) => {
                        self.module.funcs.push(TypeIdx(t));
                        self.module.num_imported_funcs += 1;
                        ImportType::Func(TypeIdx(t))
                    }
                    wp::TypeRef::Table(t) => {
                        let Some(t) = self.keep(table_type(&t, off)) else {
                            continue;
                        };
                        self.module.tables.push(t);
                        self.module.num_imported_tables += 1;
                        ImportType::Table(t)
                    }
                    wp::TypeRef::Memory(m) => {
                        let Some(m) = self.keep(memory_type(&m, off)) else {
                            continue;
                        };
                        self.module.memories.push(m);
                        self.module.num_imported_memories += 1;
                        ImportType::Memory(m)
                    }
                    wp::TypeRef::Global(g) => {
                        let Some(g) = self.keep(global_type(&g, off)) else {
                            continue;
                        };
                        self.module.globals.push(g);
                        self.module.num_imported_globals += 1;
                        ImportType::Global(g)
                    }
                    wp::TypeRef::Tag(t) => {
                        let _ = off;
                        self.module.tags.push(TypeIdx(t.func_type_idx));
                        self.module.num_imported_tags += 1;
                        ImportType::Tag(TypeIdx(t.func_type_idx))
                    }
                    wp::TypeRef::FuncExact(_) => {
                        let e = LoadError::unsupported("exact function imports", off);
                        self.keep::<()>(Err(e));
                        continue;
                    }
                };
                self.module.imports.push(Import {
                    module: import.module.to_string(),
                    name: import.name.to_string(),
                    ty,
                });
            }
        }
        Ok(())
    }

    fn tables(&mut self, s: &wp::TableSectionReader<'_>) -> Result<(), LoadError> {
        for item in items(s) {
            let (off, table) = item?;
            let init = match &table.init {
                wp::TableInit::RefNull => Ok(None),
                wp::TableInit::Expr(e) => const_expr::translate(e)?.map(Some),
            };
            let ty = self.keep(table_type(&table.ty, off));
            if let (Some(ty), Some(init)) = (ty, self.keep(init)) {
                self.module.tables.push(ty);
                self.module.table_inits.push(init);
            }
        }
        Ok(())
    }

    fn globals(&mut self, s: &wp::GlobalSectionReader<'_>) -> Result<(), LoadError> {
        for item in items(s) {
            let (off, global) = item?;
            let init = const_expr::translate(&global.init_expr)?;
            let ty = self.keep(global_type(&global.ty, off));
            if let (Some(ty), Some(init)) = (ty, self.keep(init)) {
                self.module.globals.push(ty);
                self.module.global_inits.push(init);
            }
        }
        Ok(())
    }

    fn exports(&mut self, s: &wp::ExportSectionReader<'_>) -> Result<(), LoadError> {
        for item in items(s) {
            let (off, export) = item?;
            let kind = match export.kind {
                wp::ExternalKind::Func => ExternKind::Func,
                wp::ExternalKind::Table => ExternKind::Table,
                wp::ExternalKind::Memory => ExternKind::Memory,
                wp::ExternalKind::Global => ExternKind::Global,
                wp::ExternalKind::Tag => ExternKind::Tag,
                wp::ExternalKind::FuncExact => {
                    let e = LoadError::unsupported(format!("{:?} exports", export.kind), off);
                    self.keep::<()>(Err(e));
                    continue;
                }
            };
            self.module.exports.push(Export {
                name: export.name.to_string(),
                kind,
                index: export.index,
            });
        }
        Ok(())
    }

    fn elems(&mut self, s: &wp::ElementSectionReader<'_>) -> Result<(), LoadError> {
        for item in items(s) {
            let (off, elem) = item?;
            let mode = match &elem.kind {
                wp::ElementKind::Passive => Ok(ElemMode::Passive),
                wp::ElementKind::Declared => Ok(ElemMode::Declared),
                wp::ElementKind::Active {
                    table_index,
                    offset_expr,
                } => const_expr::translate(offset_expr)?.map(|offset| ElemMode::Active {
                    table: TableIdx(table_index.unwrap_or(0)),
                    offset,
                }),
            };
            let mut list = Vec::new();
            let ty = match &elem.items {
                wp::ElementItems::Functions(funcs) => {
                    for f in items(funcs) {
                        let (_, f) = f?;
                        list.push(Ok(strata_ir::ConstExpr {
                            ops: Box::new([strata_ir::ConstOp::RefFunc(FuncIdx(f))]),
                        }));
                    }
                    Ok(RefType::FUNCREF)
                }
                wp::ElementItems::Expressions(rt, exprs) => {
                    for e in items(exprs) {
                        let (_, e) = e?;
                        list.push(const_expr::translate(&e)?);
                    }
                    ref_type(*rt, off)
                }
            };
            let (Some(mode), Some(ty)) = (self.keep(mode), self.keep(ty)) else {
                continue;
            };
            let mut items_ok = Vec::with_capacity(list.len());
            for e in list {
                items_ok.extend(self.keep(e));
            }
            self.module.elems.push(ElemSegment {
                mode,
                ty,
                items: items_ok.into(),
            });
        }
        Ok(())
    }

    fn datas(&mut self, s: &wp::DataSectionReader<'_>) -> Result<(), LoadError> {
        for item in items(s) {
            let (_, data) = item?;
            let mode = match &data.kind {
                wp::DataKind::Passive => Ok(DataMode::Passive),
                wp::DataKind::Active {
                    memory_index,
                    offset_expr,
                } => const_expr::translate(offset_expr)?.map(|offset| DataMode::Active {
                    mem: MemIdx(*memory_index),
                    offset,
                }),
            };
            if let Some(mode) = self.keep(mode) {
                self.module.datas.push(DataSegment {
                    mode,
                    bytes: data.data.into(),
                });
            }
        }
        Ok(())
    }

    /// Reads function names from the `name` section. Any error in it is
    /// ignored: a custom section never makes loading fail.
    fn names(&mut self, names: wp::NameSectionReader<'_>) {
        for sub in names {
            let Ok(wp::Name::Function(map)) = sub else {
                continue;
            };
            for naming in map {
                let Ok(naming) = naming else { break };
                let idx = naming.index as usize;
                if idx >= self.module.funcs.len() {
                    continue;
                }
                if self.module.func_names.len() < self.module.funcs.len() {
                    self.module.func_names.resize(self.module.funcs.len(), None);
                }
                if let Some(slot) = self.module.func_names.get_mut(idx) {
                    slot.get_or_insert_with(|| naming.name.to_string());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::WasmFeatures as W;

    #[test]
    fn core_features_are_exact() {
        let w = wasm_features(Features::CORE);
        for on in [
            W::FLOATS,
            W::GC_TYPES,
            W::MUTABLE_GLOBAL,
            W::SIGN_EXTENSION,
            W::SATURATING_FLOAT_TO_INT,
            W::MULTI_VALUE,
            W::REFERENCE_TYPES,
            W::BULK_MEMORY,
            W::MULTI_MEMORY,
            W::MEMORY64,
            W::EXTENDED_CONST,
            W::TAIL_CALL,
            W::FUNCTION_REFERENCES,
            W::EXCEPTIONS,
            W::GC,
        ] {
            assert!(w.contains(on), "{on:?} missing");
        }
        for off in [
            W::THREADS,
            W::LEGACY_EXCEPTIONS,
            W::CUSTOM_PAGE_SIZES,
            W::WIDE_ARITHMETIC,
            W::COMPONENT_MODEL,
            W::COMPACT_IMPORTS,
            W::STACK_SWITCHING,
            W::SHARED_EVERYTHING_THREADS,
            W::MEMORY_CONTROL,
        ] {
            assert!(!w.intersects(off), "{off:?} enabled");
        }
        assert!(w.contains(W::SIMD | W::RELAXED_SIMD));
        let no_relaxed = wasm_features(Features {
            relaxed_simd: false,
            ..Features::CORE
        });
        assert!(no_relaxed.contains(W::SIMD) && !no_relaxed.contains(W::RELAXED_SIMD));
    }
}
