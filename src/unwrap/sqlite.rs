//! SQLite databases (phone extractions).
//!
//! A record stores its values back to back (`…251913967049867lisi@…`: an ID, a mobile
//! and an e-mail with nothing between them), so scanning the raw bytes alone would glue
//! neighbouring values into one unrecognisable run. Instead every b-tree leaf page —
//! live, or left on the freelist after a `DELETE`/`DROP` — is read cell by cell, each
//! record split into its values, and each value scanned on its own line, labelled with
//! its column name (a column `mobile` is context as a CSV header is). Deleted cells in
//! the free blocks of a page are carved the same way where their record header survived.
//! Every finding keeps the offset of its first byte in the raw file.
//!
//! Which table or index a page belongs to comes from SQLite itself (`dbstat`), and the
//! column names from `PRAGMA table_info`; the database is opened read-only and
//! `immutable`, so SQLite neither writes, locks nor replays a journal. Pages SQLite does
//! not place in any b-tree are reported as `unallocated` (deleted data). The raw scan of
//! the file is kept for everything outside the records (journal remnants, overwritten
//! cells), minus what overlaps a value already scanned.
//!
//! The record walker follows <https://www.sqlite.org/fileformat2.html> (varints, serial
//! types, cell layouts): no maintained crate recovers deleted records, and SQLite's own
//! API only returns live rows.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use serde_json::{json, Value};

use super::encoding::{decode, Encoding, TextMap};
use super::{read_at, Node, Unwrapper};
use crate::evidence::Finding;
use crate::read::scan_text;

/// Text built per batch before it is scanned (bounds memory on large databases).
const BATCH_TEXT: usize = 4 << 20;

/// What SQLite itself says about the database.
#[derive(Default)]
struct Schema {
    /// Page number → table or index name.
    owners: HashMap<u64, String>,
    /// Table or index name → column names, in record order.
    columns: HashMap<String, Vec<String>>,
    /// Table name → whether each column holds text only (TEXT affinity).
    text_only: HashMap<String, Vec<bool>>,
}

/// One value of a record, where it lies and what it says.
struct Field {
    /// Raw offset of the value's bytes in the file.
    raw: u64,
    /// Raw length (of the value's bytes, wherever they lie).
    len: u64,
    /// The raw byte ranges of the value: one, or one per page of an overflow chain.
    spans: Vec<(u64, u64)>,
    /// The lowest raw offset of the value's bytes (`map` is relative to it).
    origin: u64,
    /// The value as text (integers in decimal).
    text: Vec<u8>,
    /// True if the text is the raw bytes themselves (offsets inside map one to one).
    verbatim: bool,
    /// For text decoded from UTF-16 or spread over overflow pages: where each
    /// character's bytes are, relative to `origin`.
    map: Option<Box<TextMap>>,
    /// The WAL frame the page was read from, for a write-ahead log.
    frame: Option<u64>,
    /// Page number.
    page: u64,
    /// Column index in its record.
    column: usize,
    /// Carved from a free block (a deleted cell).
    freeblock: bool,
}

/// Replaces the raw-scan findings of a database by the findings of its values, and
/// attributes each to its page and table.
pub(super) fn scan(u: &Unwrapper, path: &Path, node: &mut Node) {
    let Ok(file) = File::open(path) else { return };
    let mut head = [0u8; 100];
    let got = read_at(&file, &mut head, 0);
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let wal = got >= 32 && matches!(be32(&head, 0), 0x377F_0682 | 0x377F_0683);
    // The database whose schema names tables and columns: this one, or for a
    // write-ahead log (`x.db-wal`) the database beside it.
    let db_path = if wal {
        let name = path.as_os_str().as_encoded_bytes();
        name.strip_suffix(b"-wal")
            .map(|n| {
                Path::new(std::ffi::OsStr::new(
                    &String::from_utf8_lossy(n).into_owned(),
                ))
                .to_path_buf()
            })
            .filter(|p| p.is_file())
    } else {
        Some(path.to_path_buf())
    };
    let mut db_head = [0u8; 100];
    let db_ok = match &db_path {
        Some(p) if wal => File::open(p).is_ok_and(|f| read_at(&f, &mut db_head, 0) == 100),
        Some(_) => {
            db_head = head;
            got == 100
        }
        None => false,
    };
    let page_size = if wal {
        match be32(&head, 8) as u64 {
            n if (512..=65536).contains(&n) && n.is_power_of_two() => n,
            _ => return,
        }
    } else {
        match u16::from_be_bytes([head[16], head[17]]) {
            1 => 65536u64,
            n if n >= 512 && n.is_power_of_two() => n as u64,
            _ => return,
        }
    };
    let usable = page_size - if db_ok { db_head[20] as u64 } else { 0 };
    let enc = match (db_ok, be32(&db_head, 56)) {
        (true, 2) => Encoding::Utf16Le,
        (true, 3) => Encoding::Utf16Be,
        _ => Encoding::Utf8,
    };
    // For a log, SQLite reads a copy of the database and the log together (it writes
    // a `-shm` index beside them, which must not happen beside the evidence).
    let copy = if wal {
        db_path.as_deref().and_then(|db| {
            let dir = tempfile::tempdir().ok()?;
            std::fs::copy(db, dir.path().join("db")).ok()?;
            std::fs::copy(path, dir.path().join("db-wal")).ok()?;
            Some(dir)
        })
    } else {
        None
    };
    let schema_of = |p: &Path| match &copy {
        Some(dir) => schema(&dir.path().join("db"), false),
        None => schema(p, true),
    };
    let schema = match db_path.as_deref().map(schema_of) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            node.reason
                .get_or_insert(format!("pages not attributed to tables: {e}"));
            Schema::default()
        }
        None => Schema::default(),
    };
    // (page number, file offset of the page, WAL frame)
    let locations: Box<dyn Iterator<Item = (u64, u64, Option<u64>)>> = if wal {
        let frame = 24 + page_size;
        let frames = size.saturating_sub(32) / frame;
        let file = &file;
        Box::new((0..frames).filter_map(move |i| {
            let at = 32 + i * frame;
            let mut fh = [0u8; 4];
            (read_at(file, &mut fh, at) == 4).then(|| (be32(&fh, 0) as u64, at + 24, Some(i + 1)))
        }))
    } else {
        Box::new((1..=size / page_size).map(move |pg| (pg, (pg - 1) * page_size, None)))
    };
    if wal {
        node.format = super::Format::SqliteWal;
    }

    // Findings: the values' (carved), and the raw scan's outside every value scanned,
    // both in file order; the raw ones are settled batch by batch, so only one batch of
    // value ranges is held at a time.
    let mut out: Vec<Finding> = Vec::new();
    let mut raw = std::mem::take(&mut node.findings).into_iter().peekable();
    let mut covered: Vec<(u64, u64)> = Vec::new();
    let mut fields: Vec<Field> = Vec::new();
    let mut text_len = 0usize;
    let mut page = vec![0u8; page_size as usize];
    let mut settle = |out: &mut Vec<Finding>, covered: &mut Vec<(u64, u64)>, upto: u64| {
        covered.sort_unstable();
        while let Some(mut f) = raw.next_if(|f| f.offset < upto) {
            let end = f.offset + f.length as u64;
            let i = covered.partition_point(|&(s, _)| s < end);
            if i > 0 && covered[i - 1].1 > f.offset {
                continue;
            }
            if !wal {
                let page = f.offset / page_size + 1;
                f.details
                    .insert("sqlite", place(&schema, page, None, false, None));
            }
            out.push(f);
        }
        covered.clear();
    };
    // Overflow pages of the database itself (a log's chains may be in other frames).
    let fetch = |n: u64| -> Option<Vec<u8>> {
        if n == 0 || n > size / page_size {
            return None;
        }
        let mut buf = vec![0u8; page_size as usize];
        (read_at(&file, &mut buf, (n - 1) * page_size) == buf.len()).then_some(buf)
    };
    for (pg, at, frame) in locations {
        if read_at(&file, &mut page, at) < page.len() {
            break;
        }
        let before = fields.len();
        let ncols = schema
            .owners
            .get(&pg)
            .and_then(|t| schema.text_only.get(t))
            .map(Vec::as_slice);
        let allocated = schema.owners.contains_key(&pg);
        let p = PageRef {
            bytes: &page,
            pg,
            at,
            enc,
            frame,
            pieces: &[],
            fetch: if wal { None } else { Some(&fetch) },
        };
        leaf_fields(&p, usable, ncols, allocated, &mut fields);
        text_len += fields[before..]
            .iter()
            .map(|f| f.text.len() + 24)
            .sum::<usize>();
        // A batch also ends before its values spread over 1 GiB of the file: the text
        // map holds 32-bit offsets from the batch's lowest.
        let spread = fields
            .iter()
            .flat_map(|f| f.spans.iter())
            .fold((u64::MAX, 0), |(lo, hi), s| (lo.min(s.0), hi.max(s.1)));
        if text_len >= BATCH_TEXT || spread.1.saturating_sub(spread.0) > MAX_SPREAD {
            flush(u, &schema, &mut fields, &mut out, &mut covered);
            settle(&mut out, &mut covered, at + page_size);
            text_len = 0;
        }
    }
    flush(u, &schema, &mut fields, &mut out, &mut covered);
    settle(&mut out, &mut covered, u64::MAX);
    out.sort_by_key(|f| (f.offset, f.kind));
    if wal {
        out = latest_wal_copies(out, 24 + page_size);
    }
    node.findings = fold_stale_copies(out);
}

/// Page splits, rebalancing and vacuum-less deletes leave stale copies of live rows in
/// free space. A deleted or unplaced value that a live row of the same database also
/// holds says nothing new: it is counted on the live finding (`stale_copies`) instead
/// of being reported again. Deleted values no live row holds are all reported.
fn fold_stale_copies(findings: Vec<Finding>) -> Vec<Finding> {
    let live = |f: &Finding| {
        f.details.get("sqlite").is_some_and(|d| {
            d.get("column").is_some()
                && d.get("deleted").is_none()
                && d.get("unallocated").is_none()
        })
    };
    let mut first: HashMap<(crate::evidence::Kind, String), usize> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if live(f) {
            first.entry((f.kind, f.value.clone())).or_insert(i);
        }
    }
    let mut copies = vec![0u64; findings.len()];
    let mut keep = vec![true; findings.len()];
    for (i, f) in findings.iter().enumerate() {
        if !live(f) {
            if let Some(&j) = first.get(&(f.kind, f.value.clone())) {
                copies[j] += 1;
                keep[i] = false;
            }
        }
    }
    findings
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep[*i])
        .map(|(i, mut f)| {
            if copies[i] > 0 {
                if let Some(Value::Object(d)) = f.details.get_mut("sqlite") {
                    d.insert("stale_copies".into(), json!(copies[i]));
                }
            }
            f
        })
        .collect()
}

/// A log holds a version of a page in every frame that wrote it, so the same value at
/// the same place of the same page repeats frame after frame. Keeps the copy in the
/// latest frame, with the number of frames that hold it (`wal_copies`).
fn latest_wal_copies(findings: Vec<Finding>, frame: u64) -> Vec<Finding> {
    let page_of = |f: &Finding| {
        f.details
            .get("sqlite")
            .and_then(|d| d.get("page"))
            .and_then(Value::as_u64)
    };
    let mut best: HashMap<(u64, u64, crate::evidence::Kind, String), (usize, u64)> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        let within = (f.offset.saturating_sub(32)) % frame;
        let key = (
            page_of(f).unwrap_or(u64::MAX),
            within,
            f.kind,
            f.value.clone(),
        );
        let e = best.entry(key).or_insert((i, 0));
        e.0 = i; // findings are in offset order: the later frame wins
        e.1 += 1;
    }
    let mut keep: Vec<(usize, u64)> = best.into_values().collect();
    keep.sort_unstable();
    let mut findings: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    keep.into_iter()
        .filter_map(|(i, copies)| {
            let mut f = findings[i].take()?;
            if let Some(Value::Object(d)) = f.details.get_mut("sqlite") {
                d.insert("wal_copies".into(), json!(copies));
            }
            Some(f)
        })
        .collect()
}

/// Scans a batch of fields: one line per value, `column: value`, mapped to the raw bytes.
fn flush(
    u: &Unwrapper,
    schema: &Schema,
    fields: &mut Vec<Field>,
    out: &mut Vec<Finding>,
    covered: &mut Vec<(u64, u64)>,
) {
    if fields.is_empty() {
        return;
    }
    // Raw offsets are large: the map holds them relative to the batch's lowest.
    fields.sort_by_key(|f| f.raw);
    let base = fields.iter().map(|f| f.origin).min().unwrap_or(0);
    let mut text = Vec::new();
    let mut map = TextMap::default();
    // Where each field's line starts in the text.
    let mut lines = Vec::with_capacity(fields.len());
    for f in fields.iter() {
        lines.push(text.len());
        let label = column_name(schema, f);
        let rel = (f.raw - base) as usize;
        map.push(text.len(), rel, 0);
        text.extend_from_slice(label.as_bytes());
        text.extend_from_slice(b": ");
        match &f.map {
            Some(m) => map.append(m, text.len(), (f.origin - base) as usize),
            None => map.push(text.len(), rel, if f.verbatim { 1 } else { 0 }),
        }
        text.extend_from_slice(&f.text);
        let end = f.spans.last().map_or(f.raw + f.len, |s| s.1);
        map.push(text.len(), (end - base) as usize, 0);
        text.push(b'\n');
        if f.text.iter().any(|b| b.is_ascii_digit() || *b == b'@') {
            covered.extend_from_slice(&f.spans);
        }
    }
    map.finish(text.len(), 0);
    // Scanned as text: offsets in the text, mapped to the file here.
    for mut f in scan_text(u.det, u.opts, &text, None, Encoding::Binary) {
        let (t, n) = (f.offset as usize, f.length as usize);
        let field = &fields[lines.partition_point(|&s| s <= t).saturating_sub(1)];
        let start = base + map.raw(t) as u64;
        let stop = base + map.raw_end(t + n) as u64;
        // An item split across overflow pages has no single span: its own length.
        f.length = if stop > start && stop - start < 4 * n as u64 {
            (stop - start) as u32
        } else {
            n as u32
        };
        f.offset = start;
        // `scan_text` counts lines in the text built here: not the file's.
        f.line = 0;
        f.encoding = "binary";
        let column = column_name(schema, field);
        f.details.insert(
            "sqlite",
            place(
                schema,
                field.page,
                Some(&column),
                field.freeblock,
                field.frame,
            ),
        );
        out.push(f);
    }
    fields.clear();
}

/// The name of a value's column: from the schema when its page's owner is known.
fn column_name(schema: &Schema, f: &Field) -> String {
    schema
        .owners
        .get(&f.page)
        .and_then(|t| schema.columns.get(t))
        .and_then(|cols| cols.get(f.column))
        .cloned()
        .unwrap_or_else(|| format!("column{}", f.column + 1))
}

/// `details.sqlite`: the page, and the table (with column) or `unallocated`.
fn place(
    schema: &Schema,
    page: u64,
    column: Option<&str>,
    freeblock: bool,
    frame: Option<u64>,
) -> Value {
    let mut d = serde_json::Map::new();
    if let Some(f) = frame {
        d.insert("wal_frame".into(), json!(f));
    }
    d.insert("page".into(), json!(page));
    match schema.owners.get(&page) {
        Some(name) => {
            d.insert("table".into(), json!(name));
            if let Some(c) = column {
                d.insert("column".into(), json!(c));
            }
        }
        None => {
            d.insert("unallocated".into(), json!(true));
        }
    }
    if freeblock {
        d.insert("deleted".into(), json!(true));
    }
    Value::Object(d)
}

/// A big-endian u32 at `b[i..]`.
fn be32(b: &[u8], i: usize) -> u32 {
    u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// An SQLite varint at `b[i..]`: (value, length), or `None` if it runs off the end.
fn varint(b: &[u8], i: usize) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for k in 0..9 {
        let c = *b.get(i + k)?;
        if k == 8 {
            return Some(((v << 8) | c as u64, 9));
        }
        v = (v << 7) | (c & 0x7F) as u64;
        if c & 0x80 == 0 {
            return Some((v, k + 1));
        }
    }
    None
}

/// The body length of a serial type.
fn serial_len(t: u64) -> Option<u64> {
    Some(match t {
        0 | 8 | 9 => 0,
        1..=4 => t,
        5 => 6,
        6 | 7 => 8,
        10 | 11 => return None,
        n => (n - 12) / 2,
    })
}

/// One page being read.
struct PageRef<'a> {
    /// Its bytes.
    bytes: &'a [u8],
    /// Its page number.
    pg: u64,
    /// The file offset of its first byte.
    at: u64,
    /// The database's text encoding.
    enc: Encoding,
    /// The WAL frame it comes from, for a write-ahead log.
    frame: Option<u64>,
    /// For a payload assembled from overflow pages: (offset in `bytes`, raw offset)
    /// where each piece starts; empty for a page's own bytes (raw = `at` + offset).
    pieces: &'a [(usize, u64)],
    /// Reads page N of the database (to follow overflow chains), where pages can be read.
    fetch: Option<&'a dyn Fn(u64) -> Option<Vec<u8>>>,
}

impl PageRef<'_> {
    /// The raw offset of `bytes[pos]`.
    fn raw_of(&self, pos: usize) -> u64 {
        if self.pieces.is_empty() {
            return self.at + pos as u64;
        }
        let i = self
            .pieces
            .partition_point(|&(s, _)| s <= pos)
            .saturating_sub(1);
        let (s, r) = self.pieces[i];
        r + (pos - s) as u64
    }

    /// The raw ranges of `bytes[from..to]`, piece by piece.
    fn spans(&self, from: usize, to: usize) -> Vec<(u64, u64)> {
        if self.pieces.is_empty() || from >= to {
            return vec![(self.raw_of(from), self.raw_of(from) + (to - from) as u64)];
        }
        let mut out = Vec::new();
        let mut pos = from;
        while pos < to {
            let i = self
                .pieces
                .partition_point(|&(s, _)| s <= pos)
                .saturating_sub(1);
            let stop = self.pieces.get(i + 1).map_or(to, |&(s, _)| s.min(to));
            out.push((self.raw_of(pos), self.raw_of(pos) + (stop - pos) as u64));
            pos = stop;
        }
        out
    }
}

/// The values of the b-tree leaf page `p`, from its cells and, carved, from its free
/// blocks, its unused gap, and whole pages no b-tree uses.
fn leaf_fields(
    p: &PageRef,
    usable: u64,
    ncols: Option<&[bool]>,
    allocated: bool,
    out: &mut Vec<Field>,
) {
    let (page, pg) = (p.bytes, p.pg);
    let h = if pg == 1 { 100 } else { 0 };
    let Some(&kind) = page.get(h) else { return };
    let (table, index) = (kind == 0x0D, kind == 0x0A);
    let usable_len = (usable as usize).min(page.len());
    if !(table || index) {
        // A free page reused as a freelist trunk or left with another header, or an
        // interior page that was a leaf before a split: the cells of its earlier life
        // may still be there.
        if !allocated || matches!(kind, 0x02 | 0x05) {
            carve(p, h, usable_len, None, false, out);
        }
        return;
    }
    let u16_at = |i: usize| -> usize {
        page.get(i..i + 2)
            .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]) as usize)
    };
    let cells = u16_at(h + 3);
    let usable = (usable as usize).min(page.len());
    // The part of a payload stored on the page (fileformat2 §1.6); the rest continues in
    // overflow pages.
    let max_local = if table {
        usable - 35
    } else {
        (usable - 12) * 64 / 255 - 23
    };
    let min_local = (usable - 12) * 32 / 255 - 23;
    let local_size = |p: usize| {
        if p <= max_local {
            return p;
        }
        let k = min_local + (p - min_local) % (usable - 4);
        if k <= max_local {
            k
        } else {
            min_local
        }
    };
    for c in 0..cells {
        let cell = u16_at(h + 8 + 2 * c);
        if cell < h + 8 || cell >= usable {
            continue;
        }
        let Some((payload, n1)) = varint(page, cell) else {
            continue;
        };
        let mut q = cell + n1;
        if table {
            let Some((_, n2)) = varint(page, q) else {
                continue;
            };
            q += n2;
        }
        let local = local_size(payload.min(usize::MAX as u64 / 2) as usize);
        let end = (q + local).min(usable);
        if (payload as usize) > local && end + 4 <= usable {
            if let Some(fetch) = p.fetch {
                let first = be32(page, end) as u64;
                if let Some((buf, pieces)) = overflow(p, q, end, first, payload, usable, fetch) {
                    let whole = PageRef {
                        bytes: &buf,
                        pieces: &pieces,
                        fetch: None,
                        ..*p
                    };
                    record(&whole, 0, buf.len(), None, out);
                    continue;
                }
            }
        }
        record(p, q, end, None, out);
    }
    // The gap between the cell pointers and the cells: cells of an earlier layout.
    let content = u16_at(h + 5).max(h + 8 + 2 * cells).min(usable);
    carve(p, h + 8 + 2 * cells, content, ncols, false, out);
    // Free blocks: deleted cells whose first four bytes now link the chain.
    let mut fb = u16_at(h + 1);
    let mut hops = 0;
    while fb >= h + 8 && fb + 4 <= usable && hops < 1024 {
        let size = u16_at(fb + 2);
        let end = (fb + size).min(usable);
        carve(p, fb, end, ncols, true, out);
        fb = u16_at(fb);
        hops += 1;
    }
}

/// How far apart in the file the values of one batch may lie.
const MAX_SPREAD: u64 = 1 << 30;

/// Payloads longer than this are not gathered from their overflow pages.
const MAX_PAYLOAD: u64 = 64 << 20;

/// A payload gathered from its pages, and where each piece starts (in it, in the file).
type Gathered = (Vec<u8>, Vec<(usize, u64)>);

/// Gathers a payload whose first `end - q` bytes are on page `p` from its chain of
/// overflow pages (each: the next page's number, then content), with where each piece
/// lies in the file. `None` if the chain is broken, loops or is too long.
fn overflow(
    p: &PageRef,
    q: usize,
    end: usize,
    first: u64,
    payload: u64,
    usable: usize,
    fetch: &dyn Fn(u64) -> Option<Vec<u8>>,
) -> Option<Gathered> {
    if payload > MAX_PAYLOAD || usable <= 4 {
        return None;
    }
    let mut buf = p.bytes[q..end].to_vec();
    let mut pieces = vec![(0usize, p.at + q as u64)];
    let page_size = p.bytes.len() as u64;
    let mut next = first;
    let hops = payload as usize / (usable - 4) + 2;
    for _ in 0..hops {
        if buf.len() as u64 >= payload || next == 0 {
            break;
        }
        let page = fetch(next)?;
        let take = (usable - 4).min(payload as usize - buf.len());
        let raw = (next - 1) * page_size + 4;
        if raw.abs_diff(p.at) > MAX_SPREAD / 2 {
            return None;
        }
        pieces.push((buf.len(), raw));
        buf.extend_from_slice(page.get(4..4 + take)?);
        next = be32(&page, 0) as u64;
    }
    (buf.len() as u64 == payload).then_some((buf, pieces))
}

/// Finds the deleted cells of a free block `page[fb..end]`. Freeing a cell overwrites
/// its first four bytes (the payload size, the rowid, and often the record's header size
/// and first serial type); what follows survives. So at each cell start the record is
/// tried at +4 as a whole, or, knowing the table has `ncols` columns, as its last
/// serial types (the lost ones taken for the integer key, stored as NULL). A cell that
/// parses is taken, and the next one tried right after it (freed neighbours merge).
fn carve(
    p: &PageRef,
    fb: usize,
    end: usize,
    ncols: Option<&[bool]>,
    freeblock: bool,
    out: &mut Vec<Field>,
) {
    let mut c = fb;
    'cells: while c + 6 < end {
        let before = out.len();
        if let Some(next) = cell_at(p, c, end, out) {
            c = next;
            continue;
        }
        out.truncate(before);
        // Where a free block says a cell starts, its header may have survived.
        if freeblock {
            if let Some(next) = record(p, c + 4, end, Some(0), out) {
                if out.len() > before {
                    c = next;
                    continue;
                }
            }
            out.truncate(before);
        }
        if let Some(cols) = ncols {
            let n = cols.len();
            for lost in 1..=2usize {
                if n <= lost + 1 {
                    break;
                }
                if let Some(next) = headless(p, c + 4, end, &cols[lost..], lost, out) {
                    c = next;
                    continue 'cells;
                }
                out.truncate(before);
            }
        }
        c += 1;
    }
}

/// An intact table leaf cell at `page[c..]`, left where no cell pointer leads to it:
/// its payload size must equal its record's header and body.
fn cell_at(p: &PageRef, c: usize, end: usize, out: &mut Vec<Field>) -> Option<usize> {
    let page = p.bytes;
    let (payload, n1) = varint(page, c)?;
    let (_, n2) = varint(page, c + n1)?;
    let q = c + n1 + n2;
    let (hsize, n) = varint(page, q)?;
    if payload < 3
        || (q as u64).saturating_add(payload) > end as u64
        || hsize > payload
        || (hsize as usize) < n + 2
    {
        return None;
    }
    let mut total = hsize;
    let mut i = q + n;
    while i < q + hsize as usize {
        let (t, k) = varint(page, i)?;
        total = total.saturating_add(serial_len(t)?);
        i += k;
    }
    if i != q + hsize as usize || total != payload {
        return None;
    }
    record(p, q, end, Some(0), out)
}

/// A record whose header size and first `lost` serial types were overwritten: the
/// serial types of the remaining columns from `q`, then the body (the lost values taken
/// as empty). A column of TEXT affinity (`text_only`) must hold text or NULL: that tells
/// a real header from bytes that merely parse as one.
fn headless(
    p: &PageRef,
    q: usize,
    end: usize,
    text_only: &[bool],
    lost: usize,
    out: &mut Vec<Field>,
) -> Option<usize> {
    let page = p.bytes;
    let mut i = q;
    let mut header = Vec::with_capacity(text_only.len());
    for &text in text_only {
        let (t, k) = varint(page, i)?;
        serial_len(t)?;
        if text && t != 0 && (t < 13 || t % 2 == 0) {
            return None;
        }
        header.push(t);
        i += k;
    }
    let total = header
        .iter()
        .fold(0u64, |a, &t| a.saturating_add(serial_len(t).unwrap_or(0)));
    if !header.iter().any(|&t| t >= 13 && t % 2 == 1)
        || (i as u64).saturating_add(total) > end as u64
    {
        return None;
    }
    values(p, &header, i, end, lost, true, out)
}

/// Parses the record at `page[q..end]`, pushing its text and integer values; returns
/// where it ends. `strict` (`Some(first column)`, carving) requires the header to be
/// plausible and the body to fit and to hold valid UTF-8 text.
fn record(
    p: &PageRef,
    q: usize,
    end: usize,
    strict: Option<usize>,
    out: &mut Vec<Field>,
) -> Option<usize> {
    let page = p.bytes;
    let (hsize, n) = varint(page, q)?;
    if hsize > 512 {
        return None;
    }
    let hsize = hsize as usize;
    if hsize < n + 1 || q + hsize > end {
        return None;
    }
    let mut types = Vec::new();
    let mut i = q + n;
    while i < q + hsize {
        let (t, k) = varint(page, i)?;
        types.push(t);
        i += k;
    }
    if i != q + hsize {
        return None;
    }
    let body = q + hsize;
    if strict.is_some() {
        let total = types.iter().fold(0u64, |a, &t| {
            a.saturating_add(serial_len(t).unwrap_or(u64::MAX))
        });
        let has_text = types.iter().any(|&t| t >= 13 && t % 2 == 1);
        if types.len() < 2 || !has_text || (body as u64).saturating_add(total) > end as u64 {
            return None;
        }
    }
    values(
        p,
        &types,
        body,
        end,
        strict.unwrap_or(0),
        strict.is_some(),
        out,
    )
}

/// Pushes the text and integer values of a record body at `page[body..end]`, the first
/// being column `first`; returns where the body ends.
fn values(
    p: &PageRef,
    types: &[u64],
    mut body: usize,
    end: usize,
    first: usize,
    deleted: bool,
    out: &mut Vec<Field>,
) -> Option<usize> {
    let (page, pg) = (p.bytes, p.pg);
    let before = out.len();
    for (col, &t) in types.iter().enumerate() {
        let len = usize::try_from(serial_len(t)?).unwrap_or(usize::MAX);
        let stop = body.saturating_add(len).min(end);
        let bytes = &page[body..stop];
        let raw = p.raw_of(body);
        let spans = p.spans(body, stop);
        let origin = spans.iter().map(|s| s.0).min().unwrap_or(raw);
        let column = first + col;
        match t {
            1..=6 if len >= 4 => {
                // An integer of 4 or more bytes can be a phone or an ID number.
                let mut v: i64 = if bytes.first().is_some_and(|b| b & 0x80 != 0) {
                    -1
                } else {
                    0
                };
                for &b in bytes {
                    v = (v << 8) | b as i64;
                }
                out.push(Field {
                    raw,
                    len: bytes.len() as u64,
                    spans,
                    origin,
                    text: v.to_string().into_bytes(),
                    verbatim: false,
                    map: None,
                    frame: p.frame,
                    page: pg,
                    column,
                    freeblock: deleted,
                });
            }
            n if n >= 13 && n % 2 == 1 && !bytes.is_empty() => {
                // Carved text must look like text: valid, no control characters but tabs
                // and line breaks (junk parsed as a record rarely is).
                let junk = |t: &[u8]| {
                    std::str::from_utf8(t).map_or(true, |t| {
                        t.chars().any(|c| {
                            c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                        })
                    })
                };
                // Where each character's bytes lie, relative to `origin`: only needed
                // when decoding or when the value spans overflow pages.
                let rel = |r: usize| (p.raw_of(body + r) - origin) as usize;
                let (text, map) = if p.enc.decodes() {
                    let mut text = Vec::new();
                    let mut map = TextMap::default();
                    decode(p.enc, bytes, true, &mut text, &mut map);
                    (text, Some(Box::new(map.remap(rel))))
                } else if spans.len() > 1 {
                    let mut map = TextMap::default();
                    let mut t = 0;
                    for &(a, b) in &spans {
                        map.push(t, (a - origin) as usize, 1);
                        t += (b - a) as usize;
                    }
                    (bytes.to_vec(), Some(Box::new(map)))
                } else {
                    (bytes.to_vec(), None)
                };
                if deleted && junk(&text) {
                    out.truncate(before);
                    return None;
                }
                out.push(Field {
                    raw,
                    len: bytes.len() as u64,
                    spans,
                    origin,
                    text,
                    verbatim: map.is_none(),
                    map,
                    frame: p.frame,
                    page: pg,
                    column,
                    freeblock: deleted,
                });
            }
            _ => {}
        }
        body = body.saturating_add(len);
        if body > end {
            break;
        }
    }
    Some(body.min(end))
}

/// Page owners and column names, from SQLite: of the evidence itself read-only and
/// `immutable`, or of a private copy (with its log) read normally.
fn schema(path: &Path, evidence: bool) -> rusqlite::Result<Schema> {
    let db = if evidence {
        let uri = format!("file:{}?immutable=1", uri_path(path));
        Connection::open_with_flags(
            uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?
    } else {
        Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?
    };
    let mut s = Schema::default();
    {
        let mut stmt = db.prepare("SELECT name, pageno FROM dbstat")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (name, page) = row?;
            s.owners.insert(page as u64, name);
        }
    }
    let mut stmt =
        db.prepare("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'index')")?;
    let objects: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, kind) in objects {
        if kind == "table" {
            let mut stmt = db.prepare("SELECT name, type FROM pragma_table_info(?1)")?;
            let cols: Vec<(String, String)> = stmt
                .query_map([&name], |r| Ok((r.get(0)?, r.get(1)?)))?
                .filter_map(Result::ok)
                .collect();
            // TEXT affinity (fileformat: "CHAR", "CLOB" or "TEXT" in the declared type,
            // and no "INT").
            let text = cols
                .iter()
                .map(|(_, t)| {
                    let t = t.to_ascii_uppercase();
                    !t.contains("INT") && ["CHAR", "CLOB", "TEXT"].iter().any(|a| t.contains(a))
                })
                .collect();
            s.text_only.insert(name.clone(), text);
            s.columns
                .insert(name, cols.into_iter().map(|(c, _)| c).collect());
        } else {
            let mut stmt = db.prepare("SELECT name FROM pragma_index_info(?1)")?;
            let cols: Vec<String> = stmt
                .query_map([&name], |r| r.get::<_, Option<String>>(0))?
                .filter_map(|c| c.ok().flatten())
                .collect();
            s.columns.insert(name, cols);
        }
    }
    Ok(s)
}

/// A path escaped for an SQLite `file:` URI.
fn uri_path(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut s = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"/._-~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_escape_what_uris_give_meaning_to() {
        assert_eq!(
            uri_path(Path::new("/a/b c?d#e%.db")),
            "/a/b%20c%3Fd%23e%25.db"
        );
    }

    mod damaged_pages {
        use super::*;
        use proptest::prelude::*;

        const DB: &[u8] = include_bytes!("../../testdata/unwrap/contacts.db");

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            /// Any bytes in any page: the walker and the carver never panic or loop.
            #[test]
            fn any_damage_is_survived(
                flips in proptest::collection::vec((0..DB.len(), any::<u8>()), 1..400),
                cols in proptest::option::of(proptest::collection::vec(any::<bool>(), 0..8)),
                enc in 0..3usize,
            ) {
                let mut db = DB.to_vec();
                for (i, b) in flips {
                    db[i] = b;
                }
                let enc = [Encoding::Utf8, Encoding::Utf16Le, Encoding::Utf16Be][enc];
                let mut out = Vec::new();
                for (k, page) in db.chunks(4096).enumerate() {
                    let fetch = |n: u64| -> Option<Vec<u8>> {
                        db.chunks(4096).nth(n.checked_sub(1)? as usize).map(<[u8]>::to_vec)
                    };
                    let at = k as u64 * 4096;
                    let p = PageRef {
                        bytes: page, pg: k as u64 + 1, at, enc, frame: None,
                        pieces: &[], fetch: Some(&fetch),
                    };
                    leaf_fields(&p, 4096 - (k as u64 % 40), cols.as_deref(), k % 2 == 0, &mut out);
                }
                for f in &out {
                    for &(a, b) in &f.spans {
                        prop_assert!(a <= b && b <= db.len() as u64);
                    }
                }
            }
        }
    }

    #[test]
    fn stale_copies_of_live_values_are_counted_not_repeated() {
        let f = |value: &str, offset: u64, d: Value| Finding {
            kind: crate::detect::cn_mobile::KIND,
            value: value.into(),
            path: String::new(),
            member: None,
            offset,
            length: 11,
            line: 0,
            column: 0,
            encoding: "binary",
            cell: None,
            confidence: crate::evidence::Confidence::High,
            context: Default::default(),
            details: [("sqlite".to_string(), d)].into_iter().collect(),
            allowed: false,
        };
        let live = json!({"page": 2, "table": "t", "column": "m"});
        let stale = json!({"page": 9, "unallocated": true, "deleted": true});
        let out = fold_stale_copies(vec![
            f("13800138000", 10, stale.clone()),
            f("13800138000", 20, live.clone()),
            f("13900139000", 30, stale.clone()),
            f(
                "13800138000",
                40,
                json!({"page": 2, "table": "t", "column": "m", "deleted": true}),
            ),
        ]);
        let kept: Vec<u64> = out.iter().map(|f| f.offset).collect();
        assert_eq!(kept, [20, 30], "the deleted value no live row holds stays");
        assert_eq!(out[0].details["sqlite"]["stale_copies"], 2);
    }

    /// Found by the `containers` fuzz target: a record header size of nine 0xFF bytes
    /// overflowed when added to the record's position.
    #[test]
    fn a_huge_record_header_size_is_not_an_overflow() {
        let mut page = vec![0xFFu8; 9];
        page.extend_from_slice(&[0x0D; 40]);
        let p = PageRef {
            bytes: &page,
            pg: 2,
            at: 0,
            enc: Encoding::Utf8,
            frame: None,
            pieces: &[],
            fetch: None,
        };
        let mut out = Vec::new();
        assert_eq!(record(&p, 0, page.len(), None, &mut out), None);
        assert!(out.is_empty());
    }

    #[test]
    fn varints_and_serial_types() {
        assert_eq!(varint(&[0x05], 0), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00], 0), Some((128, 2)));
        assert_eq!(varint(&[0xFF; 9], 0), Some((u64::MAX, 9)));
        assert_eq!(varint(&[0x81], 0), None);
        assert_eq!(serial_len(13 + 2 * 11), Some(11));
        assert_eq!(serial_len(5), Some(6));
        assert_eq!(serial_len(10), None);
    }

    #[test]
    fn a_record_splits_into_its_values() {
        // Header: size 4, types TEXT(18), INT 6 bytes, TEXT(3).
        let mut page = vec![4u8, 13 + 36, 5, 13 + 6];
        page.extend_from_slice(b"11010519491231002X");
        page.extend_from_slice(&13800138000u64.to_be_bytes()[2..]);
        page.extend_from_slice(b"abc");
        let mut out = Vec::new();
        let p = PageRef {
            bytes: &page,
            pg: 2,
            at: 4096,
            enc: Encoding::Utf8,
            frame: None,
            pieces: &[],
            fetch: None,
        };
        let end = record(&p, 0, page.len(), None, &mut out).unwrap();
        assert_eq!(end, page.len());
        let texts: Vec<&[u8]> = out.iter().map(|f| f.text.as_slice()).collect();
        assert_eq!(texts, [&b"11010519491231002X"[..], b"13800138000", b"abc"]);
        assert_eq!(out[0].raw, 4096 + 4);
        assert_eq!(out[1].raw, 4096 + 22);
        assert!(!out[1].verbatim);
    }
}
