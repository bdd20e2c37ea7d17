//! JSON string escapes, as JSON written with `ensure_ascii` (Python), Jackson with escaping
//! on, and JavaScript write them: `\u5f20`, surrogate pairs `\ud83d\ude00`, and the short
//! escapes (`\"`, `\\`, `\/`, `\n`, …) among them. A run is undone only if it holds a
//! `\u` escape: a lone `\"` or `\n` changes nothing a detector needs.

use super::{Layer, Staged};

/// The code unit of a `\uXXXX` escape at `at`.
fn unit(src: &[u8], at: usize, end: usize) -> Option<u16> {
    if at + 6 > end || src[at + 1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&src[at + 2..at + 6]).ok()?;
    if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(hex, 16).ok()
}

/// The character escaped at `at` and the escape's length, if one is there.
fn one(src: &[u8], at: usize, end: usize) -> Option<(char, usize)> {
    if at + 2 > end || src[at] != b'\\' {
        return None;
    }
    let short = match src[at + 1] {
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'/' => Some('/'),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        _ => None,
    };
    if let Some(c) = short {
        return Some((c, 2));
    }
    let u = unit(src, at, end)?;
    if (0xD800..0xDC00).contains(&u) {
        let low = unit(src, at + 6, end).filter(|l| (0xDC00..0xE000).contains(l))?;
        let c = 0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
        return Some((char::from_u32(c)?, 12));
    }
    Some((char::from_u32(u32::from(u))?, 6))
}

/// A run of escapes at `at`, holding at least one `\u`: its characters, staged.
pub fn escape(src: &[u8], at: usize, end: usize, staged: &mut Staged) -> Option<(usize, Layer)> {
    let mut p = at;
    let mut unicode = false;
    let mut buf = [0u8; 4];
    while let Some((c, n)) = one(src, p, end) {
        unicode |= n >= 6;
        let stride = if c.is_ascii() { n as u32 } else { 0 };
        staged.push(c.encode_utf8(&mut buf).as_bytes(), p, stride);
        p += n;
    }
    unicode.then_some((p, Layer::JsonEscape))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_escapes_and_surrogate_pairs_decode_with_their_offsets() {
        let src = br#"\u5f20\u4e09\"\ud83d\ude00x"#;
        let mut st = Staged::default();
        assert_eq!(
            escape(src, 0, src.len(), &mut st),
            Some((26, Layer::JsonEscape))
        );
        assert_eq!(String::from_utf8(st.bytes).unwrap(), "张三\"😀");
        let offsets: Vec<usize> = st.pieces.iter().map(|p| p.1).collect();
        assert_eq!(offsets, [0, 6, 12, 14]);
    }

    #[test]
    fn short_escapes_alone_and_lone_surrogates_are_left() {
        let mut st = Staged::default();
        assert_eq!(escape(br#"\"a\n"#, 0, 5, &mut st), None);
        assert_eq!(escape(br#"\ud83dx"#, 0, 7, &mut st), None);
        assert_eq!(escape(br#"\u12"#, 0, 4, &mut st), None);
    }
}
