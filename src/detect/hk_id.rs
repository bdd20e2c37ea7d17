//! Hong Kong identity card numbers: `hk_id`.
//!
//! One or two letters, six digits and a check character `0`-`9` or `A`, written
//! `A123456(3)`, `A123456（3）` or `A1234563`. The check (mod 11) pads a one-letter prefix
//! with a space (36), counts `A`-`Z` as 10-35, weighs the eight characters 9 to 2, and
//! the check is 11 − (sum mod 11), 10 written `A` and 11 written `0`. A bracketed check
//! character is reported without context; a bare `A1234563` only under a label
//! (香港身份证, HKID) or in a column of its own, since 1 in 11 letter-and-digit codes pass.
//! The value is upper case, without brackets: `A1234563`.

use serde_json::json;

use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::Details;
use super::Scan;

/// Hong Kong identity card numbers.
static SPEC: KindSpec = KindSpec {
    name: "hk_id",
    label: "香港身份证号",
    rank: 10,
    find: Finder::Range(candidates),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|_| (1, 1)),
    revealing: &[],
    check: Check {
        fits: |s| s.compact.is_ascii() && matches!(s.compact.len(), 8 | 9) && s.compact.as_bytes()[0].is_ascii_alphabetic(),
        suggested: |s| {
            let b = s.compact.as_bytes();
            matches!(b.len(), 8 | 9) && b[0].is_ascii_alphabetic() && b[b.len() - 2].is_ascii_digit()
        },
        attempt: |s, _| super::alnum::attempt(s, validate),
    },
    rule: Rule {
        name: "HongKongIdentityCardNumber",
        short: "香港身份证号码 / Hong Kong identity card number",
        help: "香港身份证号码可识别个人：请删除、脱敏或加密。\nA Hong Kong identity card number identifies a person: remove, mask or encrypt it.",
    },
    tier: 1,
};

/// The kind of Hong Kong identity card numbers.
pub const KIND: Kind = Kind::of(&SPEC);

pub use super::alnum::Rejection;

/// The check character of a prefix (one or two upper-case letters) and six digits.
pub fn check_char(body: &[u8]) -> Option<u8> {
    let letters = body.len().checked_sub(6)?;
    if !(1..=2).contains(&letters)
        || !body[..letters].iter().all(u8::is_ascii_uppercase)
        || !body[letters..].iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let value = |c: u8| -> u32 {
        if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        }
    };
    let mut sum = if letters == 1 { 36 * 9 } else { 0 };
    let mut w = if letters == 1 { 8 } else { 9 };
    for &c in body {
        sum += value(c) * w;
        w -= 1;
    }
    Some(match 11 - sum % 11 {
        10 => b'A',
        11 => b'0',
        d => b'0' + d as u8,
    })
}

/// Validates a value without brackets, upper case (`A1234563`).
pub fn validate(value: &str) -> Result<Details, Rejection> {
    let b = value.as_bytes();
    if !matches!(b.len(), 8 | 9) {
        return Err(Rejection::Shape);
    }
    let (body, check) = b.split_at(b.len() - 1);
    let want = check_char(body).ok_or(Rejection::Shape)?;
    if !(check[0].is_ascii_digit() || check[0] == b'A') {
        return Err(Rejection::Shape);
    }
    if check[0] != want {
        return Err(Rejection::Check);
    }
    let mut d = Details::with_capacity(1);
    d.insert("check", json!("mod11"));
    Ok(d)
}

/// The check character in brackets at `i` (`(3)`, `（3）`) and the end of the brackets.
fn bracketed_check(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let (open, close): (&[u8], &[u8]) = match b.get(i)? {
        b'(' => (b"(", b")"),
        0xEF => ("（".as_bytes(), "）".as_bytes()),
        _ => return None,
    };
    let rest = b.get(i..)?.strip_prefix(open)?;
    let c = rest.first()?.to_ascii_uppercase();
    rest.get(1..)?.strip_prefix(close)?;
    (c.is_ascii_digit() || c == b'A').then_some((c, i + open.len() + 1 + close.len()))
}

/// Finds Hong Kong identity card numbers among the letter-and-digit tokens of `lo..hi`.
pub fn candidates(s: &mut Scan, buf: &Buf, lo: usize, hi: usize) {
    let b = buf.bytes;
    for t in s.tokens(buf, lo, hi).iter() {
        let len = t.end - t.start;
        if !(7..=9).contains(&len) || !b[t.start].is_ascii_alphabetic() {
            continue;
        }
        let tok = b[t.start..t.end].to_ascii_uppercase();
        // `A123456(3)`: the token is the body, the check follows in brackets.
        if let Some((c, end)) = bracketed_check(b, t.end).filter(|_| len <= 8) {
            let mut v = tok.clone();
            v.push(c);
            let v = String::from_utf8(v).unwrap_or_default();
            if let Ok(details) = validate(&v) {
                if !buf.word_after(end) {
                    super::alnum::push(s, KIND, (t.start, end), v, details, false);
                }
                continue;
            }
        }
        // `A1234563`: only with context.
        if len >= 8 {
            let v = String::from_utf8(tok).unwrap_or_default();
            if let Ok(details) = validate(&v) {
                super::alnum::push(s, KIND, (t.start, t.end), v, details, true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        assert_eq!(check_char(b"A123456"), Some(b'3'));
        assert_eq!(check_char(b"AB987654"), Some(b'3'));
        for v in [
            "A1234563",
            "G123456A",
            "AB9876543",
            "CA1823611",
            "Z683365A",
            "K1234560",
        ] {
            assert!(validate(v).is_ok(), "{v}");
        }
        assert_eq!(validate("A1234564").unwrap_err(), Rejection::Check);
        assert_eq!(validate("AB9876542").unwrap_err(), Rejection::Check);
        assert_eq!(validate("C668668E").unwrap_err(), Rejection::Shape);
        assert_eq!(validate("A12345").unwrap_err(), Rejection::Shape);
    }

    fn found(text: &str) -> Vec<String> {
        crate::detect::alnum::found(KIND, text)
            .into_iter()
            .map(|(v, _)| v)
            .collect()
    }

    #[test]
    fn brackets_or_context() {
        assert_eq!(found("持证人 A123456(3) 已登记"), ["A1234563"]);
        assert_eq!(found("证件：AB987654（3）"), ["AB9876543"]);
        assert_eq!(found("香港身份证：A1234563"), ["A1234563"]);
        assert_eq!(found("HKID A1234563"), ["A1234563"]);
        assert!(found("型号 A1234563").is_empty(), "bare, no context");
        assert!(found("A123456(4)").is_empty(), "wrong check character");
        assert!(found("A123456(3)B").is_empty(), "glued after");
    }

    proptest! {
        #[test]
        fn every_body_has_one_valid_check(prefix in "[A-Z]{1,2}", digits in "[0-9]{6}") {
            let body = format!("{prefix}{digits}");
            let valid: Vec<char> = "0123456789A".chars()
                .filter(|c| validate(&format!("{body}{c}")).is_ok())
                .collect();
            prop_assert_eq!(valid.len(), 1);
        }

        #[test]
        fn one_changed_digit_breaks_the_check(prefix in "[A-Z]{1,2}", digits in "[0-9]{6}", at in 0usize..6, by in 1u8..10) {
            let body = format!("{prefix}{digits}");
            let good = format!("{body}{}", check_char(body.as_bytes()).unwrap() as char);
            let mut bad = good.clone().into_bytes();
            let i = prefix.len() + at;
            bad[i] = b'0' + (bad[i] - b'0' + by) % 10;
            prop_assert_eq!(validate(std::str::from_utf8(&bad).unwrap()), Err(Rejection::Check));
        }
    }
}
