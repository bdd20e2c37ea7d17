//! `--format json`: one JSON document, the evidence report contract of the design.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::{Report, Reporter, SCHEMA};
use crate::evidence::{FileRecord, Finding};
use crate::time::rfc3339_millis;

/// The JSON reporter.
pub struct Json;

fn file_json(f: &FileRecord) -> Value {
    let mut m = Map::new();
    m.insert("path".into(), json!(f.path));
    if let Some(h) = &f.path_hex {
        m.insert("path_hex".into(), json!(h));
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
    if f.changed_during_scan {
        m.insert("changed_during_scan".into(), json!(true));
    }
    Value::Object(m)
}

fn finding_json(r: &Report, f: &Finding) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!(f.kind));
    m.insert("value".into(), json!(r.display_value(f)));
    m.insert(
        "fingerprint".into(),
        json!(r.config.key.fingerprint(f.kind, &f.value)),
    );
    m.insert("path".into(), json!(f.path));
    if let Some(mem) = &f.member {
        m.insert("member".into(), json!(mem));
    }
    m.insert("offset".into(), json!(f.offset));
    m.insert("length".into(), json!(f.length));
    m.insert("line".into(), json!(f.line));
    m.insert("confidence".into(), json!(f.confidence));
    m.insert("context".into(), json!(r.display_context(f)));
    m.insert("details".into(), Value::Object(f.details.clone()));
    Value::Object(m)
}

impl Report<'_> {
    /// The report as a JSON value.
    pub fn to_json(&self) -> Value {
        let cfg = self.config;
        let o = self.outcome;
        let mut scan = Map::new();
        scan.insert("started_at".into(), json!(rfc3339_millis(o.started)));
        scan.insert("finished_at".into(), json!(rfc3339_millis(o.finished)));
        scan.insert("command_line".into(), json!(cfg.command_line));
        let roots: Vec<String> = cfg
            .roots
            .iter()
            .map(|r| r.to_string_lossy().into_owned())
            .collect();
        scan.insert("roots".into(), json!(roots));
        if let Some(c) = &cfg.case {
            scan.insert(
                "case".into(),
                json!({"id": c.id, "examiner": c.examiner, "note": c.note}),
            );
        }
        scan.insert("complete".into(), json!(true));
        let kinds: Vec<&str> = crate::evidence::Kind::ALL
            .iter()
            .filter(|k| cfg.kinds.contains(**k))
            .map(|k| k.name())
            .collect();
        scan.insert(
            "options".into(),
            json!({
                "types": kinds,
                "min_confidence": cfg.min_confidence,
                "revealed": cfg.reveal,
                "gitignore": cfg.walk.gitignore,
                "follow_symlinks": cfg.walk.follow,
                "fingerprint_key": if cfg.key.user_supplied { "user" } else { "random" },
            }),
        );

        let s = self.summary();
        let mut by_kind = Map::new();
        for (k, n) in &s.by_kind {
            by_kind.insert(k.name().into(), json!(n));
        }
        json!({
            "schema": SCHEMA,
            "tool": {"name": "piiscan", "version": env!("CARGO_PKG_VERSION")},
            "scan": scan,
            "files": o.files.iter().map(file_json).collect::<Vec<_>>(),
            "findings": o.findings.iter().map(|f| finding_json(self, f)).collect::<Vec<_>>(),
            "summary": {
                "files": {"scanned": s.scanned, "skipped": s.skipped, "error": s.errors,
                          "total": o.files.len()},
                "bytes_scanned": s.bytes,
                "findings": by_kind,
                "findings_total": o.findings.len(),
            },
        })
    }
}

impl Reporter for Json {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &report.to_json())?;
        out.write_all(b"\n")
    }
}
