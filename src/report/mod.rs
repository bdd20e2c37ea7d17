//! Report: turns a scan outcome into the requested format, masking on the way out.
//!
//! [`Report`] gathers the outcome with the custody data (tool version, command line,
//! times, case metadata). Every format goes through [`Report::display_value`] and
//! [`Report::display_context`], so masking happens in one place for all of them.

pub mod json;
pub mod text;

use std::io::{self, Write};

use crate::config::Config;
use crate::evidence::mask::{mask_context, mask_value, reveal_context};
use crate::evidence::{Finding, Kind, Status};
use crate::scan::Outcome;

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
    /// Findings per kind, in [`Kind::ALL`] order.
    pub by_kind: Vec<(Kind, u64)>,
}

impl Report<'_> {
    /// The value as it may be shown: masked unless `--reveal`.
    pub fn display_value(&self, f: &Finding) -> String {
        if self.config.reveal {
            f.value.clone()
        } else {
            mask_value(f.kind, &f.value)
        }
    }

    /// The context snippet as it may be shown.
    pub fn display_context(&self, f: &Finding) -> String {
        if self.config.reveal {
            reveal_context(&f.context)
        } else {
            mask_context(&f.context, &mask_value(f.kind, &f.value))
        }
    }

    /// Counts of files and findings.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for f in &self.outcome.files {
            match f.status {
                Status::Scanned => {
                    s.scanned += 1;
                    s.bytes += f.size.unwrap_or(0);
                }
                Status::Skipped => s.skipped += 1,
                Status::Error => s.errors += 1,
            }
        }
        s.by_kind = Kind::ALL
            .iter()
            .map(|k| {
                let n = self
                    .outcome
                    .findings
                    .iter()
                    .filter(|f| f.kind == *k)
                    .count();
                (*k, n as u64)
            })
            .collect();
        s
    }
}

/// A report format.
pub trait Reporter {
    /// Writes the whole report.
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}
