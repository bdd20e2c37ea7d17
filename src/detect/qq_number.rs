//! QQ numbers: `qq_number` (reported only with context).
//!
//! `[1-9]` and 4 to 10 more digits, after a label (QQ, QQ号, 扣扣, Q号, 企鹅号, 加Q) or in a
//! column of its own (qq, qq_number, qqhm). A group number (QQ群, 群号) is no person's:
//! not reported. An 11-digit value that is a valid mobile is a `cn_mobile` (which outranks
//! this kind), and `10001@qq.com` stays an `email`.

use serde_json::json;

use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::Details;

/// QQ numbers.
static SPEC: KindSpec = KindSpec {
    name: "qq_number",
    label: "QQ号",
    rank: 3,
    find: Finder::Labelled(read),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|_| (1, 1)),
    revealing: &[],
    check: Check {
        // Any 5-11 digits would pass: only when asked for (`--type qq_number`).
        fits: |s| s.only,
        suggested: |_| false,
        attempt: |s, _| super::alnum::attempt(s, validate),
    },
    rule: Rule {
        name: "QqNumber",
        short: "QQ号 / QQ number",
        help: "QQ号可识别个人：请删除、脱敏或加密。\nA QQ number identifies a person: remove, mask or encrypt it.",
    },
    tier: 1,
};

/// The kind of QQ numbers.
pub const KIND: Kind = Kind::of(&SPEC);

pub use super::alnum::Rejection;

/// Validates a value: `[1-9]` and 4 to 10 more digits.
pub fn validate(value: &str) -> Result<Details, Rejection> {
    let b = value.as_bytes();
    if !(5..=11).contains(&b.len()) || !b.iter().all(u8::is_ascii_digit) || b[0] == b'0' {
        return Err(Rejection::Shape);
    }
    let mut d = Details::with_capacity(1);
    d.insert("digits", json!(b.len()));
    Ok(d)
}

/// Reads a QQ number at `at`.
fn read(buf: &Buf, at: usize) -> Option<(usize, String, Details)> {
    super::labelled::read_run(buf, at, u8::is_ascii_digit, validate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        let valid = ["10001", "2876543210", "12345678901"];
        super::super::labelled::assert_vectors(
            validate,
            &valid,
            &["012345", "1234", "123456789012", "1234a"],
        );
    }

    #[test]
    fn only_with_context() {
        super::super::labelled::assert_found(
            KIND,
            &[
                ("QQ：10001", &["10001"]),
                ("qq号 2876543210。", &["2876543210"]),
                ("扣扣 123456789", &["123456789"]),
                ("{\"qq\": \"123456\"}", &["123456"]),
                ("编号 2876543210", &[]),
                ("2876543210", &[]),
                ("QQ：012345", &[]),
                ("QQ：123456789012", &[]),
                ("QQ: 10001@qq.com", &[]),
                ("QQ：13800138000", &[]),
                ("群号：123456", &[]),
            ],
        );
    }

    proptest! {
        #[test]
        fn every_labelled_number_is_found(n in "[1-9][0-9]{4,10}") {
            prop_assume!(n.len() != 11 || crate::detect::cn_mobile::validate(&n).is_err());
            prop_assert_eq!(crate::detect::labelled::found(KIND, &format!("QQ号：{n}，")), vec![n]);
        }
    }
}
