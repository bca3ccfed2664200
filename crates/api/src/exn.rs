//! Exceptions for the embedder: making one ([`ExnRef::new`]), reading its
//! tag and payload, and throwing one from a host function
//! ([`Tag::throw`], [`ExnRef::to_trap`]) so that wasm can catch it.
//!
//! A host function throws by returning the [`Trap`] these give; a trap of
//! a nested call that carries an exception passes through `?` unchanged,
//! so a host function propagates a wasm exception just by returning the
//! error. Lifetimes follow `strata_runtime::exceptions`: an exception the
//! embedder holds an [`ExnRef`] to lives as long as the store; one thrown
//! with [`Tag::throw`] is freed once a handler takes its payload.

use strata_ir::{Trap, TrapCode, ValType};
use strata_runtime::{value, ExnAddr, Store as RtStore};

use crate::errors::{Error, ErrorKind};
use crate::externals::Tag;
use crate::func::value_matches;
use crate::handle::Stored;
use crate::store::AsStore;
use crate::val::{ExnRef, Val};

/// A new exception of `tag` in `rt`, its payload checked against the tag.
fn new_exception(rt: &mut RtStore, tag: &Tag, payload: &[Val]) -> Result<ExnAddr, Error> {
    let id = rt.id();
    let addr = tag.0.get(rt, "Tag")?;
    let params: Box<[ValType]> = rt.sigs().get(rt.tag(addr).sig).params.clone();
    let mut raw = Vec::with_capacity(payload.len());
    for (i, v) in payload.iter().enumerate() {
        let v = v
            .to_rt(id)
            .map_err(|e| e.context(format_args!("payload value {i}")))?;
        match params.get(i) {
            Some(t) if value_matches(rt, &v, *t) => raw.push(value::to_raw(v)),
            _ => {
                return Err(Error::msg(
                    ErrorKind::Type,
                    format!(
                        "payload value {i} ({v}) does not match the tag's parameters {params:?}"
                    ),
                ))
            }
        }
    }
    if raw.len() != params.len() {
        return Err(Error::msg(
            ErrorKind::Type,
            format!(
                "the tag's payload has {} values, {} given",
                params.len(),
                raw.len()
            ),
        ));
    }
    rt.throw_exception(addr, raw).map_err(|code| match code {
        TrapCode::ExceptionLimit => Error::msg(
            ErrorKind::Resource,
            format!(
                "the store holds its limit of {} live exceptions",
                rt.config().max_live_exceptions
            ),
        ),
        code => Error::from(Trap::new(code)),
    })
}

impl ExnRef {
    /// A new exception of `tag` with `payload` (checked against the tag's
    /// parameters). It lives as long as the store.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] for a tag or reference of another store,
    /// [`ErrorKind::Type`] for a payload that does not fit the tag,
    /// [`ErrorKind::Resource`] at the store's limit of live exceptions.
    pub fn new(store: &mut impl AsStore, tag: &Tag, payload: &[Val]) -> Result<ExnRef, Error> {
        let rt = store.rt_mut();
        let exn = new_exception(rt, tag, payload)?;
        rt.pin_exception(exn);
        Ok(ExnRef(Stored::new(rt.id(), exn)))
    }

    /// The exception's tag.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] for a reference of another store.
    pub fn tag(&self, store: &impl AsStore) -> Result<Tag, Error> {
        let rt = store.rt();
        let exn = self.0.get(rt, "ExnRef")?;
        let e = live(rt, exn)?;
        Ok(Tag(Stored::new(rt.id(), e.tag)))
    }

    /// The exception's payload, typed by its tag.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] for a reference of another store.
    pub fn payload(&self, store: &impl AsStore) -> Result<Vec<Val>, Error> {
        let rt = store.rt();
        let exn = self.0.get(rt, "ExnRef")?;
        let e = live(rt, exn)?;
        let params = &rt.sigs().get(rt.tag(e.tag).sig).params;
        Ok(params
            .iter()
            .zip(&e.payload)
            .map(|(t, raw)| Val::from_rt(value::from_raw(*raw, *t), rt))
            .collect())
    }

    /// The trap that throws this exception: return it from a host function
    /// and the calling wasm code can catch it.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] for a reference of another store.
    pub fn to_trap(&self, store: &impl AsStore) -> Result<Trap, Error> {
        let exn = self.0.get(store.rt(), "ExnRef")?;
        Ok(Trap::exception(exn))
    }
}

/// The live exception at `exn` (an embedder's reference is pinned, so it
/// is live unless the store was misused).
fn live(rt: &RtStore, exn: ExnAddr) -> Result<&strata_runtime::ExceptionEntity, Error> {
    rt.exception(exn).ok_or_else(|| {
        Error::msg(
            ErrorKind::Type,
            "the exception reference names no live exception",
        )
    })
}

impl Tag {
    /// Throw a new exception of this tag with `payload` from a host
    /// function: return the trap (`Err(tag.throw(&mut caller, &[..])?)`).
    /// Unlike [`ExnRef::new`], nothing holds on to the exception, so it is
    /// freed once a handler takes its payload.
    ///
    /// # Errors
    /// As [`ExnRef::new`].
    pub fn throw(&self, store: &mut impl AsStore, payload: &[Val]) -> Result<Trap, Error> {
        let exn = new_exception(store.rt_mut(), self, payload)?;
        Ok(Trap::exception(exn))
    }
}
