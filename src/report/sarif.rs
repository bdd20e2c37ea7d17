//! `--format sarif`: SARIF 2.1.0 for code-scanning tools.
//!
//! One rule per identifier type, with help in Chinese and English; one result per finding
//! with its physical location (path, line, byte offset and length) and a masked snippet;
//! `partialFingerprints` carry the keyed value fingerprint, never line numbers, so an
//! alert keeps its identity when lines move. A finding inside an archive member points at
//! a nested artifact (`parentIndex`) whose URI is the member's path within its container.
//! Values are masked unless `--reveal`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::{display_context_around, Report, Reporter};
use crate::evidence::{Confidence, Finding, Kind};
use crate::time::rfc3339_millis;

/// The SARIF reporter.
pub struct Sarif;

/// The size and SHA-256 of a file or member, as its artifact describes it.
type Described<'a> = (Option<u64>, Option<&'a str>);

/// The SARIF level of a confidence.
fn level(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "error",
        Confidence::Medium => "warning",
        Confidence::Low => "note",
    }
}

/// A path as a URI reference: unreserved characters and `/` as they are, the rest
/// percent-encoded (UTF-8); an absolute path becomes a `file://` URI.
pub fn uri(path: &str) -> String {
    let mut s = String::new();
    if path.starts_with('/') {
        s.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// Where each artifact sits in the artifact list: by file path and member.
type ArtifactIndex = BTreeMap<(String, Option<String>), usize>;

impl Reporter for Sarif {
    fn write(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        let (artifacts, index) = artifacts(r)?;
        let doc = document(r, artifacts);
        // The document is written as serde_json's pretty printer would write it whole, but
        // with the results streamed one at a time in its place, so memory holds one result
        // rather than all of them. Only `columnKind` follows the results, so the last
        // occurrence of the placeholder is the one (a path or argument may hold its text).
        let text = serde_json::to_string_pretty(&doc)?;
        let placeholder = format!("\"results\": \"{RESULTS}\"");
        let at = text
            .rfind(&placeholder)
            .expect("the document holds the placeholder");
        out.write_all(&text.as_bytes()[..at])?;
        out.write_all(b"\"results\": [")?;
        write_results(r, &index, out)?;
        out.write_all(b"]")?;
        out.write_all(&text.as_bytes()[at + placeholder.len()..])?;
        writeln!(out)
    }
}

/// One rule per identifier type, in registry order.
fn rules() -> Vec<Value> {
    Kind::all()
        .iter()
        .map(|&k| {
            let rule = &k.spec().rule;
            json!({
                "id": k.name(),
                "name": rule.name,
                "shortDescription": {"text": rule.short},
                "fullDescription": {"text": rule.help},
                "help": {"text": rule.help},
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": ["privacy", "pii", "security"]},
            })
        })
        .collect()
}

/// Size and SHA-256 of every file and member, for the artifacts.
fn records<'a>(r: &Report<'a>) -> BTreeMap<(&'a str, Option<&'a str>), Described<'a>> {
    let mut records = BTreeMap::new();
    for f in &r.outcome.files {
        records.insert((f.path.as_str(), None), (f.size, f.sha256.as_deref()));
        for m in &f.members {
            records.insert(
                (f.path.as_str(), m.member.as_deref()),
                (m.size, m.sha256.as_deref()),
            );
        }
    }
    records
}

/// The artifact `a` with the length and hash its record gives, if any.
fn described(
    records: &BTreeMap<(&str, Option<&str>), Described>,
    path: &str,
    member: Option<&str>,
    mut a: Value,
) -> Value {
    if let Some(&(size, sha)) = records.get(&(path, member)) {
        if let Some(n) = size {
            a["length"] = json!(n);
        }
        if let Some(h) = sha {
            a["hashes"] = json!({"sha-256": h});
        }
    }
    a
}

/// Artifacts: every file with a finding, and every member, nested in its file, in the
/// order the findings first name them (a first pass over the findings); and where each is.
fn artifacts(r: &Report) -> io::Result<(Vec<Value>, ArtifactIndex)> {
    let records = records(r);
    let mut artifacts: Vec<Value> = Vec::new();
    let mut index = ArtifactIndex::new();
    for f in r.outcome.findings.iter() {
        let f = f?;
        let outer_key = (f.path.clone(), None);
        let outer = *index.entry(outer_key).or_insert_with(|| {
            artifacts.push(described(
                &records,
                &f.path,
                None,
                json!({"location": {"uri": uri(&f.path)}}),
            ));
            artifacts.len() - 1
        });
        if let Some(m) = &f.member {
            index
                .entry((f.path.clone(), Some(m.clone())))
                .or_insert_with(|| {
                    let a = json!({"location": {"uri": uri(m)}, "parentIndex": outer});
                    artifacts.push(described(&records, &f.path, Some(m), a));
                    artifacts.len() - 1
                });
        }
    }
    Ok((artifacts, index))
}

/// The region of a finding: line and columns (not for a spreadsheet cell), byte offset
/// and length, and the snippet around the value as shown.
fn region(r: &Report, f: &Finding, shown: &str) -> Value {
    let mut region = serde_json::Map::new();
    if f.line >= 1 && f.cell.is_none() {
        region.insert("startLine".into(), json!(f.line));
        if f.column > 0 {
            region.insert("startColumn".into(), json!(f.column));
            if !f.context.item.contains('\n') {
                let width = f.context.item.chars().count().max(1) as u64;
                region.insert("endColumn".into(), json!(f.column + width));
            }
        }
    }
    region.insert("byteOffset".into(), json!(f.offset));
    region.insert("byteLength".into(), json!(f.length));
    let snippet = display_context_around(r.config, f, shown);
    region.insert("snippet".into(), json!({"text": snippet}));
    Value::Object(region)
}

/// The result of one finding, pointing at its artifact in `index`.
fn result(r: &Report, index: &ArtifactIndex, f: &Finding) -> Value {
    let shown = r.display_value(f);
    let idx = index[&(f.path.clone(), f.member.clone())];
    let loc_uri = match &f.member {
        Some(m) => uri(m),
        None => uri(&f.path),
    };
    let region = region(r, f, &shown);
    let mut props = serde_json::Map::new();
    props.insert("confidence".into(), json!(f.confidence));
    props.insert("encoding".into(), json!(f.encoding));
    if let Some(c) = &f.cell {
        props.insert("cell".into(), json!(c));
    }
    json!({
        "ruleId": f.kind.name(),
        "ruleIndex": f.kind.index(),
        "level": level(f.confidence),
        "message": {"text": format!(
            "{} {} ({} confidence)",
            f.kind.spec().rule.short,
            shown,
            f.confidence.name()
        )},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": loc_uri, "index": idx},
            "region": region,
        }}],
        "partialFingerprints": {
            "piiscanValue/v1": r.config.key.fingerprint(f.kind, &f.value),
        },
        "properties": Value::Object(props),
    })
}

/// The one invocation: whether it completed, when it ran and its arguments.
fn invocation(r: &Report) -> Value {
    let o = r.outcome;
    json!({
        "executionSuccessful": o.complete,
        "startTimeUtc": rfc3339_millis(o.started),
        "endTimeUtc": rfc3339_millis(o.finished),
        "arguments": r.config.command_line,
    })
}

/// The whole document, with the [`RESULTS`] placeholder where the results go.
fn document(r: &Report, artifacts: Vec<Value>) -> Value {
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "piiscan",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules(),
            }},
            "invocations": [invocation(r)],
            "artifacts": artifacts,
            "results": RESULTS,
            "columnKind": "unicodeCodePoints",
        }],
    })
}

/// The results, one at a time, between the brackets of the results array, indented as
/// the pretty printer would indent them in the document.
fn write_results(r: &Report, index: &ArtifactIndex, out: &mut dyn Write) -> io::Result<()> {
    let mut any = false;
    let mut buf = Vec::new();
    for f in r.outcome.findings.iter() {
        let f = f?;
        out.write_all(if any { b",\n" } else { b"\n" })?;
        any = true;
        buf.clear();
        serde_json::to_writer_pretty(&mut buf, &result(r, index, &f))?;
        for (i, line) in buf.split(|&c| c == b'\n').enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(RESULT_INDENT.as_bytes())?;
            out.write_all(line)?;
        }
    }
    if any {
        out.write_all(b"\n")?;
        out.write_all(&RESULT_INDENT.as_bytes()[2..])?;
    }
    Ok(())
}

/// The placeholder of the results in the document written around them.
const RESULTS: &str = "piiscan:results";
/// The indentation of a result in the pretty-printed document (`runs[0].results[i]`).
const RESULT_INDENT: &str = "        ";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("testdata/a b.txt"), "testdata/a%20b.txt");
        assert_eq!(
            uri("/evidence/客户.csv"),
            "file:///evidence/%E5%AE%A2%E6%88%B7.csv"
        );
        assert_eq!(uri("x.zip"), "x.zip");
    }
}
