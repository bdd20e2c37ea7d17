//! Unified social credit codes (GB 32100-2015): `cn_uscc`.
//!
//! Eighteen characters over the 31 symbols `0-9 A-H J-N P-R T-U W-Y`: registering
//! authority, entity type, six-digit division code, the nine-character organisation code
//! (GB 11714, its own check in position 17) and the check character (weights 3^(i−1) mod
//! 31, check = alphabet[(31 − sum mod 31) mod 31]). Both checks right: reported without
//! context (high); only the outer check right: only under a label (统一社会信用代码, 税号) or
//! in a column of its own. A code of an individual business (`92…`) identifies a person:
//! `details.personal = true`. A value that is a valid resident ID is an ID, not a code.

use serde_json::json;

use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::tables::DIVISIONS;
use super::Details;
use super::Scan;

/// Unified social credit codes.
static SPEC: KindSpec = KindSpec {
    name: "cn_uscc",
    label: "统一社会信用代码",
    rank: 12,
    find: Finder::Range(candidates),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|_| (2, 1)),
    revealing: &[],
    check: Check {
        fits: |s| s.compact.is_ascii() && s.compact.len() == 18 && !s.id_shape,
        suggested: |s| s.compact.len() == 18 && !s.all_digits,
        attempt: |s, _| {
            let v = s.compact.to_ascii_uppercase();
            match validate(&v) {
                Ok(code) => Ok((code.details(), v)),
                Err(r) => Err(r.name()),
            }
        },
    },
    rule: Rule {
        name: "UnifiedSocialCreditCode",
        short: "统一社会信用代码 / Unified social credit code",
        help: "统一社会信用代码识别一个组织；个体工商户（92开头）的代码识别经营者本人：请确认是否需要保留。\nA unified social credit code identifies an organisation; that of an individual business (92…) identifies its owner: check whether it must be kept.",
    },
    tier: 1,
};

/// The kind of unified social credit codes.
pub const KIND: Kind = Kind::of(&SPEC);

pub use super::alnum::Rejection;

/// A valid code: whether its organisation code passes its own check too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    /// True if the inner GB 11714 check (position 17) is right as well.
    pub inner: bool,
    /// True if it is an individual business's code (`92…`).
    pub personal: bool,
    /// The division code (positions 3-8).
    pub division: u32,
}

impl Code {
    /// What validation established.
    pub fn details(&self) -> Details {
        let mut d = Details::with_capacity(3);
        d.insert("inner_check", json!(self.inner));
        d.insert("personal", json!(self.personal));
        if DIVISIONS.get(self.division).is_some() {
            d.insert("region", json!(DIVISIONS.full_name(self.division)));
        }
        d
    }
}

/// The code's alphabet; a symbol's value is its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1-17 of the outer check.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// Weights of the eight body characters of the organisation code.
const INNER_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The outer check character of a 17-character body, or `None` outside the alphabet.
pub fn check_char(body: &[u8]) -> Option<u8> {
    if body.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (&c, w) in body.iter().zip(WEIGHTS) {
        sum += ALPHABET.iter().position(|&a| a == c)? as u32 * w;
    }
    Some(ALPHABET[((31 - sum % 31) % 31) as usize])
}

/// The GB 11714 check character of an organisation code's eight-character body.
pub fn inner_check_char(body: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (&c, w) in body.iter().zip(INNER_WEIGHTS) {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'Z' => c - b'A' + 10,
            _ => return None,
        };
        sum += u32::from(v) * w;
    }
    Some(match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        d => b'0' + d as u8,
    })
}

/// Validates an upper-case code.
pub fn validate(value: &str) -> Result<Code, Rejection> {
    let b = value.as_bytes();
    if b.len() != 18 || !b.iter().all(|c| ALPHABET.contains(c)) {
        return Err(Rejection::Shape);
    }
    let division = value[2..8].parse::<u32>().map_err(|_| Rejection::Shape)?;
    if check_char(&b[..17]) != Some(b[17]) {
        return Err(Rejection::Check);
    }
    Ok(Code {
        inner: inner_check_char(&b[8..16]) == Some(b[16]),
        personal: b.starts_with(b"92"),
        division,
    })
}

/// Finds credit codes among the letter-and-digit tokens of `lo..hi`.
pub fn candidates(s: &mut Scan, buf: &Buf, lo: usize, hi: usize) {
    let b = buf.bytes;
    for t in s.tokens(buf, lo, hi).iter() {
        if t.end - t.start != 18 {
            continue;
        }
        let Ok(v) = std::str::from_utf8(&b[t.start..t.end]) else {
            continue;
        };
        let Ok(code) = validate(v) else {
            continue;
        };
        // A valid resident ID is an ID.
        if super::cn_id::validate(v, s.today).is_ok() {
            continue;
        }
        let bare = !code.inner;
        super::alnum::push(s, KIND, (t.start, t.end), v.into(), code.details(), bare);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        assert_eq!(check_char(b"91110000600037341"), Some(b'L'));
        assert_eq!(inner_check_char(b"60003734"), Some(b'1'));
        for v in [
            "91110000600037341L",
            "121200004013590816",
            "91310115MA1K3BTP2B",
            "92340602MA2PBMEM24",
            "9144030071526726XG",
        ] {
            let c = validate(v).unwrap_or_else(|e| panic!("{v}: {e:?}"));
            assert!(c.inner, "{v}");
            assert_eq!(c.personal, v.starts_with("92"));
        }
        assert_eq!(validate("91110000600037341N"), Err(Rejection::Check));
        assert_eq!(validate("A1110000600037341L"), Err(Rejection::Check));
        assert_eq!(validate("9111000060003IOZSV"), Err(Rejection::Shape));
        assert!(!validate("91110000600037351M").unwrap().inner);
    }

    fn found(text: &str) -> Vec<String> {
        crate::detect::alnum::found(KIND, text)
            .into_iter()
            .map(|(v, _)| v)
            .collect()
    }

    #[test]
    fn inner_check_or_context() {
        assert_eq!(
            found("公司 91110000600037341L 成立"),
            ["91110000600037341L"]
        );
        assert_eq!(found("个体户92340602MA2PBMEM24"), ["92340602MA2PBMEM24"]);
        assert!(found("编号 91110000600037351M").is_empty());
        assert_eq!(
            found("统一社会信用代码：91110000600037351M"),
            ["91110000600037351M"]
        );
        assert!(found("91110000600037341N").is_empty());
        assert!(found("11010519491231002X").is_empty(), "an ID is no code");
    }

    proptest! {
        #[test]
        fn one_check_character_fits_each_body(head in "[0-9A-HJ-NP-RTUW-Y]{2}", division in "[0-9]{6}", rest in "[0-9A-HJ-NP-RTUW-Y]{9}") {
            let n = ALPHABET.iter()
                .filter(|c| validate(&format!("{head}{division}{rest}{}", **c as char)).is_ok())
                .count();
            prop_assert_eq!(n, 1);
        }

        #[test]
        fn one_changed_character_breaks_the_check(division in "[0-9]{6}", rest in "[0-9A-HJ-NP-RTUW-Y]{9}", at in 0usize..17, by in 1usize..31) {
            let body = format!("91{division}{rest}");
            let good = format!("{body}{}", check_char(body.as_bytes()).unwrap() as char);
            let mut bad = good.clone().into_bytes();
            let i = ALPHABET.iter().position(|&c| c == bad[at]).unwrap();
            bad[at] = ALPHABET[(i + by) % 31];
            let bad = String::from_utf8(bad).unwrap();
            prop_assert!(validate(&bad).is_err(), "{} {}", good, bad);
        }
    }
}
