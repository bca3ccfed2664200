//! The process's resident-memory high-water mark, for the runners that
//! report what a test or a load cost (Linux `/proc/self`; elsewhere there is
//! no figure and a reset does nothing).

/// Reset the high-water mark to the current resident size.
pub fn reset_peak_rss() {
    // Writing 5 to clear_refs resets VmHWM to the current RSS.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The resident-memory high-water mark in KiB (`VmHWM`), if known.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_peak_covers_what_was_touched() {
        let Some(before) = super::peak_rss_kib() else {
            return; // not Linux
        };
        // Write one byte per page, and keep the optimizer from dropping the
        // buffer: every page of it becomes resident.
        let mut touched = vec![0u8; 32 << 20];
        for i in (0..touched.len()).step_by(4096) {
            touched[i] = 1;
        }
        std::hint::black_box(&mut touched);
        let after = super::peak_rss_kib().unwrap_or(0);
        assert!(
            after >= before.max(32 << 10),
            "{before} KiB, then {after} KiB"
        );
    }
}
