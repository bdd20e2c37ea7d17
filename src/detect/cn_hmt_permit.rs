//! Travel permits between the mainland and Hong Kong, Macau and Taiwan: `cn_hmt_permit`
//! (reported only with context).
//!
//! | permit | shape |
//! | --- | --- |
//! | 港澳居民来往内地通行证 (回乡证) | `[HM]` + 8 digits, or + 10 (the renewal count) |
//! | 往来港澳通行证 (mainland residents) | `C` + 8 digits, `C[A-HJ-NP-Z]` + 7 digits; old booklet `W` + 8 digits |
//! | 台湾居民来往大陆通行证 (台胞证) | 8 digits (since 2008); 10 digits before, often with the office letter `(B)` after |
//!
//! None has a check, so a number is reported only under a label (通行证, 回乡证, 台胞证,
//! 港澳通行证, 签注, permit) or in a column of its own (通行证号, 台胞证号, txzh, permit_no).
//! 往来台湾通行证 (mainland residents to Taiwan) has no confirmed shape: not reported. The
//! value is upper case, without the office letter: `0561682001(D)` → `0561682001`.

use serde_json::json;

use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::Details;

/// Travel permits for Hong Kong, Macau and Taiwan.
static SPEC: KindSpec = KindSpec {
    name: "cn_hmt_permit",
    label: "港澳台通行证号",
    rank: 15,
    find: Finder::Labelled(read),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|_| (1, 1)),
    revealing: &[],
    check: Check {
        // The letter-led shapes are its own; bare digits only when asked for.
        fits: |s| {
            let b = s.compact.as_bytes();
            s.only
                || matches!(b.len(), 9 | 11)
                    && matches!(b[0].to_ascii_uppercase(), b'H' | b'M' | b'C' | b'W')
        },
        suggested: |s| {
            let b = s.compact.as_bytes();
            matches!(b.len(), 8..=11) && matches!(b[0].to_ascii_uppercase(), b'H' | b'M' | b'C' | b'W')
        },
        attempt: |s, _| super::alnum::attempt(s, validate),
    },
    rule: Rule {
        name: "ChineseTravelPermitNumber",
        short: "港澳台通行证号码 / Travel permit number (Hong Kong, Macau, Taiwan)",
        help: "港澳台通行证（回乡证、台胞证）号码可识别个人：请删除、脱敏或加密。\nA travel permit number (Hong Kong, Macau, Taiwan) identifies a person: remove, mask or encrypt it.",
    },
    tier: 1,
};

/// The kind of travel permit numbers.
pub const KIND: Kind = Kind::of(&SPEC);

pub use super::alnum::Rejection;

/// Validates an upper-case value without the office letter.
pub fn validate(value: &str) -> Result<Details, Rejection> {
    let b = value.as_bytes();
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    let permit = match b {
        [b'H' | b'M', rest @ ..] if matches!(rest.len(), 8 | 10) && digits(rest) => {
            "hk_macau_resident"
        }
        [b'C', rest @ ..] if rest.len() == 8 && digits(rest) => "mainland_to_hk_macau",
        [b'C', l, rest @ ..]
            if rest.len() == 7
                && l.is_ascii_uppercase()
                && !matches!(l, b'I' | b'O')
                && digits(rest) =>
        {
            "mainland_to_hk_macau"
        }
        [b'W', rest @ ..] if rest.len() == 8 && digits(rest) => "mainland_to_hk_macau_booklet",
        _ if b.len() == 8 && digits(b) => "taiwan_resident",
        _ if b.len() == 10 && digits(b) => "taiwan_resident_before_2008",
        _ => return Err(Rejection::Shape),
    };
    let mut d = Details::with_capacity(1);
    d.insert("permit", json!(permit));
    Ok(d)
}

/// The length of an issuing office letter in brackets at the start of `b` (`(B)`, `（D）`).
fn office_letter(b: &[u8]) -> usize {
    for (open, close) in [("(", ")"), ("（", "）")] {
        if let Some(r) = b.strip_prefix(open.as_bytes()) {
            if r.first().is_some_and(u8::is_ascii_uppercase) && r[1..].starts_with(close.as_bytes())
            {
                return open.len() + 1 + close.len();
            }
        }
    }
    0
}

/// Reads a permit number at `at`.
fn read(buf: &Buf, at: usize) -> Option<(usize, String, Details)> {
    let b = buf.bytes;
    let mut end = at
        + b.get(at..)?
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
    let v = std::str::from_utf8(&b[at..end]).ok()?.to_ascii_uppercase();
    let d = validate(&v).ok()?;
    if v.len() == 10 && v.bytes().all(|c| c.is_ascii_digit()) {
        end += office_letter(&b[end..]);
    }
    super::labelled::ends_clean(buf, end).then_some((end, v, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        let valid = [
            "H12345678",
            "M1234567801",
            "C12345678",
            "CA1234567",
            "W12345678",
            "12345678",
            "1234567890",
        ];
        super::super::labelled::assert_vectors(
            validate,
            &valid,
            &["CI1234567", "H1234567", "A12345678", "123456789"],
        );
    }

    #[test]
    fn only_with_context() {
        super::super::labelled::assert_found(
            KIND,
            &[
                ("回乡证号码：H12345678", &["H12345678"]),
                ("港澳通行证 CA1234567，签注有效", &["CA1234567"]),
                ("台胞证：0561682001(D)", &["0561682001"]),
                ("台胞證號 12345678。", &["12345678"]),
                ("港澳居民来往内地通行证 m1234567801", &["M1234567801"]),
                ("编号 H12345678", &[]),
                ("往来台湾通行证 12345678", &[]),
                ("通行证：CI1234567", &[]),
                ("通行证：H1234567", &[]),
            ],
        );
    }
}
