//! `--format jsonl`: JSON Lines written as the scan goes, one record per line.
//!
//! ```text
//! {"record":"begin","schema":"piiscan.stream/1","tool":{…},"scan":{…},"ordered":false}
//! {"record":"file","path":"a.csv","size":…,"sha256":"…","status":"scanned",…}
//! {"record":"finding","type":"cn_mobile","value":"138****8000",…}
//! {"record":"end","finished_at":"…","complete":true,"summary":{…}}
//! ```
//!
//! Each input's `file` record is followed by its `finding` records (the same fields as in
//! the JSON report, masked unless `--reveal`), and the stream is flushed after every
//! input, so a crash or a kill leaves every line before it usable. The findings of a
//! large input are held until it is done: their records in memory up to a few megabytes,
//! then in an unnamed temporary file. Inputs come in the
//! order they finish, not sorted. A stream without an `end` record was cut short; one
//! whose `end` says `"complete": false` was interrupted and lists what was done.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::{json, Map, Value};

use super::json::{file_json, scan_json, summary_json, tool_json, FindingJson};
use super::output::Output;
use super::{Outcome, Sink};
use crate::config::Config;
use crate::evidence::{FileRecord, Finding};
use crate::time::rfc3339_millis;

/// The schema of the stream.
pub const STREAM_SCHEMA: &str = "piiscan.stream/1";

/// A JSON Lines writer fed by the scan.
pub struct Jsonl<'a, W: Write> {
    cfg: &'a Config,
    out: W,
    error: Option<io::Error>,
    /// Records of the findings of inputs still being read, held until their `file`
    /// record is written.
    held: HashMap<PathBuf, Held>,
}

/// Finding records held for an input: in memory up to [`HELD_IN_MEMORY`] bytes, the rest
/// in an unnamed temporary file, so a large input with millions of findings is not held
/// in memory.
#[derive(Default)]
struct Held {
    memory: Vec<u8>,
    file: Option<File>,
}

/// Bytes of held records kept in memory per input before they go to a temporary file.
const HELD_IN_MEMORY: usize = 8 << 20;

impl Held {
    fn add(&mut self, records: &[u8]) -> io::Result<()> {
        self.memory.extend_from_slice(records);
        if self.memory.len() > HELD_IN_MEMORY {
            if self.file.is_none() {
                self.file = Some(tempfile::tempfile()?);
            }
            let f = self.file.as_mut().expect("created above");
            f.write_all(&self.memory)?;
            self.memory.clear();
        }
        Ok(())
    }

    fn write_to(mut self, out: &mut impl Write) -> io::Result<()> {
        if let Some(mut f) = self.file.take() {
            f.seek(SeekFrom::Start(0))?;
            io::copy(&mut f, out)?;
        }
        out.write_all(&self.memory)
    }
}

fn record(kind: &str, body: Value) -> Value {
    let mut m = Map::new();
    m.insert("record".into(), json!(kind));
    if let Value::Object(b) = body {
        m.extend(b);
    }
    Value::Object(m)
}

impl<'a, W: Write> Jsonl<'a, W> {
    /// A stream writing to `out`.
    pub fn new(cfg: &'a Config, out: W) -> Self {
        Jsonl {
            cfg,
            out,
            error: None,
            held: HashMap::new(),
        }
    }

    /// Writes a record as a line.
    fn line(&mut self, v: &impl serde::Serialize) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, v).map_err(io::Error::from)?;
        self.out.write_all(b"\n")
    }

    /// Keeps the first error of the stream (for [`Jsonl::finish`]) and returns it.
    fn keep(&mut self, r: io::Result<()>) -> io::Result<()> {
        if let Err(e) = &r {
            self.error
                .get_or_insert_with(|| io::Error::new(e.kind(), e.to_string()));
        }
        r
    }

    /// The `finding` records of `findings`, a line each.
    fn records(&self, findings: &[Finding]) -> Vec<u8> {
        let mut records = Vec::with_capacity(findings.len() * 512);
        if !self.cfg.finding_records {
            return records;
        }
        for f in findings {
            let r = serde_json::to_writer(
                &mut records,
                &FindingJson::new(self.cfg, f, Some("finding")),
            );
            r.expect("in memory");
            records.push(b'\n');
        }
        records
    }

    /// Writes the `end` record and returns the writer, or the first write error.
    pub fn finish(mut self, outcome: &Outcome) -> io::Result<W> {
        let end = record(
            "end",
            json!({
                "finished_at": rfc3339_millis(outcome.finished),
                "complete": outcome.complete,
                "summary": summary_json(outcome, &self.cfg.categories, self.cfg.reveal),
            }),
        );
        if let Some(e) = self.error {
            return Err(e);
        }
        self.line(&end)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl Sink for Jsonl<'_, Output> {
    fn begin(&mut self, started: SystemTime) -> io::Result<()> {
        let begin = record(
            "begin",
            json!({
                "schema": STREAM_SCHEMA,
                "tool": tool_json(),
                "scan": scan_json(self.cfg, started, None, None),
                "ordered": false,
            }),
        );
        let r = self.line(&begin).and_then(|_| self.out.flush());
        self.keep(r)
    }

    fn findings(&mut self, input: &Path, findings: &[Finding]) -> io::Result<()> {
        let records = self.records(findings);
        let held = self.held.entry(input.to_path_buf()).or_default();
        let r = held.add(&records);
        self.keep(r)
    }

    fn file(
        &mut self,
        input: Option<&Path>,
        rec: &FileRecord,
        findings: &[Finding],
    ) -> io::Result<()> {
        let r = self.write_file(input, rec, findings);
        self.keep(r)
    }

    fn end(self: Box<Self>, outcome: &mut Outcome) -> io::Result<String> {
        self.finish(outcome).and_then(Output::finish)
    }
}

impl<W: Write> Jsonl<'_, W> {
    /// The `file` record of an input, then its findings' records: those held since they
    /// came, and `findings`.
    fn write_file(
        &mut self,
        input: Option<&Path>,
        rec: &FileRecord,
        findings: &[Finding],
    ) -> io::Result<()> {
        self.line(&record("file", file_json(rec)))?;
        if let Some(held) = input.and_then(|p| self.held.remove(p)) {
            held.write_to(&mut self.out)?;
        }
        let records = self.records(findings);
        self.out.write_all(&records)?;
        self.out.flush()
    }
}
