//! Report: turns a scan outcome into the requested format, masking on the way out.
//!
//! [`Report`] gathers the outcome with the custody data (tool version and build commit,
//! command line, host and user, times, case metadata, settings). Every format goes
//! through [`display_value`] and [`display_context`], so masking happens in one place for
//! all of them. [`output`] writes report files atomically with a digest beside them;
//! [`manifest`] writes the `sha256sum` manifest of the inputs.
//!
//! Formats: [`json`] (the contract), [`jsonl`] (a stream written as the scan goes),
//! [`text`] (for people), [`evidence_list`] (a CSV list of evidence files), [`csv`] (one
//! finding a row), [`sarif`] (SARIF 2.1.0 for code-scanning tools), [`html`] (one
//! self-contained page for people).

pub mod csv;
pub mod evidence_list;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod keys;
pub mod manifest;
pub mod output;
pub mod sarif;
pub mod sink;
pub mod text;
pub mod write;

use std::io::{self, Write};

use crate::config::Config;
use crate::evidence::mask::{mask_context, mask_value, reveal_context};
use crate::evidence::store::FindingStore;
use crate::evidence::{FileRecord, Finding, Kind, Status};
pub use sink::{NoSink, Outcome, Sink};

/// The report schema identifier.
pub const SCHEMA: &str = "piiscan.report/1";

/// A finished scan, ready to be written in any format.
pub struct Report<'a> {
    /// The configuration the scan ran with.
    pub config: &'a Config,
    /// What the scan found.
    pub outcome: &'a Outcome,
}

/// Counts for the summary.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Files scanned.
    pub scanned: u64,
    /// Files skipped.
    pub skipped: u64,
    /// Files that could not be read.
    pub errors: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Findings per kind, in [`Kind::all`] order.
    pub by_kind: Vec<(Kind, u64)>,
}

/// The value as it may be shown: masked unless `--reveal`.
pub fn display_value(config: &Config, f: &Finding) -> String {
    if config.reveal {
        f.value.clone()
    } else {
        mask_value(f.kind, &f.value)
    }
}

/// The context snippet as it may be shown: masked unless `--reveal`.
pub fn display_context(config: &Config, f: &Finding) -> String {
    display_context_around(config, f, &display_value(config, f))
}

/// [`display_context`] for a finding whose value is shown as `shown` (from
/// [`display_value`]), so the value is not masked twice.
pub fn display_context_around(config: &Config, f: &Finding, shown: &str) -> String {
    if config.reveal {
        reveal_context(&f.context)
    } else {
        mask_context(&f.context, shown)
    }
}

impl Summary {
    /// Counts files by status, bytes scanned and findings by kind.
    pub fn of(files: &[FileRecord], findings: &FindingStore) -> Summary {
        let mut s = Summary::default();
        for f in files {
            match f.status {
                Status::Scanned => {
                    s.scanned += 1;
                    s.bytes += f.size.unwrap_or(0);
                }
                Status::Skipped => s.skipped += 1,
                Status::Error => s.errors += 1,
            }
        }
        s.by_kind = Kind::all()
            .iter()
            .map(|k| (*k, findings.count(*k)))
            .collect();
        s
    }
}

impl Report<'_> {
    /// The value as it may be shown: masked unless `--reveal`.
    pub fn display_value(&self, f: &Finding) -> String {
        display_value(self.config, f)
    }

    /// The context snippet as it may be shown.
    pub fn display_context(&self, f: &Finding) -> String {
        display_context(self.config, f)
    }

    /// Counts of files and findings.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.outcome.files, &self.outcome.findings)
    }
}

/// A report format.
pub trait Reporter {
    /// Writes the whole report.
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}
