//! The findings of a scan, in report order, in bounded memory.
//!
//! Findings arrive input by input, in the order inputs finish, a large input (or archive
//! member) in parts as they become final. The findings of one path and member in one part
//! are a *run*: sorted on arrival by the report's sort key. Runs are kept in memory until
//! `limit` findings are held; later runs are spilled to an unnamed temporary file (created
//! mode 0600 and already unlinked, so nothing is left behind, even after a crash) as JSON
//! lines. Reading them back in report order needs no merge: the runs are put in order by
//! path and member (stably, so the parts of one member keep the order they came in, which
//! is the order of their lines) and read one after the other.
//!
//! The counts by kind are kept as findings arrive, so summaries never read the spill.
//! If the spill cannot be written (a full disk), runs stay in memory: nothing is lost.
//!
//! A store that renders records may also be given the report file itself as a *stream*
//! ([`FindingStore::streaming`]): runs that arrive in report order (all of them, for a
//! single file read front to back) are written there at once and nowhere else, so the
//! report is done when the scan is, without a spill to write and copy back. The first run
//! out of order ends the streaming: later runs are kept as above, and the report is written
//! anew at the end, reading the streamed runs back from the stream's file.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};

use serde::{Deserialize, Serialize};

use super::{Confidence, Context, Details, Finding, Kind};
use crate::detect::kind::MAX_KINDS;

/// Findings held in memory before runs are spilled (about 1.3 KB each).
pub const DEFAULT_LIMIT: usize = 16 * 1024;

/// A finding as written to the spill.
#[derive(Serialize)]
struct Out<'a> {
    k: &'a str,
    v: &'a str,
    p: &'a str,
    m: Option<&'a str>,
    o: u64,
    n: u32,
    l: u64,
    c: u64,
    e: &'a str,
    x: Option<&'a str>,
    f: &'a str,
    b: &'a str,
    i: &'a str,
    a: &'a str,
    d: &'a Details,
    r: Option<u64>,
}

/// A finding as read back from the spill.
#[derive(Deserialize)]
struct In {
    k: String,
    v: String,
    p: String,
    m: Option<String>,
    o: u64,
    n: u32,
    l: u64,
    c: u64,
    e: String,
    x: Option<String>,
    f: String,
    b: String,
    i: String,
    a: String,
    d: Details,
    r: Option<u64>,
}

impl In {
    fn finding(self) -> io::Result<Finding> {
        let bad =
            |what: &str| io::Error::new(io::ErrorKind::InvalidData, format!("spill: bad {what}"));
        Ok(Finding {
            kind: Kind::from_name(&self.k).ok_or_else(|| bad("type"))?,
            value: self.v,
            path: self.p,
            member: self.m,
            offset: self.o,
            length: self.n,
            line: self.l,
            column: self.c,
            encoding: encoding_named(&self.e).ok_or_else(|| bad("encoding"))?,
            cell: self.x,
            confidence: Confidence::from_name(&self.f).ok_or_else(|| bad("confidence"))?,
            context: Context {
                before: self.b,
                item: self.i,
                after: self.a,
            },
            details: self.d,
            allowed: false,
            untrue: None,
            record: self.r,
        })
    }
}

/// The encoding names of the findings spilled so far, to give a finding read back the
/// `&'static str` it held (a handful: the text encodings read knows).
static ENCODINGS: std::sync::RwLock<Vec<&'static str>> = std::sync::RwLock::new(Vec::new());

/// Records the encoding name of a finding being spilled.
fn remember_encoding(name: &'static str) {
    let known = ENCODINGS.read().expect("not poisoned").contains(&name);
    if !known {
        let mut names = ENCODINGS.write().expect("not poisoned");
        if !names.contains(&name) {
            names.push(name);
        }
    }
}

/// The name of a spilled finding's encoding, as recorded by [`remember_encoding`].
fn encoding_named(name: &str) -> Option<&'static str> {
    let names = ENCODINGS.read().expect("not poisoned");
    names.iter().copied().find(|n| *n == name)
}

/// Where a run is.
#[derive(Debug)]
enum Body {
    Memory(Vec<Finding>),
    Spilled {
        offset: u64,
        count: usize,
    },
    /// Rendered records (see [`FindingStore::rendering`]).
    Text(Vec<u8>),
    SpilledText {
        offset: u64,
        len: u64,
    },
    /// Rendered records written to the stream; `first` if they were the first, written
    /// without what goes between records ([`Render::between`]).
    Streamed {
        offset: u64,
        len: u64,
        first: bool,
    },
}

/// A report being written as runs come (see [`FindingStore::streaming`]).
pub trait Stream: Write + Send {
    /// Flushes it and gives up on it: the bytes written, as a file to read streamed runs
    /// back from while the report is written anew.
    fn into_file(self: Box<Self>) -> io::Result<File>;
    /// Completes it (everything has been written to it).
    fn finish(self: Box<Self>) -> io::Result<String>;
}

/// The stream of a store, while runs come in report order.
struct Streaming {
    out: Box<dyn Stream>,
    /// Bytes written to `out` (the report's opening, then runs).
    len: u64,
    /// The path and member of the last run written (none yet: the next run's first record
    /// goes without what goes between records).
    last: Option<(String, Option<String>)>,
    /// A run came out of order, or writing failed: streaming is over.
    over: bool,
    error: Option<io::Error>,
}

/// One run of the store: findings of one path and member, in one part, sorted.
#[derive(Debug)]
struct StoredRun {
    path: String,
    member: Option<String>,
    body: Body,
}

/// Appends a finding's record to a buffer.
pub type RecordFn = dyn Fn(&Finding, &mut Vec<u8>) + Send + Sync;

/// How a rendering store renders findings (see [`FindingStore::rendering`]): the report's
/// format, which the store knows only as these two.
pub struct Render {
    /// Appends a finding's record to a buffer, starting with [`Render::between`].
    pub record: Box<RecordFn>,
    /// The bytes every record starts with that only go between two records: the first
    /// record of the report is written without them.
    pub between: &'static [u8],
}

/// What a store keeps of the findings pushed into it.
enum Keep {
    /// The findings.
    Findings,
    /// Their records as rendered by the report that will be written (and the findings are
    /// dropped): the report is then a copy, with no spill to read back and parse.
    Rendered(Render),
    /// Only their counts (a report that was streamed as the scan went).
    Counts,
}

impl std::fmt::Debug for Keep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Keep::Findings => "Findings",
            Keep::Rendered(_) => "Rendered",
            Keep::Counts => "Counts",
        })
    }
}

/// The findings of a scan.
#[derive(Debug)]
pub struct FindingStore {
    keep: Keep,
    runs: Vec<StoredRun>,
    in_memory: usize,
    limit: usize,
    len: usize,
    by_kind: [u64; MAX_KINDS],
    spill: Option<BufWriter<File>>,
    spill_len: u64,
    spill_failed: bool,
    stream: Option<Streaming>,
    /// The stream's bytes once it was given up, to read its runs back from.
    streamed: Option<File>,
}

impl std::fmt::Debug for Streaming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Streaming({} bytes, over: {})", self.len, self.over)
    }
}

impl Default for FindingStore {
    fn default() -> Self {
        FindingStore::new(DEFAULT_LIMIT)
    }
}

impl FindingStore {
    /// A store that holds up to `limit` findings in memory.
    pub fn new(limit: usize) -> FindingStore {
        FindingStore {
            keep: Keep::Findings,
            runs: Vec::new(),
            in_memory: 0,
            limit,
            len: 0,
            by_kind: [0; MAX_KINDS],
            spill: None,
            spill_len: 0,
            spill_failed: false,
            stream: None,
            streamed: None,
        }
    }

    /// A store that keeps each finding as the record `render` makes of it (up to `limit`
    /// findings' records in memory), for a report that writes them in order and needs
    /// nothing else of them. [`FindingStore::iter`] gives an error;
    /// [`FindingStore::write_rendered`] writes the records.
    pub fn rendering(limit: usize, render: Render) -> FindingStore {
        FindingStore {
            keep: Keep::Rendered(render),
            ..FindingStore::new(limit)
        }
    }

    /// A rendering store ([`FindingStore::rendering`]) that writes runs arriving in report
    /// order to `out`, a report whose first `written` bytes (its opening) are written.
    /// Once all findings are in, [`FindingStore::take_stream`] says how to finish it.
    pub fn streaming(
        limit: usize,
        render: Render,
        out: Box<dyn Stream>,
        written: u64,
    ) -> FindingStore {
        FindingStore {
            stream: Some(Streaming {
                out,
                len: written,
                last: None,
                over: false,
                error: None,
            }),
            ..FindingStore::rendering(limit, render)
        }
    }

    /// After [`FindingStore::finish`], the stream of a [`FindingStore::streaming`] store,
    /// if every run went to it in order: the report is then completed by writing the rest
    /// of it there. `None` if there was no stream, or if it was given up (then write the
    /// report anew; [`FindingStore::write_rendered`] reads the streamed runs back).
    pub fn take_stream(&mut self) -> io::Result<Option<Box<dyn Stream>>> {
        let Some(s) = self.stream.take() else {
            return Ok(None);
        };
        if let Some(e) = s.error {
            return Err(e);
        }
        if !s.over {
            return Ok(Some(s.out));
        }
        self.streamed = Some(s.out.into_file()?);
        Ok(None)
    }

    /// Writes a run's records to the stream if it is streaming and the run comes in report
    /// order; returns the run's body there.
    fn stream_run(&mut self, text: &[u8], path: &str, member: &Option<String>) -> Option<Body> {
        let s = self.stream.as_mut().filter(|s| !s.over)?;
        let in_order = s
            .last
            .as_ref()
            .is_none_or(|(p, m)| (p.as_str(), m) <= (path, member));
        if !in_order {
            s.over = true;
            return None;
        }
        let first = s.last.is_none();
        let between = match &self.keep {
            Keep::Rendered(r) if first => r.between.len(),
            _ => 0,
        };
        let bytes = &text[between..];
        if let Err(e) = s.out.write_all(bytes) {
            s.error = Some(e);
            s.over = true;
            return None;
        }
        let body = Body::Streamed {
            offset: s.len,
            len: bytes.len() as u64,
            first,
        };
        s.len += bytes.len() as u64;
        if s.last
            .as_ref()
            .is_none_or(|(p, m)| (p.as_str(), m) != (path, member))
        {
            s.last = Some((path.to_string(), member.clone()));
        }
        Some(body)
    }

    /// A store that keeps only the counts of findings, for a report streamed as the scan
    /// went. [`FindingStore::iter`] gives an error.
    pub fn counting() -> FindingStore {
        FindingStore {
            keep: Keep::Counts,
            ..FindingStore::new(0)
        }
    }

    /// Takes findings of one input (all with the same path): all of them, or a part handed
    /// out before the input was done. Parts of one input and member must come in order.
    pub fn push(&mut self, mut findings: Vec<Finding>) {
        if findings.is_empty() {
            return;
        }
        for f in &findings {
            self.by_kind[f.kind.index()] += 1;
        }
        self.len += findings.len();
        if matches!(self.keep, Keep::Counts) {
            return;
        }
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        // One run per member: the parts of an archive's members come as they are read, and
        // runs are put in order by path and member (see `finish`).
        while !findings.is_empty() {
            let member = findings[0].member.clone();
            let same = findings.partition_point(|f| f.member == member);
            let rest = findings.split_off(same);
            self.push_run(findings, member);
            findings = rest;
        }
    }

    /// Keeps one run: findings of one path and member, sorted.
    fn push_run(&mut self, findings: Vec<Finding>, member: Option<String>) {
        let path = findings[0].path.clone();
        let count = findings.len();
        let keep_here = self.in_memory + count <= self.limit || self.spill_failed;
        let body = if let Keep::Rendered(render) = &self.keep {
            let mut text = Vec::with_capacity(count * 512);
            for f in &findings {
                (render.record)(f, &mut text);
            }
            drop(findings);
            if let Some(body) = self.stream_run(&text, &path, &member) {
                self.runs.push(StoredRun { path, member, body });
                return;
            }
            match keep_here {
                true => Body::Text(text),
                false => match self.spill_bytes(&text) {
                    Ok(offset) => Body::SpilledText {
                        offset,
                        len: text.len() as u64,
                    },
                    Err(_) => {
                        // Keep everything rather than lose a finding; memory is no longer
                        // bounded.
                        self.spill_failed = true;
                        Body::Text(text)
                    }
                },
            }
        } else if keep_here {
            Body::Memory(findings)
        } else {
            match self.spill_run(&findings) {
                Ok(offset) => Body::Spilled { offset, count },
                Err(_) => {
                    self.spill_failed = true;
                    Body::Memory(findings)
                }
            }
        };
        if matches!(body, Body::Memory(_) | Body::Text(_)) {
            self.in_memory += count;
        }
        self.runs.push(StoredRun { path, member, body });
    }

    /// The spill file, created on first use.
    fn spill_file(&mut self) -> io::Result<&mut BufWriter<File>> {
        if self.spill.is_none() {
            self.spill = Some(BufWriter::with_capacity(1 << 20, tempfile::tempfile()?));
        }
        Ok(self.spill.as_mut().expect("created above"))
    }

    /// Appends rendered records to the spill file; returns their offset.
    fn spill_bytes(&mut self, text: &[u8]) -> io::Result<u64> {
        let offset = self.spill_len;
        self.spill_file()?.write_all(text)?;
        self.spill_len += text.len() as u64;
        Ok(offset)
    }

    /// Appends a run to the spill file; returns its offset.
    fn spill_run(&mut self, findings: &[Finding]) -> io::Result<u64> {
        let mut lines = Vec::with_capacity(findings.len() * 512);
        let mut last = "";
        for f in findings {
            if f.encoding != last {
                remember_encoding(f.encoding);
                last = f.encoding;
            }
            serde_json::to_writer(
                &mut lines,
                &Out {
                    k: f.kind.name(),
                    v: &f.value,
                    p: &f.path,
                    m: f.member.as_deref(),
                    o: f.offset,
                    n: f.length,
                    l: f.line,
                    c: f.column,
                    e: f.encoding,
                    x: f.cell.as_deref(),
                    f: f.confidence.name(),
                    b: &f.context.before,
                    i: &f.context.item,
                    a: &f.context.after,
                    d: &f.details,
                    r: f.record,
                },
            )?;
            lines.push(b'\n');
        }
        self.spill_bytes(&lines)
    }

    /// Puts the runs in report order; call once all findings are in.
    pub fn finish(&mut self) -> io::Result<()> {
        // Stable: the parts of one path and member stay in the order they came.
        self.runs
            .sort_by(|a, b| (&a.path, &a.member).cmp(&(&b.path, &b.member)));
        if let Some(w) = &mut self.spill {
            w.flush()?;
        }
        Ok(())
    }

    /// Number of findings.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of findings of `kind`.
    pub fn count(&self, kind: Kind) -> u64 {
        self.by_kind[kind.index()]
    }

    /// True if some runs were spilled to disk.
    pub fn spilled(&self) -> bool {
        self.spill.is_some()
    }

    /// The findings in report order: sorted by path, member, line, offset, kind.
    pub fn iter(&self) -> impl Iterator<Item = io::Result<Cow<'_, Finding>>> {
        self.entries().map(|e| e.and_then(Entry::finding))
    }

    /// True if the store keeps rendered records (see [`FindingStore::rendering`]).
    pub fn is_rendered(&self) -> bool {
        matches!(self.keep, Keep::Rendered(_))
    }

    /// Writes the rendered records in report order (see [`FindingStore::rendering`]),
    /// the first without what goes between records ([`Render::between`]).
    pub fn write_rendered(&self, out: &mut dyn Write) -> io::Result<()> {
        let Keep::Rendered(render) = &self.keep else {
            return Err(io::Error::other("findings were kept, not rendered"));
        };
        let mut skip = render.between.len();
        let mut chunk = Vec::new();
        let mut write = |bytes: &[u8]| {
            let from = skip.min(bytes.len());
            skip -= from;
            out.write_all(&bytes[from..])
        };
        for run in &self.runs {
            match &run.body {
                Body::Text(t) => write(t)?,
                Body::SpilledText { offset, len } => {
                    let file = self.spill.as_ref().expect("a spilled run has a spill");
                    copy_from(file.get_ref(), *offset, *len, &mut chunk, &mut write)?;
                }
                Body::Streamed { offset, len, first } => {
                    let file = self.streamed.as_ref().ok_or_else(|| {
                        io::Error::other("the report is being streamed: finish it instead")
                    })?;
                    if *first {
                        write(render.between)?;
                    }
                    copy_from(file, *offset, *len, &mut chunk, &mut write)?;
                }
                Body::Memory(_) | Body::Spilled { .. } => {
                    return Err(io::Error::other("findings were kept, not rendered"));
                }
            }
        }
        Ok(())
    }

    /// The findings in report order as entries, whose spilled ones are parsed only when
    /// asked: a reporter can read the spill in order and parse it on many threads.
    pub fn entries(&self) -> Entries<'_> {
        Entries {
            store: self,
            run: 0,
            at: 0,
            reader: None,
        }
    }
}

/// A finding of a [`FindingStore`]: held in memory, or a line of the spill not yet parsed.
pub enum Entry<'a> {
    /// Held in memory.
    Held(&'a Finding),
    /// Read from the spill, not yet parsed.
    Spilled(String),
}

impl<'a> Entry<'a> {
    /// The finding (an error if the spill line does not parse).
    pub fn finding(self) -> io::Result<Cow<'a, Finding>> {
        match self {
            Entry::Held(f) => Ok(Cow::Borrowed(f)),
            Entry::Spilled(line) => {
                let parsed: In = serde_json::from_str(&line).map_err(|e| {
                    io::Error::new(io::ErrorKind::InvalidData, format!("spill: {e}"))
                })?;
                parsed.finding().map(Cow::Owned)
            }
        }
    }
}

/// The entries of a [`FindingStore`] in report order; spilled lines are read back (an
/// error reading the spill is an I/O error of the report).
pub struct Entries<'a> {
    store: &'a FindingStore,
    run: usize,
    at: usize,
    reader: Option<BufReader<At<'a>>>,
}

/// Reads a file from a position of its own (positional reads), so iterators over the same
/// spill never disturb each other.
struct At<'a> {
    file: &'a File,
    pos: u64,
}

/// Spilled text is copied to the report this many bytes at a time.
const SPILL_CHUNK: u64 = 8 << 20;

/// Hands `len` bytes of `file` from `offset` to `write`, a chunk at a time: mapped rather
/// than read where they can be (the copy was a third of writing a large report, after the
/// scan, on one thread), else read into `chunk`.
fn copy_from(
    file: &File,
    offset: u64,
    len: u64,
    chunk: &mut Vec<u8>,
    write: &mut impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let (mut at, end) = (offset, offset + len);
    while at < end {
        let want = (end - at).min(SPILL_CHUNK) as usize;
        #[cfg(target_os = "linux")]
        if let Some(n) = write_mapped(file, at, want, write)? {
            at += n as u64;
            continue;
        }
        chunk.resize(want, 0);
        io::Read::read_exact(&mut At { file, pos: at }, chunk)?;
        write(chunk)?;
        at += want as u64;
    }
    Ok(())
}

/// Hands `len` bytes of the spill from `at` to `write` through a mapping; `None` if they
/// could not be mapped (then read them).
#[cfg(target_os = "linux")]
fn write_mapped(
    file: &File,
    at: u64,
    len: usize,
    write: &mut impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<Option<usize>> {
    use std::sync::atomic::{AtomicU64, Ordering};
    let cut = std::sync::Arc::new(AtomicU64::new(u64::MAX));
    let Some(m) = crate::sys::map::Mapped::new(file, at, len, &cut) else {
        return Ok(None);
    };
    write(&m)?;
    drop(m);
    // The spill and a given-up stream are this process's unlinked files: nothing else can
    // cut them short.
    match cut.load(Ordering::Acquire) {
        u64::MAX => Ok(Some(len)),
        c => Err(io::Error::other(format!("spill cut short at {c}"))),
    }
}

impl io::Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = crate::sys::read_at(self.file, buf, self.pos);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = io::Result<Entry<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if matches!(self.store.keep, Keep::Counts) && self.store.len > 0 && self.run == 0 {
            self.run = usize::MAX;
            return Some(Err(io::Error::other("findings were counted, not kept")));
        }
        loop {
            let run = self.store.runs.get(self.run)?;
            match &run.body {
                Body::Memory(v) => {
                    if let Some(f) = v.get(self.at) {
                        self.at += 1;
                        return Some(Ok(Entry::Held(f)));
                    }
                }
                Body::Spilled { offset, count } => {
                    if self.at < *count {
                        return Some(self.read_spilled(*offset));
                    }
                }
                Body::Text(_) | Body::SpilledText { .. } | Body::Streamed { .. } => {
                    self.run = self.store.runs.len();
                    return Some(Err(io::Error::other(
                        "findings were rendered for the report, not kept",
                    )));
                }
            }
            self.run += 1;
            self.at = 0;
        }
    }
}

impl<'a> Entries<'a> {
    /// Reads the next line of the current spilled run.
    fn read_spilled(&mut self, offset: u64) -> io::Result<Entry<'a>> {
        if self.at == 0 {
            // Each run is read once, in order: a new reader at its start.
            let file = self
                .store
                .spill
                .as_ref()
                .expect("a spilled run has a spill")
                .get_ref();
            let at = At { file, pos: offset };
            self.reader = Some(BufReader::with_capacity(1 << 16, at));
        }
        let reader = self.reader.as_mut().expect("set above");
        let mut line = String::new();
        reader.read_line(&mut line)?;
        self.at += 1;
        Ok(Entry::Spilled(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn finding(path: &str, offset: u64, kind: Kind) -> Finding {
        Finding {
            kind,
            value: format!("1380013{offset:04}"),
            path: path.into(),
            member: (offset % 3 == 0).then(|| "m.txt".to_string()),
            offset,
            length: 11,
            line: offset / 10 + 1,
            column: offset % 10 + 1,
            encoding: "gb18030",
            cell: (offset % 5 == 0).then(|| "B7".to_string()),
            confidence: Confidence::Medium,
            context: Context {
                before: "手机\n\"".into(),
                item: "138 0013".into(),
                after: "，".into(),
            },
            details: [("segment".to_string(), json!("138"))]
                .into_iter()
                .collect(),
            allowed: false,
            untrue: None,
            record: None,
        }
    }

    fn fingerprint(f: &Finding) -> String {
        format!(
            "{:?}",
            (
                (f.kind, &f.value, &f.path, &f.member, f.offset, f.length, f.line),
                (f.column, f.encoding, &f.cell, f.confidence),
                (
                    &f.context.before,
                    &f.context.item,
                    &f.context.after,
                    &f.details
                )
            )
        )
    }

    /// One run per path, `n` findings each, in reverse order, `step` bytes apart.
    /// A renderer of test records, each starting with `;` (which goes between records).
    fn render(record: impl Fn(&Finding, &mut Vec<u8>) + Send + Sync + 'static) -> Render {
        Render {
            record: Box::new(record),
            between: b";",
        }
    }

    fn runs_of(paths: &[&str], n: u64, step: u64) -> Vec<Vec<Finding>> {
        paths
            .iter()
            .enumerate()
            .map(|(r, p)| {
                (0..n)
                    .rev()
                    .map(|i| finding(p, i * step + r as u64, Kind::all()[(i % 3) as usize]))
                    .collect()
            })
            .collect()
    }

    /// All the findings of `runs`, sorted by the report's sort key.
    fn in_report_order(runs: &[Vec<Finding>]) -> Vec<Finding> {
        let mut all: Vec<Finding> = runs.iter().flatten().cloned().collect();
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        all
    }

    #[test]
    fn spilled_and_kept_runs_read_back_the_same_in_report_order() {
        let runs = runs_of(&["c.txt", "a.txt", "d.txt", "b.txt"], 40, 7);
        let all = in_report_order(&runs);
        let want: Vec<String> = all.iter().map(fingerprint).collect();
        for limit in [0, 50, 1000] {
            let mut s = FindingStore::new(limit);
            for r in &runs {
                s.push(r.clone());
            }
            s.push(Vec::new());
            s.finish().unwrap();
            assert_eq!(s.spilled(), limit < 160, "limit {limit}");
            assert_eq!(s.len(), 160);
            assert_eq!(
                s.count(crate::detect::cn_id::KIND),
                all.iter()
                    .filter(|f| f.kind == crate::detect::cn_id::KIND)
                    .count() as u64
            );
            let got: Vec<String> = s.iter().map(|f| fingerprint(&f.unwrap())).collect();
            assert_eq!(got, want, "limit {limit}");
            // Two passes at once read the same, independently.
            let (mut a, mut b) = (s.iter(), s.iter());
            for _ in 0..160 {
                let (x, y) = (a.next().unwrap().unwrap(), b.next().unwrap().unwrap());
                assert_eq!(fingerprint(&x), fingerprint(&y));
            }
            assert!(a.next().is_none());
        }
    }

    #[test]
    fn parts_of_members_read_back_in_report_order() {
        // An archive's members hand out parts as they are read, in archive order (z before
        // a), and the rest comes with the input, members mixed: the report is in order by
        // member, then line.
        let at = |member: Option<&str>, line: u64| {
            let mut f = finding("x.zip", line * 10, crate::detect::cn_mobile::KIND);
            f.member = member.map(str::to_string);
            f.line = line;
            f
        };
        let parts = vec![
            vec![at(Some("z.csv"), 1), at(Some("z.csv"), 2)],
            vec![at(Some("a.csv"), 2), at(Some("a.csv"), 1)],
            vec![
                at(Some("z.csv"), 4),
                at(None, 3),
                at(Some("a.csv"), 3),
                at(Some("z.csv"), 3),
                at(None, 1),
            ],
        ];
        let all = in_report_order(&parts);
        let want: Vec<String> = all.iter().map(fingerprint).collect();
        for limit in [0, 3, 1000] {
            let mut s = FindingStore::new(limit);
            for p in &parts {
                s.push(p.clone());
            }
            s.finish().unwrap();
            let got: Vec<String> = s.iter().map(|f| fingerprint(&f.unwrap())).collect();
            assert_eq!(got, want, "limit {limit}");
        }
    }

    #[test]
    fn rendered_runs_write_the_records_in_report_order() {
        let runs = runs_of(&["c.txt", "a.txt", "b.txt"], 30, 5);
        let all = in_report_order(&runs);
        let record = |f: &Finding, out: &mut Vec<u8>| {
            out.extend_from_slice(format!(";{}", fingerprint(f)).as_bytes());
        };
        let mut want = Vec::new();
        all.iter().for_each(|f| record(f, &mut want));
        for limit in [0, 40, 1000] {
            let mut s = FindingStore::rendering(limit, render(record));
            for r in &runs {
                s.push(r.clone());
            }
            s.finish().unwrap();
            assert!(s.is_rendered());
            assert_eq!(s.len(), 90);
            assert_eq!(s.spilled(), limit < 90, "limit {limit}");
            let mut got = Vec::new();
            s.write_rendered(&mut got).unwrap();
            assert_eq!(got, want[1..], "limit {limit}");
            assert!(s.iter().next().unwrap().is_err());
        }
        let mut s = FindingStore::counting();
        for r in &runs {
            s.push(r.clone());
        }
        assert_eq!((s.len(), s.count(Kind::all()[0])), (90, 30));
        assert!(!s.spilled() && s.iter().next().unwrap().is_err());
    }

    /// A report file for tests: written to an unlinked file, read back by `finish`.
    struct FileStream(File);

    impl Write for FileStream {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.write(b)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Stream for FileStream {
        fn into_file(self: Box<Self>) -> io::Result<File> {
            Ok(self.0)
        }
        fn finish(mut self: Box<Self>) -> io::Result<String> {
            let mut s = String::new();
            io::Seek::rewind(&mut self.0)?;
            io::Read::read_to_string(&mut self.0, &mut s)?;
            Ok(s)
        }
    }

    #[test]
    fn runs_in_report_order_are_streamed_and_others_written_anew_the_same() {
        let record = |f: &Finding, out: &mut Vec<u8>| {
            out.extend_from_slice(format!(",{}", fingerprint(f)).as_bytes());
        };
        let head = "[";
        // In order: a single file's parts (split in two), then another path, then members.
        let a = runs_of(&["a.txt"], 30, 5).remove(0);
        let (mut a1, mut a2) = (a.clone(), a);
        a1.sort_by_key(|f| f.offset);
        let a2 = a2.split_off(0).into_iter().map(|mut f| {
            f.offset += 1000;
            f.line += 100;
            f
        });
        let a1_2: Vec<Finding> = a1.drain(15..).collect();
        let mut in_order = vec![a1, a1_2, a2.collect(), runs_of(&["b.txt"], 7, 3).remove(0)];
        // Parts of one input come in order only if they are of one member.
        in_order.iter_mut().flatten().for_each(|f| f.member = None);
        // Out of order: the third run sorts before the second.
        let out_of_order = runs_of(&["a.txt", "c.txt", "b.txt", "d.txt"], 9, 4);
        for (runs, streams) in [(in_order, true), (out_of_order, false)] {
            let mut want = String::from(head);
            for f in in_report_order(&runs) {
                let mut r = Vec::new();
                record(&f, &mut r);
                want.push_str(std::str::from_utf8(&r).unwrap());
            }
            want.remove(head.len());
            for limit in [0, 10, 1000] {
                let mut out = FileStream(tempfile::tempfile().unwrap());
                out.write_all(head.as_bytes()).unwrap();
                let mut s = FindingStore::streaming(limit, render(record), Box::new(out), 1);
                for r in &runs {
                    s.push(r.clone());
                }
                s.finish().unwrap();
                let got = match s.take_stream().unwrap() {
                    Some(stream) => {
                        assert!(streams, "a run out of order is not streamed");
                        // Everything is in the stream already, nothing kept or spilled.
                        assert!(!s.spilled());
                        stream.finish().unwrap()
                    }
                    None => {
                        assert!(!streams, "runs in order are streamed");
                        let mut got = head.as_bytes().to_vec();
                        s.write_rendered(&mut got).unwrap();
                        String::from_utf8(got).unwrap()
                    }
                };
                assert!(got == want, "limit {limit}, streams {streams}");
            }
        }
    }
}
