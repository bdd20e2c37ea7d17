//! PRC passport numbers: `cn_passport`.
//!
//! Shapes: `E` + 8 digits (2012–2017), `E` + a letter other than I and O + 7 digits (since
//! 2017), `G` + 8 digits (before 2012), `DE`/`SE`/`PE` + 7 digits and older `[DSP]` + 7 or 8
//! digits (diplomatic, service, official). Without a checksum a bare number is reported
//! only under a label (护照, passport) or in a column of its own.
//!
//! In an ICAO 9303 TD3 machine-readable zone (two lines of 44 `[A-Z0-9<]`, line 1 `P?CHN…`)
//! whose five check digits are all right, the number is reported without a label (high),
//! with the holder's name, birth date, sex and expiry in `details`. One wrong check digit
//! and the zone proves nothing.

use serde_json::json;

use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Revealing, Rule};
use super::Details;
use super::Scan;

/// PRC passport numbers.
static SPEC: KindSpec = KindSpec {
    name: "cn_passport",
    label: "护照号",
    rank: 11,
    find: Finder::Range(candidates),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|_| (1, 1)),
    revealing: &[super::cn_id::BIRTH_YEAR, MRZ_SURNAME],
    check: Check {
        fits: |s| s.compact.is_ascii() && matches!(s.compact.len(), 8 | 9) && s.compact.as_bytes()[0].is_ascii_alphabetic(),
        suggested: |s| {
            let b = s.compact.as_bytes();
            matches!(b.len(), 8..=10) && matches!(b[0].to_ascii_uppercase(), b'E' | b'G')
        },
        attempt: |s, _| super::alnum::attempt(s, validate),
    },
    rule: Rule {
        name: "ChinesePassportNumber",
        short: "护照号码 / Passport number",
        help: "护照号码可识别个人：请删除、脱敏或加密。\nA passport number identifies a person: remove, mask or encrypt it.",
    },
    tier: 1,
};

/// The name in a machine-readable zone is shown as its surname's first letter without
/// `--reveal`.
const MRZ_SURNAME: Revealing = Revealing {
    key: "mrz_name",
    shown_as: "mrz_name_initial",
    shown: |name| {
        let first = name.as_str().and_then(|n| n.chars().next());
        first.map_or(serde_json::Value::Null, |c| json!(c.to_string()))
    },
};

/// The kind of PRC passport numbers.
pub const KIND: Kind = Kind::of(&SPEC);

pub use super::alnum::Rejection;

/// Validates an upper-case number against the passport shapes.
pub fn validate(value: &str) -> Result<Details, Rejection> {
    let b = value.as_bytes();
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    let series = match b {
        [b'E', rest @ ..] if rest.len() == 8 && digits(rest) => "ordinary_2012",
        [b'E', l, rest @ ..]
            if rest.len() == 7
                && l.is_ascii_uppercase()
                && !matches!(l, b'I' | b'O')
                && digits(rest) =>
        {
            "ordinary_2017"
        }
        [b'G', rest @ ..] if rest.len() == 8 && digits(rest) => "ordinary_before_2012",
        [b'D' | b'S' | b'P', b'E', rest @ ..] if rest.len() == 7 && digits(rest) => "official",
        [b'D' | b'S' | b'P', rest @ ..] if matches!(rest.len(), 7 | 8) && digits(rest) => {
            "official_old"
        }
        _ => return Err(Rejection::Shape),
    };
    let mut d = Details::with_capacity(1);
    d.insert("series", json!(series));
    Ok(d)
}

/// The ICAO 9303 check digit of `field` (`0-9` face value, `A`-`Z` 10-35, `<` 0; weights
/// 7 3 1), or `None` for another character.
pub fn mrz_check(field: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (i, &c) in field.iter().enumerate() {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'Z' => c - b'A' + 10,
            b'<' => 0,
            _ => return None,
        };
        sum += u32::from(v) * [7, 3, 1][i % 3];
    }
    Some(b'0' + (sum % 10) as u8)
}

/// A valid TD3 machine-readable zone of a PRC passport.
#[derive(Debug, PartialEq, Eq)]
pub struct Mrz {
    /// The passport number, without fillers.
    pub number: String,
    /// Where it starts in line 2 (always 0) and its length.
    pub len: usize,
    /// The holder's name, `SURNAME GIVEN NAMES`.
    pub name: String,
    /// Birth date `YYMMDD`, as written.
    pub birth: String,
    /// `M`, `F` or `<`.
    pub sex: char,
    /// Expiry date `YYMMDD`, as written.
    pub expiry: String,
}

impl Mrz {
    /// What the zone establishes.
    pub fn details(&self) -> Details {
        let mut d = Details::with_capacity(6);
        d.insert("mrz", json!(true));
        d.insert("mrz_name", json!(self.name));
        d.insert("birth_date", json!(yymmdd(&self.birth, true)));
        let sex = match self.sex {
            'M' => "male",
            'F' => "female",
            _ => "unspecified",
        };
        d.insert("sex", json!(sex));
        d.insert("expiry", json!(yymmdd(&self.expiry, false)));
        d
    }
}

/// `YYMMDD` as `YYYY-MM-DD`: a birth year after 30 is of the 1900s, an expiry's always
/// of the 2000s.
fn yymmdd(d: &str, birth: bool) -> String {
    let yy: u32 = d[..2].parse().unwrap_or(0);
    let century = if birth && yy > 30 { 19 } else { 20 };
    format!("{century}{}-{}-{}", &d[..2], &d[2..4], &d[4..6])
}

/// Returns true if and only if `line` is 44 characters of `[A-Z0-9<]`.
fn mrz_line(line: &[u8]) -> bool {
    line.len() == 44
        && line
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'<')
}

/// Validates the two lines of a TD3 zone issued by China.
pub fn validate_mrz(line1: &[u8], line2: &[u8]) -> Result<Mrz, Rejection> {
    if !mrz_line(line1) || !mrz_line(line2) || line1[0] != b'P' || &line1[2..5] != b"CHN" {
        return Err(Rejection::Shape);
    }
    let field_ok = |f: &[u8], c: u8| mrz_check(f) == Some(c);
    let dates = |f: &[u8]| f.iter().all(u8::is_ascii_digit);
    if !dates(&line2[13..19]) || !dates(&line2[21..27]) {
        return Err(Rejection::Shape);
    }
    let personal_ok = field_ok(&line2[28..42], line2[42])
        || line2[42] == b'<' && line2[28..42].iter().all(|c| *c == b'<');
    let composite: Vec<u8> = [&line2[0..10], &line2[13..20], &line2[21..43]].concat();
    if !field_ok(&line2[0..9], line2[9])
        || !field_ok(&line2[13..19], line2[19])
        || !field_ok(&line2[21..27], line2[27])
        || !personal_ok
        || !field_ok(&composite, line2[43])
    {
        return Err(Rejection::Check);
    }
    let number: String = String::from_utf8_lossy(&line2[..9])
        .trim_end_matches('<')
        .into();
    if number.contains('<') || number.is_empty() {
        return Err(Rejection::Shape);
    }
    let names = String::from_utf8_lossy(&line1[5..]);
    let (surname, given) = names.split_once("<<").unwrap_or((&names, ""));
    let name = format!("{} {}", surname.replace('<', " "), given.replace('<', " "))
        .trim()
        .to_string();
    Ok(Mrz {
        len: number.len(),
        number,
        name,
        birth: String::from_utf8_lossy(&line2[13..19]).into(),
        sex: line2[20] as char,
        expiry: String::from_utf8_lossy(&line2[21..27]).into(),
    })
}

/// Finds the number of a valid zone whose line 1 (`P?CHN`) has its `CHN` at `at`.
fn mrz_at(s: &mut Scan, buf: &Buf, at: usize) {
    let b = buf.bytes;
    let Some(start) = at.checked_sub(2) else {
        return;
    };
    if b[start] != b'P' || start > 0 && !matches!(b[start - 1], b'\n' | b' ' | b'\t' | b'"' | b',')
    {
        return;
    }
    let Some(line1) = b.get(start..start + 44) else {
        return;
    };
    let mut l2 = start + 44;
    if b.get(l2) == Some(&b'\r') {
        l2 += 1;
    }
    if b.get(l2) != Some(&b'\n') {
        return;
    }
    l2 += 1;
    while matches!(b.get(l2), Some(b' ' | b'\t')) {
        l2 += 1;
    }
    let Some(line2) = b.get(l2..l2 + 44) else {
        return;
    };
    if buf.word_after(l2 + 44) {
        return;
    }
    if let Ok(mrz) = validate_mrz(line1, line2) {
        let details = mrz.details();
        super::alnum::push(s, KIND, (l2, l2 + mrz.len), mrz.number, details, false);
    }
}

/// Finds passport numbers among the letter-and-digit tokens of `lo..hi` (with a label
/// only) and in machine-readable zones.
pub fn candidates(s: &mut Scan, buf: &Buf, lo: usize, hi: usize) {
    let b = buf.bytes;
    for t in s.tokens(buf, lo, hi).iter() {
        if !matches!(t.end - t.start, 8 | 9) || !b[t.start].is_ascii_uppercase() {
            continue;
        }
        let v = std::str::from_utf8(&b[t.start..t.end]).unwrap_or_default();
        if let Ok(details) = validate(v) {
            super::alnum::push(s, KIND, (t.start, t.end), v.into(), details, true);
        }
    }
    for at in memchr::memmem::find_iter(&b[lo..hi], b"CHN") {
        mrz_at(s, buf, lo + at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LINE1: &str = "POCHNZHANG<<SAN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<";
    const LINE2: &str = "EA12345676CHN9001011M3001019<<<<<<<<<<<<<<<4";

    #[test]
    fn shapes() {
        for v in [
            "E12345678",
            "EA1234567",
            "G12345678",
            "DE1234567",
            "SE1234567",
            "PE1234567",
            "D1234567",
        ] {
            assert!(validate(v).is_ok(), "{v}");
        }
        for v in [
            "EI1234567",
            "EO1234567",
            "E1234567",
            "E123456789",
            "K12345678",
        ] {
            assert_eq!(validate(v), Err(Rejection::Shape), "{v}");
        }
    }

    #[test]
    fn mrz_vectors() {
        assert_eq!(mrz_check(b"EA1234567"), Some(b'6'));
        assert_eq!(mrz_check(b"L898902C3"), Some(b'6'));
        assert_eq!(LINE1.len(), 44);
        let m = validate_mrz(LINE1.as_bytes(), LINE2.as_bytes()).unwrap();
        assert_eq!(m.number, "EA1234567");
        assert_eq!(m.name, "ZHANG SAN");
        let d = m.details();
        assert_eq!(d.get("birth_date"), Some(&json!("1990-01-01")));
        assert_eq!(d.get("expiry"), Some(&json!("2030-01-01")));
        let changed = LINE2.replace("EA1234567", "EA1234568");
        assert_eq!(
            validate_mrz(LINE1.as_bytes(), changed.as_bytes()),
            Err(Rejection::Check)
        );
        let changed = LINE2.replace("900101", "900102");
        assert_eq!(
            validate_mrz(LINE1.as_bytes(), changed.as_bytes()),
            Err(Rejection::Check)
        );
        let other = LINE1.replace("CHN", "UTO");
        assert_eq!(
            validate_mrz(other.as_bytes(), LINE2.as_bytes()),
            Err(Rejection::Shape)
        );
    }

    fn found(text: &str) -> Vec<(String, Confidence)> {
        crate::detect::alnum::found(KIND, text)
    }

    #[test]
    fn label_or_mrz() {
        assert_eq!(
            found("护照号码：E12345678"),
            [("E12345678".into(), Confidence::High)]
        );
        assert_eq!(
            found("Passport No. EA1234567"),
            [("EA1234567".into(), Confidence::High)]
        );
        assert!(found("型号 E12345678").is_empty());
        let zone = format!("入住登记\n{LINE1}\n{LINE2}\n");
        assert_eq!(found(&zone), [("EA1234567".into(), Confidence::High)]);
        let bad = zone.replace("9001011M", "9001021M");
        assert!(found(&bad).is_empty(), "one digit changed");
    }

    proptest! {
        #[test]
        fn one_changed_digit_breaks_a_check(at in prop::sample::select(vec![2usize, 3, 4, 5, 6, 7, 8, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26]), by in 1u8..10) {
            let mut l2 = LINE2.as_bytes().to_vec();
            l2[at] = b'0' + (l2[at] - b'0' + by) % 10;
            prop_assert!(validate_mrz(LINE1.as_bytes(), &l2).is_err());
        }
    }
}
