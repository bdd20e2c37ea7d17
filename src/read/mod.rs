//! Read: streams an input once, in bounded blocks, hashing exactly the bytes it scans.
//!
//! The input is read into a batch buffer that keeps [`LOOKBEHIND`] bytes of the previous
//! batch before it and holds back [`LOOKAHEAD`] bytes at its end (unless the input ended),
//! so every byte the detectors look at around an item is present. The owned part of a
//! batch is cut into windows of `window` bytes; each window is scanned with its
//! look-around and keeps only the items that *start* in it. Since every decision about an
//! item depends only on bytes within the look-around (see [`crate::detect::text`]), the
//! findings are the same for any window size: none lost at an edge, none reported twice.
//! Windows of one batch are scanned in parallel (rayon) for large inputs.
//!
//! Memory is bounded by the batch size plus the look-around, whatever the input size.

use std::fs::File;
use std::io::Read;
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::detect::context::FileContext;
use crate::detect::text::{Buf, LOOKAHEAD, LOOKBEHIND};
use crate::detect::{Candidate, Detector};
use crate::evidence::fingerprint::hex;
use crate::evidence::{Confidence, Context, Finding, KindSet, ALLOW_MARKER};
#[cfg(target_os = "linux")]
use crate::sys::map;
use encoding::{decode, sniff, Encoding, TextMap, SNIFF_BYTES};

pub mod encoding;

thread_local! {
    /// Decoded text and its map, reused across the windows a thread scans.
    static DECODED: std::cell::RefCell<(Vec<u8>, TextMap)> =
        std::cell::RefCell::new((Vec::new(), TextMap::default()));
}

/// The length of the byte order mark at the start of `head`, if it has the one of `enc`.
fn bom_len(enc: Encoding, head: &[u8]) -> usize {
    let bom: &[u8] = match enc {
        Encoding::Utf8 => &[0xEF, 0xBB, 0xBF],
        Encoding::Utf16Le => &[0xFF, 0xFE],
        Encoding::Utf16Be => &[0xFE, 0xFF],
        _ => &[],
    };
    if head.starts_with(bom) {
        bom.len()
    } else {
        0
    }
}

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
    /// True if a candidate is of a kind and confidence to report.
    pub fn keeps(&self, c: &Candidate) -> bool {
        self.kinds.contains(c.kind) && c.confidence >= self.min_confidence
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
    det: &Detector,
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
    det: &Detector,
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
    det: &Detector,
    opts: ReadOptions,
    on_read: &(dyn Fn(u64) + Sync),
    flush: Option<Flush>,
) -> Scanned {
    #[cfg(target_os = "linux")]
    let opened = file.metadata().ok().map(|m| map::Stamp::of(&m));
    #[cfg(target_os = "linux")]
    let size = opened.map_or(size, |s| s.len);
    #[cfg(target_os = "linux")]
    if opts.map && size >= map::MAP_AT_LEAST {
        if let Some(opened) = opened {
            let source: Source<&File> = Source::File {
                file,
                size,
                opened,
                cut: Arc::new(AtomicU64::new(u64::MAX)),
            };
            return scan_source(source, det, opts, on_read, flush);
        }
    }
    let _ = size;
    scan_source(Source::Reader(file), det, opts, on_read, flush)
}

/// A batch of input bytes: read into a buffer, or mapped from a file.
enum Batch {
    Read(Vec<u8>),
    #[cfg(target_os = "linux")]
    Mapped(map::Mapped),
}

impl Deref for Batch {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Batch::Read(v) => v,
            #[cfg(target_os = "linux")]
            Batch::Mapped(m) => m,
        }
    }
}

/// Where a scan's bytes come from.
enum Source<'f, R> {
    /// A reader, copied into batch buffers.
    Reader(R),
    /// A large regular file of `size` bytes (`opened` when it was opened), mapped batch
    /// by batch; `cut` is lowered to the offset where a mapped batch found the file cut
    /// short.
    #[cfg(target_os = "linux")]
    File {
        file: &'f File,
        size: u64,
        opened: map::Stamp,
        cut: Arc<AtomicU64>,
    },
    #[cfg(not(target_os = "linux"))]
    #[allow(dead_code)]
    Never(std::marker::PhantomData<&'f File>),
}

impl<R: Read> Source<'_, R> {
    /// The next batch: `carry` (the end of the batch before, at offset `at`) followed by
    /// new bytes, `want` bytes in all unless the input ends first (`eof`). `spare` is a
    /// buffer to read into; the bytes read are counted, and a read error recorded, in
    /// `read`.
    #[allow(clippy::too_many_arguments)]
    fn next(
        &mut self,
        mut spare: Vec<u8>,
        carry: &[u8],
        at: u64,
        want: usize,
        eof: &mut bool,
        read: (&mut u64, &mut Option<String>),
        on_read: &(dyn Fn(u64) + Sync),
    ) -> Batch {
        spare.clear();
        spare.extend_from_slice(carry);
        match self {
            Source::Reader(r) => fill(r, &mut spare, want, eof, read, at, on_read),
            #[cfg(target_os = "linux")]
            Source::File {
                file, size, cut, ..
            } => {
                use std::os::unix::fs::FileExt;
                let end = (at + want as u64).min(*size);
                let len = end.saturating_sub(at) as usize;
                if let Some(m) = map::Mapped::new(file, at, len, cut) {
                    let new = (len - carry.len()) as u64;
                    *read.0 += new;
                    if new > 0 {
                        on_read(new);
                    }
                    *eof = end == *size;
                    return Batch::Mapped(m);
                }
                // Out of mappings: read the batch.
                struct At<'a>(&'a File, u64);
                impl Read for At<'_> {
                    fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
                        let n = self.0.read_at(b, self.1)?;
                        self.1 += n as u64;
                        Ok(n)
                    }
                }
                let from = at + carry.len() as u64;
                let mut r = At(file, from).take(size.saturating_sub(from));
                fill(&mut r, &mut spare, want, eof, read, at, on_read);
            }
            #[cfg(not(target_os = "linux"))]
            Source::Never(_) => unreachable!(),
        }
        Batch::Read(spare)
    }
}

/// [`scan_stream_flushing`] of bytes from `source`.
fn scan_source<R: Read>(
    mut source: Source<R>,
    det: &Detector,
    opts: ReadOptions,
    on_read: &(dyn Fn(u64) + Sync),
    flush: Option<Flush>,
) -> Scanned {
    let window = opts.window.max(1);
    let batch = opts.batch.max(window).div_ceil(window) * window;
    let mut hashing = Hashing::default();
    let mut out = Scanned {
        size: 0,
        sha256: None,
        findings: Vec::new(),
        error: None,
        encoding: Encoding::Utf8,
    };
    // buf[0] is at absolute offset `base`; bytes before `own_from` were scanned already.
    let mut base: u64 = 0;
    let mut own_from = 0usize;
    let mut line_at_own_from: u64 = 1;
    // Characters between the last line break before `own_from` and `own_from`.
    let mut column_at_own_from: u64 = 0;
    let mut fcx: Option<FileContext> = None;
    let mut bom = 0usize;
    let mut eof = false;
    let mut allow: Vec<u64> = Vec::new();

    // The first batch holds at least what the encoding sniffer looks at.
    let first_want = (batch + LOOKAHEAD).max(SNIFF_BYTES);
    // Small at first: most inputs are small, and the buffer grows as it is filled.
    let mut buf = Arc::new(source.next(
        Vec::with_capacity(64 << 10),
        &[],
        0,
        first_want,
        &mut eof,
        (&mut out.size, &mut out.error),
        on_read,
    ));
    // Where the bytes new in this batch start (they are hashed while it is scanned).
    let mut fresh_from = 0usize;
    // The next batch, read while this one is scanned and hashed, and a buffer to read it
    // into.
    let mut next: Option<Batch> = None;
    let mut spare: Vec<u8> = Vec::new();
    // Whether the last group of windows held many findings (see below).
    let mut dense = false;

    loop {
        // Whether this batch ends the input (`eof` may change as the next one is read).
        let batch_eof = eof;
        if fcx.is_none() {
            let enc = sniff(&buf);
            out.encoding = enc;
            bom = bom_len(enc, &buf);
            fcx = Some(if enc.decodes() {
                let head = &buf[bom..buf.len().min(bom + HEADER_BYTES)];
                let mut text = Vec::new();
                decode(enc, head, batch_eof, &mut text, &mut TextMap::default());
                det.file_context(&text)
            } else {
                det.file_context(&buf)
            });
        }
        let fcx_ref = fcx.as_ref().expect("set above");
        let enc = out.encoding;
        let own_to = if batch_eof {
            buf.len()
        } else {
            buf.len() - LOOKAHEAD
        };

        // Windows of the owned range.
        let mut windows = Vec::new();
        let mut w = own_from;
        while w < own_to {
            let e = (w + window).min(own_to);
            windows.push((w, e));
            w = e;
        }
        // Each window gives its findings, with line numbers counted from its start, the
        // number of line breaks in it and the lines of it that carry the allow marker;
        // the lines are made absolute in order below.
        let scan_one = |&(ws, we): &(usize, usize)| -> Window {
            let mut lo = ws.saturating_sub(LOOKBEHIND);
            let hi = (we + LOOKAHEAD).min(buf.len());
            if base + (lo as u64) < bom as u64 {
                lo = bom - base as usize;
            }
            // Decoding starts on a code unit boundary (counted from the input's start).
            lo += ((base + lo as u64) % enc.unit() as u64) as usize;
            let at_end = batch_eof && hi == buf.len();
            DECODED.with(|cell| {
                let mut guard = cell.borrow_mut();
                let (text, map) = &mut *guard;
                let raw = &buf[lo.min(hi)..hi];
                let bytes: &[u8] = if enc.decodes() {
                    decode(enc, raw, at_end, text, map);
                    text
                } else {
                    raw
                };
                let to_text = |r: usize| if enc.decodes() { map.text(r) } else { r };
                let to_raw = |t: usize| if enc.decodes() { map.raw(t) } else { t };
                let to_raw_end = |t: usize| if enc.decodes() { map.raw_end(t) } else { t };
                let own = to_text(ws.saturating_sub(lo))..to_text(we.saturating_sub(lo));
                let b = Buf {
                    bytes,
                    at_start: base + lo as u64 == bom as u64,
                    at_end,
                };
                let mut pos = Position::default();
                let mut last = own.start;
                let mut found: Vec<Finding> = det
                    .scan(b, own.clone(), fcx_ref)
                    .into_iter()
                    .filter(|c| opts.keeps(c))
                    .map(|c| {
                        pos.advance(&bytes[last..c.start]);
                        last = c.start;
                        let start = to_raw(c.start);
                        let length = to_raw_end(c.end) - start;
                        let mut f =
                            finding(c, &b, base + (lo + start) as u64, length, pos.line, enc);
                        f.column = pos.column + 1;
                        f
                    })
                    .collect();
                pos.advance(&bytes[last..own.end]);
                let lines = pos.line;
                let marks = marker_lines(bytes, own, lines, &found);
                if enc == Encoding::Binary && has_utf16_items(&buf[ws..hi]) {
                    // Binary data often holds UTF-16LE text (Word 97-2003 documents,
                    // Windows artefacts): read it at both byte alignments.
                    for parity in 0..2u64 {
                        let start = lo + ((base + lo as u64 + parity) % 2) as usize;
                        let raw = &buf[start.min(hi)..hi];
                        decode(Encoding::Utf16Le, raw, at_end, text, map);
                        let own = map.text(ws.saturating_sub(start))..map.text(we - start);
                        let b = Buf {
                            bytes: text,
                            at_start: false,
                            at_end,
                        };
                        for c in det.scan(b, own, fcx_ref) {
                            if !opts.keeps(&c) {
                                continue;
                            }
                            let at = start + map.raw(c.start);
                            let length = start + map.raw_end(c.end) - at;
                            let line = memchr::memchr_iter(b'\n', &buf[ws..at]).count() as u64;
                            let off = base + at as u64;
                            found.push(finding(c, &b, off, length, line, Encoding::Utf16Le));
                        }
                    }
                    found.sort_by_key(|f| (f.offset, f.kind));
                }
                Window {
                    found,
                    lines,
                    marks,
                    tail: pos.column,
                }
            })
        };
        // A large input is hashed on a thread of its own, batch after batch, while the pool
        // scans; a small one (a single batch) here.
        hashing.update(&buf, fresh_from, opts.parallel && !batch_eof);
        // The next batch keeps the look-behind of this one and the held-back tail, and is
        // read on this thread while the pool scans this one.
        let keep_from = own_to.saturating_sub(LOOKBEHIND);
        let mut read_next = |next: &mut Option<Batch>, eof: &mut bool, read| {
            if batch_eof {
                return;
            }
            let want = own_to - keep_from + batch + LOOKAHEAD;
            *next = Some(source.next(
                std::mem::take(&mut spare),
                &buf[keep_from..],
                base + keep_from as u64,
                want,
                eof,
                read,
                on_read,
            ));
        };
        // The findings of windows are taken in order, a group at a time, and those of
        // complete lines handed to `flush` once enough are held, so memory holds a group's
        // findings however dense the input, not a whole batch's.
        let findings = &mut out.findings;
        let mut take = |found: Vec<Window>| {
            for mut w in found {
                for f in &mut w.found {
                    // Before the window's first line break, a line that started earlier goes
                    // on.
                    if f.line == 0 && f.column > 0 {
                        f.column += column_at_own_from;
                    }
                    f.line += line_at_own_from;
                }
                findings.extend(w.found);
                allow.extend(w.marks.into_iter().map(|l| l + line_at_own_from));
                line_at_own_from += w.lines;
                column_at_own_from = if w.lines > 0 {
                    w.tail
                } else {
                    column_at_own_from + w.tail
                };
            }
            if let Some(flush) = flush.filter(|_| findings.len() >= FLUSH_AT) {
                // Lines before the one that goes on past the windows taken are complete.
                let done = findings.partition_point(|f| f.line < line_at_own_from);
                if done > 0 {
                    let rest = findings.split_off(done);
                    let mut ready = std::mem::replace(findings, rest);
                    mark_allowed(&mut ready, &allow);
                    flush(ready);
                }
            }
        };
        let read = (&mut out.size, &mut out.error);
        if opts.parallel && windows.len() > 1 {
            let threads = rayon::current_num_threads().max(1);
            rayon::in_place_scope(|s| {
                s.spawn(|_| {
                    // Windows are scanned a group at a time: four per thread, so the pool
                    // waits at the end of a group less often (1 GiB dump: 1.01 s -> 0.98 s,
                    // medians of 9), or one per thread after a group dense with findings,
                    // which are held until the group is taken (150 MiB of table rows peaked
                    // at 324 MiB with four).
                    let mut at = 0;
                    while at < windows.len() {
                        let group = if dense { threads } else { 4 * threads };
                        let g = &windows[at..(at + group).min(windows.len())];
                        let found: Vec<Window> = g.par_iter().map(scan_one).collect();
                        dense = found.iter().map(|w| w.found.len()).sum::<usize>() > FLUSH_AT / 4;
                        take(found);
                        at += g.len();
                    }
                });
                read_next(&mut next, &mut eof, read);
            });
        } else {
            for w in &windows {
                take(vec![scan_one(w)]);
            }
            read_next(&mut next, &mut eof, read);
        }
        if batch_eof {
            break;
        }
        fresh_from = buf.len() - keep_from;
        let next = next.take().expect("read above, since the input goes on");
        let done = std::mem::replace(&mut buf, Arc::new(next));
        // Reuse a buffer the hasher is done with (faulting fresh pages in costs time).
        spare = match Arc::try_unwrap(done) {
            Ok(Batch::Read(v)) => v,
            _ => hashing.spare().unwrap_or_default(),
        };
        base += keep_from as u64;
        own_from = own_to - keep_from;
    }
    mark_allowed(&mut out.findings, &allow);
    let digest = hashing.finish();
    drop(buf);
    #[cfg(target_os = "linux")]
    if let Source::File {
        file, opened, cut, ..
    } = &source
    {
        let now = file.metadata().ok().map(|m| map::Stamp::of(&m));
        let cut = cut.load(Ordering::Acquire);
        if out.error.is_none() && (now != Some(*opened) || cut != u64::MAX) {
            // Cut short: where its bytes end now (a fault says which page, not where in it).
            let end = now.map_or(cut, |n| n.len.min(cut));
            out.error = Some(if end < out.size {
                out.size = end;
                // Held findings past the end are of bytes that are gone (those handed out
                // already cannot be taken back).
                out.findings
                    .retain(|f| f.offset + u64::from(f.length) <= end);
                format!("read error at offset {end}: the file was cut short during the scan")
            } else {
                "changed while mapped (size or times differ after reading): the bytes hashed \
                 may not be those scanned, so no hash is given; scan it again (or with \
                 --no-mmap)"
                    .to_string()
            });
        }
    }
    if out.error.is_none() {
        out.sha256 = Some(hex(&digest));
    }
    out
}

/// SHA-256 of an input's bytes, batch after batch: here, or, for a large input, on a
/// thread of its own that goes through the batches while they are scanned. SHA-256 is
/// sequential, and waiting for it at the end of every batch left a core idle.
#[derive(Default)]
struct Hashing {
    here: Sha256,
    thread: Option<HashThread>,
}

/// Batches queued for the hashing thread.
const HASH_QUEUE: usize = 3;

/// A hashing thread: batches (and where their new bytes start) in, spent buffers back.
struct HashThread {
    batches: mpsc::SyncSender<(Arc<Batch>, usize)>,
    spent: mpsc::Receiver<Vec<u8>>,
    done: std::thread::JoinHandle<Sha256>,
}

impl Hashing {
    /// Hashes `buf[from..]`, on the hashing thread if there is one or if `background`
    /// asks for one (and one can be started).
    fn update(&mut self, buf: &Arc<Batch>, from: usize, background: bool) {
        if background && self.thread.is_none() {
            self.thread = self.start();
        }
        match &self.thread {
            Some(t) => t
                .batches
                .send((Arc::clone(buf), from))
                .expect("the hashing thread runs until its queue is closed"),
            None => self.here.update(&buf[from..]),
        }
    }

    /// Starts the hashing thread, carrying on from what was hashed here.
    fn start(&mut self) -> Option<HashThread> {
        // Three batches queued while one is hashed, so the pool does not wait for the hash
        // whenever it runs a little behind (1 GiB dump: 1.37 s -> 1.28 s, medians of 9 on a
        // busy host): memory holds at most six batches (hashed, queued, scanned, read).
        let (batches, queue) = mpsc::sync_channel::<(Arc<Batch>, usize)>(HASH_QUEUE);
        let (give_back, spent) = mpsc::channel();
        let mut h = self.here.clone();
        let done = std::thread::Builder::new()
            .name("piiscan-sha256".into())
            .spawn(move || {
                for (buf, from) in queue {
                    h.update(&buf[from..]);
                    if let Ok(Batch::Read(v)) = Arc::try_unwrap(buf) {
                        let _ = give_back.send(v);
                    }
                }
                h
            })
            .ok()?;
        Some(HashThread {
            batches,
            spent,
            done,
        })
    }

    /// A buffer the hashing thread is done with, if any.
    fn spare(&self) -> Option<Vec<u8>> {
        self.thread.as_ref()?.spent.try_recv().ok()
    }

    /// The digest of everything hashed.
    fn finish(self) -> sha2::digest::Output<Sha256> {
        match self.thread {
            Some(t) => {
                drop(t.batches);
                t.done
                    .join()
                    .expect("the hashing thread does not panic")
                    .finalize()
            }
            None => self.here.finalize(),
        }
    }
}

/// Reads from `reader` into `buf` until it holds `want` bytes or the input ends (`eof`),
/// counting the bytes read into `size` and recording a read error (at its offset,
/// `buf[0]` being at `base`) in `error`.
fn fill<R: Read>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    want: usize,
    eof: &mut bool,
    (size, error): (&mut u64, &mut Option<String>),
    base: u64,
    on_read: &(dyn Fn(u64) + Sync),
) {
    // A batch buffer (a few megabytes; never more than 64 MiB reserved ahead).
    let whole = want.min(64 << 20);
    if buf.capacity() < whole && whole >= 4 << 20 {
        buf.reserve_exact(whole - buf.len());
        huge_pages(buf);
    }
    while !*eof && buf.len() < want {
        let old = buf.len();
        let chunk = (want - old).min(1 << 20) as u64;
        // `read_to_end` fills spare capacity without zeroing it first (zeroing a megabyte
        // per small file was a tenth of a scan of many files).
        let res = reader.take(chunk).read_to_end(buf);
        let n = buf.len() - old;
        *size += n as u64;
        if n > 0 {
            on_read(n as u64);
        }
        match res {
            // Fewer bytes than asked: the input ended.
            Ok(k) if (k as u64) < chunk => *eof = true,
            Ok(_) => {}
            Err(e) => {
                let at = base + buf.len() as u64;
                *error = Some(format!("read error at offset {at}: {e}"));
                *eof = true;
            }
        }
    }
}

/// Asks for the spare capacity of a large buffer to be backed by huge pages (copying into
/// it, hashing and scanning it then miss the TLB far less often).
fn huge_pages(buf: &mut Vec<u8>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = buf.as_mut_ptr() as usize;
        let end = start + buf.capacity();
        let from = start.div_ceil(HUGE) * HUGE;
        let to = end / HUGE * HUGE;
        if to > from {
            // SAFETY: the range lies inside the buffer's allocation; the advice changes how
            // its pages are backed, never their contents.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = buf;
}

/// What one window gives: its findings (lines counted from its start), its line breaks,
/// the lines that carry the allow marker, and the characters after its last line break
/// (or in all of it, if it has none).
struct Window {
    found: Vec<Finding>,
    lines: u64,
    marks: Vec<u64>,
    tail: u64,
}

/// A position in text met in order: line breaks passed, and characters since the last.
#[derive(Default)]
struct Position {
    line: u64,
    column: u64,
}

impl Position {
    /// Moves over `seg`.
    fn advance(&mut self, seg: &[u8]) {
        match memchr::memrchr(b'\n', seg) {
            Some(i) => {
                self.line += memchr::memchr_iter(b'\n', seg).count() as u64;
                self.column = chars(&seg[i + 1..]);
            }
            None => self.column += chars(seg),
        }
    }
}

/// Characters in UTF-8 text: the bytes that do not continue a character (a column counts
/// Unicode code points, as SARIF's `unicodeCodePoints`).
fn chars(b: &[u8]) -> u64 {
    b.iter().filter(|&&x| (x as i8) >= -0x40).count() as u64
}

/// The lines of `bytes[own]` (0-based, counted from `own.start`) where an
/// [`ALLOW_MARKER`] starts, restricted to those that can matter: the lines of `found`
/// and the first and last line (`last`) of the range, which may continue into the
/// neighbouring windows. So the list stays as short as the findings, whatever the input.
/// `found` is in offset order, so its lines are sorted.
fn marker_lines(
    bytes: &[u8],
    own: std::ops::Range<usize>,
    last: u64,
    found: &[Finding],
) -> Vec<u64> {
    let end = (own.end + ALLOW_MARKER.len() - 1).min(bytes.len());
    if own.start >= end {
        return Vec::new();
    }
    let mut marks = Vec::new();
    let (mut line, mut at) = (0u64, own.start);
    for pos in memchr::memmem::find_iter(&bytes[own.start..end], ALLOW_MARKER) {
        let pos = own.start + pos;
        if pos >= own.end {
            break;
        }
        line += memchr::memchr_iter(b'\n', &bytes[at..pos]).count() as u64;
        at = pos;
        if marks.last() != Some(&line)
            && (line == 0 || line == last || found.binary_search_by_key(&line, |f| f.line).is_ok())
        {
            marks.push(line);
        }
    }
    marks
}

/// Marks the findings on the lines in `allow` as allowed. `allow` is in ascending order:
/// marks are found window after window, each window's in line order.
fn mark_allowed(findings: &mut [Finding], allow: &[u64]) {
    if allow.is_empty() {
        return;
    }
    debug_assert!(allow.windows(2).all(|w| w[0] <= w[1]));
    for f in findings {
        f.allowed = allow.binary_search(&f.line).is_ok();
    }
}

/// True if `b` may hold an item in UTF-16LE: two ASCII digits in a row (`1\0 3\0`) or an
/// `@` between letters or digits. Every item has one of these within it, so a window
/// owning an item always passes (findings stay independent of windows), while most
/// windows of binary data that holds no UTF-16 text are not decoded twice more.
fn has_utf16_items(b: &[u8]) -> bool {
    let alnum = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let zero = |i: usize| b.get(i) == Some(&0);
    memchr::memchr_iter(0, b).any(|i| {
        i >= 1
            && ((b[i - 1].is_ascii_digit()
                && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                && zero(i + 2))
                || (b[i - 1] == b'@'
                    && i >= 3
                    && zero(i - 2)
                    && alnum(i - 3)
                    && alnum(i + 1)
                    && zero(i + 2)))
    })
}

/// A finding from a candidate found in `b`, at `offset` in the raw bytes.
fn finding(c: Candidate, b: &Buf, offset: u64, length: usize, line: u64, enc: Encoding) -> Finding {
    Finding {
        kind: c.kind,
        path: String::new(),
        member: None,
        offset,
        length: length as u32,
        line,
        column: 0,
        encoding: enc.name(),
        cell: None,
        confidence: c.confidence,
        context: Context::around(b.bytes, c.start, c.end),
        details: c.details,
        value: c.value,
        allowed: false,
    }
}

/// Scans a whole text held in memory (office documents): `map` (if any) maps text
/// offsets to offsets in the raw bytes the text was extracted from.
pub fn scan_text(
    det: &Detector,
    opts: ReadOptions,
    text: &[u8],
    map: Option<&TextMap>,
    encoding: Encoding,
) -> Vec<Finding> {
    let b = Buf::whole(text);
    let fcx = det.file_context(&text[..text.len().min(HEADER_BYTES)]);
    let to_raw = |t: usize| map.map_or(t, |m| m.raw(t));
    let to_raw_end = |t: usize| map.map_or(t, |m| m.raw_end(t));
    let mut pos = Position::default();
    let mut last = 0;
    let mut found: Vec<Finding> = det
        .scan(b, 0..text.len(), &fcx)
        .into_iter()
        .filter(|c| opts.keeps(c))
        .map(|c| {
            pos.advance(&text[last..c.start]);
            last = c.start;
            let start = to_raw(c.start);
            let length = to_raw_end(c.end) - start;
            let mut f = finding(c, &b, start as u64, length, pos.line, encoding);
            f.column = pos.column + 1;
            f
        })
        .collect();
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

    /// (offset, (line, column), value) of each finding.
    type Found = Vec<(u64, (u64, u64), String)>;

    fn values(text: &[u8], window: usize, batch: usize, parallel: bool) -> Found {
        let det = Detector::new(true);
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

    #[test]
    fn flushed_findings_are_the_findings_in_order_with_markers_applied() {
        let mut text = String::new();
        for i in 0..60_000 {
            text.push_str(&format!("{i} 手机13800138000"));
            if i % 7 == 0 {
                text.push_str(" piiscan:allow");
            }
            if i % 10_000 == 0 {
                // A line longer than a batch: its marker comes at its end.
                text.push_str(&"x".repeat(70_000));
                text.push_str(" 13912345678 piiscan:allow");
            }
            text.push('\n');
        }
        let det = Detector::new(true);
        let opts = ReadOptions {
            window: 4096,
            batch: 65536,
            parallel: true,
            ..ReadOptions::default()
        };
        let key = |f: &Finding| (f.offset, f.line, f.column, f.allowed, f.value.clone());
        let whole = scan_stream(text.as_bytes(), &det, opts, &|_| {});
        let got = std::sync::Mutex::new(Vec::new());
        let flush = |v: Vec<Finding>| got.lock().unwrap().push(v);
        let rest = scan_stream_flushing(text.as_bytes(), &det, opts, &|_| {}, Some(&flush));
        let chunks = got.into_inner().unwrap();
        assert!(chunks.len() > 1, "{} chunks", chunks.len());
        let mut all: Vec<Finding> = chunks.into_iter().flatten().collect();
        all.extend(rest.findings);
        assert!(all.len() > 60_000);
        assert_eq!(
            all.iter().map(key).collect::<Vec<_>>(),
            whole.findings.iter().map(key).collect::<Vec<_>>()
        );
        assert!(all.iter().filter(|f| f.allowed).count() > 8572);
        assert_eq!(rest.sha256, whole.sha256);
    }

    #[test]
    fn addresses_do_not_depend_on_windows() {
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&format!(
                "{i},王某,\"广东省深圳市南山区科技园路{i}号阳光大厦{i}层\",北京市朝阳区人民法院,\
                 地址：四川省成都市武侯区\n"
            ));
        }
        let det = Detector::new(true).with_kinds(KindSet::all());
        let run = |window: usize, batch: usize, parallel: bool| -> Found {
            let opts = ReadOptions {
                window,
                batch,
                parallel,
                kinds: KindSet::all().with(crate::detect::cn_address::KIND),
                ..ReadOptions::default()
            };
            scan_stream(text.as_bytes(), &det, opts, &|_| {})
                .findings
                .into_iter()
                .map(|f| (f.offset, (f.line, f.column), f.value))
                .collect()
        };
        let whole = run(text.len() + 1, text.len() + 1, false);
        assert_eq!(whole.len(), 400);
        for (w, b, p) in [
            (7, 100, true),
            (64, 64, false),
            (333, 5000, true),
            (1, 1, false),
        ] {
            assert_eq!(run(w, b, p), whole, "window {w}");
        }
    }

    #[test]
    fn hash_matches_and_size_counts() {
        let det = Detector::new(false);
        let s = scan_stream(&b"abc"[..], &det, ReadOptions::default(), &|_| {});
        assert_eq!(s.size, 3);
        assert_eq!(
            s.sha256.unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn every_byte_is_hashed_once_in_order_whatever_the_batches() {
        // Many batches, hashed here (sequential) or on the hashing thread (parallel), with
        // buffers handed back and reused.
        let text: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let want = hex(&Sha256::digest(&text));
        let det = Detector::new(false);
        for (parallel, batch) in [(false, 4096), (true, 4096), (true, 1 << 20)] {
            let opts = ReadOptions {
                window: 1024,
                batch,
                parallel,
                ..ReadOptions::default()
            };
            let s = scan_stream(&text[..], &det, opts, &|_| {});
            assert_eq!(s.size, text.len() as u64);
            assert_eq!(
                s.sha256.as_deref(),
                Some(want.as_str()),
                "{parallel} {batch}"
            );
        }
    }

    #[test]
    fn any_window_size_gives_the_same_findings() {
        let mut text = Vec::new();
        for i in 0..300 {
            text.extend_from_slice(
                format!("row {i} 手机13800138000，身份证11010519491231002X\n").as_bytes(),
            );
            if i % 50 == 0 {
                // A long line: its columns run on across many windows.
                text.extend_from_slice("长".repeat(3000).as_bytes());
                text.extend_from_slice(" 13912345678\n".as_bytes());
            }
        }
        let whole = values(&text, text.len() + 1, text.len() + 1, false);
        assert_eq!(whole.len(), 606);
        assert_eq!(whole[0].1, (1, 9));
        assert_eq!(whole[1].1, (1, 24));
        assert_eq!(whole[2].1, (2, 3002));
        assert_eq!(whole[3].1, (3, 9));
        for (w, b, p) in [
            (64, 64, false),
            (7, 1000, true),
            (4096, 5000, true),
            (1, 1, false),
        ] {
            assert_eq!(values(&text, w, b, p), whole, "window {w} batch {b}");
        }
    }

    #[test]
    fn utf16le_text_inside_binary_data_is_found_at_either_alignment() {
        let mut bin: Vec<u8> = (0..600u32)
            .flat_map(|i| [0u8, (i % 7) as u8, 0xD0])
            .collect();
        let at_odd = bin.len() + 1;
        bin.push(0xFF);
        bin.extend(
            "手机13800138000，"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        bin.extend([0u8, 3, 0]);
        let at_even = bin.len() + 2 * "邮箱 ".chars().count();
        bin.extend(
            "邮箱 li@qq.com\u{0}"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        let found = values(&bin, 1 << 20, 1 << 20, false);
        let want = vec![
            ((at_odd + 4) as u64, (1, 0), "13800138000".to_string()),
            (at_even as u64, (1, 0), "li@qq.com".to_string()),
        ];
        assert_eq!(found, want);
        assert_eq!(values(&bin, 64, 100, true), want);
    }

    /// A file of `mib` MiB of lines, each with a mobile number, and its bytes.
    #[cfg(target_os = "linux")]
    fn file_of_lines(mib: usize) -> (tempfile::NamedTempFile, Vec<u8>) {
        use std::io::Write;
        let mut bytes = Vec::new();
        let mut i = 0u64;
        while bytes.len() < mib << 20 {
            bytes.extend_from_slice(format!("row {i}, 1380{:07}\n", i % 10_000_000).as_bytes());
            i += 1;
        }
        let mut t = tempfile::NamedTempFile::new().unwrap();
        t.write_all(&bytes).unwrap();
        t.flush().unwrap();
        (t, bytes)
    }

    /// Batches of 1 MiB in windows of 64 KiB: a file of a few MiB spans several.
    #[cfg(target_os = "linux")]
    fn mib_batches(parallel: bool) -> ReadOptions {
        ReadOptions {
            batch: 1 << 20,
            window: 64 << 10,
            parallel,
            ..ReadOptions::default()
        }
    }

    /// The file at `path`, opened to change it under a scan.
    #[cfg(target_os = "linux")]
    fn writer(path: &std::path::Path) -> File {
        std::fs::OpenOptions::new().write(true).open(path).unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_mapped_file_gives_what_reading_it_gives() {
        let (t, bytes) = file_of_lines(6);
        assert!(bytes.len() as u64 >= map::MAP_AT_LEAST);
        let det = Detector::new(false);
        for parallel in [false, true] {
            let opts = mib_batches(parallel);
            let file = File::open(t.path()).unwrap();
            let size = bytes.len() as u64;
            let read_bytes = AtomicU64::new(0);
            let on_read = |n| {
                read_bytes.fetch_add(n, Ordering::Relaxed);
            };
            let mapped = scan_file_flushing(&file, size, &det, opts, &on_read, None);
            let opts_read = ReadOptions { map: false, ..opts };
            let read = scan_file_flushing(&file, size, &det, opts_read, &|_| {}, None);
            assert_eq!(read_bytes.load(Ordering::Relaxed), size);
            assert_eq!((mapped.size, &mapped.error), (size, &None));
            assert_eq!(mapped.sha256, Some(hex(&Sha256::digest(&bytes))));
            assert_eq!(mapped.sha256, read.sha256);
            let key = |s: &Scanned| -> Vec<(u64, u64, u64, String)> {
                let f = &s.findings;
                f.iter()
                    .map(|f| (f.offset, f.line, f.column, f.value.clone()))
                    .collect()
            };
            assert!(mapped.findings.len() > 200_000);
            assert_eq!(key(&mapped), key(&read));
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_cut_short_while_mapped_ends_with_a_read_error_and_keeps_what_came_before() {
        let (t, bytes) = file_of_lines(6);
        let det = Detector::new(false);
        let opts = mib_batches(true);
        // Once the first batch is mapped, the file is cut to about 1 MiB and a half (inside
        // a page): the first batch's pages past that are gone, and so is every later batch;
        // or cut by a few bytes only, inside its last page, which raises no fault at all.
        for cut_to in [(3u64 << 19) + 1234, bytes.len() as u64 - 100] {
            std::fs::write(t.path(), &bytes).unwrap();
            let file = File::open(t.path()).unwrap();
            let cut_once = std::sync::Once::new();
            let on_read = |_| {
                cut_once.call_once(|| {
                    writer(t.path()).set_len(cut_to).unwrap();
                })
            };
            let s = scan_file_flushing(&file, bytes.len() as u64, &det, opts, &on_read, None);
            let error = s.error.expect("a cut file is a read error");
            assert!(error.contains(&format!("offset {cut_to}")), "{error}");
            assert!(error.contains("cut short"), "{error}");
            assert_eq!(s.sha256, None);
            assert_eq!(s.size, cut_to);
            // Every item wholly before the cut is found, as in a scan of those bytes alone.
            let head = scan_stream(&bytes[..cut_to as usize], &det, opts, &|_| {});
            let offsets = |f: &[Finding]| f.iter().map(|f| f.offset).collect::<Vec<_>>();
            assert_eq!(offsets(&s.findings), offsets(&head.findings));
            assert!(s.findings.len() > 60_000);
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_changed_in_place_while_mapped_gets_no_hash() {
        use std::os::unix::fs::FileExt;
        let (t, bytes) = file_of_lines(6);
        let det = Detector::new(false);
        let opts = mib_batches(true);
        let file = File::open(t.path()).unwrap();
        // Once the first batch is mapped, bytes of the second are overwritten (same size):
        // what is hashed and what is scanned of them may differ.
        let once = std::sync::Once::new();
        let on_read = |_| {
            once.call_once(|| {
                // Past the coarse clock's tick, for kernels without fine-grained times.
                std::thread::sleep(std::time::Duration::from_millis(20));
                writer(t.path())
                    .write_all_at(&[b'x'; 30], (1 << 20) + 100)
                    .unwrap();
            })
        };
        let s = scan_file_flushing(&file, bytes.len() as u64, &det, opts, &on_read, None);
        let error = s.error.expect("a changed mapped file gets no hash");
        assert!(error.contains("changed while mapped"), "{error}");
        assert_eq!(s.sha256, None);
        assert_eq!(s.size, bytes.len() as u64);
        // Read rather than mapped, the same file gets the hash of the bytes read (a change
        // is flagged by the caller, from the size and times).
        let read = ReadOptions { map: false, ..opts };
        let s = scan_file_flushing(&file, 0, &det, read, &|_| {}, None);
        assert!(s.error.is_none() && s.sha256.is_some());
    }

    #[test]
    fn read_errors_keep_findings_before_them() {
        use std::io;
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    let t = b"13800138000 ";
                    b[..t.len()].copy_from_slice(t);
                    self.0 += 1;
                    Ok(t.len())
                } else {
                    Err(io::Error::other("disk on fire"))
                }
            }
        }
        let det = Detector::new(false);
        let s = scan_stream(Failing(0), &det, ReadOptions::default(), &|_| {});
        assert!(s.error.unwrap().contains("offset 12"));
        assert!(s.sha256.is_none());
        assert_eq!(s.findings.len(), 1);
    }

    #[test]
    fn a_read_error_in_a_later_batch_keeps_every_finding_before_it() {
        use std::io;
        // 1,000 items in 12,000 bytes, handed out 1,000 bytes a read, then an error: the
        // batches after the first are read while the one before is scanned.
        struct Failing(io::Cursor<Vec<u8>>);
        impl Read for Failing {
            fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
                let n = b.len().min(1000);
                match self.0.read(&mut b[..n])? {
                    0 => Err(io::Error::other("disk on fire")),
                    k => Ok(k),
                }
            }
        }
        let text = "13800138000 ".repeat(1000).into_bytes();
        let det = Detector::new(false);
        for parallel in [false, true] {
            let opts = ReadOptions {
                window: 512,
                batch: 2048,
                parallel,
                ..ReadOptions::default()
            };
            let s = scan_stream(Failing(io::Cursor::new(text.clone())), &det, opts, &|_| {});
            assert!(s.error.unwrap().contains("offset 12000"));
            assert!(s.sha256.is_none());
            assert_eq!(s.size, 12000);
            assert_eq!(s.findings.len(), 1000, "parallel: {parallel}");
            let offsets: Vec<u64> = s.findings.iter().map(|f| f.offset).collect();
            assert_eq!(offsets, (0..1000).map(|i| 12 * i).collect::<Vec<u64>>());
        }
    }

    mod windows_property {
        use super::*;
        use proptest::prelude::*;

        const PIECES: &[&str] = &[
            "11010519491231002X",
            "440524188001010014",
            "13800138000",
            "+86 138 0013 8000",
            "010-82345678",
            "(0755)87654321",
            "6222 0200 0000 0000 000",
            "li@qq.com",
            "身份证号",
            "手机",
            "卡号",
            " ",
            "-",
            ".",
            ",",
            "\n",
            "，",
            "0",
            "1",
            "86",
            "x",
            "12345678901234567890",
            "1388534400000",
            "１３８００１３８０００",
            "a",
            "\u{200b}",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]
            #[test]
            fn findings_do_not_depend_on_windows(
                parts in proptest::collection::vec(0..PIECES.len(), 1..400),
                window in 1usize..300,
                batch in 1usize..5000,
                parallel in any::<bool>(),
                enc in 0..5usize,
            ) {
                let text: String = parts.iter().map(|i| PIECES[*i]).collect();
                // The same text in UTF-8, UTF-16LE with BOM, UTF-16BE without, and GBK.
                let bytes: Vec<u8> = match enc {
                    0 => text.clone().into_bytes(),
                    1 => [0xFF, 0xFE].into_iter()
                        .chain(text.encode_utf16().flat_map(|u| u.to_le_bytes())).collect(),
                    2 => text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect(),
                    3 => encoding_rs::GB18030.encode(&text).0.into_owned(),
                    // UTF-16LE text at an odd offset inside binary data.
                    _ => [0x00, 0xFF, 0x01].into_iter()
                        .chain(text.encode_utf16().flat_map(|u| u.to_le_bytes()))
                        .chain([0x00, 0x00, 0x07]).collect(),
                };
                let whole = values(&bytes, usize::MAX / 4, usize::MAX / 4, false);
                let cut = values(&bytes, window, batch, parallel);
                prop_assert_eq!(cut, whole);
            }

            /// Every offset points at the item: the raw bytes there, decoded, hold it.
            #[test]
            fn offsets_point_at_the_item(
                parts in proptest::collection::vec(0..PIECES.len(), 1..300),
                enc in 0..4usize,
            ) {
                let text: String = parts.iter().map(|i| PIECES[*i]).collect();
                let (bytes, codec): (Vec<u8>, &'static encoding_rs::Encoding) = match enc {
                    0 => (text.clone().into_bytes(), encoding_rs::UTF_8),
                    1 => ([0xFF, 0xFE].into_iter()
                        .chain(text.encode_utf16().flat_map(|u| u.to_le_bytes())).collect(),
                        encoding_rs::UTF_16LE),
                    2 => (text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect(),
                        encoding_rs::UTF_16BE),
                    _ => (encoding_rs::GB18030.encode(&text).0.into_owned(), encoding_rs::GB18030),
                };
                let det = Detector::new(true);
                let s = scan_stream(&bytes[..], &det, ReadOptions::default(), &|_| {});
                for f in s.findings {
                    let (o, n) = (f.offset as usize, f.length as usize);
                    let codec = match f.encoding {
                        "utf-16le" => encoding_rs::UTF_16LE,
                        "utf-16be" => encoding_rs::UTF_16BE,
                        "gb18030" => encoding_rs::GB18030,
                        _ => codec,
                    };
                    let raw = codec.decode_without_bom_handling(&bytes[o..o + n]).0;
                    let email = f.kind == crate::detect::email::KIND;
                    let folded: String = crate::check::fold(&raw)
                        .chars()
                        .filter(|c| email || c.is_ascii_alphanumeric())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    let want = f.value.to_ascii_lowercase();
                    prop_assert!(
                        folded.contains(want.trim_start_matches('0')),
                        "{:?} at {}+{} in {}: {:?}", f.value, o, n, f.encoding, raw
                    );
                }
            }
        }
    }
}
