//! Taiwan national ID and resident certificate (UI) numbers: `tw_id`.
//!
//! A letter then nine digits: `[A-Z][12]` national ID (1 male, 2 female), `[A-Z][89]`
//! UI number since 2021 (8 male, 9 female), and the legacy UI `[A-Z][A-D]` + eight digits.
//! The first letter stands for its official value (`ABCDEFGHJKLMNPQRSTUVXYWZIO` index +
//! 10, so I = 34, O = 35, W = 32), written as two digits; a legacy UI's second letter
//! counts its value mod 10. Weights 1 9 8 7 6 5 4 3 2 1 1; valid iff the sum is 0 mod 10.
//! A valid number is reported without context (medium), high under a label (身分證,
//! 統一編號, 居留證) or in a column of its own.

use serde_json::json;

use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::Details;
use super::{Candidate, Scan};

/// Taiwan national ID and resident certificate numbers.
static SPEC: KindSpec = KindSpec {
    name: "tw_id",
    label: "台湾身份证号",
    rank: 9,
    find: Finder::Range(candidates),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|_| (1, 1)),
    revealing: &[],
    check: Check {
        fits: |s| s.compact.is_ascii() && s.compact.len() == 10 && s.compact.as_bytes()[0].is_ascii_alphabetic(),
        suggested: |s| {
            let b = s.compact.as_bytes();
            b.len() == 10 && b[0].is_ascii_alphabetic() && b[2..].iter().all(u8::is_ascii_digit)
        },
        attempt: |s, _| super::alnum::attempt(s, validate),
    },
    rule: Rule {
        name: "TaiwanIdentityNumber",
        short: "台湾身份证/居留证号码 / Taiwan ID or resident certificate number",
        help: "台湾身分证或居留证号码可识别个人：请删除、脱敏或加密。\nA Taiwan ID or resident certificate number identifies a person: remove, mask or encrypt it.",
    },
    tier: 1,
};

/// The kind of Taiwan ID and resident certificate numbers.
pub const KIND: Kind = Kind::of(&SPEC);

pub use super::alnum::Rejection;

/// The letters in the order of their official values (10, 11, …).
const LETTERS: &[u8; 26] = b"ABCDEFGHJKLMNPQRSTUVXYWZIO";

/// The official value of an upper-case letter (A = 10, I = 34, O = 35, W = 32).
fn letter_value(c: u8) -> Option<u32> {
    LETTERS.iter().position(|&l| l == c).map(|p| p as u32 + 10)
}

/// Returns the checksum sum of an upper-case value of the right shape, or the rejection.
fn sum(b: &[u8]) -> Result<u32, Rejection> {
    if b.len() != 10 || !b[2..].iter().all(u8::is_ascii_digit) {
        return Err(Rejection::Shape);
    }
    let first = letter_value(b[0]).ok_or(Rejection::Shape)?;
    let second = match b[1] {
        b'1' | b'2' | b'8' | b'9' => u32::from(b[1] - b'0'),
        b'A'..=b'D' => letter_value(b[1]).ok_or(Rejection::Shape)? % 10,
        _ => return Err(Rejection::Shape),
    };
    let mut s = first / 10 + (first % 10) * 9 + second * 8;
    for (i, &c) in b[2..].iter().enumerate() {
        let w = if i == 7 { 1 } else { 7 - i as u32 };
        s += u32::from(c - b'0') * w;
    }
    Ok(s)
}

/// Validates an upper-case value (`A123456789`).
pub fn validate(value: &str) -> Result<Details, Rejection> {
    let b = value.as_bytes();
    if sum(b)? % 10 != 0 {
        return Err(Rejection::Check);
    }
    let (document, sex) = match b[1] {
        b'1' => ("national_id", "male"),
        b'2' => ("national_id", "female"),
        b'8' => ("resident_certificate", "male"),
        b'9' => ("resident_certificate", "female"),
        b'A' | b'C' => ("resident_certificate_legacy", "male"),
        _ => ("resident_certificate_legacy", "female"),
    };
    let mut d = Details::with_capacity(2);
    d.insert("document", json!(document));
    d.insert("sex", json!(sex));
    Ok(d)
}

/// Finds Taiwan ID numbers among the letter-and-digit tokens of `lo..hi`.
pub fn candidates(s: &mut Scan, buf: &Buf, lo: usize, hi: usize) {
    let b = buf.bytes;
    for t in s.tokens(buf, lo, hi).iter() {
        if t.end - t.start != 10 || !b[t.start].is_ascii_uppercase() {
            continue;
        }
        let v = &b[t.start..t.end];
        if let Ok(details) = validate(std::str::from_utf8(v).unwrap_or_default()) {
            s.out.push(Candidate {
                kind: KIND,
                start: t.start,
                end: t.end,
                value: String::from_utf8_lossy(v).into_owned(),
                confidence: Confidence::Medium,
                needs_context: false,
                details,
                untrue: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        assert_eq!(sum(b"A123456789"), Ok(130));
        for v in [
            "A123456789",
            "F131104093",
            "I123456781",
            "O123456782",
            "W123456789",
            "X123456787",
            "Y123456788",
            "Z123456780",
            "A800000014",
            "A900000007",
            "AC01234567",
        ] {
            assert!(validate(v).is_ok(), "{v}");
        }
        assert_eq!(validate("A123456788"), Err(Rejection::Check));
        assert_eq!(validate("I123456789"), Err(Rejection::Check));
        assert_eq!(validate("A323456789"), Err(Rejection::Shape));
        assert_eq!(validate("A12345678"), Err(Rejection::Shape));
    }

    fn found(text: &str) -> Vec<(String, Confidence)> {
        crate::detect::alnum::found(KIND, text)
    }

    #[test]
    fn medium_alone_high_with_context() {
        assert_eq!(
            found("A123456789"),
            [("A123456789".into(), Confidence::Medium)]
        );
        assert_eq!(
            found("身分證字號：A123456789"),
            [("A123456789".into(), Confidence::High)]
        );
        assert!(found("A123456788").is_empty());
        assert!(found("XA123456789").is_empty(), "inside a longer token");
        assert!(found("a123456789_").is_empty());
    }

    proptest! {
        #[test]
        fn one_check_digit_fits_each_body(l in "[A-Z]", second in "[1289A-D]", digits in "[0-9]{7}") {
            let valid = (0..10)
                .filter(|d| validate(&format!("{l}{second}{digits}{d}")).is_ok())
                .count();
            prop_assert_eq!(valid, 1);
        }

        #[test]
        /// A change of a digit whose weight is prime to 10 (7, 3, 1, 1) always shows.
        fn one_changed_digit_breaks_the_check(l in "[A-Z]", digits in "[0-9]{7}", at in prop::sample::select(vec![2usize, 6, 8, 9]), by in 1u8..10) {
            let body = format!("{l}1{digits}");
            let d = (0..10u8).find(|d| validate(&format!("{body}{d}")).is_ok()).unwrap();
            let mut bad = format!("{body}{d}").into_bytes();
            bad[at] = b'0' + (bad[at] - b'0' + by) % 10;
            prop_assert_eq!(validate(std::str::from_utf8(&bad).unwrap()), Err(Rejection::Check));
        }
    }
}
