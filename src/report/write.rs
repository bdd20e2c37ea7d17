//! Writing the report of a scan in the format asked for: the one place that chooses how.
//!
//! Every format is one [`Sink`] (begin, findings, file, end): JSON Lines writes as the scan
//! goes; a JSON report to a file is begun before the scan, streamed into by the finding
//! store while findings come in report order, and completed at the end
//! ([`json::Streaming`]); every other format is written whole from the outcome at the end
//! by its [`Reporter`].

use std::io;
use std::path::Path;
use std::sync::Arc;

use super::csv::Csv;
use super::evidence_list::EvidenceList;
use super::html::Html;
use super::json::{self, Json};
use super::jsonl::Jsonl;
use super::output::Output;
use super::sarif::Sarif;
use super::text::Text;
use super::{Outcome, Report, Reporter, Sink};
use crate::cli::Format;
use crate::config::Config;
use crate::evidence::store::FindingStore;
use crate::evidence::{FileRecord, Finding};

/// The reporter that writes a finished scan in `format`.
pub fn reporter(format: Format) -> &'static dyn Reporter {
    match format {
        Format::Json | Format::Jsonl => &Json,
        Format::Text => &Text,
        Format::EvidenceList => &EvidenceList,
        Format::Csv => &Csv,
        Format::Sarif => &Sarif,
        Format::Html => &Html,
    }
}

/// The sink of a format written whole from the finished outcome (all but JSON Lines and
/// a streamed JSON report).
struct Whole {
    cfg: Arc<Config>,
    out: Output,
}

impl Sink for Whole {
    fn file(&mut self, _: Option<&Path>, _: &FileRecord, _: &[Finding]) -> io::Result<()> {
        Ok(())
    }

    fn end(mut self: Box<Self>, outcome: &mut Outcome) -> io::Result<String> {
        let report = Report {
            config: &self.cfg,
            outcome,
        };
        reporter(self.cfg.format).write(&report, &mut self.out)?;
        self.out.finish()
    }
}

/// The sink of a scan's report in the configured format, writing to `out`, and the store
/// the scan keeps its findings in for it: a JSON report only needs each finding's record
/// (streamed into the report file as they come, when it is a file), a JSON Lines report
/// has written them as the scan went (counts are enough), and every other format, or a
/// baseline, needs the findings. An error when the report cannot even be begun.
pub fn sink<'a>(
    cfg: &'a Arc<Config>,
    out: Output,
) -> io::Result<(Box<dyn Sink + 'a>, FindingStore)> {
    let baseline = cfg.write_baseline.is_some();
    if !cfg.finding_records {
        // Counts only (`--findings none`): the store keeps none of the findings.
        let sink: Box<dyn Sink + 'a> = match cfg.format {
            Format::Jsonl => Box::new(Jsonl::new(cfg, out)),
            _ => Box::new(Whole {
                cfg: cfg.clone(),
                out,
            }),
        };
        return Ok((sink, FindingStore::counting()));
    }
    Ok(match cfg.format {
        Format::Jsonl if !baseline => (Box::new(Jsonl::new(cfg, out)), FindingStore::counting()),
        Format::Jsonl => (
            Box::new(Jsonl::new(cfg, out)),
            FindingStore::new(cfg.spill_after),
        ),
        Format::Json if !baseline && out.is_file() => {
            let (sink, store) = json::Streaming::begin(cfg, out)?;
            (Box::new(sink), store)
        }
        Format::Json if !baseline => (
            Box::new(Whole {
                cfg: cfg.clone(),
                out,
            }),
            FindingStore::rendering(cfg.spill_after, json::renderer(cfg.clone())),
        ),
        _ => (
            Box::new(Whole {
                cfg: cfg.clone(),
                out,
            }),
            FindingStore::new(cfg.spill_after),
        ),
    })
}

/// Runs a scan with `scan` (given the sink to feed and the store to keep findings in) and
/// writes its report to `out` as configured. Returns the outcome and whether the report
/// was written (its digest); an error before the scan started when the report could not
/// even be begun.
pub fn write_scan(
    cfg: &Arc<Config>,
    out: Output,
    scan: impl FnOnce(&mut dyn Sink, FindingStore) -> Outcome,
) -> io::Result<(Outcome, io::Result<String>)> {
    let (mut sink, findings) = sink(cfg, out)?;
    let mut outcome = scan(&mut *sink, findings);
    let mut written = sink.end(&mut outcome);
    if let (Ok(_), Some(keys), Some(report)) = (&written, &outcome.keys, &cfg.output) {
        if let Err(e) = super::output::add_to_digest(report, &keys.sha256, &keys.name) {
            written = Err(e);
        }
    }
    Ok((outcome, written))
}
