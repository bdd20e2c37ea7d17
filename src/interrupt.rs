//! SIGINT and SIGTERM: the first asks the scan to stop and write what it has done; the
//! second ends the process at once.
//!
//! The handlers (from `signal-hook`) only store into atomics, which is all a signal
//! handler may safely do: [`Interrupt::stop`] is the flag [`crate::scan::run`] checks (the
//! walker before every entry, the workers before every input, the collector while it
//! waits). The shutdown handler is registered before the flag handler, so a signal that
//! finds the flag already set (the second one) exits immediately with status 128 + the
//! signal's number, without waiting for anything.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// The stop flag and the signal that set it.
#[derive(Clone, Debug, Default)]
pub struct Interrupt {
    /// Set by the first SIGINT or SIGTERM.
    pub stop: Arc<AtomicBool>,
    signal: Arc<AtomicUsize>,
}

impl Interrupt {
    /// Installs the handlers (on Unix; elsewhere the flag is never set by a signal).
    pub fn install() -> io::Result<Interrupt> {
        let it = Interrupt::default();
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGINT, SIGTERM};
            use signal_hook::flag;
            for sig in [SIGINT, SIGTERM] {
                flag::register_conditional_shutdown(sig, 128 + sig, Arc::clone(&it.stop))?;
                flag::register_usize(sig, Arc::clone(&it.signal), sig as usize)?;
                flag::register(sig, Arc::clone(&it.stop))?;
            }
        }
        Ok(it)
    }

    /// The number of the signal that interrupted the scan, if one did.
    pub fn signal(&self) -> Option<i32> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            n => Some(n as i32),
        }
    }

    /// The conventional exit status after a signal: 128 + its number (130 for SIGINT,
    /// 143 for SIGTERM).
    pub fn exit_code(&self) -> Option<u8> {
        self.signal().map(|s| (128 + s).clamp(0, 255) as u8)
    }
}
