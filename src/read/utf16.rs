//! UTF-16 text inside binary data: binary data often holds UTF-16LE text (Word 97-2003
//! documents, Windows artefacts), which a byte-for-byte read cannot see. A window of
//! binary data that may hold such items is read again as UTF-16LE, at both byte
//! alignments, since the text may start at an odd offset.

use crate::detect::digits::Buf;
use crate::evidence::Finding;

use super::encoding::{decode, Encoding, TextMap};
use super::found::{detect, Place, Position};
use super::windows::{BatchScan, Span};

/// How near (in raw bytes, before its first byte or after its last) a UTF-16LE item in
/// binary data must have a mark of UTF-16 text (see [`has_items`]) to be reported. The
/// rule looks only at the item's neighbourhood, well inside the windows' look-around, so
/// an item is kept or dropped the same whatever the windows; items that carry no mark of
/// their own (names, addresses without numbers) are kept where a number or an e-mail
/// address stands near them.
const NEAR: usize = 512;

/// True if `b` holds a mark of UTF-16LE text that may hold an item: two ASCII digits in a
/// row (`1\0 3\0`), two fullwidth digits in a row (`\x11\xFF \x13\xFF`) or an `@`
/// between letters or digits. Windows of binary data with no mark within [`NEAR`] bytes
/// of what they own are not decoded twice more.
pub(super) fn has_items(b: &[u8]) -> bool {
    let alnum = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let zero = |i: usize| b.get(i) == Some(&0);
    let ascii = memchr::memchr_iter(0, b).any(|i| {
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
    });
    // U+FF10..U+FF19 in UTF-16LE: a low byte 0x10..=0x19, then 0xFF.
    let wide = |i: usize| b.get(i).is_some_and(|c| (0x10..=0x19).contains(c));
    ascii
        || memchr::memchr_iter(0xFF, b)
            .any(|i| i >= 1 && wide(i - 1) && wide(i + 1) && b.get(i + 2) == Some(&0xFF))
}

/// The bytes of the window `w` in which a mark lets it hold UTF-16 items: those it owns,
/// [`NEAR`] bytes before them and its look-ahead.
pub(super) fn marked_window(bytes: &[u8], w: &Span) -> bool {
    has_items(&bytes[w.ws.saturating_sub(NEAR).max(w.lo)..w.hi])
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
            let near = at.saturating_sub(NEAR).max(w.lo)..(at + f.length as usize + NEAR).min(w.hi);
            if !has_items(&buf[near]) {
                continue;
            }
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
    /// UTF-16LE text of `s` at an odd offset inside binary data, `pad` bytes of it first.
    fn in_binary(pad: usize, s: &str) -> Vec<u8> {
        let mut bin: Vec<u8> = (0..pad as u32)
            .map(|i| [0u8, 7, 0xD0][i as usize % 3])
            .collect();
        bin.push(0xFF);
        bin.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        bin.extend([0u8, 3, 0]);
        bin
    }

    #[test]
    fn items_without_ascii_digits_do_not_depend_on_windows() {
        // A fullwidth mobile after ASCII digits (the windows owning only the fullwidth
        // one were never decoded): seen in every window size.
        let bin = in_binary(
            90,
            "li@qq.com13800138000身份证号１３８００１３８０００身份证号",
        );
        let whole = values(&bin, 1 << 20, 1 << 20, false);
        assert_eq!(whole.len(), 1, "{whole:?}");
        assert_eq!(whole[0].0, 90 + 1 + 2 * 24);
        for (w, b) in [(1, 1), (7, 3), (64, 100), (300, 5000)] {
            assert_eq!(values(&bin, w, b, false), whole, "window {w} batch {b}");
        }
        // A name under a label with a number near it is reported; far from any number it
        // is not, whatever the windows (it carries no mark of UTF-16 text of its own).
        let near = in_binary(90, "姓名：张三，电话13800138000");
        let found = values(&near, 1 << 20, 1 << 20, false);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(values(&near, 16, 16, true), found);
        let far = in_binary(
            90,
            &format!("姓名：张三{}电话13800138000", "。".repeat(400)),
        );
        let found = values(&far, 1 << 20, 1 << 20, false);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(values(&far, 16, 16, true), found);
    }
}
