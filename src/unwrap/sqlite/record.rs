//! Records (fileformat2 §2.1): varints, serial types, and a record split into its
//! values. Each text or integer value becomes a [`Field`]: its text, and where its bytes
//! lie in the file.

use super::btree::PageRef;
use crate::read::encoding::{decode, TextMap};

/// One value of a record, where it lies and what it says.
pub(super) struct Field {
    /// Raw offset of the value's bytes in the file.
    pub(super) raw: u64,
    /// Raw length (of the value's bytes, wherever they lie).
    pub(super) len: u64,
    /// The raw byte ranges of the value: one, or one per page of an overflow chain.
    pub(super) spans: Vec<(u64, u64)>,
    /// The lowest raw offset of the value's bytes (`map` is relative to it).
    pub(super) origin: u64,
    /// The value as text (integers in decimal).
    pub(super) text: Vec<u8>,
    /// True if the text is the raw bytes themselves (offsets inside map one to one).
    pub(super) verbatim: bool,
    /// For text decoded from UTF-16 or spread over overflow pages: where each
    /// character's bytes are, relative to `origin`.
    pub(super) map: Option<Box<TextMap>>,
    /// The WAL frame the page was read from, for a write-ahead log.
    pub(super) frame: Option<u64>,
    /// Page number.
    pub(super) page: u64,
    /// Column index in its record.
    pub(super) column: usize,
    /// Carved from a free block (a deleted cell).
    pub(super) freeblock: bool,
}

/// An SQLite varint at `b[i..]`: (value, length), or `None` if it runs off the end.
pub(super) fn varint(b: &[u8], i: usize) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for k in 0..9 {
        let c = *b.get(i + k)?;
        if k == 8 {
            return Some(((v << 8) | c as u64, 9));
        }
        v = (v << 7) | (c & 0x7F) as u64;
        if c & 0x80 == 0 {
            return Some((v, k + 1));
        }
    }
    None
}

/// The body length of a serial type.
pub(super) fn serial_len(t: u64) -> Option<u64> {
    Some(match t {
        0 | 8 | 9 => 0,
        1..=4 => t,
        5 => 6,
        6 | 7 => 8,
        10 | 11 => return None,
        n => (n - 12) / 2,
    })
}

/// Parses the record at `page[q..end]`, pushing its text and integer values; returns
/// where it ends. `strict` (`Some(first column)`, carving) requires the header to be
/// plausible and the body to fit and to hold valid UTF-8 text.
pub(super) fn record(
    p: &PageRef,
    q: usize,
    end: usize,
    strict: Option<usize>,
    out: &mut Vec<Field>,
) -> Option<usize> {
    let page = p.bytes;
    let (hsize, n) = varint(page, q)?;
    if hsize > 512 {
        return None;
    }
    let hsize = hsize as usize;
    if hsize < n + 1 || q + hsize > end {
        return None;
    }
    let mut types = Vec::new();
    let mut i = q + n;
    while i < q + hsize {
        let (t, k) = varint(page, i)?;
        types.push(t);
        i += k;
    }
    if i != q + hsize {
        return None;
    }
    let body = q + hsize;
    if strict.is_some() {
        let total = types.iter().fold(0u64, |a, &t| {
            a.saturating_add(serial_len(t).unwrap_or(u64::MAX))
        });
        let has_text = types.iter().any(|&t| t >= 13 && t % 2 == 1);
        if types.len() < 2 || !has_text || (body as u64).saturating_add(total) > end as u64 {
            return None;
        }
    }
    values(
        p,
        &types,
        body,
        end,
        strict.unwrap_or(0),
        strict.is_some(),
        out,
    )
}

/// Pushes the text and integer values of a record body at `page[body..end]`, the first
/// being column `first`; returns where the body ends.
pub(super) fn values(
    p: &PageRef,
    types: &[u64],
    mut body: usize,
    end: usize,
    first: usize,
    deleted: bool,
    out: &mut Vec<Field>,
) -> Option<usize> {
    let (page, pg) = (p.bytes, p.pg);
    let before = out.len();
    for (col, &t) in types.iter().enumerate() {
        let len = usize::try_from(serial_len(t)?).unwrap_or(usize::MAX);
        let stop = body.saturating_add(len).min(end);
        let bytes = &page[body..stop];
        let raw = p.raw_of(body);
        let spans = p.spans(body, stop);
        let origin = spans.iter().map(|s| s.0).min().unwrap_or(raw);
        let column = first + col;
        match t {
            1..=6 if len >= 4 => {
                // An integer of 4 or more bytes can be a phone or an ID number.
                let mut v: i64 = if bytes.first().is_some_and(|b| b & 0x80 != 0) {
                    -1
                } else {
                    0
                };
                for &b in bytes {
                    v = (v << 8) | b as i64;
                }
                out.push(Field {
                    raw,
                    len: bytes.len() as u64,
                    spans,
                    origin,
                    text: v.to_string().into_bytes(),
                    verbatim: false,
                    map: None,
                    frame: p.frame,
                    page: pg,
                    column,
                    freeblock: deleted,
                });
            }
            n if n >= 13 && n % 2 == 1 && !bytes.is_empty() => {
                // Carved text must look like text: valid, no control characters but tabs
                // and line breaks (junk parsed as a record rarely is).
                let junk = |t: &[u8]| {
                    std::str::from_utf8(t).map_or(true, |t| {
                        t.chars().any(|c| {
                            c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                        })
                    })
                };
                // Where each character's bytes lie, relative to `origin`: only needed
                // when decoding or when the value spans overflow pages.
                let rel = |r: usize| (p.raw_of(body + r) - origin) as usize;
                let (text, map) = if p.enc.decodes() {
                    let mut text = Vec::new();
                    let mut map = TextMap::default();
                    decode(p.enc, bytes, true, &mut text, &mut map);
                    (text, Some(Box::new(map.remap(rel))))
                } else if spans.len() > 1 {
                    let mut map = TextMap::default();
                    let mut t = 0;
                    for &(a, b) in &spans {
                        map.push(t, (a - origin) as usize, 1);
                        t += (b - a) as usize;
                    }
                    (bytes.to_vec(), Some(Box::new(map)))
                } else {
                    (bytes.to_vec(), None)
                };
                if deleted && junk(&text) {
                    out.truncate(before);
                    return None;
                }
                out.push(Field {
                    raw,
                    len: bytes.len() as u64,
                    spans,
                    origin,
                    text,
                    verbatim: map.is_none(),
                    map,
                    frame: p.frame,
                    page: pg,
                    column,
                    freeblock: deleted,
                });
            }
            _ => {}
        }
        body = body.saturating_add(len);
        if body > end {
            break;
        }
    }
    Some(body.min(end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::encoding::Encoding;

    /// Found by the `containers` fuzz target: a record header size of nine 0xFF bytes
    /// overflowed when added to the record's position.
    #[test]
    fn a_huge_record_header_size_is_not_an_overflow() {
        let mut page = vec![0xFFu8; 9];
        page.extend_from_slice(&[0x0D; 40]);
        let p = PageRef {
            bytes: &page,
            pg: 2,
            at: 0,
            enc: Encoding::Utf8,
            frame: None,
            pieces: &[],
            fetch: None,
        };
        let mut out = Vec::new();
        assert_eq!(record(&p, 0, page.len(), None, &mut out), None);
        assert!(out.is_empty());
    }

    #[test]
    fn varints_and_serial_types() {
        assert_eq!(varint(&[0x05], 0), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00], 0), Some((128, 2)));
        assert_eq!(varint(&[0xFF; 9], 0), Some((u64::MAX, 9)));
        assert_eq!(varint(&[0x81], 0), None);
        assert_eq!(serial_len(13 + 2 * 11), Some(11));
        assert_eq!(serial_len(5), Some(6));
        assert_eq!(serial_len(10), None);
    }

    #[test]
    fn a_record_splits_into_its_values() {
        // Header: size 4, types TEXT(18), INT 6 bytes, TEXT(3).
        let mut page = vec![4u8, 13 + 36, 5, 13 + 6];
        page.extend_from_slice(b"11010519491231002X");
        page.extend_from_slice(&13800138000u64.to_be_bytes()[2..]);
        page.extend_from_slice(b"abc");
        let mut out = Vec::new();
        let p = PageRef {
            bytes: &page,
            pg: 2,
            at: 4096,
            enc: Encoding::Utf8,
            frame: None,
            pieces: &[],
            fetch: None,
        };
        let end = record(&p, 0, page.len(), None, &mut out).unwrap();
        assert_eq!(end, page.len());
        let texts: Vec<&[u8]> = out.iter().map(|f| f.text.as_slice()).collect();
        assert_eq!(texts, [&b"11010519491231002X"[..], b"13800138000", b"abc"]);
        assert_eq!(out[0].raw, 4096 + 4);
        assert_eq!(out[1].raw, 4096 + 22);
        assert!(!out[1].verbatim);
    }
}
