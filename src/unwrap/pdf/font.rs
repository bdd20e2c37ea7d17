//! A font as the text reader needs it: how its strings split into character codes, each
//! code's advance width, and the characters it stands for.
//!
//! Characters come from the font's `ToUnicode` map when it has one (LibreOffice and Word
//! write one for every embedded subset, simple or CID), else from its encoding: a simple
//! font's `/Encoding` (standard encodings and `/Differences`, through lopdf; Windows-1252
//! without one), a CID font's predefined CMap when it is Unicode (`UniGB-UCS2-H`,
//! `UniGB-UTF16-H` …: UTF-16BE) or GBK (`GBK-EUC-H`, `GBpc-EUC-H`, `GBK2K-H`: GB18030).
//! A code with no known character is U+FFFD.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use lopdf::{Dictionary, Document, Encoding, Object, Stream};

use super::{decoded, STREAM_CAP};

/// At most this many individual widths are kept from a CID font's `/W` array.
const MAX_WIDTHS: usize = 1 << 16;

/// How a CID font's codes are written.
#[derive(Clone, Copy, PartialEq)]
enum Codes {
    /// One byte a code (simple fonts).
    Byte,
    /// Two bytes a code (`Identity-H` and most CMaps); the character only from ToUnicode.
    Two,
    /// UTF-16BE (`Uni…-UCS2-…`, `Uni…-UTF16-…`).
    Utf16,
    /// GBK: a byte below 0x81, else two.
    Gbk,
}

/// A font's codes, widths and characters.
pub(super) struct Font<'a> {
    codes: Codes,
    to_unicode: Option<Encoding<'static>>,
    /// A simple font's own encoding.
    base: Option<Encoding<'a>>,
    /// Simple fonts: the first code of `widths`; CID fonts: 0.
    first: i64,
    widths: Vec<f32>,
    /// CID fonts: widths of CIDs by range (`c_first c_last w`).
    ranges: Vec<(i64, i64, f32)>,
    /// CID fonts: widths of single CIDs (`c [w …]`).
    single: HashMap<i64, f32>,
    /// The width of a code not listed (glyph units, 1/1000 em).
    missing: f32,
    /// Glyph units per 1/1000 em (Type 3 fonts have their own matrix).
    unit: f32,
    cache: RefCell<HashMap<(u32, usize), Rc<str>>>,
}

/// `o` as a number, following a reference.
fn num(doc: &Document, o: &Object) -> Option<f32> {
    doc.dereference(o).ok()?.1.as_float().ok()
}

/// `o` as an array, following a reference.
fn array<'a>(doc: &'a Document, o: Option<&'a Object>) -> Option<&'a Vec<Object>> {
    doc.dereference(o?).ok()?.1.as_array().ok()
}

impl<'a> Font<'a> {
    /// Reads the font dictionary `dict`; decompressed bytes of its ToUnicode map are
    /// taken from `budget`.
    pub(super) fn new(doc: &'a Document, dict: &'a Dictionary, budget: &Cell<u64>) -> Font<'a> {
        let mut f = Font {
            to_unicode: to_unicode(doc, dict, budget),
            ..Font::fallback()
        };
        let subtype = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        if subtype == b"Type0" {
            f.cid_font(doc, dict);
            return f;
        }
        let encoding = dict.get(b"Encoding").ok();
        let identity = encoding
            .and_then(|e| e.as_name().ok())
            .is_some_and(|n| n.starts_with(b"Identity"));
        if encoding.is_some() && !identity {
            f.base = dict.get_font_encoding(doc).ok();
        }
        f.first = dict
            .get(b"FirstChar")
            .ok()
            .and_then(|o| num(doc, o))
            .unwrap_or(0.0) as i64;
        if let Some(w) = array(doc, dict.get(b"Widths").ok()) {
            f.widths = w
                .iter()
                .take(256)
                .map(|o| num(doc, o).unwrap_or(0.0))
                .collect();
            f.missing = 0.0;
        }
        if let Some(m) = doc
            .dereference(dict.get(b"FontDescriptor").unwrap_or(&Object::Null))
            .ok()
            .and_then(|(_, o)| o.as_dict().ok())
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(|o| num(doc, o))
        {
            f.missing = m;
        }
        if subtype == b"Type3" {
            if let Some(m) = array(doc, dict.get(b"FontMatrix").ok()) {
                f.unit = m.first().and_then(|o| num(doc, o)).unwrap_or(0.001) * 1000.0;
            }
        }
        f
    }

    /// The font of a name the page's resources do not hold (or not as a font): one byte a
    /// code, Windows-1252, every glyph 1/2 em wide.
    pub(super) fn fallback() -> Font<'static> {
        Font {
            codes: Codes::Byte,
            to_unicode: None,
            base: None,
            first: 0,
            widths: Vec::new(),
            ranges: Vec::new(),
            single: HashMap::new(),
            missing: 500.0,
            unit: 1.0,
            cache: RefCell::default(),
        }
    }

    /// The codes and widths of a Type 0 (CID) font.
    fn cid_font(&mut self, doc: &Document, dict: &Dictionary) {
        let cmap = dict
            .get(b"Encoding")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        self.codes = if cmap.starts_with(b"Uni")
            && (cmap.windows(4).any(|w| w == b"UCS2" || w == b"UTF1"))
        {
            Codes::Utf16
        } else if cmap.starts_with(b"GBK")
            || cmap.starts_with(b"GBpc")
            || cmap.starts_with(b"GB-EUC")
        {
            Codes::Gbk
        } else {
            Codes::Two
        };
        let Some(desc) = array(doc, dict.get(b"DescendantFonts").ok())
            .and_then(|a| a.first())
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok())
        else {
            self.missing = 1000.0;
            return;
        };
        self.missing = desc
            .get(b"DW")
            .ok()
            .and_then(|o| num(doc, o))
            .unwrap_or(1000.0);
        let Some(w) = array(doc, desc.get(b"W").ok()) else {
            return;
        };
        let mut i = 0;
        while i + 1 < w.len() && self.single.len() < MAX_WIDTHS {
            let c = num(doc, &w[i]).unwrap_or(0.0) as i64;
            if let Some(list) = array(doc, w.get(i + 1)) {
                for (k, o) in list.iter().take(MAX_WIDTHS).enumerate() {
                    self.single.insert(c + k as i64, num(doc, o).unwrap_or(0.0));
                }
                i += 2;
            } else {
                let last = num(doc, &w[i + 1]).unwrap_or(0.0) as i64;
                let width = w.get(i + 2).and_then(|o| num(doc, o)).unwrap_or(0.0);
                if self.ranges.len() < MAX_WIDTHS {
                    self.ranges.push((c, last, width));
                }
                i += 3;
            }
        }
    }

    /// The first character code of `bytes` (not empty) and its length in bytes.
    pub(super) fn code(&self, bytes: &[u8]) -> (u32, usize) {
        let len = match self.codes {
            Codes::Byte => 1,
            Codes::Gbk if bytes[0] < 0x81 => 1,
            Codes::Utf16 if (0xD8..0xDC).contains(&bytes[0]) && bytes.len() >= 4 => 4,
            _ => 2,
        };
        let len = len.min(bytes.len());
        let code = bytes[..len].iter().fold(0u32, |c, &b| c << 8 | b as u32);
        (code, len)
    }

    /// The advance width of `code`, in 1/1000 em.
    pub(super) fn width(&self, code: u32) -> f32 {
        let c = code as i64;
        let w = if self.codes == Codes::Byte {
            usize::try_from(c - self.first)
                .ok()
                .and_then(|i| self.widths.get(i).copied())
        } else if self.codes == Codes::Two {
            // Identity: the code is the CID.
            self.single.get(&c).copied().or_else(|| {
                self.ranges
                    .iter()
                    .find(|r| r.0 <= c && c <= r.1)
                    .map(|r| r.2)
            })
        } else {
            None
        };
        w.unwrap_or(self.missing) * self.unit
    }

    /// The characters `code` (of `len` bytes) stands for.
    pub(super) fn text(&self, code: u32, len: usize) -> Rc<str> {
        if let Some(t) = self.cache.borrow().get(&(code, len)) {
            return t.clone();
        }
        let bytes = &code.to_be_bytes()[4 - len.min(4)..];
        let mapped = self
            .to_unicode
            .as_ref()
            .and_then(|e| e.bytes_to_string(bytes).ok())
            .filter(|s| !s.is_empty() && !s.contains('\u{FFFD}'));
        let s = mapped.unwrap_or_else(|| match self.codes {
            Codes::Byte => self
                .base
                .as_ref()
                .and_then(|e| e.bytes_to_string(bytes).ok())
                .unwrap_or_else(|| encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned()),
            Codes::Utf16 => encoding_rs::UTF_16BE.decode(bytes).0.into_owned(),
            Codes::Gbk => encoding_rs::GB18030.decode(bytes).0.into_owned(),
            Codes::Two => "\u{FFFD}".to_string(),
        });
        let t: Rc<str> = s.into();
        let mut cache = self.cache.borrow_mut();
        if cache.len() < MAX_WIDTHS {
            cache.insert((code, len), t.clone());
        }
        t
    }
}

/// The font's ToUnicode map, decompressed within [`STREAM_CAP`] and `budget`.
fn to_unicode(doc: &Document, dict: &Dictionary, budget: &Cell<u64>) -> Option<Encoding<'static>> {
    let (_, obj) = doc.dereference(dict.get(b"ToUnicode").ok()?).ok()?;
    let s = obj.as_stream().ok()?;
    let cap = STREAM_CAP.min(budget.get().min(usize::MAX as u64) as usize);
    let data = decoded(s, cap).ok()?;
    budget.set(budget.get().saturating_sub(data.len() as u64));
    // lopdf parses a ToUnicode map only as part of a font: a font of the map alone.
    let mut only = Dictionary::new();
    only.set("Type", Object::Name(b"Font".to_vec()));
    only.set(
        "ToUnicode",
        Object::Stream(Stream::new(Dictionary::new(), data)),
    );
    match only.get_font_encoding(doc) {
        Ok(Encoding::UnicodeMapEncoding(m)) => Some(Encoding::UnicodeMapEncoding(m)),
        _ => None,
    }
}
