//! The AOT tier does not trust a hand-built IR for memory safety: a
//! memory32 access with an offset validation would refuse is refused or
//! traps, and never wraps around (the conformance kit's check).

#[test]
fn memory32_offsets_past_validation_trap() {
    assert_eq!(
        strata_conformance::check_untrusted_memory_offsets(&strata_aot::Aot::default()),
        Ok(())
    );
}
