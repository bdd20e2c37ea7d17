//! Characters of addresses in raw bytes: stepping over UTF-8 forwards and backwards, and
//! the classes the parser reads (Han characters, digits, Chinese numerals, letters, name
//! characters).

use super::vocabulary::STOP;

/// The character at byte `i`, if a whole valid UTF-8 sequence starts there.
pub fn char_at(b: &[u8], i: usize) -> Option<(char, usize)> {
    let n = match *b.get(i)? {
        0..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(b.get(i..i + n)?).ok()?;
    Some((s.chars().next()?, n))
}

/// The character ending at byte `i`, if any.
pub fn char_before(b: &[u8], i: usize) -> Option<(char, usize)> {
    (1..=4.min(i)).find_map(|n| {
        let (c, l) = char_at(b, i - n)?;
        (l == n).then_some((c, n))
    })
}

/// A Han character (CJK unified ideographs and extension A).
pub fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// An ASCII or full-width digit.
pub(super) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// A Chinese numeral.
pub(super) fn is_cn_numeral(c: char) -> bool {
    "零〇一二三四五六七八九十百千两".contains(c)
}

/// An ASCII or full-width Latin letter.
pub(super) fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || ('Ａ'..='Ｚ').contains(&c) || ('ａ'..='ｚ').contains(&c)
}

/// A character that may stand inside a name.
pub(super) fn is_name_char(c: char) -> bool {
    (is_han(c) && !STOP.contains(c)) || is_digit(c) || is_letter(c)
}

/// Whether `s` starts at byte `i` of `b`.
pub(super) fn starts_with_at(b: &[u8], i: usize, s: &str) -> bool {
    b.get(i..).is_some_and(|t| t.starts_with(s.as_bytes()))
}

/// The number of UTF-8 characters in `s` (the bytes that do not continue one).
pub(super) fn count_chars(s: &[u8]) -> usize {
    s.iter().filter(|&&c| (c & 0xC0) != 0x80).count()
}
