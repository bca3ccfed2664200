//! The store's exception heap: the objects `throw` creates, how long they
//! live, and what they count against.
//!
//! Every tier allocates, reads and releases exceptions through
//! [`Store`](crate::Store) methods that land here, so one rule holds for
//! all of them:
//!
//! - **Counted.** At most `StoreConfig::max_live_exceptions` objects are
//!   alive at once; a `throw` past that traps with
//!   [`TrapCode::ExceptionLimit`]. Memory a guest can make the host spend on
//!   exceptions is bounded.
//! - **Freed when caught.** An exception that no `exnref` has ever named
//!   (it was caught by a plain `catch`/`catch_all`, never by `catch_ref`/
//!   `catch_all_ref`, and never handed to the embedder) is referenced by
//!   nothing but the unwinder, so it is freed the moment a handler takes its
//!   payload. A throw/catch loop therefore runs in constant memory.
//! - **Swept when unreachable.** An exception that was exposed as an
//!   `exnref` lives until a sweep finds it unreachable. A sweep runs when
//!   the store is entered from the embedder with no wasm frame live and the
//!   heap has doubled since the last sweep or holds half its limit
//!   ([`ExceptionHeap::wants_sweep`]); its roots are the globals, the
//!   tables, the payloads of reachable exceptions and every exception the
//!   embedder was handed ([`ExceptionHeap::pin`]: pinned ones live as long as
//!   the store).
//! - **Stale addresses are caught.** A freed slot is reused with its
//!   generation bumped ([`ExnAddr::generation`]), so an address that
//!   outlived its exception (a trap kept by a host across calls) names
//!   nothing rather than another exception.

use std::sync::atomic::{AtomicBool, Ordering};

use strata_ir::{ExnAddr, TrapCode};

use crate::addr::TagAddr;

/// A thrown exception: its tag and raw payload.
#[derive(Debug, Clone)]
pub struct ExceptionEntity {
    /// The tag.
    pub tag: TagAddr,
    /// Raw payload values.
    pub payload: Vec<u64>,
}

/// One slot of the heap.
#[derive(Debug)]
struct Slot {
    /// Bumped each time the slot is freed.
    generation: u32,
    /// The exception, `None` while the slot is free.
    entity: Option<ExceptionEntity>,
    /// Some `exnref` may name it: it is freed only by a sweep.
    exposed: bool,
    /// The embedder was handed it: it is never freed. Atomic so that a
    /// conversion through a shared borrow of the store can set it.
    pinned: AtomicBool,
}

/// Live exceptions below which a sweep is never worth it.
const SWEEP_FLOOR: usize = 1024;

/// The exception objects of one store.
#[derive(Debug, Default)]
pub struct ExceptionHeap {
    slots: Vec<Slot>,
    /// Free slot indices.
    free: Vec<u32>,
    /// Live objects.
    live: usize,
    /// Live objects after the last sweep: the next sweep waits until the
    /// heap has doubled past it.
    live_after_sweep: usize,
}

impl ExceptionHeap {
    /// Allocate an exception, unless `limit` objects are alive already.
    pub fn alloc(
        &mut self,
        tag: TagAddr,
        payload: Vec<u64>,
        limit: usize,
    ) -> Result<ExnAddr, TrapCode> {
        if self.live >= limit {
            return Err(TrapCode::ExceptionLimit);
        }
        let entity = Some(ExceptionEntity { tag, payload });
        let index = match self.free.pop() {
            Some(index) => {
                let slot = &mut self.slots[index as usize];
                slot.entity = entity;
                slot.exposed = false;
                slot.pinned = AtomicBool::new(false);
                index
            }
            None => {
                let index = u32::try_from(self.slots.len())
                    .ok()
                    .filter(|i| *i < u32::MAX)
                    .ok_or(TrapCode::ExceptionLimit)?;
                self.slots.push(Slot {
                    generation: 0,
                    entity,
                    exposed: false,
                    pinned: AtomicBool::new(false),
                });
                index
            }
        };
        self.live += 1;
        Ok(ExnAddr::new(index, self.slots[index as usize].generation))
    }

    /// The live exception at `exn`; `None` if it was freed (or never was).
    #[inline]
    pub fn get(&self, exn: ExnAddr) -> Option<&ExceptionEntity> {
        self.slot(exn)?.entity.as_ref()
    }

    fn slot(&self, exn: ExnAddr) -> Option<&Slot> {
        self.slots
            .get(exn.index())
            .filter(|s| s.generation == exn.generation() && s.entity.is_some())
    }

    /// A handler took `exn`: as a reference (`by_ref`, it may now be named by
    /// an `exnref`) or by its payload only. An exception no reference ever
    /// named is freed here.
    pub fn caught(&mut self, exn: ExnAddr, by_ref: bool) {
        let Some(slot) = self.slots.get_mut(exn.index()) else {
            return;
        };
        if slot.generation != exn.generation() || slot.entity.is_none() {
            return;
        }
        if by_ref {
            slot.exposed = true;
        } else if !slot.exposed && !*slot.pinned.get_mut() {
            self.release(exn.index());
        }
    }

    /// `exn` was handed to the embedder: it lives as long as the store.
    pub fn pin(&self, exn: ExnAddr) {
        if let Some(slot) = self.slot(exn) {
            slot.pinned.store(true, Ordering::Relaxed);
        }
    }

    /// Free slot `index` (which holds an exception).
    fn release(&mut self, index: usize) {
        let slot = &mut self.slots[index];
        slot.entity = None;
        slot.exposed = false;
        slot.generation = slot.generation.wrapping_add(1);
        self.live -= 1;
        // A slot whose generation wrapped could be confused with an address
        // of its first life: retire it instead of reusing it.
        if slot.generation != 0 {
            self.free.push(index as u32);
        }
    }

    /// Live exception objects.
    pub fn live(&self) -> usize {
        self.live
    }

    /// Whether enough exceptions accumulated since the last sweep to make
    /// one worth it: the heap doubled since then (and passed a floor), or it
    /// holds half of `limit`.
    pub fn wants_sweep(&self, limit: usize) -> bool {
        let grown = SWEEP_FLOOR.max(self.live_after_sweep.saturating_mul(2));
        self.live >= grown.min(limit / 2).max(1)
    }

    /// Free every exception not reachable from `roots`, the pinned ones, or
    /// the payload of a reachable one. `payload_refs(tag, payload)` lists the
    /// raw `exnref` values in a payload (which a tag's type tells). Must only
    /// run when no wasm frame is live: frames are not roots.
    pub fn sweep(
        &mut self,
        roots: impl IntoIterator<Item = ExnAddr>,
        payload_refs: impl Fn(&ExceptionEntity) -> Vec<ExnAddr>,
    ) {
        let mut marked = vec![false; self.slots.len()];
        let mut work: Vec<ExnAddr> = roots.into_iter().collect();
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if slot.entity.is_some() && *slot.pinned.get_mut() {
                work.push(ExnAddr::new(i as u32, slot.generation));
            }
        }
        while let Some(exn) = work.pop() {
            let Some(entity) = self.get(exn) else {
                continue;
            };
            if std::mem::replace(&mut marked[exn.index()], true) {
                continue;
            }
            work.extend(payload_refs(entity));
        }
        for (i, is_marked) in marked.into_iter().enumerate() {
            if !is_marked && self.slots[i].entity.is_some() {
                self.release(i);
            }
        }
        self.live_after_sweep = self.live;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAG: TagAddr = TagAddr(0);

    #[test]
    fn an_exception_caught_by_payload_is_freed_and_its_slot_reused() {
        let mut heap = ExceptionHeap::default();
        let a = heap.alloc(TAG, vec![1], 10).expect("room");
        assert_eq!(heap.get(a).map(|e| e.payload.clone()), Some(vec![1]));
        heap.caught(a, false);
        assert_eq!(heap.live(), 0);
        assert!(heap.get(a).is_none(), "freed");
        let b = heap.alloc(TAG, vec![2], 10).expect("room");
        assert_eq!(a.index(), b.index(), "the slot is reused");
        assert_ne!(a, b, "with a new generation");
        assert!(heap.get(a).is_none(), "the stale address names nothing");
        heap.caught(a, false);
        assert_eq!(heap.live(), 1, "a stale release frees nothing");
    }

    #[test]
    fn the_limit_counts_live_exceptions() {
        let mut heap = ExceptionHeap::default();
        let a = heap.alloc(TAG, vec![], 2).expect("room");
        let _b = heap.alloc(TAG, vec![], 2).expect("room");
        assert_eq!(heap.alloc(TAG, vec![], 2), Err(TrapCode::ExceptionLimit));
        heap.caught(a, false);
        assert!(heap.alloc(TAG, vec![], 2).is_ok());
    }

    #[test]
    fn exposed_and_pinned_exceptions_survive_a_catch_and_sweeps_free_the_unreachable() {
        let mut heap = ExceptionHeap::default();
        let exposed = heap.alloc(TAG, vec![], 10).expect("room");
        heap.caught(exposed, true);
        heap.caught(exposed, false);
        assert!(heap.get(exposed).is_some(), "an exnref may still name it");
        let pinned = heap.alloc(TAG, vec![], 10).expect("room");
        heap.pin(pinned);
        heap.caught(pinned, false);
        assert!(heap.get(pinned).is_some(), "the embedder holds it");
        let inner = heap.alloc(TAG, vec![], 10).expect("room");
        heap.caught(inner, true);
        let outer = heap.alloc(TAG, vec![inner.0 + 1], 10).expect("room");
        heap.caught(outer, true);
        let garbage = heap.alloc(TAG, vec![], 10).expect("room");
        heap.caught(garbage, true);
        heap.sweep([outer], |e| {
            e.payload.iter().map(|raw| ExnAddr(raw - 1)).collect()
        });
        assert!(heap.get(outer).is_some(), "a root");
        assert!(heap.get(inner).is_some(), "in a root's payload");
        assert!(heap.get(pinned).is_some(), "pinned");
        assert!(heap.get(exposed).is_none() && heap.get(garbage).is_none());
        assert_eq!(heap.live(), 3);
    }

    #[test]
    fn sweeps_wait_for_the_heap_to_grow() {
        let mut heap = ExceptionHeap::default();
        for _ in 0..=SWEEP_FLOOR {
            let e = heap.alloc(TAG, vec![], usize::MAX).expect("room");
            heap.caught(e, true);
        }
        assert!(heap.wants_sweep(usize::MAX));
        heap.sweep([], |_| Vec::new());
        assert_eq!(heap.live(), 0);
        assert!(!heap.wants_sweep(usize::MAX));
        for _ in 0..5 {
            let e = heap.alloc(TAG, vec![], 10).expect("room");
            heap.caught(e, true);
        }
        assert!(!heap.wants_sweep(usize::MAX), "below the floor");
        assert!(heap.wants_sweep(10), "at half the limit");
    }
}
