//! Escapes: text written inside text. Logs, API captures and saved pages rarely write
//! personal data plainly: a form in an access log is URL-encoded (`%E5%BC%A0`, `+` for a
//! space), JSON written with `ensure_ascii` has `\u5f20`, a web page `&#24352;`, a log
//! carries request bodies as base64, a mail export `=E5=BC=A0`.
//!
//! [`Unescaped::undo`] takes a window's text (already UTF-8) and gives the detectors the
//! same text with every escape undone, with a [`TextMap`] from each decoded character back
//! to the first byte of the escape that wrote it (the `%E5`, the `\u`, the `&`, the base64
//! quartet holding the character's first byte), and which layers were undone where
//! (`url`, `json_escape`, `html_entity`, `quoted_printable`, `base64`, nested as
//! `base64>json_escape`). Text outside escapes is copied as it is, so an item written
//! plainly is found exactly as before.
//!
//! Escapes are found from their first byte with `memchr` (`%`, `\`, `&`, `=`, `+`), and
//! base64 runs by a scan that looks at one byte in sixteen where text has no long runs;
//! a window with none is not copied. Every escape is shorter than what it decodes to is
//! long, so decoded text never outgrows its window; base64 is decoded to at most
//! [`MAX_DEPTH`] layers, and a run whose first bytes do not decode to text (an image in a
//! data URI) is skipped whole.

mod base64;
mod html;
mod json;
mod layers;
mod url;

use std::ops::Range;

use super::encoding::TextMap;
pub use layers::{Layer, Layers};

/// How many base64 layers are undone, one inside another.
pub const MAX_DEPTH: usize = 3;

/// A window's text with its escapes undone.
#[derive(Default)]
pub struct Unescaped {
    /// The decoded text.
    pub text: Vec<u8>,
    /// From each character of `text` to the offset in the source of the byte that began
    /// writing it.
    pub map: TextMap,
    /// Where the layers undone change: from each `text` offset on, until the next mark.
    marks: Vec<(u32, Layers)>,
    /// Escapes that wrote nothing (soft line breaks), at the `text` offset they stand at.
    gaps: Vec<(u32, Layers)>,
    /// Decoded bytes of the escape being read, before they are known to be good.
    staged: Staged,
}

/// The output of one escape, held until it has been read whole.
#[derive(Default)]
struct Staged {
    bytes: Vec<u8>,
    /// Pieces of `bytes`: (start in `bytes`, source offset, source bytes per byte, or 0
    /// for one character written by all the bytes from the offset on).
    pieces: Vec<(usize, usize, u32)>,
}

impl Staged {
    fn clear(&mut self) {
        self.bytes.clear();
        self.pieces.clear();
    }

    /// Adds `bytes`, written by the source from `at` on, `stride` source bytes per byte.
    fn push(&mut self, bytes: &[u8], at: usize, stride: u32) {
        self.pieces.push((self.bytes.len(), at, stride));
        self.bytes.extend_from_slice(bytes);
    }

    /// Adds the characters of `b`, GBK or GB18030 bytes decoded strictly (none at all if
    /// any is malformed), each written by the source from `offset(k)` on for its first
    /// byte `k` (`ascii_stride` source bytes per byte for an ASCII character, else 0).
    /// Returns how many bytes of `b` were read.
    fn push_gb18030(
        &mut self,
        b: &[u8],
        offset: impl Fn(usize) -> usize,
        ascii_stride: u32,
    ) -> Option<usize> {
        let s = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(b)?;
        let mut k = 0;
        let mut buf = [0u8; 4];
        for c in s.chars() {
            let n = if c.is_ascii() {
                1
            } else if b.get(k + 1).is_some_and(u8::is_ascii_digit) {
                4
            } else {
                2
            };
            let stride = if n == 1 { ascii_stride } else { 0 };
            self.push(c.encode_utf8(&mut buf).as_bytes(), offset(k), stride);
            k += n;
        }
        Some(k)
    }
}

/// Where a level of decoding reads from: the window's text, or the text a base64 run
/// decoded to (`outer` maps it back to the window's text).
struct Level<'a> {
    outer: Option<&'a TextMap>,
    layers: Layers,
}

impl Unescaped {
    /// Undoes the escapes of `src`, a window's text. `at_start` is true if `src` begins
    /// the input (a base64 run that starts there is aligned). Returns false, leaving
    /// `text` empty, if `src` holds no escape.
    pub fn undo(&mut self, src: &[u8], at_start: bool) -> bool {
        self.text.clear();
        self.map.clear();
        self.marks.clear();
        self.gaps.clear();
        let top = Level {
            outer: None,
            layers: Layers::default(),
        };
        let mut staged = std::mem::take(&mut self.staged);
        let any = self.level(src, 0..src.len(), at_start, &top, &mut staged);
        self.staged = staged;
        if !any {
            self.text.clear();
            self.map.clear();
            self.marks.clear();
            return false;
        }
        self.map.finish(self.text.len(), src.len());
        true
    }

    /// The layers undone to write `text[range]` (those of its first escaped part), if any.
    pub fn layers(&self, range: Range<usize>) -> Option<Layers> {
        let i = self
            .marks
            .partition_point(|m| m.0 as usize <= range.start)
            .saturating_sub(1);
        let written = self.marks[i..]
            .iter()
            .take_while(|m| (m.0 as usize) < range.end.max(range.start + 1))
            .map(|m| m.1)
            .find(|l| !l.is_empty());
        written.or_else(|| {
            let g = self.gaps.partition_point(|g| g.0 as usize <= range.start);
            self.gaps[g..]
                .first()
                .filter(|g| (g.0 as usize) < range.end)
                .map(|g| g.1)
        })
    }

    /// Decodes `src[range]` at `lv`, appending to `text`. Returns true if an escape was
    /// undone; at the top level nothing is written until one is.
    fn level(
        &mut self,
        src: &[u8],
        range: Range<usize>,
        at_start: bool,
        lv: &Level,
        staged: &mut Staged,
    ) -> bool {
        let mut finder = Finder::new(src, range.clone(), at_start);
        let mut lit = range.start;
        let mut any = false;
        while let Some(mut hit) = finder.next() {
            staged.clear();
            let got = match hit.what {
                What::Percent => url::percent(src, hit.at, range.end, staged),
                What::Plus => finder.query_plus(hit.at, staged),
                What::Equals => url::quoted_printable(src, hit.at, range.end, staged),
                What::Backslash => json::escape(src, hit.at, range.end, staged),
                What::Ampersand => html::reference(src, hit.at, range.end, staged),
                What::Base64(ref run, aligned) => {
                    finder.skip_to(run.end);
                    base64::run(src, run.clone(), aligned, lv.layers, staged).map(|(start, end)| {
                        // Base64 after a slash: the path before it is text.
                        hit.at = start;
                        (end, Layer::Base64)
                    })
                }
            };
            let Some((end, layer)) = got else {
                continue;
            };
            self.literal(src, lit..hit.at, lv);
            if layer == Layer::Base64 {
                self.nested(staged, lv);
            } else {
                self.commit(staged, lv, layer);
            }
            lit = end;
            any = true;
            finder.skip_to(end);
        }
        if any || lv.outer.is_some() {
            self.literal(src, lit..range.end, lv);
        }
        any
    }

    /// Copies `src[range]` as it is.
    fn literal(&mut self, src: &[u8], range: Range<usize>, lv: &Level) {
        if range.is_empty() {
            return;
        }
        let t = self.text.len();
        self.mark(t, lv.layers);
        match lv.outer {
            None => self.map.push(t, range.start, 1),
            Some(outer) => {
                for i in range.clone().filter(|&i| (src[i] as i8) >= -0x40) {
                    self.map.push(t + i - range.start, outer.raw(i), 0);
                }
            }
        }
        self.text.extend_from_slice(&src[range]);
    }

    /// Appends what one escape decoded to.
    fn commit(&mut self, staged: &Staged, lv: &Level, layer: Layer) {
        let t = self.text.len();
        if staged.bytes.is_empty() {
            self.gaps.push((t as u32, lv.layers.with(layer)));
            return;
        }
        self.mark(t, lv.layers.with(layer));
        for &(start, at, stride) in &staged.pieces {
            match lv.outer {
                None => self.map.push(t + start, at, stride),
                Some(outer) => self.map.push(t + start, outer.raw(at), 0),
            }
        }
        self.text.extend_from_slice(&staged.bytes);
    }

    /// Appends the text a base64 run decoded to, its own escapes undone in turn.
    fn nested(&mut self, staged: &Staged, lv: &Level) {
        let mut inner = TextMap::default();
        for &(start, at, _) in &staged.pieces {
            let at = lv.outer.map_or(at, |o| o.raw(at));
            inner.push(start, at, 0);
        }
        let raw_end = staged.pieces.last().map_or(0, |p| p.1 + 4);
        inner.finish(
            staged.bytes.len(),
            lv.outer.map_or(raw_end, |o| o.raw_end(raw_end)),
        );
        let deeper = Level {
            outer: Some(&inner),
            layers: lv.layers.with(Layer::Base64),
        };
        let mut scratch = Staged::default();
        self.level(
            &staged.bytes,
            0..staged.bytes.len(),
            true,
            &deeper,
            &mut scratch,
        );
    }

    /// Records that text from `t` on was written through `layers`.
    fn mark(&mut self, t: usize, layers: Layers) {
        match self.marks.last_mut() {
            Some(m) if m.1 == layers => {}
            Some(m) if m.0 as usize == t => m.1 = layers,
            _ => self.marks.push((t as u32, layers)),
        }
    }
}

/// What may begin at a position.
#[derive(Debug)]
enum What {
    Percent,
    Plus,
    Equals,
    Backslash,
    Ampersand,
    /// A base64 run, and whether it surely begins on a quartet.
    Base64(Range<usize>, bool),
}

/// A place where an escape may begin.
struct Hit {
    at: usize,
    what: What,
}

/// Finds, in order, the places in a range of text where an escape may begin: the next
/// `%`, `\`, `&` (one `memchr3` iterator), the next `=`, `+` (one `memchr2` iterator) and
/// the next base64 run, each looked for again only once passed.
struct Finder<'a> {
    src: &'a [u8],
    end: usize,
    at: usize,
    /// Where decoding starts, and whether that begins the input (or a decoded run).
    start: usize,
    at_start: bool,
    hits3: memchr::Memchr3<'a>,
    hits2: memchr::Memchr2<'a>,
    next3: Option<usize>,
    next2: Option<usize>,
    next_run: Option<Range<usize>>,
    /// The last token seen around a `+`, and whether it is a URL query.
    query: Option<(Range<usize>, bool)>,
}

impl<'a> Finder<'a> {
    fn new(src: &'a [u8], range: Range<usize>, at_start: bool) -> Finder<'a> {
        let within = &src[range.clone()];
        let mut f = Finder {
            src,
            end: range.end,
            at: range.start,
            start: range.start,
            at_start,
            hits3: memchr::memchr3_iter(b'%', b'\\', b'&', within),
            hits2: memchr::memchr2_iter(b'=', b'+', within),
            next3: None,
            next2: None,
            next_run: None,
            query: None,
        };
        f.next3 = f.hits3.next().map(|i| range.start + i);
        f.next2 = f.hits2.next().map(|i| range.start + i);
        f.next_run = base64::next_run(src, range.start, range.end);
        f
    }

    /// False for a `=` that cannot begin quoted-printable (`key=value`): one that is
    /// followed neither by the escape of a non-ASCII byte (`=E5`) nor by a line break.
    #[inline]
    fn may_begin(&self, p: usize) -> bool {
        self.src[p] == b'+'
            || matches!(
                self.src.get(p + 1),
                Some(b'8'..=b'9' | b'A'..=b'F' | b'\r' | b'\n')
            )
    }

    /// Moves past `to`: nothing before it is looked at again.
    fn skip_to(&mut self, to: usize) {
        self.at = self.at.max(to);
    }

    fn next(&mut self) -> Option<Hit> {
        while self.next3.is_some_and(|p| p < self.at) {
            self.next3 = self.hits3.next().map(|i| self.start + i);
        }
        while self
            .next2
            .is_some_and(|p| p < self.at || !self.may_begin(p))
        {
            self.next2 = self.hits2.next().map(|i| self.start + i);
        }
        if self.next_run.as_ref().is_some_and(|r| r.start < self.at) {
            self.next_run = base64::next_run(self.src, self.at, self.end);
        }
        let p3 = self.next3.unwrap_or(usize::MAX);
        let p2 = self.next2.unwrap_or(usize::MAX);
        let pr = self.next_run.as_ref().map_or(usize::MAX, |r| r.start);
        let at = p3.min(p2).min(pr);
        if at == usize::MAX {
            return None;
        }
        self.at = at + 1;
        let what = if at == pr {
            let run = self.next_run.take().unwrap_or(at..at);
            self.next_run = base64::next_run(self.src, run.end, self.end);
            // A run cut by the start of what is decoded may not begin on a quartet.
            let aligned = run.start > self.start || self.at_start;
            What::Base64(run, aligned)
        } else {
            match self.src[at] {
                b'%' => What::Percent,
                b'\\' => What::Backslash,
                b'&' => What::Ampersand,
                b'=' => What::Equals,
                _ => What::Plus,
            }
        };
        Some(Hit { at, what })
    }

    /// A `+` at `at` stands for a space if its token (the run of non-space characters
    /// around it, up to [`url::TOKEN_REACH`] bytes each way) is a URL query, unless it
    /// begins a value (`mobile=+86…`: an encoder would have written `%2B`, a person `+`).
    fn query_plus(&mut self, at: usize, staged: &mut Staged) -> Option<(usize, Layer)> {
        if at > 0 && matches!(self.src[at - 1], b'=' | b'&' | b'?') {
            return None;
        }
        let known = self.query.as_ref().filter(|(r, _)| r.contains(&at));
        let is_query = match known {
            Some(&(_, q)) => q,
            None => {
                let (token, q) = url::token(self.src, at, self.end);
                self.query = Some((token, q));
                q
            }
        };
        if !is_query {
            return None;
        }
        staged.push(b" ", at, 1);
        Some((at + 1, Layer::Url))
    }
}

#[cfg(test)]
mod tests;
