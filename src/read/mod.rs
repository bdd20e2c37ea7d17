//! Read: streams an input once, in bounded blocks, hashing exactly the bytes it scans.
//!
//! The input is read into a batch buffer that keeps [`LOOKBEHIND`] bytes of the previous
//! batch before it and holds back [`LOOKAHEAD`] bytes at its end (unless the input ended),
//! so every byte the detectors look at around an item is present. The owned part of a
//! batch is cut into windows of `window` bytes; each window is scanned with its
//! look-around and keeps only the items that *start* in it. Since every decision about an
//! item depends only on bytes within the look-around (see [`crate::detect::digits`]), the
//! findings are the same for any window size: none lost at an edge, none reported twice.
//! Windows of one batch are scanned in parallel (rayon) for large inputs.
//!
//! Memory is bounded by the batch size plus the look-around, whatever the input size.
//!
//! The parts, in the order the bytes meet them:
//! - `source`: where the bytes come from, a batch at a time: read, or mapped from a large
//!   file (and then checked for a change after the scan);
//! - `pass`: the batch loop, which reads the next batch while this one is scanned and
//!   hashed;
//! - `hash`: the custody hash, on a thread of its own for a large input;
//! - [`encoding`]: how the bytes read as text, and decoding with a map back to raw offsets;
//! - `windows`: cutting a batch into windows, scanning them (in parallel), and gathering
//!   their findings in order with absolute lines;
//! - `utf16`: UTF-16 text inside binary data;
//! - `found`: candidates turned into findings, with their lines and columns.
//!
//! Inline allow markers are found with [`crate::suppress::marker`].
//!
//! [`LOOKBEHIND`]: crate::detect::digits::LOOKBEHIND
//! [`LOOKAHEAD`]: crate::detect::digits::LOOKAHEAD

use std::fs::File;
use std::io::Read;

use crate::detect::digits::Buf;
use crate::detect::{Candidate, Matcher};
use crate::evidence::{Confidence, Finding, KindSet};
use crate::suppress::marker::{mark_allowed, marker_lines};
use encoding::{Encoding, TextMap};
use found::{detect, Place, Position};
use pass::scan_source;
use source::Source;

pub mod encoding;
pub mod escape;
mod found;
mod hash;
mod pass;
pub mod record;
mod source;
mod utf16;
mod windows;

/// How much of an input's start is decoded to look for a header row.
const HEADER_BYTES: usize = 64 * 1024;

/// Default window size: the unit of parallel work in a large input. A window's candidates
/// and findings are held at once, so it is kept small: 256 KiB of an input dense with
/// items (a table of IDs and phone numbers) held 5,000 findings, where 1 MiB held 100 MB.
pub const DEFAULT_WINDOW: usize = 256 << 10;
/// Default batch size: new bytes read per batch.
pub const DEFAULT_BATCH: usize = 8 << 20;

/// How to read and cut an input.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    /// Bytes per window (at least 1).
    pub window: usize,
    /// New bytes per batch (rounded up to a whole number of windows).
    pub batch: usize,
    /// Scan the windows of a batch in parallel.
    pub parallel: bool,
    /// Kinds to keep (others are still detected, so they take part in conflicts).
    pub kinds: KindSet,
    /// Lowest confidence to keep.
    pub min_confidence: Confidence,
    /// Map large regular files batch by batch rather than copy them out of the page cache
    /// (Linux; see [`scan_file_flushing`]).
    pub map: bool,
}

impl ReadOptions {
    /// True if a candidate is of a kind and confidence to report (an untrue value of a
    /// kind looked for is kept whatever its confidence: it is counted, not reported).
    #[inline]
    pub fn keeps(&self, c: &Candidate) -> bool {
        self.kinds.contains(c.kind) && (c.confidence >= self.min_confidence || c.untrue.is_some())
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            window: DEFAULT_WINDOW,
            batch: DEFAULT_BATCH,
            parallel: false,
            kinds: KindSet::all(),
            min_confidence: Confidence::Low,
            map: true,
        }
    }
}

/// The result of reading one input.
#[derive(Debug)]
pub struct Scanned {
    /// Bytes read.
    pub size: u64,
    /// SHA-256 of all bytes, or `None` if reading failed part-way.
    pub sha256: Option<String>,
    /// Findings, in offset order, with `path` left empty for the caller to fill.
    pub findings: Vec<Finding>,
    /// The read error, if reading failed; findings before it are kept.
    pub error: Option<String>,
    /// How the bytes were read as text.
    pub encoding: Encoding,
}

/// Reads `reader` to its end, hashing and scanning it.
///
/// `on_read` is told how many new bytes each block added (for progress display).
pub fn scan_stream<R: Read>(
    reader: R,
    det: &dyn Matcher,
    opts: ReadOptions,
    on_read: &(dyn Fn(u64) + Sync),
) -> Scanned {
    scan_stream_flushing(reader, det, opts, on_read, None)
}

/// Findings held before [`scan_stream_flushing`] hands the final ones out.
pub const FLUSH_AT: usize = 4096;

/// A receiver of findings that are final before the input ends.
pub type Flush<'a> = &'a (dyn Fn(Vec<Finding>) + Sync);

/// [`scan_stream`], handing findings out to `flush` as they become final (once more than
/// [`FLUSH_AT`] are held), so an input with millions of findings is not held in memory.
/// A finding is final once its line is complete, since an allow marker later on its line
/// could still suppress it. What `flush` was given is not in the returned findings.
pub fn scan_stream_flushing<R: Read>(
    reader: R,
    det: &dyn Matcher,
    opts: ReadOptions,
    on_read: &(dyn Fn(u64) + Sync),
    flush: Option<Flush>,
) -> Scanned {
    scan_source(Source::Reader(reader), det, opts, on_read, flush)
}

/// [`scan_stream_flushing`] of a regular file of `size` bytes (as the walk saw it). A
/// large one is mapped batch by batch rather than read (unless `opts.map` is off): no copy
/// out of the page cache. It is read up to its size when opened. A mapped file's bytes are
/// read where they lie, more than once (hashed, scanned, looked back at), so if the file
/// changed meanwhile (its size or times differ after the scan) the bytes hashed may not be
/// those scanned: the scan then ends with an error and no hash, at the offset where its
/// bytes ended if it was cut short, as a failed read would.
pub fn scan_file_flushing(
    file: &File,
    size: u64,
    det: &dyn Matcher,
    opts: ReadOptions,
    on_read: &(dyn Fn(u64) + Sync),
    flush: Option<Flush>,
) -> Scanned {
    let source = Source::file(file, size, opts.map);
    scan_source(source, det, opts, on_read, flush)
}

/// Scans a whole text held in memory (office documents): `map` (if any) maps text
/// offsets to offsets in the raw bytes the text was extracted from.
pub fn scan_text(
    det: &dyn Matcher,
    opts: ReadOptions,
    text: &[u8],
    map: Option<&TextMap>,
    encoding: Encoding,
) -> Vec<Finding> {
    let b = Buf::whole(text);
    let fcx = det.file_context(&text[..text.len().min(HEADER_BYTES)]);
    let to_raw = |t: usize| map.map_or(t, |m| m.raw(t));
    let to_raw_end = |t: usize| map.map_or(t, |m| m.raw_end(t));
    let mut pos = Position::at(0);
    let mut found = detect(
        det,
        b,
        0..text.len(),
        &fcx,
        &opts,
        &mut pos,
        encoding.name(),
        |start, end, encoding| {
            let raw = to_raw(start);
            Place {
                at: start,
                offset: raw as u64,
                length: to_raw_end(end) - raw,
                encoding,
            }
        },
    );
    let marks = marker_lines(text, 0..text.len(), 0, &found);
    mark_allowed(&mut found, &marks);
    for f in &mut found {
        f.line += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;

    /// (offset, (line, column), value) of each finding.
    pub(super) type Found = Vec<(u64, (u64, u64), String)>;

    /// The findings of `text` read in windows of `window` bytes and batches of `batch`.
    pub(super) fn values(text: &[u8], window: usize, batch: usize, parallel: bool) -> Found {
        let det = Detector::new();
        let s = scan_stream(
            text,
            &det,
            ReadOptions {
                window,
                batch,
                parallel,
                ..ReadOptions::default()
            },
            &|_| {},
        );
        s.findings
            .into_iter()
            .map(|f| (f.offset, (f.line, f.column), f.value))
            .collect()
    }
}
