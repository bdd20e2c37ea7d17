//! Payment card numbers: `bank_card`.
//!
//! ISO/IEC 7812: issuer prefix + account + Luhn check digit, 16-19 digits (15 only where
//! the issuer table says so). Plain runs and groups of four (`6222 0212 3456 7890 123`).
//! Confidence layers: Luhn-valid with a known Chinese issuer prefix of 4+ digits → high;
//! Luhn-valid with the UnionPay `62` prefix but an issuer not in the table → medium;
//! Luhn-valid with only another network's prefix (Visa, Mastercard, …) or a 2-3 digit issuer
//! prefix, or Luhn-failing with a known issuer (some genuine UnionPay cards fail Luhn) →
//! only with card context nearby (`卡号`, a card column), since one random 16-19 digit order
//! number in ten passes Luhn and one in nine starts with 4.

use serde_json::json;

use super::checksum::luhn_valid;
use super::digits::{Buf, Gap, Run};
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::tables::{bin_lookup, Bin, BINS};
use super::Details;
use super::{Candidate, Scan};

/// Payment card numbers.
static SPEC: KindSpec = KindSpec {
    name: "bank_card",
    label: "银行卡号",
    rank: 5,
    find: Finder::Digits(candidates),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|_| (6, 4)),
    revealing: &[],
    check: Check {
        fits: |s| s.all_digits && (15..=19).contains(&s.compact.len()),
        suggested: |s| (16..=19).contains(&s.compact.len()),
        attempt: |s, _| match validate(s.compact) {
            Ok(info) if info.luhn => Ok((info.details(s.compact), s.compact.to_string())),
            Ok(_) => Err(Rejection::Luhn.name()),
            Err(r) => Err(r.name()),
        },
    },
    rule: Rule {
        name: "BankCardNumber",
        short: "银行卡号 / Bank card number",
        help: "银行卡号属于金融账户信息（敏感个人信息）：请删除、脱敏或加密。\nA bank card number is financial account information (sensitive personal information): remove, mask or encrypt it.",
    },
    tier: 1,
};

/// The kind of payment card numbers.
pub const KIND: Kind = Kind::of(&SPEC);

/// Why a value is not a card number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not 15-19 digits.
    Length,
    /// A character other than a digit.
    Character,
    /// Luhn check failed and no known issuer vouches for it.
    Luhn,
    /// Luhn passes but no known issuer or network prefix.
    UnknownIssuer,
}

impl Rejection {
    /// The name shown by `check` and in tests.
    pub fn name(self) -> &'static str {
        match self {
            Rejection::Length => "length",
            Rejection::Character => "character",
            Rejection::Luhn => "luhn",
            Rejection::UnknownIssuer => "unknown_issuer",
        }
    }

    /// Why a value of a card's shape is untrue (see [`Candidate::untrue`]): only a failed
    /// Luhn check proves it; an unknown issuer does not.
    pub fn untrue(self) -> Option<&'static str> {
        (self == Rejection::Luhn).then_some("luhn")
    }
}

/// Published test numbers, reported and labelled.
pub const KNOWN_TEST_VALUES: &[&str] =
    &["6226090000000048", "6240008631401148", "6283875070985593"];

/// What validation established about a card number.
#[derive(Clone, Debug)]
pub struct CardInfo {
    /// The issuer, if its prefix is in the table.
    pub bin: Option<&'static Bin>,
    /// The network by prefix (`UnionPay`, `Visa`, …), if any.
    pub network: Option<&'static str>,
    /// Whether Luhn passes.
    pub luhn: bool,
    /// Confidence from validation alone.
    pub confidence: Confidence,
    /// True if the number may only be reported with card context nearby.
    pub needs_context: bool,
    /// A UnionPay issuer (4+ digit prefix) whose table entry lists other lengths than the
    /// number's: such a card is reported only with card context (then medium).
    pub length_mismatch: Option<&'static Bin>,
}

/// The card network of a number by its leading digits.
pub fn network(d: &str) -> Option<&'static str> {
    let p2: u32 = d.get(..2)?.parse().ok()?;
    let p4: u32 = d.get(..4)?.parse().ok()?;
    Some(match p2 {
        62 | 81 => "UnionPay",
        40..=49 => "Visa",
        51..=55 => "Mastercard",
        22..=27 if (2221..=2720).contains(&p4) => "Mastercard",
        35 => "JCB",
        34 | 37 => "American Express",
        _ => return None,
    })
}

/// Validates a run of ASCII digits.
pub fn validate(d: &str) -> Result<CardInfo, Rejection> {
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Rejection::Character);
    }
    if !(15..=19).contains(&d.len()) {
        return Err(Rejection::Length);
    }
    let bin = bin_lookup(d);
    if d.len() == 15 && !bin.is_some_and(|b| b.lengths.contains(&15)) {
        return Err(Rejection::Length);
    }
    let luhn = luhn_valid(d.as_bytes());
    let net = network(d);
    // Prefixes of fewer than four digits (`103`, `888`) match too broadly to vouch alone.
    let strong_bin = bin.filter(|b| b.prefix.len() >= 4);
    // A 62 card of a known issuer whose table entry lists other lengths.
    let length_mismatch = (luhn && strong_bin.is_none() && d.starts_with("62"))
        .then(|| bin_any_length(d))
        .flatten();
    let (confidence, needs_context) = match (luhn, strong_bin, bin, net) {
        (true, Some(_), _, _) => (Confidence::High, false),
        _ if length_mismatch.is_some() => (Confidence::Low, true),
        // identifiers.md: Luhn-valid with the UnionPay 62 prefix is medium on its own.
        // 16 and 19 digits are the common UnionPay lengths; others need context.
        (true, None, _, Some("UnionPay")) if d.starts_with("62") && matches!(d.len(), 16 | 19) => {
            (Confidence::Medium, false)
        }
        (true, None, Some(_), _) | (true, None, None, Some(_)) => (Confidence::Low, true),
        (true, None, None, None) => return Err(Rejection::UnknownIssuer),
        (false, Some(_), _, _) => (Confidence::Low, true),
        (false, None, _, _) => return Err(Rejection::Luhn),
    };
    Ok(CardInfo {
        bin,
        network: bin.map(|b| b.network).filter(|n| !n.is_empty()).or(net),
        luhn,
        confidence,
        needs_context,
        length_mismatch,
    })
}

/// The longest issuer prefix (4+ digits) of `d` in the table, whatever its lengths.
fn bin_any_length(d: &str) -> Option<&'static Bin> {
    (4..=10.min(d.len()))
        .rev()
        .find_map(|n| BINS.get(&d[..n]))
        .filter(|b| !b.lengths.is_empty())
}

impl CardInfo {
    /// Details for reports.
    pub fn details(&self, digits: &str) -> Details {
        let mut m = Details::with_capacity(8);
        if let Some(b) = self.bin {
            m.insert("bank", json!(b.bank));
            m.insert("bin", json!(b.prefix));
            if !b.card_type.is_empty() {
                m.insert("card_type", json!(b.card_type));
            }
        }
        if let Some(n) = self.network {
            m.insert("network", json!(n));
        }
        m.insert("luhn", json!(self.luhn));
        if let Some(b) = self.length_mismatch {
            m.insert(
                "length_mismatch",
                json!({"bin": b.prefix, "bank": b.bank, "bin_lengths": b.lengths, "length": digits.len()}),
            );
        }
        if !self.luhn {
            m.insert("note", json!("Luhn exception: known issuer, card context"));
        }
        if KNOWN_TEST_VALUES.contains(&digits) {
            m.insert("test_value", json!(true));
        }
        m
    }
}

fn push(s: &mut Scan, buf: &Buf, start: usize, end: usize, digits: &str) {
    if buf.word_before(start) || buf.word_after(end) {
        return;
    }
    let info = match validate(digits) {
        Ok(info) => info,
        Err(r) => return s.untrue(KIND, (start, end), digits, r.untrue()),
    };
    s.out.push(Candidate {
        kind: KIND,
        start,
        end,
        value: digits.to_string(),
        confidence: info.confidence,
        needs_context: info.needs_context,
        details: info.details(digits),
        untrue: None,
    });
}

/// Finds card candidates that begin at run `i`.
pub fn candidates(s: &mut Scan, buf: &Buf, runs: &[Run], i: usize) {
    let r = &runs[i];
    if (15..=19).contains(&r.n) {
        push(s, buf, r.start, r.end, r.digits());
    } else if r.n == 4 {
        grouped(s, buf, runs, i);
    }
}

/// Groups of four with one kind of separator; a last group of 1-4 digits.
fn grouped(s: &mut Scan, buf: &Buf, runs: &[Run], i: usize) {
    let Some(group) = runs.get(i..(i + 5).min(runs.len())) else {
        return;
    };
    if group.len() < 4 {
        return;
    }
    let Gap::Sep(sep) = buf.gap(&group[0], &group[1]) else {
        return;
    };
    if buf.continues_before(group[0].start, sep) {
        return;
    }
    let mut used = 1;
    while used < group.len() {
        if buf.gap(&group[used - 1], &group[used]) != Gap::Sep(sep) {
            break;
        }
        let n = group[used].n;
        let fits = if used < 4 {
            n == 4
        } else {
            (1..=4).contains(&n)
        };
        if !fits {
            break;
        }
        used += 1;
    }
    if used < 4 || buf.continues_after(group[used - 1].end, sep) {
        return;
    }
    let digits: String = group[..used].iter().map(Run::digits).collect();
    push(s, buf, group[0].start, group[used - 1].end, &digits);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_and_issuer_layers() {
        let ok = validate("6226090000000048").unwrap();
        assert!(ok.luhn);
        let r = validate("6212141234567890");
        assert!(r.as_ref().map_or(true, |i| i.needs_context && !i.luhn));
        assert_eq!(
            validate("1234567812345670").err(),
            Some(Rejection::UnknownIssuer)
        );
        assert_eq!(validate("1234567812345678").err(), Some(Rejection::Luhn));
        assert_eq!(validate("12345678123").err(), Some(Rejection::Length));
        assert_eq!(
            validate("12345678123456a8").err(),
            Some(Rejection::Character)
        );
    }

    #[test]
    fn known_issuer_with_bad_luhn_needs_context() {
        let d = "6222021234567890124";
        if let Ok(info) = validate(d) {
            if !info.luhn {
                assert!(info.needs_context);
                assert_eq!(info.confidence, Confidence::Low);
            }
        }
        let info = validate("6222020000000000000").unwrap();
        assert!(info.luhn);
        assert_eq!(info.confidence, Confidence::High);
        assert_eq!(info.details("6222020000000000000")["bank"], "中国工商银行");
    }

    #[test]
    fn a_62_card_whose_length_differs_from_its_bin_needs_a_card_label() {
        // 620021 is listed with 19 digits only; this 16-digit number passes Luhn.
        let info = validate("6200211234567897").unwrap();
        assert!(info.needs_context && info.length_mismatch.is_some());
        let d = info.details("6200211234567897");
        assert_eq!(d["length_mismatch"]["bin"], "620021");
        assert_eq!(d["length_mismatch"]["length"], 16);
        let found = |t: &str| crate::detect::alnum::found(KIND, t);
        assert_eq!(
            found("卡号：6200211234567897"),
            [("6200211234567897".into(), Confidence::Medium)]
        );
        assert!(found("编号 6200211234567897").is_empty());
    }

    #[test]
    fn networks() {
        assert_eq!(network("6222"), Some("UnionPay"));
        assert_eq!(network("4367"), Some("Visa"));
        assert_eq!(network("2221"), Some("Mastercard"));
        assert_eq!(network("2720"), Some("Mastercard"));
        assert_eq!(network("2024"), None);
        assert_eq!(network("9558"), None);
    }
}
