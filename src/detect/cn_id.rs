//! Resident identity numbers (GB 11643-1999): `cn_id`.
//!
//! 18 characters: division code (any GB/T 2260 code that ever existed since 1980), birth
//! date, sequence (odd male, even female) and an ISO 7064 MOD 11-2 check character.
//! Legacy 15-digit numbers (division code, `YYMMDD` of 19YY, sequence) carry no check digit
//! and are reported only with a label or an ID column nearby. Numbers starting with 9 are
//! the 2023 foreign permanent-resident card: 9, a province code, a nationality code.

use serde_json::json;

use super::digits::{Buf, Gap, Run, Sep};
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Revealing, Rule};
use super::tables::{is_placeholder_name, DIVISIONS, NATIONALITIES};
use super::Details;
use super::{Candidate, Scan};
use crate::detect::checksum::mod11_2_check_char;
use crate::time::Date;

/// Resident identity numbers (GB 11643-1999), 18 characters or legacy 15 digits.
static SPEC: KindSpec = KindSpec {
    name: "cn_id",
    label: "身份证号",
    rank: 6,
    find: Finder::Digits(candidates),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|v| if v.chars().count() == 18 { (6, 4) } else { (6, 3) }),
    revealing: &[BIRTH_YEAR],
    check: Check {
        fits: |s| s.id_shape || (s.all_digits && s.compact.len() == 15),
        suggested: |s| s.id_shape || s.compact.len() == 15,
        attempt: |s, today| {
            validate(s.compact, today)
                .map(|i| {
                    let mut d = i.details();
                    d.insert("value", json!(i.value));
                    (d, i.value)
                })
                .map_err(|r| r.name())
        },
    },
    rule: Rule {
        name: "ChineseResidentIdNumber",
        short: "居民身份证号码 / Resident identity card number",
        help: "居民身份证号码属于敏感个人信息（《个人信息保护法》第二十八条）：请删除、脱敏或加密。\nA PRC resident identity number is sensitive personal information (PIPL art. 28): remove, mask or encrypt it.",
    },
    tier: 1,
};

/// A birth date is shown as its year without `--reveal`.
pub const BIRTH_YEAR: Revealing = Revealing {
    key: "birth_date",
    shown_as: "birth_year",
    shown: |date| {
        let year = date.as_str().and_then(|d| d.get(..4)?.parse::<u64>().ok());
        year.map_or(serde_json::Value::Null, |y| json!(y))
    },
};

/// The kind of resident identity numbers.
pub const KIND: Kind = Kind::of(&SPEC);

/// Why a value is not a resident identity number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not 15 or 18 characters.
    Length,
    /// A character other than a digit (or `X` in the last position).
    Character,
    /// The division code never existed.
    DivisionCode,
    /// The birth date does not exist.
    BirthDate,
    /// The birth date is after today.
    FutureBirthDate,
    /// The check character does not match.
    CheckCharacter,
    /// A foreign permanent-resident number whose digits 2-3 are no mainland province.
    UnknownProvince,
    /// A foreign permanent-resident number whose digits 4-6 are no assigned ISO 3166-1
    /// numeric code.
    UnknownNationality,
}

impl Rejection {
    /// The name shown by `check` and in tests.
    pub fn name(self) -> &'static str {
        match self {
            Rejection::Length => "length",
            Rejection::Character => "character",
            Rejection::DivisionCode => "division_code",
            Rejection::BirthDate => "birth_date",
            Rejection::FutureBirthDate => "future_birth_date",
            Rejection::CheckCharacter => "check_character",
            Rejection::UnknownProvince => "unknown_province",
            Rejection::UnknownNationality => "unknown_nationality",
        }
    }

    /// Why a value of an ID's shape is untrue (see [`Candidate::untrue`]), or `None` if it
    /// does not have the shape.
    pub fn untrue(self) -> Option<&'static str> {
        match self {
            Rejection::Length | Rejection::Character => None,
            Rejection::DivisionCode => Some("unknown_division"),
            Rejection::BirthDate | Rejection::FutureBirthDate => Some("bad_date"),
            Rejection::CheckCharacter => Some("bad_check"),
            Rejection::UnknownProvince => Some("unknown_division"),
            Rejection::UnknownNationality => Some("unknown_nationality"),
        }
    }
}

/// How the division code part was established.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DivisionStatus {
    /// In the current list.
    Current,
    /// Listed in an earlier edition only.
    Retired,
    /// Not listed, but a district-style code under a known prefecture.
    UnlistedUnderPrefecture,
    /// A placeholder code of the standard (`市辖区`, `县`, …): weak evidence.
    Placeholder,
    /// Foreign permanent-resident card (first digit 9).
    ForeignPermanentResident,
}

impl DivisionStatus {
    /// The name shown in details.
    pub fn name(self) -> &'static str {
        match self {
            DivisionStatus::Current => "current",
            DivisionStatus::Retired => "retired",
            DivisionStatus::UnlistedUnderPrefecture => "unlisted_under_prefecture",
            DivisionStatus::Placeholder => "placeholder",
            DivisionStatus::ForeignPermanentResident => "foreign_permanent_resident",
        }
    }
}

/// What validation established about a valid number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdInfo {
    /// Normalised value: 18 characters with upper-case `X`, or the legacy 15 digits.
    pub value: String,
    /// The division code (first six digits).
    pub division_code: u32,
    /// Full region name, empty for foreign permanent-resident cards.
    pub region: String,
    /// How the division code was established.
    pub status: DivisionStatus,
    /// The birth date.
    pub birth: Date,
    /// True for male (odd sequence), false for female.
    pub male: bool,
    /// True for a legacy 15-digit number.
    pub legacy: bool,
}

impl IdInfo {
    /// Confidence from validation alone.
    pub fn confidence(&self) -> Confidence {
        if self.legacy {
            return Confidence::Medium;
        }
        match self.status {
            DivisionStatus::Current | DivisionStatus::Retired if self.birth.year >= 1900 => {
                Confidence::High
            }
            _ => Confidence::Medium,
        }
    }

    /// Details for reports (the birth date is shown as its year without `--reveal`: see
    /// the spec's `revealing`).
    pub fn details(&self) -> Details {
        let mut m = Details::with_capacity(8);
        m.insert("division_code", json!(format!("{:06}", self.division_code)));
        if !self.region.is_empty() {
            m.insert("region", json!(self.region));
        }
        m.insert("division_status", json!(self.status.name()));
        if self.status == DivisionStatus::ForeignPermanentResident {
            let n = self.division_code % 1000;
            m.insert("nationality", json!(format!("{n:03}")));
            if let Some(a3) = NATIONALITIES.get(&n) {
                m.insert("nationality_alpha3", json!(a3));
            }
            if matches!(n, 156 | 158 | 344 | 446) {
                m.insert(
                    "nationality_note",
                    json!("China, Taiwan, Hong Kong or Macau on a foreigner's card"),
                );
            }
        }
        m.insert("birth_date", json!(self.birth.to_string()));
        m.insert("sex", json!(if self.male { "male" } else { "female" }));
        if self.legacy {
            m.insert("legacy_15_digit", json!(true));
        }
        if KNOWN_TEST_VALUES.contains(&self.value.as_str()) {
            m.insert("test_value", json!(true));
        }
        m
    }
}

/// Published example numbers (the standard's own examples): reported, labelled.
pub const KNOWN_TEST_VALUES: &[&str] = &["11010519491231002X", "440524188001010014"];

/// How the division code `code` was established, and its full region name; `None` if
/// it never existed.
pub fn division_status(code: u32) -> Option<(DivisionStatus, String)> {
    if code / 100_000 == 9 {
        return foreign(code).ok();
    }
    if let Some(d) = DIVISIONS.get(code) {
        let status = if is_placeholder_name(d.name) {
            DivisionStatus::Placeholder
        } else if d.last_year.is_some() {
            DivisionStatus::Retired
        } else {
            DivisionStatus::Current
        };
        return Some((status, DIVISIONS.full_name(code)));
    }
    let prefecture = code / 100 * 100;
    if prefecture != code
        && matches!(code % 100, 1 | 2 | 11 | 20)
        && DIVISIONS.get(prefecture).is_some()
    {
        return Some((
            DivisionStatus::UnlistedUnderPrefecture,
            DIVISIONS.full_name(prefecture),
        ));
    }
    None
}

/// The status of the first six digits of a 2023 foreign permanent-resident number: 9, one
/// of the 31 mainland province codes (11-65), an assigned ISO 3166-1 numeric nationality.
fn foreign(code: u32) -> Result<(DivisionStatus, String), Rejection> {
    let province = (code / 1000) % 100;
    if !(11..=65).contains(&province) || DIVISIONS.get(province * 10_000).is_none() {
        return Err(Rejection::UnknownProvince);
    }
    if !NATIONALITIES.contains_key(&(code % 1000)) {
        return Err(Rejection::UnknownNationality);
    }
    Ok((DivisionStatus::ForeignPermanentResident, String::new()))
}

fn num(s: &[u8]) -> u32 {
    s.iter().fold(0, |a, d| a * 10 + u32::from(d - b'0'))
}

/// The division code (its status and region) and the birth date that begin the digits
/// `b` of an ID (`legacy`: a 15-digit one, with a 2-digit year), checked against `today`.
/// `b` holds at least the 14 (legacy: 12) digits they take.
pub fn division_and_birth(
    b: &[u8],
    legacy: bool,
    today: Date,
) -> Result<(u32, DivisionStatus, String, Date), Rejection> {
    let code = num(&b[..6]);
    let (status, region) = if code / 100_000 == 9 && !legacy {
        foreign(code)?
    } else {
        division_status(code).ok_or(Rejection::DivisionCode)?
    };
    let (year, month, day) = if legacy {
        (1900 + num(&b[6..8]) as i32, num(&b[8..10]), num(&b[10..12]))
    } else {
        (num(&b[6..10]) as i32, num(&b[10..12]), num(&b[12..14]))
    };
    let birth = Date::new(year, month, day).ok_or(Rejection::BirthDate)?;
    if birth > today {
        return Err(Rejection::FutureBirthDate);
    }
    Ok((code, status, region, birth))
}

/// Validates an 18-character or legacy 15-digit number against `today`.
pub fn validate(value: &str, today: Date) -> Result<IdInfo, Rejection> {
    let b = value.as_bytes();
    let legacy = match b.len() {
        18 => false,
        15 => true,
        _ => return Err(Rejection::Length),
    };
    let body_len = if legacy { 15 } else { 17 };
    if !b[..body_len].iter().all(u8::is_ascii_digit) {
        return Err(Rejection::Character);
    }
    if !(legacy || b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x') {
        return Err(Rejection::Character);
    }
    let (code, status, region, birth) = division_and_birth(b, legacy, today)?;
    if !legacy {
        let check = mod11_2_check_char(&b[..17]).ok_or(Rejection::Character)?;
        if check != b[17].to_ascii_uppercase() {
            return Err(Rejection::CheckCharacter);
        }
    }
    let seq_digit = if legacy { b[14] } else { b[16] };
    Ok(IdInfo {
        value: value.to_ascii_uppercase(),
        division_code: code,
        region,
        status,
        birth,
        male: (seq_digit - b'0') % 2 == 1,
        legacy,
    })
}

/// Length in bytes of an `X`/`x` (ASCII or full-width) at `i`, or 0.
fn x_at(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'X' | b'x') => 1,
        Some(0xEF) => match b.get(i + 1..i + 3) {
            Some([0xBC, 0xB8]) | Some([0xBD, 0x98]) => 3,
            _ => 0,
        },
        _ => 0,
    }
}

fn push(s: &mut Scan, buf: &Buf, start: usize, end: usize, value: &str) {
    if buf.word_before(start) || buf.word_after(end) {
        return;
    }
    let info = match validate(value, s.today) {
        Ok(info) => info,
        Err(r) => return s.untrue(KIND, (start, end), value, r.untrue()),
    };
    s.out.push(Candidate {
        kind: KIND,
        start,
        end,
        value: info.value.clone(),
        confidence: info.confidence(),
        needs_context: info.legacy,
        details: info.details(),
        untrue: None,
    });
}

/// Finds ID candidates that begin at run `i`.
pub fn candidates(s: &mut Scan, buf: &Buf, runs: &[Run], i: usize) {
    let r = &runs[i];
    match r.n {
        18 => push(s, buf, r.start, r.end, r.digits()),
        17 => {
            let x = x_at(buf.bytes, r.end);
            if x > 0 {
                let v = format!("{}X", r.digits());
                push(s, buf, r.start, r.end + x, &v);
            }
        }
        15 => push(s, buf, r.start, r.end, r.digits()),
        6 => grouped(s, buf, runs, i),
        _ => {}
    }
}

/// `110105 19491231 002X`: groups of 6, 8 and 4 with one kind of separator.
fn grouped(s: &mut Scan, buf: &Buf, runs: &[Run], i: usize) {
    let [a, b, c] = match runs.get(i..i + 3) {
        Some([a, b, c]) => [a, b, c],
        _ => return,
    };
    let Gap::Sep(sep) = buf.gap(a, b) else { return };
    if buf.gap(b, c) != Gap::Sep(sep) || b.n != 8 || sep == Sep::Dot {
        return;
    }
    if buf.continues_before(a.start, sep) {
        return;
    }
    let (end, value) = match c.n {
        4 => (c.end, format!("{}{}{}", a.digits(), b.digits(), c.digits())),
        3 => {
            let x = x_at(buf.bytes, c.end);
            if x == 0 {
                return;
            }
            (
                c.end + x,
                format!("{}{}{}X", a.digits(), b.digits(), c.digits()),
            )
        }
        _ => return,
    };
    if buf.continues_after(end, sep) {
        return;
    }
    push(s, buf, a.start, end, &value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> Date {
        Date::new(2026, 11, 28).unwrap()
    }

    #[test]
    fn identifiers_md_vectors() {
        for ok in [
            "11010519491231002X",
            "11010519491231002x",
            "440524188001010014",
            "360426199101010071",
            "44011320141005001X",
            "120110198012010073",
            "110101202311012176",
        ] {
            assert!(validate(ok, today()).is_ok(), "{ok}");
        }
        let bad = [
            ("110105194912310021", Rejection::CheckCharacter),
            ("36042619910102009X", Rejection::CheckCharacter),
            ("360426199113010079", Rejection::BirthDate),
            ("990426199112010074", Rejection::UnknownProvince),
            ("91199919800101001X", Rejection::UnknownNationality),
            ("999840198001010015", Rejection::UnknownProvince),
            ("11010519491231002", Rejection::Length),
            ("1101051949123100AX", Rejection::Character),
            ("11010519491231002Y", Rejection::Character),
            ("110105203012310024", Rejection::FutureBirthDate),
        ];
        for (v, why) in bad {
            assert_eq!(validate(v, today()), Err(why), "{v}");
        }
        assert_eq!(
            Rejection::UnknownProvince.untrue(),
            Some("unknown_division")
        );
        assert_eq!(
            Rejection::UnknownNationality.untrue(),
            Some("unknown_nationality")
        );
    }

    #[test]
    fn foreign_permanent_residents() {
        for (v, nationality) in [("911840198001010013", "USA"), ("944392198506120020", "JPN")] {
            let info = validate(v, today()).unwrap();
            assert_eq!(info.status, DivisionStatus::ForeignPermanentResident);
            assert_eq!(info.details()["nationality_alpha3"], nationality);
            assert!(!info.details().contains_key("nationality_note"));
        }
        // 983 (Kosovo) is user-assigned, not assigned by ISO 3166-1.
        let body = b"91198319800101001";
        let v = format!(
            "{}{}",
            std::str::from_utf8(body).unwrap(),
            mod11_2_check_char(body).unwrap() as char
        );
        assert_eq!(validate(&v, today()), Err(Rejection::UnknownNationality));
        let body = b"91115619800101001";
        let v = format!(
            "{}{}",
            std::str::from_utf8(body).unwrap(),
            mod11_2_check_char(body).unwrap() as char
        );
        assert!(validate(&v, today())
            .unwrap()
            .details()
            .contains_key("nationality_note"));
    }

    #[test]
    fn details_of_the_standard_example() {
        let info = validate("11010519491231002x", today()).unwrap();
        assert_eq!(info.value, "11010519491231002X");
        assert_eq!(info.region, "北京市朝阳区");
        assert_eq!(info.birth.to_string(), "1949-12-31");
        assert!(!info.male);
        assert_eq!(info.status, DivisionStatus::Current);
        let old = validate("440524188001010014", today()).unwrap();
        assert_eq!(old.status, DivisionStatus::Retired);
        assert_eq!(old.confidence(), Confidence::Medium, "born before 1900");
        assert!(old.details().contains_key("test_value"));
        assert_eq!(old.details()["birth_date"], "1880-01-01");
    }

    #[test]
    fn legacy_numbers() {
        let info = validate("110105491231002", today()).unwrap();
        assert!(info.legacy);
        assert_eq!(info.birth.to_string(), "1949-12-31");
        assert_eq!(
            validate("110105491331002", today()),
            Err(Rejection::BirthDate)
        );
        assert_eq!(
            validate("990105491231002", today()),
            Err(Rejection::DivisionCode)
        );
    }

    fn with_check(body: &str) -> String {
        let c = mod11_2_check_char(body.as_bytes()).unwrap() as char;
        format!("{body}{c}")
    }

    proptest! {
        #[test]
        fn any_body_with_its_check_char_validates(
            y in 1900i32..2025, m in 1u32..=12, d in 1u32..=28, seq in 0u32..1000
        ) {
            let body = format!("110105{y:04}{m:02}{d:02}{seq:03}");
            let id = with_check(&body);
            prop_assert!(validate(&id, today()).is_ok());
        }

        #[test]
        fn any_single_changed_digit_fails(
            y in 1900i32..2025, m in 1u32..=12, d in 1u32..=28, seq in 0u32..1000,
            pos in 0usize..18, delta in 1u8..10
        ) {
            let id = with_check(&format!("110105{y:04}{m:02}{d:02}{seq:03}"));
            let mut b = id.into_bytes();
            if b[pos] == b'X' {
                b[pos] = b'0' + delta;
            } else {
                let v = (b[pos] - b'0' + delta) % 10;
                b[pos] = b'0' + v;
            }
            let changed = String::from_utf8(b).unwrap();
            prop_assert!(validate(&changed, today()).is_err(), "{}", changed);
        }
    }
}
