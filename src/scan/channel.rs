//! The channel from the workers to the collector, with back-pressure on findings.

use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex};

use crate::evidence::{FileRecord, Finding};

/// Findings sent to the collector and not yet taken: a fast scan of an input dense with
/// items waits for the collector rather than queueing findings without end.
#[derive(Default)]
pub(super) struct InFlight {
    count: Mutex<usize>,
    taken: std::sync::Condvar,
}

/// Findings that may wait for the collector at once (a message is let through alone
/// whatever its size).
const IN_FLIGHT: usize = 8 * 1024;

impl InFlight {
    /// Counts `n` findings sent, waiting while too many wait already.
    fn sent(&self, n: usize) {
        let mut c = self.count.lock().expect("not poisoned");
        while *c > 0 && *c + n > IN_FLIGHT {
            c = self.taken.wait(c).expect("not poisoned");
        }
        *c += n;
    }

    /// Counts `n` findings taken by the collector.
    pub(super) fn received(&self, n: usize) {
        let mut c = self.count.lock().expect("not poisoned");
        *c = c.saturating_sub(n);
        self.taken.notify_all();
    }
}

/// The workers' end of the channel to the collector, counting findings in flight.
#[derive(Clone)]
pub(super) struct Outbox {
    pub(super) tx: mpsc::Sender<Msg>,
    pub(super) in_flight: Arc<InFlight>,
}

impl Outbox {
    /// Sends a message (waiting while too many findings are in flight).
    pub(super) fn send(&self, msg: Msg) {
        let n = match &msg {
            Msg::Done(_, _, f) | Msg::Findings(_, f) => f.len(),
            _ => 0,
        };
        if n > 0 {
            self.in_flight.sent(n);
        }
        let _ = self.tx.send(msg);
    }
}

/// What the workers tell the collector.
pub(super) enum Msg {
    /// An input is about to be opened.
    Started(PathBuf),
    /// An input is done (`Some(path)` when it was announced by `Started`).
    Done(Option<PathBuf>, Box<FileRecord>, Vec<Finding>),
    /// A large input was queued for after the walk.
    Queued(PathBuf),
    /// Findings of an input still being read that are final (its path, not yet named).
    Findings(PathBuf, Vec<Finding>),
    /// The workers are done; false if they stopped early.
    End(bool),
}
