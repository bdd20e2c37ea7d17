//! The progress line on stderr (only when stderr is a terminal): files, bytes and findings
//! so far.

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress line on stderr, only when stderr is a terminal.
pub(super) struct Progress {
    bar: Option<ProgressBar>,
    files: AtomicU64,
    bytes: AtomicU64,
    findings: AtomicU64,
}

impl Progress {
    pub(super) fn new(quiet: bool) -> Progress {
        let bar = (!quiet && io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(200));
            b
        });
        Progress {
            bar,
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            findings: AtomicU64::new(0),
        }
    }

    /// Bytes read so far in an input still being scanned.
    pub(super) fn bytes_read(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
        self.draw();
    }

    /// An input is done; its bytes were already counted by `bytes_read`.
    pub(super) fn file(&self, findings: usize) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.found(findings);
    }

    /// Findings of an input still being read.
    pub(super) fn found(&self, findings: usize) {
        self.findings.fetch_add(findings as u64, Ordering::Relaxed);
        self.draw();
    }

    pub(super) fn draw(&self) {
        if let Some(b) = &self.bar {
            let bytes = self.bytes.load(Ordering::Relaxed);
            let secs = b.elapsed().as_secs_f64().max(0.001);
            b.set_message(format!(
                "files {} · {} · findings {} · {}/s",
                self.files.load(Ordering::Relaxed),
                HumanBytes(bytes),
                self.findings.load(Ordering::Relaxed),
                HumanBytes((bytes as f64 / secs) as u64)
            ));
        }
    }

    pub(super) fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }

    /// Runs `f` with the bar hidden, so a message on stderr does not mix with it.
    pub(super) fn suspend(&self, f: impl FnOnce()) {
        match &self.bar {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }
}
