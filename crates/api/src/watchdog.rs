//! [`Watchdog`]: a wall-clock bound on a guest, through the store's
//! [`InterruptHandle`].

use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use strata_runtime::InterruptHandle;

/// Interrupts a store's guest once a timeout has passed, unless dropped
/// first.
///
/// The guest then traps with "interrupted"
/// ([`TrapCode::Interrupted`](crate::TrapCode::Interrupted)) at its next
/// loop iteration or call. Dropping the watchdog stops its timer and
/// withdraws an interrupt it asked for that no guest took (one that fired
/// just as the guest returned), so the store's next call is not stopped by
/// it.
///
/// ```
/// # use std::time::Duration;
/// # use strata_api::{Engine, Store, Watchdog};
/// let engine = Engine::default();
/// let store = Store::new(&engine, ());
/// let watchdog = Watchdog::start(store.interrupt_handle(), Duration::from_secs(5));
/// // ... call into the guest ...
/// assert!(!watchdog.fired());
/// ```
#[derive(Debug)]
pub struct Watchdog {
    handle: InterruptHandle,
    cancel: Option<mpsc::Sender<()>>,
    timer: Option<JoinHandle<bool>>,
}

impl Watchdog {
    /// Start a timer that interrupts `handle`'s store after `timeout`.
    pub fn start(handle: InterruptHandle, timeout: Duration) -> Self {
        let (cancel, cancelled) = mpsc::channel::<()>();
        let target = handle.clone();
        let timer = thread::Builder::new()
            .name("strata watchdog".into())
            .spawn(move || {
                let fire = cancelled.recv_timeout(timeout) == Err(mpsc::RecvTimeoutError::Timeout);
                if fire {
                    target.interrupt();
                }
                fire
            });
        match timer {
            Ok(timer) => Self {
                handle,
                cancel: Some(cancel),
                timer: Some(timer),
            },
            // No thread for the timer: interrupt at once rather than leave
            // the guest unbounded.
            Err(_) => {
                handle.interrupt();
                Self {
                    handle,
                    cancel: None,
                    timer: None,
                }
            }
        }
    }

    /// Whether the timeout has passed (and the interrupt was asked for).
    pub fn fired(&self) -> bool {
        // Only `drop` cancels the timer, so a finished timer is one that fired.
        self.timer.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        // The timer may have fired already, and dropped its receiver.
        if let Some(cancel) = self.cancel.take() {
            let _ = cancel.send(());
        }
        if let Some(timer) = self.timer.take() {
            if timer.join().unwrap_or(true) {
                self.handle.cancel();
            }
        }
    }
}
