//! The values of a database scanned as text, batch by batch: each value on a line of its
//! own, labelled with its column name (`column: value`), every finding mapped back to the
//! value's raw bytes and attributed to its page and table. The raw scan's findings are
//! kept where they overlap no value scanned.

use std::iter::Peekable;
use std::vec;

use super::record::Field;
use super::schema::Schema;
use crate::evidence::Finding;
use crate::read::encoding::{Encoding, TextMap};
use crate::read::scan_text;
use crate::unwrap::Unwrapper;

/// Text built per batch before it is scanned (bounds memory on large databases).
const BATCH_TEXT: usize = 4 << 20;

/// How far apart in the file the values of one batch may lie.
pub(super) const MAX_SPREAD: u64 = 1 << 30;

/// The findings of a database or a log, gathered page by page in file order: the
/// values' (carved), and the raw scan's outside every value scanned. The raw ones are
/// settled batch by batch, so only one batch of value ranges is held at a time.
pub(super) struct Batches<'a, 'u> {
    /// The unwrapper whose detectors and options scan the values.
    u: &'a Unwrapper<'u>,
    /// What SQLite says about the database.
    schema: &'a Schema,
    /// The raw scan's findings not settled yet, in file order.
    raw: Peekable<vec::IntoIter<Finding>>,
    /// The page size, to attribute raw findings to their pages; `None` for a log.
    page_size: Option<u64>,
    /// The findings so far.
    out: Vec<Finding>,
    /// The raw ranges of the batch's values scanned (raw findings there are dropped).
    covered: Vec<(u64, u64)>,
    /// The values of the batch.
    fields: Vec<Field>,
    /// About how much text the batch's values make.
    text_len: usize,
}

impl<'a, 'u> Batches<'a, 'u> {
    /// Starts with the raw scan's findings `raw` (in file order). `page_size` attributes
    /// the raw findings to pages (a database's); `None` leaves them as they are (a log's).
    pub(super) fn new(
        u: &'a Unwrapper<'u>,
        schema: &'a Schema,
        raw: Vec<Finding>,
        page_size: Option<u64>,
    ) -> Self {
        Batches {
            u,
            schema,
            raw: raw.into_iter().peekable(),
            page_size,
            out: Vec::new(),
            covered: Vec::new(),
            fields: Vec::new(),
            text_len: 0,
        }
    }

    /// Adds the values `read` pushes, those of a page that ends at raw offset `end`, and
    /// scans the batch once it is large or spread widely enough.
    pub(super) fn add_page(&mut self, end: u64, read: impl FnOnce(&mut Vec<Field>)) {
        let before = self.fields.len();
        read(&mut self.fields);
        self.text_len += self.fields[before..]
            .iter()
            .map(|f| f.text.len() + 24)
            .sum::<usize>();
        // A batch also ends before its values spread over 1 GiB of the file: the text
        // map holds 32-bit offsets from the batch's lowest.
        let spread = self
            .fields
            .iter()
            .flat_map(|f| f.spans.iter())
            .fold((u64::MAX, 0), |(lo, hi), s| (lo.min(s.0), hi.max(s.1)));
        if self.text_len >= BATCH_TEXT || spread.1.saturating_sub(spread.0) > MAX_SPREAD {
            self.flush();
            self.settle(end);
            self.text_len = 0;
        }
    }

    /// Scans the last batch and settles the remaining raw findings: all the findings,
    /// in the order they were settled.
    pub(super) fn finish(mut self) -> Vec<Finding> {
        self.flush();
        self.settle(u64::MAX);
        self.out
    }

    /// Takes the raw findings before `upto` that overlap no value scanned, attributed to
    /// their page for a database, and forgets the ranges scanned.
    fn settle(&mut self, upto: u64) {
        let covered = &mut self.covered;
        covered.sort_unstable();
        while let Some(mut f) = self.raw.next_if(|f| f.offset < upto) {
            let end = f.offset + f.length as u64;
            let i = covered.partition_point(|&(s, _)| s < end);
            if i > 0 && covered[i - 1].1 > f.offset {
                continue;
            }
            if let Some(page_size) = self.page_size {
                let page = f.offset / page_size + 1;
                f.details
                    .insert("sqlite", self.schema.place(page, None, false, None));
            }
            self.out.push(f);
        }
        covered.clear();
    }

    /// Scans the batch: one line per value, `column: value`, mapped to the raw bytes.
    fn flush(&mut self) {
        if self.fields.is_empty() {
            return;
        }
        // Raw offsets are large: the map holds them relative to the batch's lowest.
        self.fields.sort_by_key(|f| f.raw);
        let base = self.fields.iter().map(|f| f.origin).min().unwrap_or(0);
        let (text, map, lines) = self.text(base);
        // Scanned as text: offsets in the text, mapped to the file here.
        for mut f in scan_text(self.u.det, self.u.opts, &text, None, Encoding::Binary) {
            let (t, n) = (f.offset as usize, f.length as usize);
            let field = &self.fields[lines.partition_point(|&s| s <= t).saturating_sub(1)];
            let start = base + map.raw(t) as u64;
            let stop = base + map.raw_end(t + n) as u64;
            // An item split across overflow pages has no single span: its own length.
            f.length = if stop > start && stop - start < 4 * n as u64 {
                (stop - start) as u32
            } else {
                n as u32
            };
            f.offset = start;
            // `scan_text` counts lines in the text built here: not the file's. Its
            // encoding is `binary`, with the escapes undone in the value if any.
            f.line = 0;
            let column = self.schema.column_name(field.page, field.column);
            f.details.insert(
                "sqlite",
                self.schema
                    .place(field.page, Some(&column), field.freeblock, field.frame),
            );
            self.out.push(f);
        }
        self.fields.clear();
    }

    /// The batch's values as text, a line each, with the map from the text to raw
    /// offsets less `base`, and where each value's line starts. Marks the ranges of the
    /// values that can hold a finding as covered.
    fn text(&mut self, base: u64) -> (Vec<u8>, TextMap, Vec<usize>) {
        let mut text = Vec::new();
        let mut map = TextMap::default();
        // Where each field's line starts in the text.
        let mut lines = Vec::with_capacity(self.fields.len());
        for f in self.fields.iter() {
            lines.push(text.len());
            let label = self.schema.column_name(f.page, f.column);
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
                self.covered.extend_from_slice(&f.spans);
            }
        }
        map.finish(text.len(), 0);
        (text, map, lines)
    }
}
