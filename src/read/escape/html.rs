//! HTML and XML character references: decimal `&#24352;`, hexadecimal `&#x5f20;`, and
//! the named references of HTML5 (`&nbsp;`, `&middot;`; resolved by `quick-xml`), each
//! closed by `;`, as encoders (`xmlcharrefreplace`, `html.escape`) write them.

use quick_xml::escape::resolve_html5_entity;

use super::{Layer, Staged};

/// The longest reference name read.
const MAX_NAME: usize = 32;

/// A character reference at `at`: what it stands for, staged.
pub fn reference(src: &[u8], at: usize, end: usize, staged: &mut Staged) -> Option<(usize, Layer)> {
    let rest = &src[at + 1..end.min(at + 2 + MAX_NAME)];
    let semi = memchr::memchr(b';', rest)?;
    let body = std::str::from_utf8(&rest[..semi]).ok()?;
    let mut buf = [0u8; 4];
    let text: &str = if let Some(num) = body.strip_prefix('#') {
        let (digits, radix) = match num.strip_prefix(['x', 'X']) {
            Some(h) => (h, 16),
            None => (num, 10),
        };
        if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let c = char::from_u32(u32::from_str_radix(digits, radix).ok()?).filter(|&c| c != '\0')?;
        c.encode_utf8(&mut buf)
    } else {
        if !body.bytes().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        resolve_html5_entity(body)?
    };
    staged.push(text.as_bytes(), at, 0);
    Some((at + 2 + semi, Layer::HtmlEntity))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn undo(s: &str) -> Option<(usize, String)> {
        let mut st = Staged::default();
        let (end, _) = reference(s.as_bytes(), 0, s.len(), &mut st)?;
        Some((end, String::from_utf8(st.bytes).unwrap()))
    }

    #[test]
    fn numeric_and_named_references() {
        assert_eq!(undo("&#24352;x"), Some((8, "张".into())));
        assert_eq!(undo("&#x5F20;"), Some((8, "张".into())));
        assert_eq!(undo("&nbsp;"), Some((6, "\u{a0}".into())));
        assert_eq!(undo("&amp;"), Some((5, "&".into())));
    }

    #[test]
    fn what_is_not_a_reference_is_left() {
        assert_eq!(undo("&phone=138"), None);
        assert_eq!(undo("&#;"), None);
        assert_eq!(undo("&#0;"), None);
        assert_eq!(undo("&#xD800;"), None);
        assert_eq!(undo("&nosuchname;"), None);
        assert_eq!(undo("& b;"), None);
    }
}
