//! `--fuel` and `--timeout`: the bounds `strata run` puts on a guest, through
//! the API's fuel metering and interrupt handle, and the message that says
//! which bound ended it.

use std::time::Duration;

use strata_api::{Error, Store, TrapCode, Watchdog};

/// Parse a duration: a number followed by `ms`, `s`, `m` or `h` (a bare
/// number is seconds), e.g. `500ms`, `2.5s`, `1m`.
///
/// # Errors
/// A message naming what was expected.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit {
        "ms" => 1e-3,
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => {
            return Err(format!(
                "unknown unit `{unit}` in `{text}` (expected ms, s, m or h)"
            ))
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 500ms, 2s, 1m)"))?;
    Duration::try_from_secs_f64(value * scale).map_err(|e| format!("`{text}`: {e}"))
}

/// The bounds of one guest run.
#[derive(Debug, Clone, Copy, Default)]
pub struct GuestLimits {
    /// Units of fuel (one per loop iteration and call), if metered.
    pub fuel: Option<u64>,
    /// Wall-clock time the guest may run, if bounded.
    pub timeout: Option<Duration>,
}

impl GuestLimits {
    /// Give `store` its fuel, and start the watchdog of the timeout.
    pub fn apply<T: Send + 'static>(&self, store: &mut Store<T>) -> Option<Watchdog> {
        if let Some(fuel) = self.fuel {
            store.set_fuel(fuel);
        }
        self.timeout
            .map(|timeout| Watchdog::start(store.interrupt_handle(), timeout))
    }

    /// Which bound ended the guest, if `err` is the trap of one.
    pub fn explain(&self, err: &Error) -> Option<String> {
        match err.trap().map(|t| t.code()) {
            Some(TrapCode::OutOfFuel) => self
                .fuel
                .map(|n| format!("the guest used up its fuel (--fuel {n})")),
            Some(TrapCode::Interrupted) => self
                .timeout
                .map(|d| format!("the guest ran past its time limit (--timeout {d:?})")),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("ms").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}
