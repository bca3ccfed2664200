//! The JIT tier does not trust a hand-built IR for memory safety: a
//! memory32 access with an offset validation would refuse is refused or
//! traps, and never wraps around (the conformance kit's check), with and
//! without the Spectre mask.

#[test]
fn memory32_offsets_past_validation_trap() {
    assert_eq!(
        strata_conformance::check_untrusted_memory_offsets(&strata_jit::Jit::default()),
        Ok(())
    );
    let unhardened =
        strata_jit::Jit::new(strata_jit::JitConfig::default().spectre_hardening(false));
    assert_eq!(
        strata_conformance::check_untrusted_memory_offsets(&unhardened),
        Ok(())
    );
}
