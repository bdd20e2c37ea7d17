//! One pass over an input's bytes, batch after batch, every byte taken from the source
//! once. When windows are scanned in parallel, a batch is read (or mapped) on this thread
//! while the one before is scanned on the rayon pool and hashed on a thread of its own, so
//! reading, scanning and hashing overlap; otherwise they take turns.
//!
//! A batch keeps [`LOOKBEHIND`] bytes of the one before it and holds back [`LOOKAHEAD`]
//! bytes at its end (unless the input ended) for the next one, so the bytes it *owns* have
//! their look-around; memory holds a few batches, whatever the input size.

use std::io::Read;
use std::sync::Arc;

use crate::detect::context::FileContext;
use crate::detect::digits::{LOOKAHEAD, LOOKBEHIND};
use crate::detect::Matcher;
use crate::evidence::fingerprint::hex;

use super::encoding::{bom_len, decode, sniff, Encoding, TextMap, SNIFF_BYTES};
use super::hash::BatchHasher;
use super::source::{Batch, Intake, Source};
use super::windows::{BatchScan, Gathered, Schedule};
use super::{Flush, ReadOptions, Scanned, HEADER_BYTES};

/// [`super::scan_stream_flushing`] of bytes from `source`.
pub(super) fn scan_source<R: Read>(
    source: Source<R>,
    det: &dyn Matcher,
    opts: ReadOptions,
    on_read: &(dyn Fn(u64) + Sync),
    flush: Option<Flush>,
) -> Scanned {
    let window = opts.window.max(1);
    let mut input = Input {
        source,
        intake: Intake::new(on_read),
        spare: Vec::new(),
        batch: opts.batch.max(window).div_ceil(window) * window,
    };
    let mut at = Current {
        buf: Arc::new(input.first()),
        base: 0,
        own_from: 0,
        fresh_from: 0,
    };
    let opening = Opening::of(det, &at.buf, input.intake.eof);
    let mut hasher = BatchHasher::default();
    let mut gathered = Gathered::new(flush);
    let mut schedule = Schedule::new(opts.parallel);
    loop {
        // Whether this batch ends the input (`eof` may change as the next one is read).
        let batch_eof = input.intake.eof;
        let own_to = if batch_eof {
            at.buf.len()
        } else {
            at.buf.len() - LOOKAHEAD
        };
        // A large input is hashed on a thread of its own, batch after batch, while the pool
        // scans; a small one (a single batch) here.
        hasher.update(&at.buf, at.fresh_from, opts.parallel && !batch_eof);
        // The next batch keeps the look-behind of this one and the held-back tail, and is
        // read on this thread while the pool scans this one.
        let keep_from = own_to.saturating_sub(LOOKBEHIND);
        let scan = opening.scan(&at, batch_eof, det, &opts);
        let mut next = None;
        schedule.run(
            (at.own_from, own_to),
            window,
            &scan,
            |found| gathered.take(found),
            || {
                if !batch_eof {
                    next = Some(input.after(&at, keep_from, own_to));
                }
            },
        );
        if batch_eof {
            break;
        }
        let next = next.expect("read above, since the input goes on");
        input.spare = at.advance(next, keep_from, own_to, &hasher);
    }
    finish(input, at, hasher, gathered, opening.enc)
}

/// The result of a pass that read its input to the end (or to a read error) with the last
/// batch `at`: the findings gathered, with those on marked lines allowed, and the hash,
/// unless reading failed or the bytes hashed may not be those scanned.
fn finish<R>(
    input: Input<R>,
    at: Current,
    hasher: BatchHasher,
    gathered: Gathered,
    encoding: Encoding,
) -> Scanned {
    let findings = gathered.finish();
    let digest = hasher.finish();
    // The last batch is let go before the source is checked (a mapping that found the
    // file cut short says where as it is let go).
    drop(at);
    let mut out = Scanned {
        size: input.intake.size,
        sha256: None,
        findings,
        error: input.intake.error,
        encoding,
    };
    input.source.check_unchanged(&mut out);
    if out.error.is_none() {
        out.sha256 = Some(hex(&digest));
    }
    out
}

/// The reading side of a pass: the source, what it has given so far, a buffer to read the
/// next batch into, and the new bytes per batch (a whole number of windows).
struct Input<'f, 'a, R> {
    source: Source<'f, R>,
    intake: Intake<'a>,
    spare: Vec<u8>,
    batch: usize,
}

impl<R: Read> Input<'_, '_, R> {
    /// The first batch, which holds at least what the encoding sniffer looks at.
    fn first(&mut self) -> Batch {
        let want = (self.batch + LOOKAHEAD).max(SNIFF_BYTES);
        // Small at first: most inputs are small, and the buffer grows as it is filled.
        let spare = Vec::with_capacity(64 << 10);
        self.source.next(spare, &[], 0, want, &mut self.intake)
    }

    /// The batch after `at`, which owns up to `own_to` of it: it starts with the bytes
    /// from `keep_from` on (the look-behind and the held-back tail).
    fn after(&mut self, at: &Current, keep_from: usize, own_to: usize) -> Batch {
        let want = own_to - keep_from + self.batch + LOOKAHEAD;
        self.source.next(
            std::mem::take(&mut self.spare),
            &at.buf[keep_from..],
            at.base + keep_from as u64,
            want,
            &mut self.intake,
        )
    }
}

/// The batch being scanned and where it lies in the input.
struct Current {
    /// The batch; `buf[0]` is at offset `base` of the input.
    buf: Arc<Batch>,
    base: u64,
    /// Bytes of `buf` before this were scanned already, with the batch before.
    own_from: usize,
    /// Where the bytes new in this batch start (they are hashed while it is scanned).
    fresh_from: usize,
}

impl Current {
    /// Moves on to `next`, which starts with this batch's bytes from `keep_from` on (this
    /// one owns up to `own_to`), and gives back a buffer to read the batch after into:
    /// this one's if it was read and is hashed already, or one the hasher is done with
    /// (faulting fresh pages in costs time).
    fn advance(
        &mut self,
        next: Batch,
        keep_from: usize,
        own_to: usize,
        hasher: &BatchHasher,
    ) -> Vec<u8> {
        self.fresh_from = self.buf.len() - keep_from;
        let done = std::mem::replace(&mut self.buf, Arc::new(next));
        let spare = match Arc::try_unwrap(done) {
            Ok(Batch::Read(v)) => v,
            _ => hasher.spare().unwrap_or_default(),
        };
        self.base += keep_from as u64;
        self.own_from = own_to - keep_from;
        spare
    }
}

/// What the first batch says about the whole input: how it reads as text, the length of
/// its byte order mark, and its file context (a header row, say).
struct Opening {
    enc: Encoding,
    bom: usize,
    fcx: FileContext,
}

impl Opening {
    /// The opening of an input that starts with `buf` (all of it, if `eof`).
    fn of(det: &dyn Matcher, buf: &[u8], eof: bool) -> Opening {
        let enc = sniff(buf);
        let bom = bom_len(enc, buf);
        let fcx = if enc.decodes() {
            let head = &buf[bom..buf.len().min(bom + HEADER_BYTES)];
            let mut text = Vec::new();
            decode(enc, head, eof, &mut text, &mut TextMap::default());
            det.file_context(&text)
        } else {
            det.file_context(buf)
        };
        Opening { enc, bom, fcx }
    }

    /// The scan of batch `at` (the last one if `eof`).
    fn scan<'a>(
        &'a self,
        at: &'a Current,
        eof: bool,
        det: &'a dyn Matcher,
        opts: &'a ReadOptions,
    ) -> BatchScan<'a> {
        BatchScan {
            bytes: &at.buf,
            base: at.base,
            eof,
            enc: self.enc,
            bom: self.bom,
            det,
            fcx: &self.fcx,
            opts,
        }
    }
}
