//! Card numbers that lost their last digits: `bank_card_truncated`.
//!
//! A 16-19 digit card number typed into a spreadsheet as a number keeps 15 significant
//! digits (`6222021234567890123` becomes `6222021234567890000`, shown
//! `6.22202123456789E+18`): its Luhn digit is gone and the number it shows is another
//! card's, or none. Reported as `bank_card` it would be a false, and often valid-looking,
//! card. It still proves that a card number was there: an examiner takes it as such when
//! the digits kept (at least 14) begin with a known Chinese issuer prefix (or UnionPay's
//! `62` at a UnionPay length) and a card label or column names it. Reported then, at low
//! confidence, as this kind, with the kept digits as value.

use serde_json::json;

use super::bank_card::network;
use super::digits::{Buf, Run};
use super::float;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::tables::bin_lookup;
use super::{Details, Scan};

/// Card numbers stored as numbers and cut to their first 15 digits.
static SPEC: KindSpec = KindSpec {
    name: "bank_card_truncated",
    label: "银行卡号（数值截断）",
    rank: 8,
    find: Finder::Digits(candidates),
    optional: false,
    ceiling: Confidence::Low,
    mask: Mask::Ends(|_| (6, 0)),
    revealing: &[],
    check: Check {
        fits: |s| float::parse_value(s.text).is_some_and(|(_, n)| (16..=19).contains(&n)),
        suggested: |s| float::parse_value(s.text).is_some_and(|(_, n)| (16..=19).contains(&n)),
        attempt: |s, _| {
            let (kept, digits) = float::parse_value(s.text).ok_or("shape")?;
            validate(&kept, digits)
                .map(|d| (d, kept))
                .map_err(Rejection::name)
        },
    },
    rule: Rule {
        name: "TruncatedBankCardNumber",
        short: "截断的银行卡号 / Bank card number cut to 15 digits",
        help: "以数值存储的银行卡号只保留了前15位：它不是有效卡号，但证明原数据含银行卡号。请找到并处理原始数据。\nA bank card number stored as a number kept only its first 15 digits: not a valid card, but evidence that the data held card numbers. Find and handle the original data.",
    },
    tier: 1,
};

/// The kind of card numbers cut to 15 digits.
pub const KIND: Kind = Kind::of(&SPEC);

/// Why a number is not a truncated card number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not a 16-19 digit number, or fewer than 14 digits kept.
    Length,
    /// No known issuer prefix for a card of that length.
    UnknownIssuer,
}

impl Rejection {
    /// The name shown by `check` and in tests.
    pub fn name(self) -> &'static str {
        match self {
            Rejection::Length => "length",
            Rejection::UnknownIssuer => "unknown_issuer",
        }
    }
}

/// Validates the `kept` digits of a number of `digits` digits: its details, or why it
/// holds no card number.
pub fn validate(kept: &str, digits: usize) -> Result<Details, Rejection> {
    if !(16..=19).contains(&digits)
        || kept.len() < 14
        || kept.len() > digits
        || !kept.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Rejection::Length);
    }
    // The number as stored: the kept digits, zeros after them.
    let stored = format!("{kept:0<digits$}");
    let bin = bin_lookup(&stored).filter(|b| b.prefix.len() >= 4);
    let unionpay = kept.starts_with("62") && matches!(digits, 16 | 19);
    if bin.is_none() && !unionpay {
        return Err(Rejection::UnknownIssuer);
    }
    let mut d = Details::with_capacity(8);
    if let Some(b) = bin {
        d.insert("bank", json!(b.bank));
        d.insert("bin", json!(b.prefix));
    }
    if let Some(n) = bin
        .map(|b| b.network)
        .filter(|n| !n.is_empty())
        .or(network(kept))
    {
        d.insert("network", json!(n));
    }
    d.insert("digits", json!(digits));
    d.insert("kept_digits", json!(kept.len()));
    d.insert(
        "note",
        json!("stored as a number: the digits after the 15th are lost"),
    );
    Ok(d)
}

/// Finds a truncated card number written in exponent form whose first digit is run `i`.
pub fn candidates(s: &mut Scan, buf: &Buf, runs: &[Run], i: usize) {
    if let Some(c) = float::candidate(buf, runs, i, KIND, |kept, n| validate(kept, n).ok()) {
        s.out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_digits_need_an_issuer() {
        let d = validate("622202123456789", 19).unwrap();
        assert_eq!(d["bank"], "中国工商银行");
        assert_eq!(d["kept_digits"], 15);
        assert!(
            validate("622609000000004", 16).is_ok(),
            "UnionPay 62, 16 digits"
        );
        assert_eq!(
            validate("123456789012345", 16),
            Err(Rejection::UnknownIssuer)
        );
        assert_eq!(validate("6222021234567", 19), Err(Rejection::Length));
        assert_eq!(validate("622202123456789", 20), Err(Rejection::Length));
        assert_eq!(validate("622202123456789", 15), Err(Rejection::Length));
    }
}
