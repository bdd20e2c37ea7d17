//! `--format json`: one JSON document, the evidence report contract of the design.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Map, Value};

use std::time::SystemTime;

use super::output::Output;
use super::{
    display_context_around, display_value, Outcome, Report, Reporter, Sink, Summary, SCHEMA,
};
use crate::config::Config;
use crate::evidence::counts::Counts;
use crate::evidence::mask::ShownDetails;
use crate::evidence::store::{Entry, FindingStore, Render};
use crate::evidence::tiers::{tier_counts, Categories};
use crate::evidence::{Confidence, FileRecord, Finding, Kind};
use crate::time::rfc3339_millis;

/// The JSON reporter.
pub struct Json;

/// The version of piiscan and the commit it was built from (`unknown` without git).
pub fn tool_json() -> Value {
    json!({
        "name": "piiscan",
        "version": env!("CARGO_PKG_VERSION"),
        "commit": env!("PIISCAN_COMMIT"),
    })
}

/// One entry of `files` (or of a container's `members`).
pub fn file_json(f: &FileRecord) -> Value {
    let mut m = Map::new();
    if let Some(mem) = &f.member {
        m.insert("member".into(), json!(mem));
    } else {
        m.insert("path".into(), json!(f.path));
        if let Some(h) = &f.path_hex {
            m.insert("path_hex".into(), json!(h));
        }
    }
    m.insert("size".into(), json!(f.size));
    m.insert("mtime".into(), json!(f.mtime));
    m.insert("sha256".into(), json!(f.sha256));
    m.insert("status".into(), json!(f.status));
    if let Some(r) = &f.reason {
        m.insert("reason".into(), json!(r));
    }
    m.insert("findings".into(), json!(f.findings));
    if let Some(c) = f.content {
        m.insert("content".into(), json!(c));
    }
    if let Some(e) = f.encoding {
        m.insert("encoding".into(), json!(e));
    }
    if f.changed_during_scan {
        m.insert("changed_during_scan".into(), json!(true));
    }
    if !f.counts.is_empty() {
        let mut counts = Map::new();
        for c in &f.counts {
            counts.insert(
                c.kind.name().into(),
                json!({"findings": c.findings, "distinct": c.distinct}),
            );
        }
        m.insert("counts".into(), Value::Object(counts));
    }
    if !f.members.is_empty() {
        let members: Vec<Value> = f.members.iter().map(file_json).collect();
        m.insert("members".into(), Value::Array(members));
    }
    Value::Object(m)
}

/// One entry of `findings`, masked unless `--reveal`, serialised straight from the finding
/// (building a `Value` per finding was most of the cost of a report with many findings).
#[derive(Serialize)]
pub struct FindingJson<'a> {
    /// `"finding"` in a JSON Lines stream, where every line names its record.
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<&'static str>,
    #[serde(rename = "type")]
    kind: Kind,
    value: String,
    fingerprint: String,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<&'a str>,
    offset: u64,
    length: u32,
    line: u64,
    #[serde(skip_serializing_if = "is_zero")]
    column: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<&'a str>,
    /// Where its record starts when that is not its line: an SQL tuple, a JSON object.
    #[serde(skip_serializing_if = "Option::is_none")]
    record_offset: Option<u64>,
    encoding: &'a str,
    confidence: Confidence,
    context: String,
    details: ShownDetails<'a>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl<'a> FindingJson<'a> {
    /// The entry of `f`, with the record name of a stream if given.
    pub fn new(cfg: &Config, f: &'a Finding, record: Option<&'static str>) -> FindingJson<'a> {
        let value = display_value(cfg, f);
        FindingJson {
            record,
            kind: f.kind,
            context: display_context_around(cfg, f, &value),
            value,
            fingerprint: cfg.key.fingerprint(f.kind, &f.value),
            path: &f.path,
            member: f.member.as_deref(),
            offset: f.offset,
            length: f.length,
            line: f.line,
            column: f.column,
            cell: f.cell.as_deref(),
            record_offset: f.record,
            encoding: f.encoding,
            confidence: f.confidence,
            details: ShownDetails::new(f.kind, &f.details, cfg.reveal),
        }
    }
}

/// The `scan` object: times, command line, roots, host, user, case, completeness and the
/// effective settings. `finished` and `complete` are left out of a stream's begin record.
pub fn scan_json(
    cfg: &Config,
    started: SystemTime,
    finished: Option<SystemTime>,
    complete: Option<bool>,
) -> Value {
    let mut scan = Map::new();
    scan.insert("started_at".into(), json!(rfc3339_millis(started)));
    if let Some(t) = finished {
        scan.insert("finished_at".into(), json!(rfc3339_millis(t)));
    }
    scan.insert("command_line".into(), json!(cfg.command_line));
    let roots: Vec<String> = cfg
        .roots
        .iter()
        .map(|r| r.to_string_lossy().into_owned())
        .collect();
    scan.insert("roots".into(), json!(roots));
    let cwd = std::env::current_dir()
        .ok()
        .map(|d| d.to_string_lossy().into_owned());
    scan.insert("working_directory".into(), json!(cwd));
    scan.insert("host".into(), json!(cfg.host.hostname));
    scan.insert(
        "user".into(),
        json!({"name": cfg.host.user, "uid": cfg.host.uid}),
    );
    if let Some(c) = &cfg.case {
        scan.insert(
            "case".into(),
            json!({"id": c.id, "examiner": c.examiner, "note": c.note}),
        );
    }
    if let Some(c) = complete {
        scan.insert("complete".into(), json!(c));
    }
    scan.insert("options".into(), options_json(cfg));
    Value::Object(scan)
}

/// The effective settings: what was looked for, how, and within which limits.
fn options_json(cfg: &Config) -> Value {
    let kinds: Vec<&str> = crate::evidence::Kind::all()
        .iter()
        .filter(|k| cfg.kinds.contains(**k))
        .map(|k| k.name())
        .collect();
    let mut options = json!({
        "types": kinds,
        "min_confidence": cfg.min_confidence,
        "revealed": cfg.reveal,
        "format": cfg.format.name(),
        "gitignore": cfg.walk.gitignore,
        "follow_symlinks": cfg.walk.follow,
        "fingerprint_key": if cfg.key.user_supplied { "user" } else { "random" },
        "threads": cfg.threads,
        "window_size": cfg.window,
        "parallel_threshold": cfg.parallel_threshold,
        "limits": {
            "max_archive_depth": cfg.limits.max_depth,
            "max_decompressed_size": cfg.limits.max_member_size,
            "max_total_size": cfg.limits.max_total_size,
            "max_ratio": cfg.limits.max_ratio,
            "max_members": cfg.limits.max_members,
        },
        "max_filesize": cfg.max_filesize,
        "include": cfg.include_globs,
        "exclude": cfg.exclude_globs,
        "extra_keywords": cfg.keywords.iter().map(|(k, w)| json!([k.name(), w])).collect::<Vec<_>>(),
        "config_file": cfg.config_file.as_ref().map(|c| json!({
            "path": c.path.to_string_lossy(),
            "sha256": c.sha256,
        })),
        "allowlist": {
            "paths": cfg.allowlist.path_globs,
            "fingerprints": cfg.allowlist.fingerprints.len(),
        },
        "baseline": cfg.baseline_path.as_ref().map(|p| json!({
            "path": p.to_string_lossy(),
            "entries": cfg.baseline.as_ref().map_or(0, |b| b.entries.len()),
        })),
        "fingerprint_key_id": cfg.key.user_supplied.then(|| cfg.key.id()),
        "shard": cfg.shard.map(|(k, n)| json!({"index": k, "count": n})),
    });
    // Custom rules, when there are any: what each looked for, and the files they came from.
    if let (Some(rules), Some(o)) = (&cfg.rules, options.as_object_mut()) {
        let rules: Vec<Value> = rules
            .specs()
            .map(|r| {
                json!({
                    "id": r.id,
                    "type": format!("custom.{}", r.id),
                    "description": r.description,
                    "regex": r.regex,
                    "validator": r.validator.name(),
                    "require_context": r.require_context,
                    "priority": if r.high_priority { "high" } else { "normal" },
                })
            })
            .collect();
        o.insert("custom_rules".into(), json!(rules));
        let files: Vec<Value> = cfg
            .rule_files
            .iter()
            .map(|c| json!({"path": c.path.to_string_lossy(), "sha256": c.sha256}))
            .collect();
        o.insert("rule_files".into(), json!(files));
    }
    if !cfg.finding_records {
        options["findings"] = json!("none");
    }
    options
}

/// The `counts` of the summary: for every kind, its findings, distinct values, repeats,
/// untrue values by reason and category; for every tier of the categories, its distinct
/// values and the threshold they reach, for the examiner's assessment; and the untrue
/// values by kind and reason with the first places met (values masked unless `reveal`).
pub fn counts_json(counts: &Counts, categories: &Categories, reveal: bool) -> Value {
    let mut by_type = Map::new();
    for c in &counts.by_kind {
        let untrue: Map<String, Value> = counts
            .untrue
            .iter()
            .filter(|u| u.kind == c.kind)
            .map(|u| (u.reason.to_string(), json!(u.count)))
            .collect();
        by_type.insert(
            c.kind.name().into(),
            json!({"findings": c.findings, "distinct": c.distinct, "repeats": c.repeats(),
                   "untrue": untrue, "category": categories.of(c.kind).name}),
        );
    }
    let untrue: Vec<Value> = counts
        .untrue
        .iter()
        .map(|u| {
            let sample: Vec<Value> = u
                .sample
                .iter()
                .map(|p| {
                    let value = if reveal {
                        p.value.clone()
                    } else {
                        crate::evidence::mask::mask_value(u.kind, &p.value)
                    };
                    let mut m = Map::new();
                    m.insert("path".into(), json!(p.path));
                    if let Some(member) = &p.member {
                        m.insert("member".into(), json!(member));
                    }
                    m.insert("line".into(), json!(p.line));
                    m.insert("offset".into(), json!(p.offset));
                    m.insert("value".into(), json!(value));
                    Value::Object(m)
                })
                .collect();
            json!({"type": u.kind.name(), "reason": u.reason, "count": u.count,
                   "sample": sample})
        })
        .collect();
    let tiers: Vec<Value> = tier_counts(counts, categories)
        .iter()
        .map(|t| {
            json!({"tier": t.tier, "categories": t.categories,
                   "types": t.kinds.iter().map(|k| k.name()).collect::<Vec<_>>(),
                   "distinct": t.distinct, "threshold_reached": t.reached()})
        })
        .collect();
    let r = &counts.records;
    json!({ "by_type": by_type,
            "records": {"total": r.total, "distinct": r.distinct, "with_id": r.with_id},
            "categories": tiers, "untrue": untrue, "note": TIERS_NOTE })
}

/// What the tiers of the counts are, and are not.
pub const TIERS_NOTE: &str = "threshold_reached: the multiple of the tier (1: 法释〔2017〕10号 \
     art. 5; 10: art. 6) that the distinct values of its types reach, for the examiner's \
     assessment; the categories of types are a setting ([counts.categories]), not a legal \
     conclusion";

/// The `summary` object of a scan's files, findings and counts, and of what was
/// suppressed.
pub fn summary_json(o: &Outcome, categories: &Categories, reveal: bool) -> Value {
    let (files, findings, sup) = (&o.files, &o.findings, &o.suppression);
    let s = Summary::of(files, findings);
    let mut counts = counts_json(&o.counts, categories, reveal);
    if let Some(k) = &o.keys {
        counts["keys"] = k.to_json();
    }
    let mut by_kind = Map::new();
    for (k, n) in &s.by_kind {
        by_kind.insert(k.name().into(), json!(n));
    }
    json!({
        "files": {"scanned": s.scanned, "skipped": s.skipped, "error": s.errors,
                  "total": files.len()},
        "bytes_scanned": s.bytes,
        "findings": by_kind,
        "findings_total": findings.len(),
        "suppressed": sup.counts,
        "suppressed_total": sup.counts.total(),
        "baseline_unused": sup.unused,
        "counts": counts,
    })
}

impl Report<'_> {
    /// The `scan` object of a finished (or interrupted) scan.
    pub fn scan_json(&self) -> Value {
        let o = self.outcome;
        scan_json(self.config, o.started, Some(o.finished), Some(o.complete))
    }

    /// The `summary` object.
    pub fn summary_json(&self) -> Value {
        summary_json(self.outcome, &self.config.categories, self.config.reveal)
    }
}

fn write_array<T>(
    out: &mut dyn Write,
    name: &str,
    items: &[T],
    last: bool,
    to_value: impl Fn(&T) -> Value,
) -> io::Result<()> {
    write!(out, "  \"{name}\": [")?;
    for (i, item) in items.iter().enumerate() {
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut *out, &to_value(item))?;
    }
    if !items.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(if last { b"]\n" } else { b"],\n" })
}

/// The renderer of a store that keeps findings as this report's records (see
/// [`FindingStore::rendering`]): each record starts with the separator `,\n    `, whose
/// comma [`write_findings`] leaves out before the first.
pub fn renderer(cfg: Arc<Config>) -> Render {
    Render {
        record: Box::new(move |f, out| record(&cfg, f, out)),
        between: b",",
    }
}

/// Appends the record of `f` in the findings array: the separator `,\n    ` (whose comma
/// is left out before the first record) and the entry.
fn record(cfg: &Config, f: &Finding, out: &mut Vec<u8>) {
    out.extend_from_slice(b",\n    ");
    serde_json::to_writer(&mut *out, &FindingJson::new(cfg, f, None)).expect("in memory");
}

/// Writes the findings array's records: those a rendering store kept, or those of the kept
/// findings.
fn write_findings(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    if !r.config.finding_records {
        return Ok(());
    }
    if r.outcome.findings.is_rendered() {
        r.outcome.findings.write_rendered(out)?;
    } else {
        write_kept(out, r)?;
    }
    Ok(())
}

/// Writes the opening of the document, up to the findings' records, and returns its
/// length. The findings come before `files` and `scan`, which are only known at the end,
/// so that a report can be written as the scan goes (see
/// [`crate::evidence::store::FindingStore::streaming`]).
pub fn begin(out: &mut dyn Write) -> io::Result<u64> {
    let head = format!(
        "{{\n  \"schema\": {},\n  \"tool\": {},\n  \"findings\": [",
        json!(SCHEMA),
        tool_json()
    );
    out.write_all(head.as_bytes())?;
    Ok(head.len() as u64)
}

/// The sink of a JSON report to a file: its opening is written before the scan, the
/// finding store streams the records into it as they come in report order, and the end
/// completes it; if the store gave up streaming (a run out of order), the report is
/// written anew, whole, when the scan is over.
pub struct Streaming {
    cfg: Arc<Config>,
}

impl Streaming {
    /// Begins the report in `out`; returns the sink and the store that streams into it.
    pub fn begin(cfg: &Arc<Config>, mut out: Output) -> io::Result<(Streaming, FindingStore)> {
        let written = begin(&mut out)?;
        let store = FindingStore::streaming(
            cfg.spill_after,
            renderer(cfg.clone()),
            Box::new(out),
            written,
        );
        Ok((Streaming { cfg: cfg.clone() }, store))
    }
}

impl Sink for Streaming {
    fn file(&mut self, _: Option<&Path>, _: &FileRecord, _: &[Finding]) -> io::Result<()> {
        Ok(())
    }

    fn end(self: Box<Self>, outcome: &mut Outcome) -> io::Result<String> {
        let cfg = &self.cfg;
        let stream = outcome.findings.take_stream()?;
        let report = Report {
            config: cfg,
            outcome,
        };
        match stream {
            Some(mut s) => {
                end(&report, &mut s)?;
                s.finish()
            }
            None => {
                let path = cfg.output.as_deref().expect("streams to a file");
                let mut out = Output::file(path, true)?;
                Json.write(&report, &mut out)?;
                out.finish()
            }
        }
    }
}

/// Writes the rest of the document after the findings' records.
pub fn end(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    if !r.outcome.findings.is_empty() && r.config.finding_records {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n")?;
    write_array(out, "files", &r.outcome.files, false, file_json)?;
    writeln!(out, "  \"scan\": {},", r.scan_json())?;
    writeln!(out, "  \"summary\": {}", r.summary_json())?;
    out.write_all(b"}\n")
}

/// Writes the records of kept findings. Batches are parsed (spilled findings) and rendered
/// in parallel (HMAC and masking per finding dominate the cost of a report with millions of
/// findings) on a thread of their own, while the batch before is written out in order, so
/// memory holds two batches of text at a time.
fn write_kept(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    use rayon::prelude::*;
    const BATCH: usize = 1 << 13;
    const CHUNK: usize = 1 << 9;
    let cfg = r.config;
    let render = |batch: Vec<Entry>| -> io::Result<Vec<Vec<u8>>> {
        let mut chunks: Vec<Vec<Entry>> = Vec::new();
        let mut batch = batch.into_iter();
        loop {
            let chunk: Vec<Entry> = batch.by_ref().take(CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            chunks.push(chunk);
        }
        chunks
            .into_par_iter()
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 512);
                for e in chunk {
                    let f = e.finding()?;
                    record(cfg, &f, &mut buf);
                }
                Ok(buf)
            })
            .collect()
    };
    let mut entries = r.outcome.findings.entries();
    let mut pending: Vec<Vec<u8>> = Vec::new();
    // The comma before the first record is left out.
    let mut skip = 1;
    let mut write = |texts: Vec<Vec<u8>>, out: &mut dyn Write| -> io::Result<()> {
        for t in texts {
            let from = skip.min(t.len());
            out.write_all(&t[from..])?;
            skip -= from;
        }
        Ok(())
    };
    std::thread::scope(|s| -> io::Result<()> {
        loop {
            let batch = entries
                .by_ref()
                .take(BATCH)
                .collect::<io::Result<Vec<_>>>()?;
            if batch.is_empty() {
                break;
            }
            let rendering = s.spawn(move || render(batch));
            write(std::mem::take(&mut pending), out)?;
            pending = rendering.join().expect("rendering does not panic")?;
        }
        Ok(())
    })?;
    write(pending, out)
}

impl Reporter for Json {
    /// Streams the document: one line per file and per finding, so a report of millions of
    /// findings never exists as one value in memory.
    fn write(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        begin(out)?;
        write_findings(out, r)?;
        end(r, out)
    }
}
