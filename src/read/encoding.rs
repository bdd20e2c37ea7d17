//! Text encodings: detection per input, and decoding to UTF-8 with a map back to raw bytes.
//!
//! Detectors work on UTF-8. An input in UTF-16 or GBK/GB18030 is decoded (by `encoding_rs`)
//! window by window into UTF-8 text together with a [`TextMap`] that gives, for every
//! character of the text, the offset of its first byte in the raw input, so reported
//! offsets still point into the original bytes. Malformed sequences become U+FFFD mapped
//! to the bad bytes: the readable parts around them lose nothing.
//!
//! UTF-8 text and binary data are scanned as they are, byte for byte, with no map.

use encoding_rs::{DecoderResult, GB18030};

/// How an input's bytes are read as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without BOM), scanned as raw bytes; invalid bytes are skipped over.
    Utf8,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// GB18030, and so GBK and GB2312, which it contains.
    Gb18030,
    /// Binary data: its embedded ASCII and UTF-8 text is scanned byte for byte.
    Binary,
}

impl Encoding {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Gb18030 => "gb18030",
            Encoding::Binary => "binary",
        }
    }

    /// True if the bytes must be decoded before detection.
    pub fn decodes(self) -> bool {
        matches!(
            self,
            Encoding::Utf16Le | Encoding::Utf16Be | Encoding::Gb18030
        )
    }

    /// Code unit size: decoding must start at a multiple of it (from the input's start).
    pub fn unit(self) -> usize {
        match self {
            Encoding::Utf16Le | Encoding::Utf16Be => 2,
            _ => 1,
        }
    }
}

/// How many leading bytes [`sniff`] looks at.
/// (A text that starts with a long stretch of ASCII still shows its GBK or UTF-16 here.)
pub const SNIFF_BYTES: usize = 1 << 20;

/// Decides the encoding of an input from its first bytes (at most [`SNIFF_BYTES`] are
/// used). A BOM decides; otherwise NUL bytes at one parity mean UTF-16, NULs elsewhere
/// mean binary, valid UTF-8 means UTF-8, and text that GB18030 decodes (nearly) cleanly
/// while UTF-8 does not means GB18030.
pub fn sniff(head: &[u8]) -> Encoding {
    let s = &head[..head.len().min(SNIFF_BYTES)];
    if s.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Encoding::Utf8;
    }
    if s.starts_with(&[0xFF, 0xFE]) {
        return Encoding::Utf16Le;
    }
    if s.starts_with(&[0xFE, 0xFF]) {
        return Encoding::Utf16Be;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for i in memchr::memchr_iter(0, s) {
        if i % 2 == 0 {
            even += 1;
        } else {
            odd += 1;
        }
    }
    if even + odd > 0 {
        let pairs = s.len() / 2;
        // ASCII in UTF-16 puts a NUL in every other byte; text has at least some ASCII
        // (digits, spaces, newlines), and a real NUL character is rare.
        if odd * 20 >= pairs && even * 50 <= odd && plausible_utf16(s, Encoding::Utf16Le) {
            return Encoding::Utf16Le;
        }
        if even * 20 >= pairs && odd * 50 <= even && plausible_utf16(s, Encoding::Utf16Be) {
            return Encoding::Utf16Be;
        }
        return Encoding::Binary;
    }
    // Valid UTF-8 (perhaps cut inside its last character) needs no counting.
    match std::str::from_utf8(s) {
        Ok(_) => return Encoding::Utf8,
        Err(e) if e.error_len().is_none() => return Encoding::Utf8,
        Err(_) => {}
    }
    let (utf8_chars, utf8_bad) = utf8_counts(s);
    if utf8_bad == 0 || utf8_bad * 20 < utf8_chars {
        return Encoding::Utf8;
    }
    let (gb_chars, gb_bad) = gb18030_counts(s);
    if gb_bad * 50 <= gb_chars {
        return Encoding::Gb18030;
    }
    Encoding::Utf8
}

/// The length of the byte order mark at the start of `head`, if it has the one of `enc`.
pub(super) fn bom_len(enc: Encoding, head: &[u8]) -> usize {
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

/// True if nearly all code units decode to characters that text is made of.
fn plausible_utf16(s: &[u8], enc: Encoding) -> bool {
    let mut good = 0usize;
    let mut all = 0usize;
    for pair in s.chunks_exact(2) {
        let u = match enc {
            Encoding::Utf16Le => u16::from_le_bytes([pair[0], pair[1]]),
            _ => u16::from_be_bytes([pair[0], pair[1]]),
        };
        all += 1;
        let ok = matches!(u, 0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0xA0..=0x24FF
            | 0x2E80..=0x9FFF | 0xAC00..=0xD7A3 | 0xD800..=0xDFFF | 0xF900..=0xFFFD);
        good += ok as usize;
    }
    all > 0 && good * 10 >= all * 9
}

/// (non-ASCII characters, invalid sequences) when read as UTF-8; a sequence cut off at
/// the end of the sample is not counted as invalid.
fn utf8_counts(s: &[u8]) -> (usize, usize) {
    let (mut chars, mut bad) = (0, 0);
    let mut rest = s;
    loop {
        match std::str::from_utf8(rest) {
            Ok(t) => {
                chars += t.chars().filter(|c| !c.is_ascii()).count();
                return (chars, bad);
            }
            Err(e) => {
                let good = e.valid_up_to();
                // SAFETY-free: the prefix was just validated.
                chars += std::str::from_utf8(&rest[..good])
                    .map(|t| t.chars().filter(|c| !c.is_ascii()).count())
                    .unwrap_or(0);
                match e.error_len() {
                    Some(n) => {
                        bad += 1;
                        rest = &rest[good + n..];
                    }
                    None => return (chars, bad),
                }
            }
        }
    }
}

/// (non-ASCII characters, malformed sequences) when read as GB18030.
fn gb18030_counts(s: &[u8]) -> (usize, usize) {
    let mut dec = GB18030.new_decoder_without_bom_handling();
    let mut out = vec![0u8; 16 * 1024];
    let (mut chars, mut bad) = (0usize, 0usize);
    let mut src = s;
    loop {
        let (res, read, written) = dec.decode_to_utf8_without_replacement(src, &mut out, false);
        chars += out[..written]
            .iter()
            .filter(|&&b| b >= 0xC0) // UTF-8 lead bytes of non-ASCII characters
            .count();
        src = &src[read..];
        match res {
            DecoderResult::InputEmpty => return (chars, bad),
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(_, _) => bad += 1,
        }
    }
}

/// One piece of a [`TextMap`]: text bytes from `text` on map to raw bytes from `raw` on,
/// `stride` raw bytes per text byte (0: all of them map to `raw`, one multi-byte character).
#[derive(Clone, Copy, Debug)]
struct Seg {
    text: u32,
    raw: u32,
    stride: u32,
}

/// Maps offsets in decoded text back to offsets in the raw bytes it was decoded from.
#[derive(Debug, Default)]
pub struct TextMap {
    segs: Vec<Seg>,
    /// Text length and raw length decoded.
    text_len: usize,
    raw_len: usize,
}

impl TextMap {
    /// Empties the map for reuse.
    pub fn clear(&mut self) {
        self.segs.clear();
        self.text_len = 0;
        self.raw_len = 0;
    }

    /// Records that the text from offset `text` on comes from raw bytes from `raw` on,
    /// `stride` raw bytes per text byte (0: one character made of all of them).
    pub fn push(&mut self, text: usize, raw: usize, stride: u32) {
        if let Some(last) = self.segs.last() {
            // Extend an ASCII run rather than add a piece per character.
            if stride != 0
                && last.stride == stride
                && raw.checked_sub(last.raw as usize)
                    == Some((text - last.text as usize) * stride as usize)
            {
                return;
            }
        }
        self.segs.push(Seg {
            text: text as u32,
            raw: raw as u32,
            stride,
        });
    }

    /// Appends `other` (a map of a piece of text from its own start) for that piece placed
    /// at text offset `text_at`, its raw bytes at `raw_at`.
    pub fn append(&mut self, other: &TextMap, text_at: usize, raw_at: usize) {
        for s in &other.segs {
            self.push(text_at + s.text as usize, raw_at + s.raw as usize, s.stride);
        }
    }

    /// The same map with every raw offset `r` of a piece start replaced by `f(r)` (for
    /// text whose bytes were gathered from several places).
    pub fn remap(&self, f: impl Fn(usize) -> usize) -> TextMap {
        let mut m = TextMap::default();
        for s in &self.segs {
            m.push(s.text as usize, f(s.raw as usize), s.stride);
        }
        m.text_len = self.text_len;
        m.raw_len = f(self.raw_len.saturating_sub(1)) + 1;
        m
    }

    /// Sets the lengths of the text and of the raw bytes it covers, once it is complete.
    pub fn finish(&mut self, text_len: usize, raw_len: usize) {
        self.text_len = text_len;
        self.raw_len = raw_len;
    }

    /// The raw offset of the character that starts at text offset `t` (`t` may be the
    /// text's length: the raw length decoded).
    pub fn raw(&self, t: usize) -> usize {
        if t >= self.text_len {
            return self.raw_len;
        }
        let i = self.segs.partition_point(|s| s.text as usize <= t) - 1;
        let s = self.segs[i];
        s.raw as usize + (t - s.text as usize) * s.stride as usize
    }

    /// The raw offset just past the character that ends at text offset `t` (where the
    /// raw bytes of an item ending there end; text extracted from markup may skip raw
    /// bytes between characters, so this is not always `raw(t)`).
    pub fn raw_end(&self, t: usize) -> usize {
        if t == 0 || self.segs.is_empty() {
            return self.raw(t);
        }
        let i = self.segs.partition_point(|s| (s.text as usize) < t) - 1;
        let s = self.segs[i];
        if s.stride > 0 {
            s.raw as usize + (t - s.text as usize) * s.stride as usize
        } else {
            self.segs
                .get(i + 1)
                .map_or(self.raw_len, |n| n.raw as usize)
        }
    }

    /// The text offset of the first character whose raw start is at or after `r`.
    pub fn text(&self, r: usize) -> usize {
        if r >= self.raw_len {
            return self.text_len;
        }
        let i = self.segs.partition_point(|s| (s.raw as usize) < r);
        if i > 0 {
            let s = self.segs[i - 1];
            let end = self.segs.get(i).map_or(self.text_len, |n| n.text as usize);
            if s.stride > 0 {
                let t = s.text as usize + (r - s.raw as usize).div_ceil(s.stride as usize);
                if t < end {
                    return t;
                }
            }
            return end;
        }
        self.segs.first().map_or(self.text_len, |s| s.text as usize)
    }
}

/// Decodes `raw` (which must start on a character boundary) into `text`, filling `map`.
/// With `last` false, a character cut off at the end is left undecoded.
pub fn decode(enc: Encoding, raw: &[u8], last: bool, text: &mut Vec<u8>, map: &mut TextMap) {
    text.clear();
    map.clear();
    let consumed = match enc {
        Encoding::Utf16Le | Encoding::Utf16Be => decode_utf16(enc, raw, last, text, map),
        Encoding::Gb18030 => decode_gb18030(raw, last, text, map),
        Encoding::Utf8 | Encoding::Binary => {
            text.extend_from_slice(raw);
            map.push(0, 0, 1);
            raw.len()
        }
    };
    map.text_len = text.len();
    map.raw_len = consumed;
}

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// UTF-16: a character is one code unit or a surrogate pair; a lone surrogate or an odd
/// last byte is malformed. Returns the raw bytes consumed.
fn decode_utf16(
    enc: Encoding,
    raw: &[u8],
    last: bool,
    text: &mut Vec<u8>,
    map: &mut TextMap,
) -> usize {
    let unit = |i: usize| match enc {
        Encoding::Utf16Le => u16::from_le_bytes([raw[i], raw[i + 1]]),
        _ => u16::from_be_bytes([raw[i], raw[i + 1]]),
    };
    let mut n = raw.len() / 2 * 2;
    if !last && n >= 2 && (0xD800..0xDC00).contains(&unit(n - 2)) {
        n -= 2; // a high surrogate whose partner is in the next window
    }
    let mut r = 0;
    for c in char::decode_utf16((0..n).step_by(2).map(unit)) {
        match c {
            Ok(c) if c.is_ascii() => {
                map.push(text.len(), r, 2);
                text.push(c as u8);
                r += 2;
            }
            Ok(c) => {
                map.push(text.len(), r, 0);
                let mut b = [0u8; 4];
                text.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                r += c.len_utf16() * 2;
            }
            Err(_) => {
                map.push(text.len(), r, 0);
                text.extend_from_slice(REPLACEMENT);
                r += 2;
            }
        }
    }
    if last && raw.len() > n {
        map.push(text.len(), r, 0);
        text.extend_from_slice(REPLACEMENT);
        r = raw.len();
    }
    r
}

/// GB18030 (and so GBK): ASCII is one byte; `encoding_rs` decodes each multi-byte
/// character on its own, so every character's raw position is known exactly. A lead
/// byte that starts no valid character becomes U+FFFD and the byte after it is read
/// afresh. Returns the raw bytes consumed.
fn decode_gb18030(raw: &[u8], last: bool, text: &mut Vec<u8>, map: &mut TextMap) -> usize {
    let mut i = 0;
    let mut out = [0u8; 8];
    while i < raw.len() {
        let b = raw[i];
        if b < 0x80 {
            let end = raw[i..]
                .iter()
                .position(|&c| c >= 0x80)
                .map_or(raw.len(), |p| i + p);
            map.push(text.len(), i, 1);
            text.extend_from_slice(&raw[i..end]);
            i = end;
            continue;
        }
        // The euro sign 0x80 and 0xFF stand alone; a lead byte followed by a digit starts
        // a four-byte sequence; any other lead byte a two-byte one.
        let n = if b == 0x80 || b == 0xFF {
            1
        } else if raw.get(i + 1).is_some_and(|c| c.is_ascii_digit()) {
            4
        } else {
            2
        };
        if i + n > raw.len() && !last {
            break;
        }
        let unit = &raw[i..(i + n).min(raw.len())];
        let mut dec = GB18030.new_decoder_without_bom_handling();
        let (res, read, written) = dec.decode_to_utf8_without_replacement(unit, &mut out, true);
        map.push(text.len(), i, 0);
        if res == DecoderResult::InputEmpty && read == unit.len() && written > 0 {
            text.extend_from_slice(&out[..written]);
            i += n;
        } else {
            text.extend_from_slice(REPLACEMENT);
            i += 1;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    fn utf16be(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect()
    }

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    const TEXT: &str =
        "张三，身份证号11010519491231002X，手机13800138000。\r\n李四 电话 010-82345678\n";

    #[test]
    fn sniffs_boms_and_bomless_text() {
        assert_eq!(
            sniff(&[&[0xFF, 0xFE][..], &utf16le(TEXT)].concat()),
            Encoding::Utf16Le
        );
        assert_eq!(
            sniff(&[&[0xFE, 0xFF][..], &utf16be(TEXT)].concat()),
            Encoding::Utf16Be
        );
        assert_eq!(sniff(&utf16le(TEXT)), Encoding::Utf16Le);
        assert_eq!(sniff(&utf16be(TEXT)), Encoding::Utf16Be);
        assert_eq!(sniff(TEXT.as_bytes()), Encoding::Utf8);
        assert_eq!(sniff(&gbk(TEXT)), Encoding::Gb18030);
        assert_eq!(sniff(b"plain ascii 13800138000"), Encoding::Utf8);
        assert_eq!(
            sniff(&[0u8, 1, 2, 3, 0, 0, 0, 9, 200, 0, 7, 0]),
            Encoding::Binary
        );
        // A UTF-8 file with one stray byte is still UTF-8.
        let mut t = TEXT.repeat(5).into_bytes();
        t[3] = 0xFF;
        assert_eq!(sniff(&t), Encoding::Utf8);
    }

    fn check_map(enc: Encoding, raw: &[u8], s: &str) {
        let mut text = Vec::new();
        let mut map = TextMap::default();
        decode(enc, raw, true, &mut text, &mut map);
        assert_eq!(std::str::from_utf8(&text).unwrap(), s);
        // Every character maps to the raw bytes that encode it, and back.
        let mut r = 0;
        for (t, c) in s.char_indices() {
            assert_eq!(map.raw(t), r, "char {c:?} at {t}");
            assert_eq!(map.text(r), t);
            let mut b = [0u8; 4];
            let n = match enc {
                Encoding::Gb18030 => gbk(c.encode_utf8(&mut b)).len(),
                _ => c.len_utf16() * 2,
            };
            r += n;
        }
        assert_eq!(map.raw(s.len()), raw.len());
    }

    #[test]
    fn maps_every_character_back() {
        let s = "a1张€𠀀Ǹ１３８ z\n";
        check_map(Encoding::Utf16Le, &utf16le(s), s);
        check_map(Encoding::Utf16Be, &utf16be(s), s);
        check_map(Encoding::Gb18030, &gbk(s), s);
        check_map(Encoding::Gb18030, &gbk(TEXT), TEXT);
    }

    #[test]
    fn malformed_bytes_become_replacement_characters_and_keep_offsets() {
        // A lone surrogate in UTF-16LE between two numbers.
        let mut raw = utf16le("13800138000 ");
        raw.extend_from_slice(&[0x00, 0xD8]);
        let tail = utf16le(" 13900139000");
        raw.extend_from_slice(&tail);
        let mut text = Vec::new();
        let mut map = TextMap::default();
        decode(Encoding::Utf16Le, &raw, true, &mut text, &mut map);
        let s = String::from_utf8(text.clone()).unwrap();
        assert_eq!(s, "13800138000 \u{FFFD} 13900139000");
        let t = s.find("139").unwrap();
        assert_eq!(map.raw(t), 24 + 2 + 2);
        // A GBK lead byte followed by a byte that cannot follow it.
        let raw = [b"ab".as_slice(), &[0x81, 0x20], b"13800138000"].concat();
        decode(Encoding::Gb18030, &raw, true, &mut text, &mut map);
        let s = String::from_utf8(text.clone()).unwrap();
        let t = s.find("138").unwrap();
        assert_eq!(map.raw(t), 4);
    }

    #[test]
    fn a_cut_character_is_left_for_the_next_window() {
        let raw = gbk("号码13800138000张");
        let mut text = Vec::new();
        let mut map = TextMap::default();
        decode(
            Encoding::Gb18030,
            &raw[..raw.len() - 1],
            false,
            &mut text,
            &mut map,
        );
        assert_eq!(std::str::from_utf8(&text).unwrap(), "号码13800138000");
        assert_eq!(map.raw(text.len()), raw.len() - 2);
    }
}
