//! RTF documents (`{\rtf`): their text, decoded, scanned with every offset in the RTF's
//! own bytes.
//!
//! Tokens are read with `rtf-grimoire`'s token parsers; what they mean is decided here:
//!
//! - `\'xx` bytes are decoded with the code page in force: the current font's
//!   (`\fcharset134` → GBK, `\fcharset136` → Big5, or its `\cpgN`), else the document's
//!   `\ansicpgN` (936 GBK, 950 Big5, 1252, 65001 UTF-8 …), else Windows-1252. Bytes
//!   written plainly in the text are decoded the same way, and a character may be
//!   written half as `\'xx`, half plainly.
//! - `\uN` (signed 16-bit N; surrogate pairs joined) is the character U+N, and the `\ucN`
//!   fallback characters after it (default 1: `\'3f` or `?`) are skipped.
//! - Control words write nothing, except `\par`, `\line`, `\sect`, `\page`, `\row` (a line
//!   break: paragraphs and table rows are lines), `\tab`, `\cell` (a tab: table cells are
//!   columns) and a few named characters (`\emdash`, `\lquote` …).
//! - Destinations that hold no text are skipped whole: `{\*\…}` groups, the font, colour,
//!   style and list tables, pictures (`\pict`), object data, and `\binN` binary data.
//!   Field instructions (`\fldinst`: hyperlink targets) and the text fields of `\info`
//!   (title, author, company …, a line each) are text.
//!
//! Each decoded character maps back to the first raw byte of what wrote it (the `\` of
//! `\'d5` or `\u24352`, or the byte itself): a finding's `offset` is in the RTF file and
//! its `length` runs to where the RTF of the next decoded character begins (for a value
//! written as `\u24352\'3f`, its fallback included). Its line and column are those of
//! its offset in the RTF file's own lines, as for any file.
//!
//! A document cut short (groups left open) or whose `\binN` runs past its end is `error`
//! with that reason, its text up to there scanned. A document larger than the in-memory
//! bound is scanned as plain text instead and `skipped` with the limit as reason.

use std::collections::HashMap;
use std::io::Read;

use encoding_rs::{Decoder, Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};
use rtf_grimoire::raw;

use super::container::{Access, Container, Level};
use super::{Node, Unwrapper};
use crate::evidence::Finding;
use crate::read::encoding::{self, TextMap};
use crate::read::{scan_stream, scan_text};

/// A document of up to this many bytes is decoded in memory (within the member size
/// limit); offsets in a [`TextMap`] are 32-bit.
const IN_MEMORY: u64 = 256 << 20;

/// Groups nested deeper than this are read as if they were not groups (no new state).
const MAX_DEPTH: usize = 4096;

/// At most this many fallback characters are skipped after `\uN` (`\ucN` is clamped).
const MAX_FALLBACK: i32 = 16;

/// An RTF document.
pub(super) static RTF: Container = Container {
    name: "rtf",
    magic: |head| head.starts_with(b"{\\rtf"),
    access: Access::Stream(unpack),
};

/// Reads the document from `r` and scans its text.
fn unpack(u: &Unwrapper, r: &mut dyn Read, at: &Level, node: &mut Node) {
    let cap = IN_MEMORY.min(at.budget.limits().max_member_size);
    let mut raw = Vec::new();
    if let Err(e) = r.take(cap).read_to_end(&mut raw) {
        node.fail(format!("read error: {e}"));
    }
    if r.read(&mut [0u8; 1]).is_ok_and(|n| n > 0) {
        node.findings = scan_stream(raw.as_slice(), u.det, u.opts, &|_| {}).findings;
        node.limit(
            format!(
                "limit: RTF document larger than {cap} bytes is not decoded; its first bytes were scanned as text"
            ),
            raw.len() as u64,
        );
        return;
    }
    let doc = decode(&raw);
    node.findings = scan_text(
        u.det,
        u.opts,
        &doc.text,
        Some(&doc.map),
        encoding::Encoding::Utf8,
    );
    raw_lines(&raw, &mut node.findings);
    if let Some(why) = doc.damage {
        node.fail(format!(
            "damaged RTF: {why}; the text before it was scanned"
        ));
    }
}

/// Sets the line and column of each finding to those of its offset in `raw` (1-based;
/// the column in bytes, RTF being ASCII).
fn raw_lines(raw: &[u8], findings: &mut [Finding]) {
    let (mut at, mut line, mut line_start) = (0usize, 1u64, 0usize);
    for f in findings {
        let off = (f.offset as usize).min(raw.len());
        if off < at {
            (at, line, line_start) = (0, 1, 0);
        }
        for nl in memchr::memchr_iter(b'\n', &raw[at..off]) {
            line += 1;
            line_start = at + nl + 1;
        }
        at = off;
        f.line = line;
        f.column = (off - line_start) as u64 + 1;
    }
}

/// The text of a document, with a map back to its raw bytes.
pub(super) struct Decoded {
    /// UTF-8 text.
    pub text: Vec<u8>,
    /// From each character of `text` to the first raw byte that wrote it.
    pub map: TextMap,
    /// Why the document is damaged, if it is.
    pub damage: Option<String>,
}

/// Decodes the RTF document `raw`.
pub(super) fn decode(raw: &[u8]) -> Decoded {
    let mut d = Doc::new();
    let mut at = 0;
    while at < raw.len() {
        let (tok, len) = token(&raw[at..]);
        d.token(tok, at);
        if d.damage.is_some() {
            break;
        }
        at += len;
    }
    d.flush();
    let open = d.stack.len() - 1 + d.excess;
    if d.damage.is_none() && open > 0 {
        d.damage = Some(format!("cut short: {open} groups not closed"));
    }
    d.map.finish(d.text.len(), at.min(raw.len()));
    Decoded {
        text: d.text,
        map: d.map,
        damage: d.damage,
    }
}

/// One RTF token.
#[derive(Debug, PartialEq)]
enum Tok<'a> {
    Open,
    Close,
    /// `\'xx`.
    Hex(u8),
    /// A control symbol `\~`, `\{`, `\*` … (`\` and a line break: `\n`).
    Symbol(u8),
    /// A control word and its parameter.
    Word(&'a str, Option<i32>),
    /// `\binN` and its N bytes.
    Bin,
    /// `\binN` whose N bytes are not all there (or N is negative).
    BinPastEnd(Option<i32>),
    /// Text bytes.
    Text(&'a [u8]),
    /// A line break in the RTF (not text), or a `\` that begins nothing.
    Nothing,
}

/// The token at the start of `s` (not empty), and its length.
fn token(s: &[u8]) -> (Tok<'_>, usize) {
    let len = |rest: &[u8]| s.len() - rest.len();
    match s[0] {
        b'{' => return (Tok::Open, 1),
        b'}' => return (Tok::Close, 1),
        b'\r' | b'\n' => return (Tok::Nothing, 1),
        b'\\' => {}
        _ => {
            return match raw::rtf_text_raw(s) {
                Ok((rest, t)) => (Tok::Text(t), len(rest)),
                Err(_) => (Tok::Nothing, 1),
            }
        }
    }
    if let Ok((rest, (_, Some(b)))) = raw::control_word_hexbyte_raw(s) {
        return (Tok::Hex(b as u8), len(rest));
    }
    if let Ok((rest, c)) = raw::control_symbol_raw(s) {
        return (Tok::Symbol(c as u8), len(rest));
    }
    match raw::control_word_raw(s) {
        // `\bin` is tried only as a whole word: the crate's own parser takes `\binfsxn`
        // for `\bin`.
        Ok((_, ("bin", arg))) => match raw::control_bin_raw(s) {
            Ok((rest, _)) if arg.is_some_and(|n| n >= 0) => (Tok::Bin, len(rest)),
            _ => (Tok::BinPastEnd(arg), s.len()),
        },
        Ok((rest, (name, arg))) => (Tok::Word(name, arg), len(rest)),
        Err(_) => (Tok::Nothing, 1),
    }
}

/// What a group's text is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Dest {
    /// Document text.
    Text,
    /// The text field of `\info` (title, author …): text, and a line of its own.
    Field,
    /// The font table: read for the fonts' code pages, its text skipped.
    Fonts,
    /// Not text: skipped.
    Skip,
}

/// The state a group opens with and restores when it closes.
#[derive(Clone, Copy)]
struct Group {
    dest: Dest,
    /// Fallback characters after `\uN`.
    uc: i32,
    /// The current font.
    font: Option<i32>,
    /// `\*` seen: an unknown destination is skipped.
    ignorable: bool,
}

/// The decoding state of a document.
struct Doc {
    text: Vec<u8>,
    map: TextMap,
    stack: Vec<Group>,
    /// Groups opened beyond [`MAX_DEPTH`].
    excess: usize,
    /// The document's code page (`\ansicpgN`).
    ansi: &'static Encoding,
    /// The fonts' code pages, from the font table.
    fonts: HashMap<i32, &'static Encoding>,
    /// The font being defined in the font table.
    defining: Option<i32>,
    /// The default font (`\deffN`).
    deff: Option<i32>,
    /// Bytes being decoded: their decoder, and the raw offset of the first byte of the
    /// character being read, if one is begun.
    bytes: Option<Decoder>,
    begun: Option<usize>,
    /// Fallback characters still to skip after `\uN`.
    skip: i32,
    /// A high surrogate from `\uN`, at its raw offset, waiting for the low one.
    high: Option<(u32, usize)>,
    damage: Option<String>,
}

impl Doc {
    fn new() -> Doc {
        Doc {
            text: Vec::new(),
            map: TextMap::default(),
            stack: vec![Group {
                dest: Dest::Text,
                uc: 1,
                font: None,
                ignorable: false,
            }],
            excess: 0,
            ansi: WINDOWS_1252,
            fonts: HashMap::new(),
            defining: None,
            deff: None,
            bytes: None,
            begun: None,
            skip: 0,
            high: None,
            damage: None,
        }
    }

    fn group(&mut self) -> &mut Group {
        self.stack.last_mut().expect("the document's own state")
    }

    /// True if what the current group writes is text.
    fn writes(&self) -> bool {
        matches!(
            self.stack.last().map(|g| g.dest),
            Some(Dest::Text | Dest::Field)
        )
    }

    /// Reads the token `tok`, whose raw bytes begin at `at`.
    fn token(&mut self, tok: Tok, at: usize) {
        match tok {
            Tok::Text(t) => self.text_bytes(t, at),
            Tok::Hex(b) => {
                if self.skip > 0 {
                    self.skip -= 1;
                } else if self.writes() {
                    self.byte(b, at, false);
                }
            }
            Tok::Nothing => {}
            Tok::Open => {
                self.end_of_run();
                if self.stack.len() >= MAX_DEPTH {
                    self.excess += 1;
                } else {
                    let mut g = *self.group();
                    g.ignorable = false;
                    self.stack.push(g);
                }
            }
            Tok::Close => {
                self.end_of_run();
                if self.excess > 0 {
                    self.excess -= 1;
                } else if self.stack.len() > 1 {
                    let g = self.stack.pop().expect("more than the document's");
                    if g.dest == Dest::Field && self.writes() {
                        self.emit("\n", at);
                    }
                }
            }
            Tok::Bin => {
                self.flush();
                self.skip = (self.skip - 1).max(0);
            }
            Tok::BinPastEnd(n) => {
                self.damage = Some(match n {
                    Some(n) => format!("\\bin{n} at offset {at} runs past the end"),
                    None => format!("\\bin without a length at offset {at}"),
                });
            }
            Tok::Symbol(c) => self.symbol(c, at),
            Tok::Word(name, arg) => self.word(name, arg, at),
        }
    }

    /// Text bytes at raw offset `at`: the fallback of `\uN` first, then characters in the
    /// code page in force.
    fn text_bytes(&mut self, t: &[u8], at: usize) {
        let skipped = (self.skip.max(0) as usize).min(t.len());
        self.skip -= skipped as i32;
        if !self.writes() {
            return;
        }
        let (t, at) = (&t[skipped..], at + skipped);
        if self.begun.is_none() && self.high.is_none() && t.is_ascii() {
            // The common case: ASCII text, one raw byte a character.
            let start = self.text.len();
            self.map.push(start, at, 1);
            self.text.extend_from_slice(t);
            return;
        }
        for (i, &b) in t.iter().enumerate() {
            self.byte(b, at + i, true);
        }
    }

    /// One byte of text in the code page in force, from raw offset `at` (`plain`: the
    /// byte itself, not `\'xx`).
    fn byte(&mut self, b: u8, at: usize, plain: bool) {
        self.take_high();
        let enc = self.code_page();
        if self.bytes.as_ref().map(Decoder::encoding) != Some(enc) {
            self.end_of_run();
            self.bytes = Some(enc.new_decoder_without_bom_handling());
        }
        let first = *self.begun.get_or_insert(at);
        let mut out = [0u8; 32];
        let dec = self.bytes.as_mut().expect("set above");
        let (_, _, written, _) = dec.decode_to_utf8(&[b], &mut out, false);
        if written == 0 {
            return;
        }
        self.begun = None;
        let s = std::str::from_utf8(&out[..written]).unwrap_or("\u{FFFD}");
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            // A decoder that gives up on a begun character writes U+FFFD for it, then
            // the character this byte began.
            let from = if chars.peek().is_none() && i > 0 {
                at
            } else {
                first
            };
            let one_byte = plain && from == at && c.is_ascii();
            let start = self.text.len();
            self.map.push(start, from, u32::from(one_byte));
            self.text
                .extend_from_slice(c.encode_utf8(&mut [0u8; 4]).as_bytes());
        }
    }

    /// Ends a run of bytes: a character begun and not completed is U+FFFD.
    fn end_of_run(&mut self) {
        self.take_high();
        if let (Some(dec), Some(first)) = (self.bytes.as_mut(), self.begun.take()) {
            let mut out = [0u8; 32];
            let (_, _, written, _) = dec.decode_to_utf8(&[], &mut out, true);
            if written > 0 && self.writes() {
                let s = String::from_utf8_lossy(&out[..written]).into_owned();
                self.emit(&s, first);
            }
        }
        self.bytes = None;
    }

    /// Ends all that is pending (the end of the document).
    fn flush(&mut self) {
        self.end_of_run();
    }

    /// A high surrogate not followed by its low one is U+FFFD.
    fn take_high(&mut self) {
        if let Some((_, at)) = self.high.take() {
            self.emit("\u{FFFD}", at);
        }
    }

    /// Writes `s`, one character or a few written by the RTF at raw offset `at`.
    fn emit(&mut self, s: &str, at: usize) {
        if !self.writes() {
            return;
        }
        let start = self.text.len();
        self.map.push(start, at, 0);
        self.text.extend_from_slice(s.as_bytes());
    }

    /// The code page of bytes: the current font's, else the document's.
    fn code_page(&self) -> &'static Encoding {
        self.stack
            .last()
            .and_then(|g| g.font)
            .and_then(|f| self.fonts.get(&f))
            .copied()
            .unwrap_or(self.ansi)
    }

    /// The control symbol `\c` at raw offset `at`.
    fn symbol(&mut self, c: u8, at: usize) {
        if c == b'*' {
            self.group().ignorable = true;
            return;
        }
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        self.end_of_run();
        let s = match c {
            b'\\' => "\\",
            b'{' => "{",
            b'}' => "}",
            b'~' => " ",
            b'_' => "-",
            b'\n' | b'\r' => "\n",
            _ => return,
        };
        self.emit(s, at);
    }

    /// The control word `\name` with its parameter `arg`, at raw offset `at`.
    fn word(&mut self, name: &str, arg: Option<i32>, at: usize) {
        if name == "u" {
            return self.unicode(arg.unwrap_or(0), at);
        }
        self.skip = 0;
        self.end_of_run();
        if let Some(dest) = destination(name) {
            let g = self.group();
            g.dest = match (g.dest, dest) {
                (Dest::Skip, _) => Dest::Skip,
                (Dest::Fonts, Dest::Text) => Dest::Fonts,
                (_, d) => d,
            };
            return;
        }
        if self.group().ignorable {
            // An unknown destination after `\*`: not text.
            self.group().dest = Dest::Skip;
            return;
        }
        let fonts = self.group().dest == Dest::Fonts;
        match (name, arg) {
            ("f", Some(n)) if fonts => self.defining = Some(n),
            ("fcharset", Some(n)) if fonts => self.font_code_page(charset(n)),
            ("cpg", Some(n)) if fonts => self.font_code_page(code_page(n)),
            ("f", Some(n)) => self.group().font = Some(n),
            ("plain", _) => self.group().font = self.deff,
            ("deff", Some(n)) => {
                self.deff = Some(n);
                self.group().font = Some(n);
            }
            ("ansicpg", Some(n)) => self.ansi = code_page(n).unwrap_or(self.ansi),
            ("uc", Some(n)) => self.group().uc = n.clamp(0, MAX_FALLBACK),
            _ => {
                if let Some(s) = written(name) {
                    self.emit(s, at);
                }
            }
        }
    }

    /// Sets the code page of the font being defined (if known and readable).
    fn font_code_page(&mut self, enc: Option<&'static Encoding>) {
        if let (Some(f), Some(enc)) = (self.defining, enc) {
            self.fonts.insert(f, enc);
        }
    }

    /// `\uN` at raw offset `at`: the UTF-16 code unit N (negative: N + 65536).
    fn unicode(&mut self, n: i32, at: usize) {
        self.end_of_high_pending_bytes();
        let unit = (n as u32) & 0xFFFF;
        self.skip = self.group().uc;
        if !self.writes() {
            self.high = None;
            return;
        }
        match (self.high.take(), unit) {
            (Some((hi, hat)), 0xDC00..=0xDFFF) => {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (unit - 0xDC00);
                let c = char::from_u32(c).unwrap_or('\u{FFFD}');
                self.emit(c.encode_utf8(&mut [0u8; 4]), hat);
            }
            (pending, 0xD800..=0xDBFF) => {
                if let Some((_, hat)) = pending {
                    self.emit("\u{FFFD}", hat);
                }
                self.high = Some((unit, at));
            }
            (pending, _) => {
                if let Some((_, hat)) = pending {
                    self.emit("\u{FFFD}", hat);
                }
                let c = char::from_u32(unit).unwrap_or('\u{FFFD}');
                self.emit(c.encode_utf8(&mut [0u8; 4]), at);
            }
        }
    }

    /// Before `\uN`: bytes being decoded end (a high surrogate stays pending).
    fn end_of_high_pending_bytes(&mut self) {
        let high = self.high.take();
        self.end_of_run();
        self.high = high;
    }
}

/// The destination a control word opens, if it is one whose text is treated specially.
fn destination(name: &str) -> Option<Dest> {
    Some(match name {
        "fonttbl" => Dest::Fonts,
        "colortbl" | "stylesheet" | "listtable" | "listoverridetable" | "revtbl" | "rsidtbl"
        | "pict" | "objdata" | "themedata" | "colorschememapping" | "datastore"
        | "latentstyles" | "xmlnstbl" | "filetbl" | "pgdsctbl" | "nonshppict" | "shppict"
        | "generator" | "falt" | "panose" | "bkmkstart" | "bkmkend" | "listtext" | "pntext"
        | "creatim" | "revtim" | "printim" | "buptim" | "template" | "userprops" | "xe" | "tc"
        | "fchars" | "lchars" => Dest::Skip,
        "title" | "subject" | "author" | "manager" | "company" | "operator" | "category"
        | "keywords" | "comment" | "doccomm" | "hlinkbase" => Dest::Field,
        "fldinst" | "fldrslt" | "field" | "info" | "header" | "footer" | "headerl" | "headerr"
        | "headerf" | "footerl" | "footerr" | "footerf" | "footnote" | "annotation" | "atnid"
        | "atnauthor" | "result" | "object" | "shptxt" => Dest::Text,
        _ => return None,
    })
}

/// What a control word writes, if anything.
fn written(name: &str) -> Option<&'static str> {
    Some(match name {
        "par" | "line" | "sect" | "page" | "row" | "column" | "softline" => "\n",
        "tab" | "cell" | "nestcell" => "\t",
        "emdash" => "\u{2014}",
        "endash" => "\u{2013}",
        "emspace" | "enspace" | "qmspace" => " ",
        "bullet" => "\u{2022}",
        "lquote" => "\u{2018}",
        "rquote" => "\u{2019}",
        "ldblquote" => "\u{201C}",
        "rdblquote" => "\u{201D}",
        _ => return None,
    })
}

/// The encoding of a Windows code page, if it is one bytes are read in.
fn code_page(n: i32) -> Option<&'static Encoding> {
    let enc = codepage::to_encoding_no_replacement(u16::try_from(n).ok()?)?;
    (enc != UTF_16LE && enc != UTF_16BE).then_some(enc)
}

/// The code page of a font's `\fcharsetN` (ANSI and default: the document's).
fn charset(n: i32) -> Option<&'static Encoding> {
    code_page(match n {
        77 => 10000,
        78 => 10001,
        79 => 10003,
        80 => 10008,
        81 => 10002,
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        254 => 437,
        255 => 850,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rtf: &[u8]) -> String {
        String::from_utf8(decode(rtf).text).unwrap()
    }

    /// The raw bytes from each decoded character's start, `n` bytes of them.
    fn raw_at<'a>(rtf: &'a [u8], doc: &Decoded, needle: &str, n: usize) -> &'a [u8] {
        let t = std::str::from_utf8(&doc.text)
            .unwrap()
            .find(needle)
            .unwrap();
        let r = doc.map.raw(t);
        &rtf[r..r + n]
    }

    #[test]
    fn gbk_escapes_are_decoded_with_the_documents_code_page() {
        let rtf = b"{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 \\'cb\\'ce\\'cc\\'e5;}}\\f0 \\'d5\\'c5\\'c8\\'fd\\par 13800138000}";
        let doc = decode(rtf);
        assert_eq!(String::from_utf8_lossy(&doc.text), "张三\n13800138000");
        assert_eq!(raw_at(rtf, &doc, "张", 4), b"\\'d5");
        assert_eq!(raw_at(rtf, &doc, "三", 4), b"\\'c8");
        assert_eq!(raw_at(rtf, &doc, "138", 3), b"138");
        assert!(doc.damage.is_none());
        // The font's charset, without \ansicpg.
        assert_eq!(
            text(b"{\\rtf1{\\fonttbl{\\f1\\fcharset134 X;}}{\\f1 \\'d5\\'c5}\\'e9}"),
            "张é"
        );
        // Big5 and UTF-8 code pages.
        assert_eq!(text(b"{\\rtf1\\ansicpg950 \\'b1\\'69}"), "張");
        assert_eq!(text(b"{\\rtf1\\ansicpg65001 \\'e5\\'bc\\'a0}"), "张");
    }

    #[test]
    fn unicode_escapes_skip_their_fallback() {
        let rtf = b"{\\rtf1{\\loch\n\\u24352\\'3f\\u19977\\'3f}\\uc2\\u24352\\'d5\\'c5 x\\uc0\\u26446 y\\uc1\\u-10179?\\u-8704?}";
        let doc = decode(rtf);
        assert_eq!(String::from_utf8_lossy(&doc.text), "张三张 x李y😀");
        assert_eq!(raw_at(rtf, &doc, "三", 7), b"\\u19977");
        assert_eq!(raw_at(rtf, &doc, "😀", 8), b"\\u-10179");
    }

    #[test]
    fn non_text_destinations_and_binary_data_are_skipped() {
        let rtf = b"{\\rtf1{\\colortbl;\\red0;}{\\stylesheet{\\s0 Normal 13800138000;}}{\\*\\generator W 13800138001;}{\\info{\\author Li 13800138002}{\\creatim\\yr2024}}{\\pict\\pngblip 3138303031333830303033}{\\*\\bkmkstart x}a{\\bin5 {}\\'x}b\\tab c\\cell d\\line e\\~f\\{\\}}";
        assert_eq!(text(rtf), "Li 13800138002\nab\tc\td\ne f{}");
        // \binfsxn is a control word, not \bin.
        assert_eq!(text(b"{\\rtf1\\binfsxn1 x}"), "x");
    }

    #[test]
    fn damage_is_reported_and_bounded() {
        let cut = decode(b"{\\rtf1{\\f0 abc");
        assert_eq!(String::from_utf8_lossy(&cut.text), "abc");
        assert!(cut.damage.unwrap().contains("2 groups"));
        let bin = decode(b"{\\rtf1 ab\\bin999999999 xyz}");
        assert_eq!(String::from_utf8_lossy(&bin.text), "ab");
        assert!(bin.damage.unwrap().contains("past the end"));
        assert!(decode(b"{\\rtf1 a\\bin-5 b}").damage.is_some());
        let deep = [b"{".repeat(100_000), b"x".to_vec(), b"}".repeat(100_000)].concat();
        let d = decode(&deep);
        assert_eq!(d.text, b"x");
        assert!(d.damage.is_none());
        for junk in [
            &b"{\\rtf1 \\'"[..],
            b"{\\rtf1 \\",
            b"{\\rtf1 \\u",
            b"}}}{\\'zz\\uc99999999999",
        ] {
            decode(junk);
        }
    }
}
