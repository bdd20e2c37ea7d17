//! `--format json`: one JSON document, the evidence report contract of the design.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use std::time::SystemTime;

use super::{display_context, display_value, Report, Reporter, Summary, SCHEMA};
use crate::config::Config;
use crate::evidence::store::FindingStore;
use crate::evidence::{FileRecord, Finding};
use crate::suppress::Suppression;
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
    if !f.members.is_empty() {
        let members: Vec<Value> = f.members.iter().map(file_json).collect();
        m.insert("members".into(), Value::Array(members));
    }
    Value::Object(m)
}

/// One entry of `findings`, masked unless `--reveal`.
pub fn finding_json(cfg: &Config, f: &Finding) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!(f.kind));
    m.insert("value".into(), json!(display_value(cfg, f)));
    m.insert(
        "fingerprint".into(),
        json!(cfg.key.fingerprint(f.kind, &f.value)),
    );
    m.insert("path".into(), json!(f.path));
    if let Some(mem) = &f.member {
        m.insert("member".into(), json!(mem));
    }
    m.insert("offset".into(), json!(f.offset));
    m.insert("length".into(), json!(f.length));
    m.insert("line".into(), json!(f.line));
    if f.column > 0 {
        m.insert("column".into(), json!(f.column));
    }
    if let Some(c) = &f.cell {
        m.insert("cell".into(), json!(c));
    }
    m.insert("encoding".into(), json!(f.encoding));
    m.insert("confidence".into(), json!(f.confidence));
    m.insert("context".into(), json!(display_context(cfg, f)));
    m.insert("details".into(), Value::Object(f.details.clone()));
    Value::Object(m)
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
    let kinds: Vec<&str> = crate::evidence::Kind::ALL
        .iter()
        .filter(|k| cfg.kinds.contains(**k))
        .map(|k| k.name())
        .collect();
    json!({
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
    })
}

/// The `summary` object of a scan's files and findings, and of what was suppressed.
pub fn summary_json(files: &[FileRecord], findings: &FindingStore, sup: &Suppression) -> Value {
    let s = Summary::of(files, findings);
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
        summary_json(
            &self.outcome.files,
            &self.outcome.findings,
            &self.outcome.suppression,
        )
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

/// Writes the findings array, serialising batches in parallel (HMAC and masking per
/// finding dominate the cost of a report with millions of findings) and writing them in
/// order, so memory holds one batch of text at a time.
fn write_findings(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    use rayon::prelude::*;
    const BATCH: usize = 1 << 13;
    const CHUNK: usize = 1 << 10;
    let all = &r.outcome.findings;
    out.write_all(b"  \"findings\": [")?;
    let mut findings = all.iter();
    for b in 0.. {
        let batch = findings
            .by_ref()
            .take(BATCH)
            .collect::<io::Result<Vec<_>>>()?;
        if batch.is_empty() {
            break;
        }
        let texts: Vec<Vec<u8>> = batch
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut buf = Vec::with_capacity(chunk.len() * 400);
                for (i, f) in chunk.iter().enumerate() {
                    let first = b == 0 && c == 0 && i == 0;
                    buf.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                    serde_json::to_writer(&mut buf, &finding_json(r.config, f)).expect("in memory");
                }
                buf
            })
            .collect();
        for t in texts {
            out.write_all(&t)?;
        }
    }
    if !all.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n")
}

impl Reporter for Json {
    /// Streams the document: one line per file and per finding, so a report of millions of
    /// findings never exists as one value in memory.
    fn write(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{\n")?;
        writeln!(out, "  \"schema\": {},", json!(SCHEMA))?;
        writeln!(out, "  \"tool\": {},", tool_json())?;
        writeln!(out, "  \"scan\": {},", r.scan_json())?;
        write_array(out, "files", &r.outcome.files, false, file_json)?;
        write_findings(out, r)?;
        writeln!(out, "  \"summary\": {}", r.summary_json())?;
        out.write_all(b"}\n")
    }
}
