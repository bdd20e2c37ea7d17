//! `piiscan merge`: joins the JSON reports of the shards of one scan (`--shard K/N`) into
//! the report a single run would have written.
//!
//! Shards are fanned out by existing batch engines (Kubernetes Job arrays, Slurm array jobs,
//! GNU parallel); merging refuses anything that would make the result wrong:
//! - a report whose `REPORT.sha256` does not match it (tampered or damaged);
//! - reports of different scans: the roots, the settings (all but `shard`, `threads` and
//!   `format`), the fingerprint key, the tool version and commit and the case must agree;
//! - shards missing or given twice: every K of 1..=N exactly once;
//! - a shard's keys file (`REPORT.keys`, see [`crate::report::keys`]) that differs from
//!   what its report says of it: distinct counts of shards written with `--findings none`
//!   come from these files.
//!
//! The result has every file and finding of the shards in report order (files by path,
//! findings by path, member, line, offset, type) and a summary recomputed from them; its
//! `scan` is the first shard's with the earliest start and latest finish, `complete` only
//! if every shard was complete, `working_directory` the folder every shard ran in (absent
//! when they ran in different ones), and `shards` lists each shard's host, folder, times,
//! command line and report digest, so the chain of custody runs through the merge.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use serde_json::{json, Map, Value};

use crate::detect::custom::{RuleSpec, Rules, Validator};
use crate::detect::Confidence;
use crate::evidence::counts::{self, Counts};
use crate::evidence::records::{record_id, RecordCounts, Records};
use crate::evidence::tiers::{self, Categories};
use crate::evidence::Kind;
use crate::report::keys::{self, KeysFile};
use crate::verify::{digest_state, DigestState};

/// Settings that may differ between the shards of one scan.
const PER_SHARD: [&str; 3] = ["shard", "threads", "format"];

/// A shard report that was read.
struct Shard {
    /// Its path as messages and the merged report show it.
    path: String,
    /// Its folder, where its keys file lies.
    folder: std::path::PathBuf,
    sha256: String,
    doc: Value,
    index: u64,
    count: u64,
}

fn read_shard(path: &Path) -> Result<Shard, String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    let (sha256, digest) = digest_state(path, &bytes);
    if digest == DigestState::Tampered {
        return Err(format!(
            "{name}: its digest file does not match it (changed since it was written)"
        ));
    }
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| {
        format!("{name}: not a JSON report of piiscan ({e}); merge reads --format json")
    })?;
    if doc["schema"] != crate::report::SCHEMA {
        return Err(format!(
            "{name}: not a JSON report of piiscan (schema {})",
            doc["schema"]
        ));
    }
    let shard = &doc["scan"]["options"]["shard"];
    let (Some(index), Some(count)) = (shard["index"].as_u64(), shard["count"].as_u64()) else {
        return Err(format!("{name}: not a shard (scanned without --shard K/N)"));
    };
    Ok(Shard {
        path: name,
        folder: path.parent().unwrap_or(Path::new("")).to_path_buf(),
        sha256,
        doc,
        index,
        count,
    })
}

/// What must agree between the shards of one scan.
fn identity(doc: &Value) -> Value {
    let mut options = doc["scan"]["options"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for k in PER_SHARD {
        options.remove(k);
    }
    json!({
        "tool": {"version": doc["tool"]["version"], "commit": doc["tool"]["commit"]},
        "roots": doc["scan"]["roots"],
        "case": doc["scan"]["case"],
        "options": options,
    })
}

/// The first key path at which two values differ, for the error message.
fn first_difference(a: &Value, b: &Value, at: &str) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                if va != vb {
                    return first_difference(va, vb, &format!("{at}.{k}"));
                }
            }
            at.to_string()
        }
        _ => at.to_string(),
    }
}

/// The report order of a finding: path, member, line, offset, type (in [`Kind::all`]
/// order).
fn finding_key(f: &Value) -> (String, String, u64, u64, usize) {
    let kind = f["type"].as_str().and_then(Kind::from_name);
    (
        f["path"].as_str().unwrap_or("").to_string(),
        f["member"].as_str().unwrap_or("").to_string(),
        f["line"].as_u64().unwrap_or(0),
        f["offset"].as_u64().unwrap_or(0),
        kind.map_or(usize::MAX, Kind::index),
    )
}

fn add(total: &mut Value, part: &Value) {
    if let (Some(t), Some(p)) = (total.as_u64(), part.as_u64()) {
        *total = json!(t + p);
    }
}

/// Merges shard reports into one report document.
pub fn merge(paths: &[std::path::PathBuf]) -> Result<Value, String> {
    if paths.is_empty() {
        return Err("no reports to merge".into());
    }
    let mut shards = paths
        .iter()
        .map(|p| read_shard(p))
        .collect::<Result<Vec<Shard>, String>>()?;
    let count = check_same_scan(&shards)?;
    register_custom_kinds(&shards[0].doc)?;
    shards.sort_by_key(|s| s.index);
    check_every_shard_once(&shards, count)?;
    let parts = Parts::gather(&mut shards)?;
    Ok(parts.into_report(&shards[0].doc, count))
}

/// Registers the kinds of the custom rules the shards were scanned with (their
/// `scan.options.custom_rules`, alike in every shard), so that their findings are ordered
/// and counted as in a single scan: after the built-in kinds, in the order written.
fn register_custom_kinds(doc: &Value) -> Result<(), String> {
    let Some(written) = doc["scan"]["options"]["custom_rules"].as_array() else {
        return Ok(());
    };
    let text = |r: &Value, k: &str| r[k].as_str().unwrap_or("").to_string();
    let specs: Vec<RuleSpec> = written
        .iter()
        .map(|r| RuleSpec {
            id: text(r, "id"),
            description: text(r, "description"),
            regex: text(r, "regex"),
            keywords: Vec::new(),
            require_context: r["require_context"] == true,
            columns: Vec::new(),
            validator: r["validator"]
                .as_str()
                .and_then(Validator::from_name)
                .unwrap_or(Validator::None),
            confidence: Confidence::Medium,
            keep: (0, 0),
            high_priority: r["priority"] == "high",
        })
        .collect();
    let rules = Rules::new(specs)
        .map_err(|(i, e)| format!("the shards' custom rule {}: {e}", text(&written[i], "id")))?;
    rules.register()
}

/// Checks that every shard is of the first one's count and scan; returns the count.
fn check_same_scan(shards: &[Shard]) -> Result<u64, String> {
    let count = shards[0].count;
    let want = identity(&shards[0].doc);
    for s in &shards[1..] {
        if s.count != count {
            return Err(format!(
                "{} is shard {}/{} but {} is of {count} shards",
                s.path, s.index, s.count, shards[0].path
            ));
        }
        let got = identity(&s.doc);
        if got != want {
            return Err(format!(
                "{} and {} are not shards of the same scan: they differ in {}",
                shards[0].path,
                s.path,
                first_difference(&want, &got, "scan")
            ));
        }
    }
    Ok(count)
}

/// Checks that shards sorted by index hold every K of 1..=`count` exactly once.
fn check_every_shard_once(shards: &[Shard], count: u64) -> Result<(), String> {
    for pair in shards.windows(2) {
        if pair[0].index == pair[1].index {
            return Err(format!(
                "shard {}/{count} is given twice: {} and {}",
                pair[0].index, pair[0].path, pair[1].path
            ));
        }
    }
    let have: BTreeSet<u64> = shards.iter().map(|s| s.index).collect();
    let missing: Vec<String> = (1..=count)
        .filter(|k| !have.contains(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("shards missing: {}", missing.join(", ")))
    }
}

/// The shards' contents joined: what the merged report is made of.
struct Parts {
    /// Every file of every shard, in report order once gathered.
    files: Vec<Value>,
    /// Every finding of every shard, in report order once gathered.
    findings: Vec<Value>,
    /// The first shard's summary with the counts of the others added.
    summary: Value,
    /// The baseline entries (as JSON text) that no shard used.
    unused: Option<BTreeSet<String>>,
    /// The earliest start.
    started: String,
    /// The latest finish.
    finished: String,
    /// True if every shard was complete.
    complete: bool,
    /// Each shard's custody record: host, times, command line and report digest.
    custody: Vec<Value>,
}

impl Parts {
    /// Takes the files and findings out of shards sorted by index and joins them, their
    /// summaries, times and custody records.
    fn gather(shards: &mut [Shard]) -> Result<Parts, String> {
        let mut parts = Parts {
            files: Vec::new(),
            findings: Vec::new(),
            summary: shards[0].doc["summary"].clone(),
            unused: None,
            started: String::new(),
            finished: String::new(),
            complete: true,
            custody: Vec::new(),
        };
        for (i, s) in shards.iter_mut().enumerate() {
            parts.add(i, s)?;
        }
        parts.files.sort_by(|a, b| {
            (a["path"].as_str(), a["path_hex"].as_str())
                .cmp(&(b["path"].as_str(), b["path_hex"].as_str()))
        });
        parts.findings.sort_by_cached_key(finding_key);
        if parts.summary.get("counts").is_some() {
            let categories = categories_of(&parts.summary["counts"]);
            let (counts, unknown) = match merged_distinct(shards, &parts.summary["findings"])? {
                Distinct::FromFindings => (counts_of(&parts.findings), None),
                Distinct::FromKeys(counts) => (counts, None),
                Distinct::Unknown(why) => (totals_of(&parts.summary["findings"]), Some(why)),
            };
            parts.summary["counts"] = merged_counts(&counts, unknown, &categories);
            let shards: Vec<&Value> = shards.iter().map(|s| &s.doc["summary"]["counts"]).collect();
            join_untrue(&mut parts.summary["counts"], &shards);
            if unknown.is_some() {
                join_records(&mut parts.summary["counts"], &shards);
            }
        }
        parts.summary["baseline_unused"] = Value::Array(
            parts
                .unused
                .take()
                .unwrap_or_default()
                .iter()
                .filter_map(|e| serde_json::from_str(e).ok())
                .collect(),
        );
        Ok(parts)
    }

    /// Adds the `i`-th shard (from 0): moves its files and findings, and joins its times,
    /// custody record, unused baseline entries and (after the first) summary counts.
    fn add(&mut self, i: usize, s: &mut Shard) -> Result<(), String> {
        let doc = &mut s.doc;
        self.files.append(
            doc["files"]
                .as_array_mut()
                .ok_or("a report without files")?,
        );
        self.findings.append(
            doc["findings"]
                .as_array_mut()
                .ok_or("a report without findings")?,
        );
        let scan = &doc["scan"];
        let st = scan["started_at"].as_str().unwrap_or("").to_string();
        let fi = scan["finished_at"].as_str().unwrap_or("").to_string();
        if i == 0 || st < self.started {
            self.started = st.clone();
        }
        if fi > self.finished {
            self.finished = fi.clone();
        }
        self.complete &= scan["complete"].as_bool().unwrap_or(false);
        self.custody.push(json!({
            "index": s.index,
            "report": s.path,
            "report_sha256": s.sha256,
            "host": scan["host"],
            "user": scan["user"],
            "working_directory": scan["working_directory"],
            "command_line": scan["command_line"],
            "started_at": st,
            "finished_at": fi,
            "complete": scan["complete"],
        }));
        // A baseline entry is unused only if no shard used it (each path is in one shard).
        let this = baseline_unused(&doc["summary"]);
        self.unused = Some(match self.unused.take() {
            None => this,
            Some(u) => u.intersection(&this).cloned().collect(),
        });
        if i > 0 {
            add_counts(&mut self.summary, &doc["summary"]);
        }
        Ok(())
    }

    /// The merged report: the first shard's tool and scan (with the joined times,
    /// completeness and custody records in place of one shard's), then the joined files,
    /// findings and summary.
    fn into_report(self, first: &Value, count: u64) -> Value {
        let mut scan: Map<String, Value> = first["scan"].as_object().cloned().unwrap_or_default();
        scan.insert("started_at".into(), json!(self.started));
        scan.insert("finished_at".into(), json!(self.finished));
        scan.insert("complete".into(), json!(self.complete));
        for k in ["host", "user", "working_directory", "command_line"] {
            scan.remove(k);
        }
        // The folder relative paths are resolved against (`piiscan verify`), when every
        // shard ran in the same one.
        let mut folders = self.custody.iter().map(|c| &c["working_directory"]);
        let folder = folders.next().cloned().unwrap_or(Value::Null);
        if folder.is_string() && folders.all(|f| *f == folder) {
            scan.insert("working_directory".into(), folder);
        }
        if let Some(o) = scan.get_mut("options").and_then(Value::as_object_mut) {
            o.insert("shard".into(), json!({"count": count, "merged": true}));
        }
        scan.insert("shards".into(), Value::Array(self.custody));
        json!({
            "schema": crate::report::SCHEMA,
            "tool": first["tool"],
            "scan": scan,
            "files": self.files,
            "findings": self.findings,
            "summary": self.summary,
        })
    }
}

/// The `counts` of the merged summary. Distinct values are counted from the fingerprints
/// of the findings the shards list; when that cannot be done (shards scanned without
/// `--hash-key` each drew a random key; shards written with `--findings none` list no
/// fingerprints) distinct values and repeats are null, and `unknown` says why.
fn merged_counts(counts: &Counts, unknown: Option<&str>, categories: &Categories) -> Value {
    let mut counts = crate::report::json::counts_json(counts, categories, false);
    if let Some(why) = unknown {
        let types = counts["by_type"]
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut());
        for c in types {
            c["distinct"] = Value::Null;
            c["repeats"] = Value::Null;
        }
        for t in counts["categories"].as_array_mut().into_iter().flatten() {
            t["distinct"] = Value::Null;
            t["threshold_reached"] = Value::Null;
        }
        counts["distinct_not_counted"] = json!(why);
    }
    counts
}

/// The untrue values of the shards' counts, joined: per type and reason the sum of their
/// counts, and the first places of all shards in report order (as the shards show them).
fn join_untrue(counts: &mut Value, shards: &[&Value]) {
    let mut joined: BTreeMap<(usize, String), (u64, Vec<Value>)> = BTreeMap::new();
    for s in shards {
        for u in s["untrue"].as_array().into_iter().flatten() {
            let Some(kind) = u["type"].as_str().and_then(Kind::from_name) else {
                continue;
            };
            let reason = u["reason"].as_str().unwrap_or("").to_string();
            let (count, sample) = joined.entry((kind.index(), reason)).or_default();
            *count += u["count"].as_u64().unwrap_or(0);
            sample.extend(u["sample"].as_array().into_iter().flatten().cloned());
        }
    }
    let mut list = Vec::new();
    for ((kind, reason), (count, mut sample)) in joined {
        let name = Kind::all()[kind].name();
        sample.sort_by_cached_key(|p| {
            let text = |k: &str| p[k].as_str().unwrap_or("").to_string();
            (
                text("path"),
                text("member"),
                p["line"].as_u64(),
                p["offset"].as_u64(),
            )
        });
        sample.truncate(crate::evidence::untrue::SAMPLE);
        counts["by_type"][name]["untrue"][&reason] = json!(count);
        list.push(json!({"type": name, "reason": reason, "count": count, "sample": sample}));
    }
    counts["untrue"] = Value::Array(list);
}

/// How a merged report counts distinct values and records.
enum Distinct {
    /// From the fingerprints of the findings the shards list.
    FromFindings,
    /// From the shards' keys files (see [`crate::report::keys`]): the counts.
    FromKeys(Counts),
    /// It cannot: why.
    Unknown(&'static str),
}

/// How the distinct values of `shards` are counted (`findings`: the findings of each
/// kind, summed). An error when a shard's keys file differs from what its report says.
fn merged_distinct(shards: &[Shard], findings: &Value) -> Result<Distinct, String> {
    let options = &shards[0].doc["scan"]["options"];
    if options["fingerprint_key"] != "user" {
        return Ok(Distinct::Unknown(
            "the shards were scanned without --hash-key: each drew its own fingerprint key, \
             so values repeated across shards cannot be told apart",
        ));
    }
    if options["findings"] != "none" {
        return Ok(Distinct::FromFindings);
    }
    let mut files = Vec::new();
    for s in shards {
        let Some(k) = KeysFile::from_json(&s.doc["summary"]["counts"]["keys"]) else {
            return Ok(Distinct::Unknown(
                "the shards were written with --findings none and without keys files: they \
                 list no fingerprints",
            ));
        };
        files.push((s.folder.join(&k.name), k));
    }
    let d = keys::distinct_of(&files)?;
    let mut counts = totals_of(findings);
    for (c, n) in counts.by_kind.iter_mut().zip(d.by_kind) {
        c.distinct = n;
    }
    let of_shards: Vec<&Value> = shards.iter().map(|s| &s.doc["summary"]["counts"]).collect();
    counts.records = RecordCounts {
        total: records_summed(&of_shards, "total"),
        distinct: d.records,
        with_id: records_summed(&of_shards, "with_id"),
    };
    Ok(Distinct::FromKeys(counts))
}

/// The record counts of shards whose findings cannot be joined: records and those with
/// an ID summed (each file, so each record, is in one shard); distinct records unknown.
fn join_records(counts: &mut Value, shards: &[&Value]) {
    for key in ["total", "with_id"] {
        counts["records"][key] = json!(records_summed(shards, key));
    }
    counts["records"]["distinct"] = Value::Null;
}

/// The sum of the record count `key` (`total`, `with_id`) of the shards' counts: each
/// file, so each record, is in one shard.
fn records_summed(shards: &[&Value], key: &str) -> u64 {
    let of = |s: &&Value| s["records"][key].as_u64();
    shards.iter().filter_map(of).sum()
}

/// The findings of each kind, from the summed `findings` of the shards' summaries.
fn totals_of(findings: &Value) -> Counts {
    let mut counts = Counts::empty();
    for c in &mut counts.by_kind {
        c.findings = findings[c.kind.name()].as_u64().unwrap_or(0);
    }
    counts
}

/// The categories of the types of a shard's counts (the same in every shard: the settings
/// agree).
fn categories_of(counts: &Value) -> Categories {
    let mut cats = Categories::default();
    for (name, c) in counts["by_type"].as_object().into_iter().flatten() {
        let kind = Kind::from_name(name);
        let cat = c["category"].as_str().and_then(tiers::category_named);
        if let (Some(kind), Some(cat)) = (kind, cat) {
            cats.set(kind, cat);
        }
    }
    cats
}

/// The counts of the findings of the shards: each kind's findings and distinct
/// fingerprints, and the records holding them (the shards' fingerprints are keyed alike:
/// their key ids agree).
fn counts_of(findings: &[Value]) -> Counts {
    let mut distinct: Vec<HashSet<&str>> = vec![HashSet::new(); Kind::all().len()];
    let mut counts = Counts::empty();
    let mut records = Records::new(counts::DEFAULT_LIMIT);
    for f in findings {
        let Some(kind) = f["type"].as_str().and_then(Kind::from_name) else {
            continue;
        };
        counts.by_kind[kind.index()].findings += 1;
        let fingerprint = f["fingerprint"].as_str().unwrap_or("");
        distinct[kind.index()].insert(fingerprint);
        let at = f["record_offset"]
            .as_u64()
            .map_or(f["line"].as_u64().unwrap_or(0), |o| o | 1 << 63);
        let path = f["path"].as_str().unwrap_or("");
        let record = record_id(path, f["member"].as_str(), at);
        let value = u128::from_str_radix(fingerprint.get(..32).unwrap_or("0"), 16).unwrap_or(0);
        records.add(record, counts::key_of(kind, value));
    }
    for (c, d) in counts.by_kind.iter_mut().zip(distinct) {
        c.distinct = d.len() as u64;
    }
    counts.records = records.finish(None).unwrap_or_default();
    counts
}

/// A shard summary's unused baseline entries, each as JSON text.
fn baseline_unused(summary: &Value) -> BTreeSet<String> {
    summary["baseline_unused"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e.to_string())
        .collect()
}

/// Adds a shard summary's totals and its counts by group to `summary`.
fn add_counts(summary: &mut Value, part: &Value) {
    for key in ["bytes_scanned", "findings_total", "suppressed_total"] {
        add(&mut summary[key], &part[key]);
    }
    for group in ["files", "findings", "suppressed"] {
        if let Some(obj) = part[group].as_object() {
            for (k, v) in obj {
                add(&mut summary[group][k], v);
            }
        }
    }
}

/// Writes a merged report in the layout of `--format json`: one line per file and per
/// finding.
pub fn write(doc: &Value, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let line = |out: &mut dyn std::io::Write, v: &Value| -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, v).map_err(std::io::Error::from)
    };
    writeln!(out, "{{")?;
    for key in ["schema", "tool", "scan"] {
        write!(out, "  \"{key}\": ")?;
        line(out, &doc[key])?;
        writeln!(out, ",")?;
    }
    for key in ["files", "findings"] {
        write!(out, "  \"{key}\": [")?;
        let items = doc[key].as_array().map_or(&[][..], |v| v.as_slice());
        for (i, item) in items.iter().enumerate() {
            out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            line(out, item)?;
        }
        if !items.is_empty() {
            out.write_all(b"\n  ")?;
        }
        writeln!(out, "],")?;
    }
    write!(out, "  \"summary\": ")?;
    line(out, &doc["summary"])?;
    writeln!(out, "\n}}")
}
