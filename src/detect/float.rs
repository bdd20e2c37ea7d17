//! Numbers written in exponent form (`1.10105194912310E+17`): how a spreadsheet shows a
//! numeric cell too long for the 15 significant digits it keeps (unwrap writes such cells
//! this way, see `unwrap::office`), and how CSV and JSON exports write such floats.
//!
//! A number of more than 15 digits stored as a float cannot hold an exact ID or card: the
//! digits after the 15th are lost (`110105194912310000`). The kinds `cn_id_truncated` and
//! `bank_card_truncated` read the digits it kept through [`at`]; the exact kinds never
//! see it, since the digits after `1.` are a fraction to them.

use super::digits::{Buf, Run};
use super::{Candidate, Confidence, Details, Kind};

/// Significant digits a spreadsheet keeps of a number (Excel, LibreOffice).
pub const KEPT: usize = 15;

/// A number in exponent form that stands for an integer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Float {
    /// Offset of its first digit.
    pub start: usize,
    /// Offset just past its exponent.
    pub end: usize,
    /// The significant digits as written, at most [`KEPT`] (the digits of a float beyond
    /// them are noise of the binary fraction).
    pub kept: String,
    /// How many digits the integer it stands for has (its exponent plus one).
    pub digits: usize,
}

/// Reads `d.ddd…E+nn` (or `e`, with or without `+`) starting at `i` in ASCII bytes: one
/// non-zero digit, a point, at least one digit, an exponent of one or two digits. The
/// number must be an integer (no more significant digits than the integer has). Returns
/// the offset just past it, the kept digits and the integer's digit count.
fn parse(b: &[u8], i: usize) -> Option<(usize, String, usize)> {
    let lead = *b.get(i)?;
    if !(b'1'..=b'9').contains(&lead) || b.get(i + 1) != Some(&b'.') {
        return None;
    }
    let mut j = i + 2;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    let frac = &b[i + 2..j];
    if frac.is_empty() || !matches!(b.get(j), Some(b'E' | b'e')) {
        return None;
    }
    j += 1;
    if b.get(j) == Some(&b'+') {
        j += 1;
    }
    let es = j;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    if j == es || j - es > 2 {
        return None;
    }
    let exp: usize = std::str::from_utf8(&b[es..j]).ok()?.parse().ok()?;
    let mut all = Vec::with_capacity(1 + frac.len());
    all.push(lead);
    all.extend_from_slice(frac);
    while all.len() > 1 && all.last() == Some(&b'0') && all.len() > exp + 1 {
        all.pop();
    }
    if all.len() > exp + 1 {
        return None; // a fraction: not an integer
    }
    all.truncate(KEPT);
    Some((j, String::from_utf8(all).ok()?, exp + 1))
}

/// The number in exponent form whose first digit is at `start` in `buf`, if one stands
/// there on its own (no word character, sign or point glued before it, no word
/// character after it).
pub fn at(buf: &Buf, start: usize) -> Option<Float> {
    if buf.word_before(start) {
        return None;
    }
    if start > 0 && matches!(buf.bytes[start - 1], b'-' | b'.') {
        return None;
    }
    let (end, kept, digits) = parse(buf.bytes, start)?;
    if buf.word_after(end) {
        return None;
    }
    Some(Float {
        start,
        end,
        kept,
        digits,
    })
}

/// The candidate of `kind` that a number in exponent form starting at run `i` of `buf`
/// gives, if `accept` takes its kept digits and digit count (and returns the details): at
/// low confidence, reported only with context (see `cn_id_truncated`).
pub fn candidate(
    buf: &Buf,
    runs: &[Run],
    i: usize,
    kind: Kind,
    accept: impl FnOnce(&str, usize) -> Option<Details>,
) -> Option<Candidate> {
    if runs[i].n != 1 {
        return None;
    }
    let f = at(buf, runs[i].start)?;
    let details = accept(&f.kept, f.digits)?;
    Some(Candidate {
        kind,
        start: f.start,
        end: f.end,
        value: f.kept,
        confidence: Confidence::Low,
        needs_context: true,
        details,
        untrue: None,
    })
}

/// A whole value in exponent form (for `piiscan check`): its kept digits and the
/// integer's digit count.
pub fn parse_value(s: &str) -> Option<(String, usize)> {
    let (end, kept, digits) = parse(s.as_bytes(), 0)?;
    (end == s.len()).then_some((kept, digits))
}

/// Writes an integer-valued float as a spreadsheet shows it when it has more than
/// [`KEPT`] digits: `1.10105194912310E+17` ([`KEPT`] significant digits, rounded as
/// Excel rounds them). `None` for a number of at most [`KEPT`] digits, which a
/// spreadsheet holds exactly.
pub fn spreadsheet_form(f: f64) -> Option<String> {
    if !f.is_finite() || f.fract() != 0.0 || f.abs() < 1e15 {
        return None;
    }
    let s = format!("{:.*E}", KEPT - 1, f.abs());
    let (mantissa, exp) = s.split_once('E')?;
    let exp: i32 = exp.parse().ok()?;
    let sign = if f < 0.0 { "-" } else { "" };
    Some(format!("{sign}{mantissa}E+{exp:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_form_keeps_fifteen_digits() {
        assert_eq!(
            spreadsheet_form(110105194912310000.0).as_deref(),
            Some("1.10105194912310E+17")
        );
        assert_eq!(
            spreadsheet_form(6222021234567890.0).as_deref(),
            Some("6.22202123456789E+15")
        );
        // 16 digits, the last one rounded as Excel rounds it.
        assert_eq!(
            spreadsheet_form(6222021234567897.0).as_deref(),
            Some("6.22202123456790E+15")
        );
        assert_eq!(spreadsheet_form(13800138000.0), None, "a mobile is exact");
        assert_eq!(
            spreadsheet_form(110105491231002.0),
            None,
            "15 digits are exact"
        );
        assert_eq!(
            spreadsheet_form(1.5e16),
            Some("1.50000000000000E+16".into())
        );
        assert_eq!(spreadsheet_form(12.5), None);
    }

    #[test]
    fn reads_numbers_in_exponent_form() {
        let b = Buf::whole(b"id\t1.10105194912310E+17\tx 1.1010519491231e17 -1.5E+17 2.5E+1");
        let f = at(&b, 3).unwrap();
        assert_eq!((f.start, f.end), (3, 23));
        assert_eq!((f.kept.as_str(), f.digits), ("110105194912310", 18));
        let g = at(&b, 26).unwrap();
        assert_eq!((g.kept.as_str(), g.digits), ("11010519491231", 18));
        assert_eq!(at(&b, 46), None, "a sign before it");
        assert_eq!(
            at(&b, 54),
            Some(Float {
                start: 54,
                end: 60,
                kept: "25".into(),
                digits: 2
            })
        );
        assert_eq!(parse_value("1.5E+0"), None, "not an integer");
        assert_eq!(parse_value("1.10105194912310E+17x"), None);
        assert_eq!(parse_value("0.5E+3"), None);
        assert_eq!(
            parse_value("1.1010519491231002E+17"),
            Some(("110105194912310".into(), 18)),
            "digits past the fifteenth are noise"
        );
        let glued = Buf::whole(b"a1.10105194912310E+17 1.10105194912310E+17b");
        assert_eq!(at(&glued, 1), None);
        assert_eq!(at(&glued, 22), None);
    }
}
