//! Macau resident identity card numbers: `mo_id` (reported only with context).
//!
//! `[157]` (the era of first issue) and six digits, then a check digit whose algorithm is
//! not published, written `1234567(8)` or `1234567（8）` (smart card), `1/234567/8` (old card)
//! or `12345678`. Without a check, a number is reported only under a label (澳门身份证,
//! 澳門身份證, 澳门居民身份证, BIR, Macau ID) or in a column of its own (澳门身份证号, moid).
//! The value is the eight digits: `12345678`.

use serde_json::json;

use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::Details;

/// Macau resident identity card numbers.
static SPEC: KindSpec = KindSpec {
    name: "mo_id",
    label: "澳门身份证号",
    rank: 14,
    find: Finder::Labelled(read),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|_| (1, 1)),
    revealing: &[],
    check: Check {
        // The bracketed and slashed forms are its own; bare digits only when asked for.
        fits: |s| s.only || s.text.contains('/') || s.text.ends_with(')') && s.digits.len() == 8,
        suggested: |s| s.text.contains('/') && s.digits.len() == 8,
        attempt: |s, _| {
            let v: String = s.text.chars().filter(char::is_ascii_digit).collect();
            match form(s.text.as_bytes()) {
                Some(f) if f.1 == s.text.len() => {
                    validate(&v).map(|d| (d, v)).map_err(Rejection::name)
                }
                _ => Err(Rejection::Shape.name()),
            }
        },
    },
    rule: Rule {
        name: "MacauIdentityCardNumber",
        short: "澳门身份证号码 / Macau resident identity card number",
        help: "澳门居民身份证号码可识别个人：请删除、脱敏或加密。\nA Macau resident identity card number identifies a person: remove, mask or encrypt it.",
    },
    tier: 1,
};

/// The kind of Macau resident identity card numbers.
pub const KIND: Kind = Kind::of(&SPEC);

pub use super::alnum::Rejection;

/// Validates the eight digits of a number.
pub fn validate(value: &str) -> Result<Details, Rejection> {
    let b = value.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) || !matches!(b[0], b'1' | b'5' | b'7') {
        return Err(Rejection::Shape);
    }
    let mut d = Details::with_capacity(1);
    d.insert("first_issue_era", json!(char::from(b[0]).to_string()));
    Ok(d)
}

/// The written form at the start of `b`: its name and length, for `1234567(8)`,
/// `1234567（8）`, `1/234567/8` and `12345678`.
fn form(b: &[u8]) -> Option<(&'static str, usize)> {
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if digits(0..1)
        && b.get(1) == Some(&b'/')
        && digits(2..8)
        && b.get(8) == Some(&b'/')
        && digits(9..10)
    {
        return Some(("old_card", 10));
    }
    if !digits(0..7) {
        return None;
    }
    for (open, close) in [("(", ")"), ("（", "）")] {
        let rest = &b[7..];
        if let Some(r) = rest.strip_prefix(open.as_bytes()) {
            if r.first().is_some_and(u8::is_ascii_digit) && r[1..].starts_with(close.as_bytes()) {
                return Some(("smart_card", 7 + open.len() + 1 + close.len()));
            }
        }
    }
    digits(7..8).then_some(("plain", 8))
}

/// Reads a number at `at`.
fn read(buf: &Buf, at: usize) -> Option<(usize, String, Details)> {
    let b = buf.bytes;
    let (name, len) = form(b.get(at..)?)?;
    let end = at + len;
    if !super::labelled::ends_clean(buf, end) {
        return None;
    }
    let v: String = b[at..end]
        .iter()
        .filter(|c| c.is_ascii_digit())
        .map(|&c| char::from(c))
        .collect();
    let mut d = validate(&v).ok()?;
    d.insert("form", json!(name));
    Some((end, v, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        assert_eq!(form(b"1234567(8)"), Some(("smart_card", 10)));
        assert_eq!(
            form("1234567（8）".as_bytes()).map(|f| f.0),
            Some("smart_card")
        );
        assert_eq!(form(b"5/123456/7"), Some(("old_card", 10)));
        assert_eq!(form(b"123456(7)"), None);
        super::super::labelled::assert_vectors(
            validate,
            &["12345678", "51234567"],
            &["22345678", "1234567"],
        );
    }

    #[test]
    fn only_with_context() {
        super::super::labelled::assert_found(
            KIND,
            &[
                ("澳门身份证：1234567(8)", &["12345678"]),
                ("澳門身份證號碼 5/123456/7。", &["51234567"]),
                ("Macau ID 71234567", &["71234567"]),
                ("编号 1234567(8)", &[]),
                ("澳门身份证：2234567(8)", &[]),
                ("澳门身份证：123456(7)", &[]),
                ("澳门身份证：123456789", &[]),
            ],
        );
    }
}
