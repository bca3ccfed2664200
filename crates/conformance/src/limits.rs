//! [`DirectiveLimits`]: the fuel and wall-clock bounds a [`Runner`](crate::Runner)
//! puts on every directive, so that a guest that never ends fails its
//! directive instead of hanging the run.

use std::time::Duration;

/// Bounds on each directive (a module's instantiation, an invocation, an
/// assertion's action), each given afresh to every directive. None by
/// default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectiveLimits {
    /// Units of fuel (one per loop iteration and call) each directive may
    /// use; past them its guest traps with "all fuel consumed".
    pub fuel: Option<u64>,
    /// Wall-clock time each directive may take; past it its guest traps with
    /// "interrupted".
    pub timeout: Option<Duration>,
}

impl DirectiveLimits {
    /// `message` of a failed directive, with the bound that ended it named:
    /// `fuel_left` is the store's fuel after the directive, `timed_out`
    /// whether its watchdog fired.
    pub(crate) fn explain(
        &self,
        message: String,
        fuel_left: Option<u64>,
        timed_out: bool,
    ) -> String {
        if timed_out {
            if let Some(t) = self.timeout {
                return format!(
                    "{message} (the directive ran past its time limit, --timeout {t:?})"
                );
            }
        }
        match self.fuel {
            Some(n) if fuel_left == Some(0) => {
                format!("{message} (the directive used up its fuel, --fuel {n})")
            }
            _ => message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_bound_that_ended_the_directive() {
        let limits = DirectiveLimits {
            fuel: Some(10),
            timeout: Some(Duration::from_millis(5)),
        };
        assert_eq!(
            limits.explain("x".into(), Some(0), false),
            "x (the directive used up its fuel, --fuel 10)"
        );
        assert_eq!(
            limits.explain("x".into(), Some(3), true),
            "x (the directive ran past its time limit, --timeout 5ms)"
        );
        assert_eq!(limits.explain("x".into(), Some(3), false), "x");
        assert_eq!(
            DirectiveLimits::default().explain("x".into(), Some(0), true),
            "x"
        );
    }
}
