//! Found: detector candidates turned into [`Finding`]s, the one place a finding is built.
//!
//! A candidate's range is in the text the detector saw (decoded, if the input is not read
//! as it is); a finding has its offset and length in the raw bytes, its line and its
//! column. Lines and columns are counted by a [`Position`] moved forward from candidate
//! to candidate, so text is walked once however many items it holds.

use std::cell::RefCell;
use std::ops::Range;

use crate::detect::context::FileContext;
use crate::detect::digits::Buf;
use crate::detect::{Candidate, Matcher};
use crate::evidence::{Context, Finding};

use super::escape::Unescaped;
use super::record;
use super::ReadOptions;

thread_local! {
    /// A text with its escapes undone, reused across the windows a thread scans.
    static UNESCAPED: RefCell<Unescaped> = RefCell::new(Unescaped::default());
}

/// A position in text met in order: where it is, the line breaks passed since it started,
/// and the characters since the last line break (or since it started, if none).
pub(super) struct Position {
    /// The offset in the text.
    pub at: usize,
    /// Line breaks passed.
    pub line: u64,
    /// Characters since the last line break.
    pub column: u64,
}

impl Position {
    /// A position at offset `at`, on line 0, column 0.
    #[inline]
    pub fn at(at: usize) -> Position {
        Position {
            at,
            line: 0,
            column: 0,
        }
    }

    /// Moves forward to offset `to` of `text`.
    #[inline]
    pub fn advance_to(&mut self, text: &[u8], to: usize) {
        let seg = &text[self.at..to];
        self.at = to;
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

/// Where a candidate lies: `at`, its start in the text lines are counted in, and its
/// offset, length and encoding as reported.
pub(super) struct Place {
    pub at: usize,
    pub offset: u64,
    pub length: usize,
    pub encoding: &'static str,
}

/// The findings of the candidates found in `b` that `opts` keeps, in the order given (the
/// detector's, by offset). `place(start, end)` says where the text at `start..end` of `b`
/// lies; `pos` is moved to each item's start in `lines` (`b.bytes`, or the text `b` was
/// decoded from), which gives its line (counted from where `pos` started; the caller makes
/// it absolute) and its column (1-based). Each finding's record is found in `b` (see
/// [`record`]; `json`: the input is a JSON document).
pub(super) fn findings(
    (candidates, hidden): (Vec<Candidate>, Vec<(usize, usize)>),
    b: &Buf,
    opts: &ReadOptions,
    (pos, lines): (&mut Position, &[u8]),
    json: bool,
    place: impl Fn(usize, usize) -> Place,
) -> Vec<Finding> {
    candidates
        .into_iter()
        .filter(|c| opts.keeps(c))
        .map(|c| {
            let at = place(c.start, c.end);
            pos.advance_to(lines, at.at);
            let opener = record::opener(b.bytes, c.start, json);
            let mut f = finding(c, b, at.offset, at.length, pos.line, at.encoding, &hidden);
            f.column = pos.column + 1;
            f.record = opener.map(|o| place(o, o + 1).offset);
            f
        })
        .collect()
}

/// The findings of the items of `b` that start inside `own`, read by `det` with the
/// escapes of `b` undone (the text as it is if it holds none); `pos` is moved through
/// `b.bytes`. `at(start, end, encoding)` says where the item at `start..end` of `b.bytes`
/// lies, read as `encoding` (`base`, or the layers undone written after it).
#[allow(clippy::too_many_arguments)]
pub(super) fn detect(
    det: &dyn Matcher,
    b: Buf,
    own: Range<usize>,
    fcx: &FileContext,
    opts: &ReadOptions,
    pos: &mut Position,
    base: &'static str,
    at: impl Fn(usize, usize, &'static str) -> Place,
) -> Vec<Finding> {
    UNESCAPED.with(|cell| {
        let mut u = cell.borrow_mut();
        if !u.undo(b.bytes, b.at_start) {
            let candidates = det.scan_hiding(b, own, fcx);
            let json = fcx.json_document;
            return findings(candidates, &b, opts, (pos, b.bytes), json, |s, e| {
                at(s, e, base)
            });
        }
        // Escapes undone: the detectors read the decoded text; offsets, lines and
        // columns are those of the escapes in `b`.
        let u = &*u;
        let d = Buf {
            bytes: &u.text,
            ..b
        };
        let own_d = u.map.text(own.start)..u.map.text(own.end);
        let candidates = det.scan_hiding(d, own_d, fcx);
        let json = fcx.json_document;
        findings(candidates, &d, opts, (pos, b.bytes), json, |s, e| {
            let layers = u.layers(s..e);
            let encoding = layers.map_or(base, |l| l.name(base));
            at(u.map.raw(s), u.map.raw_end(e), encoding)
        })
    })
}

/// A finding from a candidate found in `b`, at `offset` in the raw bytes, `length` raw
/// bytes long, on `line` (column unknown: 0), read as `encoding`; the items at `hidden`
/// (sorted by start) are starred in its context.
#[inline]
pub(super) fn finding(
    c: Candidate,
    b: &Buf,
    offset: u64,
    length: usize,
    line: u64,
    encoding: &'static str,
    hidden: &[(usize, usize)],
) -> Finding {
    Finding {
        kind: c.kind,
        path: String::new(),
        member: None,
        offset,
        length: length as u32,
        line,
        column: 0,
        encoding,
        cell: None,
        confidence: c.confidence,
        context: Context::around_hiding(b.bytes, c.start, c.end, hidden),
        details: c.details,
        value: c.value,
        allowed: false,
        untrue: c.untrue,
        record: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_counts_line_breaks_and_the_characters_after_the_last() {
        let text = "手机 a\nbc 邮箱\n".as_bytes();
        let mut pos = Position::at(0);
        pos.advance_to(text, "手机 ".len());
        assert_eq!((pos.line, pos.column), (0, 3));
        pos.advance_to(text, "手机 a\nbc ".len());
        assert_eq!((pos.line, pos.column), (1, 3));
        pos.advance_to(text, text.len());
        assert_eq!((pos.at, pos.line, pos.column), (text.len(), 2, 0));
    }
}
