//! Windows: the bytes a batch owns, cut into windows of `window` bytes, the unit of
//! parallel work.
//!
//! Each window is scanned with its look-around ([`LOOKBEHIND`] bytes before it,
//! [`LOOKAHEAD`] after) and keeps only the items that *start* in it, so the findings do
//! not depend on where windows are cut. It counts its lines from its own start, since the
//! lines before it may not be counted yet; [`Gathered`] takes the windows' results in
//! order and makes their lines and columns absolute. The windows of a batch are scanned
//! in order, or in parallel groups on the rayon pool ([`Schedule`]).

use std::cell::RefCell;

use rayon::prelude::*;

use crate::detect::context::FileContext;
use crate::detect::digits::{Buf, LOOKAHEAD, LOOKBEHIND};
use crate::detect::Matcher;
use crate::evidence::Finding;
use crate::suppress::marker::{mark_allowed, marker_lines};

use super::encoding::{decode, Encoding, TextMap};
use super::found::{detect, Place, Position};
use super::{utf16, Flush, ReadOptions, FLUSH_AT};

thread_local! {
    /// Decoded text and its map, reused across the windows a thread scans.
    static DECODED: RefCell<(Vec<u8>, TextMap)> = RefCell::new((Vec::new(), TextMap::default()));
}

/// The windows of `window` bytes that cover `from..to`, the last one shorter if need be.
pub(super) fn cut(from: usize, to: usize, window: usize) -> Vec<(usize, usize)> {
    let mut windows = Vec::new();
    let mut w = from;
    while w < to {
        let e = (w + window).min(to);
        windows.push((w, e));
        w = e;
    }
    windows
}

/// What one window gives: its findings (lines counted from its start), its line breaks,
/// the lines that carry the allow marker, and the characters after its last line break
/// (or in all of it, if it has none).
pub(super) struct Window {
    /// Findings, in offset order, their lines counted from the window's start.
    pub found: Vec<Finding>,
    /// Line breaks in the window.
    pub lines: u64,
    /// Lines carrying the allow marker (as [`marker_lines`] gives them).
    pub marks: Vec<u64>,
    /// Characters after the last line break.
    pub tail: u64,
}

/// A batch to scan window by window: its bytes, where they lie in the input, how the input
/// reads as text, and what to look for.
pub(super) struct BatchScan<'a> {
    /// The batch.
    pub bytes: &'a [u8],
    /// The input offset of `bytes[0]`.
    pub base: u64,
    /// True if the batch ends the input.
    pub eof: bool,
    /// How the input reads as text.
    pub enc: Encoding,
    /// The length of the input's byte order mark.
    pub bom: usize,
    /// The detectors, and what they know about the whole input.
    pub det: &'a dyn Matcher,
    pub fcx: &'a FileContext,
    /// Which candidates to keep.
    pub opts: &'a ReadOptions,
}

/// Where a window lies in its batch: the bytes it owns (`ws..we`) and those it is scanned
/// with (`lo..hi`: its look-around, after the byte order mark and on a code unit
/// boundary), and whether they end the input.
pub(super) struct Span {
    /// The bytes the window owns: its items start here.
    pub ws: usize,
    pub we: usize,
    /// The bytes it is scanned with.
    pub lo: usize,
    pub hi: usize,
    /// True if `hi` is the end of the input.
    pub at_end: bool,
}

impl BatchScan<'_> {
    /// Scans the window that owns `ws..we` of the batch.
    pub fn window(&self, &(ws, we): &(usize, usize)) -> Window {
        let span = self.span(ws, we);
        DECODED.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (text, map) = &mut *guard;
            self.scan(&span, text, map)
        })
    }

    /// The span of the window that owns `ws..we`.
    fn span(&self, ws: usize, we: usize) -> Span {
        let mut lo = ws.saturating_sub(LOOKBEHIND);
        let hi = (we + LOOKAHEAD).min(self.bytes.len());
        if self.base + (lo as u64) < self.bom as u64 {
            lo = self.bom - self.base as usize;
        }
        // Decoding starts on a code unit boundary (counted from the input's start).
        lo += ((self.base + lo as u64) % self.enc.unit() as u64) as usize;
        let at_end = self.eof && hi == self.bytes.len();
        Span {
            ws,
            we,
            lo,
            hi,
            at_end,
        }
    }

    /// Scans window `w`, decoding it (if the input is not read as it is) into `text`,
    /// mapped back to raw offsets by `map`: its findings, with line numbers counted from
    /// its start, the number of line breaks in it and the lines of it that carry the allow
    /// marker. In binary data, it also looks for UTF-16 text.
    fn scan(&self, w: &Span, text: &mut Vec<u8>, map: &mut TextMap) -> Window {
        let enc = self.enc;
        let raw = &self.bytes[w.lo.min(w.hi)..w.hi];
        let bytes: &[u8] = if enc.decodes() {
            decode(enc, raw, w.at_end, text, map);
            text
        } else {
            raw
        };
        let to_text = |r: usize| if enc.decodes() { map.text(r) } else { r };
        let to_raw = |t: usize| if enc.decodes() { map.raw(t) } else { t };
        let to_raw_end = |t: usize| if enc.decodes() { map.raw_end(t) } else { t };
        let own = to_text(w.ws.saturating_sub(w.lo))..to_text(w.we.saturating_sub(w.lo));
        let at_start = self.base + w.lo as u64 == self.bom as u64;
        let b = Buf {
            bytes,
            at_start,
            at_end: w.at_end,
        };
        let mut pos = Position::at(own.start);
        let at = |start: usize, end: usize, encoding: &'static str| {
            let raw = to_raw(start);
            Place {
                at: start,
                offset: self.base + (w.lo + raw) as u64,
                length: to_raw_end(end) - raw,
                encoding,
            }
        };
        let mut found = detect(
            self.det,
            b,
            own.clone(),
            self.fcx,
            self.opts,
            &mut pos,
            enc.name(),
            at,
        );
        pos.advance_to(bytes, own.end);
        let lines = pos.line;
        let marks = marker_lines(bytes, own, lines, &found);
        if enc == Encoding::Binary && utf16::marked_window(self.bytes, w) {
            utf16::find(self, w, text, map, &mut found);
        }
        Window {
            found,
            lines,
            marks,
            tail: pos.column,
        }
    }
}

/// How the windows of a batch are scanned: in order, or in parallel groups on the rayon
/// pool; it remembers whether the last group was dense with findings.
pub(super) struct Schedule {
    /// Scan in parallel (when a batch has more than one window).
    parallel: bool,
    /// The last group held many findings (or none was scanned yet): the next one is
    /// smaller.
    dense: bool,
}

impl Schedule {
    /// Windows scanned in parallel if `parallel`, else in order.
    pub fn new(parallel: bool) -> Schedule {
        Schedule {
            parallel,
            dense: true,
        }
    }

    /// Scans `from..to` of `scan` in windows of `window` bytes, handing their results to
    /// `take` in order, while `meanwhile` runs on this thread (it reads the next batch).
    pub fn run(
        &mut self,
        (from, to): (usize, usize),
        window: usize,
        scan: &BatchScan,
        mut take: impl FnMut(Vec<Window>) + Send,
        meanwhile: impl FnOnce(),
    ) {
        if !(self.parallel && to - from > window) {
            for w in cut(from, to, window) {
                take(vec![scan.window(&w)]);
            }
            meanwhile();
            return;
        }
        let threads = rayon::current_num_threads().max(1);
        let dense = &mut self.dense;
        rayon::in_place_scope(|s| {
            s.spawn(|_| {
                // Windows are scanned a group at a time: four per thread, so the pool
                // waits at the end of a group less often (1 GiB dump: 1.01 s -> 0.98 s,
                // medians of 9), or, after a group dense with findings (which are held
                // until the group is taken), one per thread of an eighth of the size:
                // 36 MB of one mobile number a line peaked at 165 MiB with whole windows,
                // 74 MiB with eighths, in the same CPU time. The first group of an input
                // is small too: its density is not known yet.
                let mut at = from;
                while at < to {
                    let (group, piece) = if *dense {
                        (threads, (window / 8).max(MIN_PIECE).min(window))
                    } else {
                        (4 * threads, window)
                    };
                    let end = (at + group * piece).min(to);
                    let g = cut(at, end, piece);
                    let found: Vec<Window> = g.par_iter().map(|w| scan.window(w)).collect();
                    *dense = found.iter().map(|w| w.found.len()).sum::<usize>() > FLUSH_AT / 4;
                    take(found);
                    at = end;
                }
            });
            meanwhile();
        });
    }
}

/// The smallest window of a group dense with findings.
const MIN_PIECE: usize = 4096;

/// The findings of an input, taken from its windows in order, a group at a time, with
/// their lines and columns made absolute. Once enough are held, those of complete lines
/// are handed to `flush`, so memory holds a group's findings however dense the input, not
/// a whole batch's; a finding is final once its line is complete, since an allow marker
/// later on its line could still suppress it.
pub(super) struct Gathered<'f> {
    /// Findings held.
    findings: Vec<Finding>,
    /// The line (1-based) on which the next window starts.
    line: u64,
    /// Characters between the last line break before the next window and its start.
    column: u64,
    /// The lines that carry the allow marker, in ascending order.
    allow: Vec<u64>,
    /// Where findings go once final, if they are handed out before the input ends.
    flush: Option<Flush<'f>>,
}

impl<'f> Gathered<'f> {
    /// Nothing gathered yet; findings are handed to `flush`, if any, as they become final.
    pub fn new(flush: Option<Flush<'f>>) -> Gathered<'f> {
        Gathered {
            findings: Vec::new(),
            line: 1,
            column: 0,
            allow: Vec::new(),
            flush,
        }
    }

    /// Takes the results of the next windows, in order.
    pub fn take(&mut self, found: Vec<Window>) {
        for w in found {
            self.absorb(w);
        }
        if let Some(flush) = self.flush.filter(|_| self.findings.len() >= FLUSH_AT) {
            // Lines before the one that goes on past the windows taken are complete.
            let done = self.findings.partition_point(|f| f.line < self.line);
            if done > 0 {
                let rest = self.findings.split_off(done);
                let mut ready = std::mem::replace(&mut self.findings, rest);
                mark_allowed(&mut ready, &self.allow);
                flush(ready);
            }
        }
    }

    /// Takes the results of the next window.
    fn absorb(&mut self, mut w: Window) {
        for f in &mut w.found {
            // Before the window's first line break, a line that started earlier goes on.
            if f.line == 0 && f.column > 0 {
                f.column += self.column;
            }
            f.line += self.line;
        }
        self.findings.extend(w.found);
        self.allow
            .extend(w.marks.into_iter().map(|l| l + self.line));
        self.line += w.lines;
        self.column = if w.lines > 0 {
            w.tail
        } else {
            self.column + w.tail
        };
    }

    /// The findings held, those on lines that carry the allow marker marked allowed.
    pub fn finish(mut self) -> Vec<Finding> {
        mark_allowed(&mut self.findings, &self.allow);
        self.findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;
    use crate::evidence::KindSet;
    use crate::read::tests::{values, Found};
    use crate::read::{scan_stream, scan_stream_flushing};

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
        let det = Detector::new();
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
        let det = Detector::new().with_kinds(KindSet::all());
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
            "姓名：张三",
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
                let det = Detector::new();
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
                        .filter(|c| email || c.is_alphanumeric())
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
