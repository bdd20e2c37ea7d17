//! Resident ID numbers that lost their last digits: `cn_id_truncated`.
//!
//! An 18-digit ID typed into a spreadsheet as a number keeps 15 significant digits
//! (`110105194912310000`, shown `1.10105194912310E+17`): it is not a valid ID, nor the
//! ID it was, and reporting it as `cn_id` would name a different person. But it proves
//! that an ID was there. An examiner takes it as such when the digits kept (at least 14)
//! begin with a division code that ever existed and a real birth date, and a label or
//! column names it an ID: reported then, at low confidence, as this kind, with the kept
//! digits as value (see [`super::float`] for the written forms read).

use serde_json::json;

use super::cn_id::{self, BIRTH_YEAR};
use super::digits::{Buf, Run};
use super::float;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::{Details, Scan};
use crate::time::Date;

/// Resident ID numbers stored as numbers and cut to their first 15 digits.
static SPEC: KindSpec = KindSpec {
    name: "cn_id_truncated",
    label: "身份证号（数值截断）",
    rank: 7,
    find: Finder::Digits(candidates),
    optional: false,
    ceiling: Confidence::Low,
    mask: Mask::Ends(|_| (6, 0)),
    revealing: &[BIRTH_YEAR],
    check: Check {
        fits: |s| float::parse_value(s.text).is_some_and(|(_, n)| n == 18),
        suggested: |s| float::parse_value(s.text).is_some_and(|(_, n)| n == 18),
        attempt: |s, today| {
            let (kept, digits) = float::parse_value(s.text).ok_or("shape")?;
            validate(&kept, digits, today)
                .map(|d| (d, kept))
                .map_err(Rejection::name)
        },
    },
    rule: Rule {
        name: "TruncatedResidentIdNumber",
        short: "截断的居民身份证号码 / Resident ID number cut to 15 digits",
        help: "以数值存储的身份证号码只保留了前15位：它不是有效号码，但证明原数据含身份证号码。请找到并处理原始数据。\nA resident ID number stored as a number kept only its first 15 digits: not a valid number, but evidence that the data held ID numbers. Find and handle the original data.",
    },
    tier: 1,
};

/// The kind of resident ID numbers cut to 15 digits.
pub const KIND: Kind = Kind::of(&SPEC);

/// Why a number is not a truncated ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not an 18-digit number, or fewer than 14 digits kept.
    Length,
    /// The kept division code never existed.
    DivisionCode,
    /// The kept birth date does not exist.
    BirthDate,
    /// The kept birth date is after today.
    FutureBirthDate,
}

impl Rejection {
    /// The name shown by `check` and in tests.
    pub fn name(self) -> &'static str {
        match self {
            Rejection::Length => "length",
            Rejection::DivisionCode => "division_code",
            Rejection::BirthDate => "birth_date",
            Rejection::FutureBirthDate => "future_birth_date",
        }
    }
}

/// Validates the `kept` digits of a number of `digits` digits: its details, or why it
/// holds no ID.
pub fn validate(kept: &str, digits: usize, today: Date) -> Result<Details, Rejection> {
    if digits != 18 || kept.len() < 14 || !kept.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Rejection::Length);
    }
    let (_, status, region, birth) = cn_id::division_and_birth(kept.as_bytes(), false, today)
        .map_err(|r| match r {
            cn_id::Rejection::DivisionCode
            | cn_id::Rejection::UnknownProvince
            | cn_id::Rejection::UnknownNationality => Rejection::DivisionCode,
            cn_id::Rejection::FutureBirthDate => Rejection::FutureBirthDate,
            _ => Rejection::BirthDate,
        })?;
    let mut d = Details::with_capacity(8);
    d.insert("division_code", json!(&kept[..6]));
    if !region.is_empty() {
        d.insert("region", json!(region));
    }
    d.insert("division_status", json!(status.name()));
    d.insert("birth_date", json!(birth.to_string()));
    d.insert("digits", json!(digits));
    d.insert("kept_digits", json!(kept.len()));
    d.insert(
        "note",
        json!("stored as a number: the digits after the 15th are lost"),
    );
    Ok(d)
}

/// Finds a truncated ID written in exponent form whose first digit is run `i`.
pub fn candidates(s: &mut Scan, buf: &Buf, runs: &[Run], i: usize) {
    let today = s.today;
    if let Some(c) = float::candidate(buf, runs, i, KIND, |kept, n| validate(kept, n, today).ok()) {
        s.out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 28).unwrap()
    }

    #[test]
    fn kept_digits_need_a_division_and_a_date() {
        let d = validate("110105194912310", 18, today()).unwrap();
        assert_eq!(d["region"], "北京市朝阳区");
        assert_eq!(d["birth_date"], "1949-12-31");
        assert_eq!(d["kept_digits"], 15);
        assert!(validate("11010519491231", 18, today()).is_ok());
        let bad = [
            ("1101051949123", 18, Rejection::Length),
            ("110105194912310", 17, Rejection::Length),
            ("990105194912310", 18, Rejection::DivisionCode),
            ("110105194913310", 18, Rejection::BirthDate),
            ("110105203012310", 18, Rejection::FutureBirthDate),
        ];
        for (kept, n, why) in bad {
            assert_eq!(validate(kept, n, today()), Err(why), "{kept}");
        }
    }

    #[test]
    fn only_with_a_label_or_column_and_never_above_low() {
        use crate::detect::digits::Buf;
        use crate::detect::Detector;
        let d = Detector::with_today(today());
        let found = |t: &str| -> Vec<(String, String, Confidence)> {
            let b = t.as_bytes();
            d.scan(Buf::whole(b), 0..b.len(), &d.file_context(b))
                .into_iter()
                .map(|c| (c.kind.name().to_string(), c.value, c.confidence))
                .collect()
        };
        assert_eq!(
            found("身份证号：1.10105194912310E+17"),
            [(
                "cn_id_truncated".into(),
                "110105194912310".into(),
                Confidence::Low
            )]
        );
        assert!(found("1.10105194912310E+17").is_empty(), "no context");
        assert!(
            found("订单号 3.30106198803150E+17").is_empty(),
            "a decoy label"
        );
        assert_eq!(
            found("姓名\t身份证号\t卡号\n张三\t4.40106199007010E+17\t6.21700123400000E+18\n")
                .into_iter()
                .map(|f| f.0)
                .collect::<Vec<_>>(),
            ["cn_name", "cn_id_truncated", "bank_card_truncated"]
        );
        // The padded integer is no valid ID: at most an untrue one, counted, not found.
        let padded = "身份证号 110105194912310000".as_bytes();
        let c = d.scan(Buf::whole(padded), 0..padded.len(), &d.file_context(padded));
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].kind.name(), c[0].untrue),
            ("cn_id", Some("bad_check"))
        );
    }
}
