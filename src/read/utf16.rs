//! UTF-16 text inside binary data: binary data often holds UTF-16LE text (Word 97-2003
//! documents, Windows artefacts), which a byte-for-byte read cannot see. A window of
//! binary data that may hold such items is read again as UTF-16LE, at both byte
//! alignments, since the text may start at an odd offset.

use crate::detect::digits::Buf;
use crate::evidence::Finding;

use super::encoding::{decode, Encoding, TextMap};
use super::found::{detect, Place, Position};
use super::windows::{BatchScan, Span};

/// True if `b` may hold an item in UTF-16LE: two ASCII digits in a row (`1\0 3\0`) or an
/// `@` between letters or digits. Every item has one of these within it, so a window
/// owning an item always passes (findings stay independent of windows), while most
/// windows of binary data that holds no UTF-16 text are not decoded twice more.
pub(super) fn has_items(b: &[u8]) -> bool {
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

/// Adds to `found` (a window's findings in the binary data of `scan`) the items of window
/// `w` read as UTF-16LE at both byte alignments, decoded into `text` (mapped back to raw
/// offsets by `map`), and sorts them all by offset. Their lines are counted from the
/// window's start; their columns are unknown (0).
pub(super) fn find(
    scan: &BatchScan,
    w: &Span,
    text: &mut Vec<u8>,
    map: &mut TextMap,
    found: &mut Vec<Finding>,
) {
    let (buf, base) = (scan.bytes, scan.base);
    for parity in 0..2u64 {
        let start = w.lo + ((base + w.lo as u64 + parity) % 2) as usize;
        let raw = &buf[start.min(w.hi)..w.hi];
        decode(Encoding::Utf16Le, raw, w.at_end, text, map);
        let own = map.text(w.ws.saturating_sub(start))..map.text(w.we - start);
        let b = Buf {
            bytes: text,
            at_start: false,
            at_end: w.at_end,
        };
        let mut pos = Position::at(own.start);
        let utf16 = detect(
            scan.det,
            b,
            own,
            scan.fcx,
            scan.opts,
            &mut pos,
            Encoding::Utf16Le.name(),
            |s, e, encoding| {
                let at = start + map.raw(s);
                Place {
                    at: s,
                    offset: base + at as u64,
                    length: start + map.raw_end(e) - at,
                    encoding,
                }
            },
        );
        for mut f in utf16 {
            // Lines are those of the binary data (its line feed bytes); columns unknown.
            let at = (f.offset - base) as usize;
            f.line = memchr::memchr_iter(b'\n', &buf[w.ws..at.max(w.ws)]).count() as u64;
            f.column = 0;
            found.push(f);
        }
    }
    found.sort_by_key(|f| (f.offset, f.kind));
}

#[cfg(test)]
mod tests {
    use crate::read::tests::values;

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

    #[test]
    fn escapes_in_utf16le_text_inside_binary_data_are_undone() {
        let mut bin: Vec<u8> = (0..600u32)
            .flat_map(|i| [0u8, (i % 7) as u8, 0xD0])
            .collect();
        let at = bin.len() + 2 * "form: email=".len();
        bin.extend(
            "form: email=li%40qq.com&x=1\u{0}"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        bin.extend([0u8, 3, 0]);
        let want = vec![(at as u64, (1, 0), "li@qq.com".to_string())];
        assert_eq!(values(&bin, 1 << 20, 1 << 20, false), want);
        assert_eq!(values(&bin, 64, 100, true), want);
    }
}
