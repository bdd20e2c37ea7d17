//! Writing the report of a scan in the format asked for: the one place that chooses how.
//!
//! JSON Lines is a sink fed as the scan goes. A JSON report to a file is written as the
//! scan goes too, while findings come in report order (the finding store streams their
//! records into it; see `FindingStore::streaming`), and completed at the end. Every other
//! format, and a JSON report the stream gave up on, is written whole from the outcome.

use std::io;
use std::sync::Arc;

use super::csv::Csv;
use super::evidence_list::EvidenceList;
use super::html::Html;
use super::json::{self, Json};
use super::jsonl::Jsonl;
use super::output::Output;
use super::sarif::Sarif;
use super::text::Text;
use super::{NoSink, Outcome, Report, Reporter, Sink};
use crate::cli::Format;
use crate::config::Config;
use crate::evidence::store::{FindingStore, Stream};

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

/// A report file being streamed, and the bytes of its opening.
type Streamed = (Box<dyn Stream>, u64);

/// Where a scan keeps its findings for the report: a JSON report only writes each
/// finding's record (into the report file as they come, when given `stream`), and a JSON
/// Lines report has written them as the scan went; unless a baseline is written from the
/// findings, keep just that.
fn finding_store(cfg: &Arc<Config>, stream: Option<Streamed>) -> FindingStore {
    let render = || json::renderer(cfg.clone());
    match (cfg.format, cfg.write_baseline.is_some(), stream) {
        (Format::Json, false, Some((out, written))) => {
            FindingStore::streaming(cfg.spill_after, render(), out, written)
        }
        (Format::Json, false, None) => FindingStore::rendering(cfg.spill_after, render()),
        (Format::Jsonl, false, _) => FindingStore::counting(),
        _ => FindingStore::new(cfg.spill_after),
    }
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
    if cfg.format == Format::Jsonl {
        let mut stream = Jsonl::new(cfg, out);
        let outcome = scan(&mut stream, finding_store(cfg, None));
        let written = stream.finish(&outcome).and_then(Output::finish);
        return Ok((outcome, written));
    }
    let streams = cfg.format == Format::Json && cfg.write_baseline.is_none() && out.is_file();
    let (mut whole, stream) = if streams {
        let mut out = out;
        let n = json::begin(&mut out)?;
        (None, Some((Box::new(out) as Box<dyn Stream>, n)))
    } else {
        (Some(out), None)
    };
    let mut outcome = scan(&mut NoSink, finding_store(cfg, stream));
    let written = match outcome.findings.take_stream() {
        Ok(Some(mut s)) => {
            let report = Report {
                config: cfg,
                outcome: &outcome,
            };
            json::end(&report, &mut s).and_then(|_| s.finish())
        }
        Ok(None) => {
            // Not streamed, or given up: the report is written whole now.
            let out = match whole.take() {
                Some(o) => Ok(o),
                None => Output::file(cfg.output.as_deref().expect("streams to a file"), true),
            };
            out.and_then(|mut out| {
                let report = Report {
                    config: cfg,
                    outcome: &outcome,
                };
                reporter(cfg.format).write(&report, &mut out)?;
                out.finish()
            })
        }
        Err(e) => Err(e),
    };
    Ok((outcome, written))
}
