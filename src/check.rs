//! `piiscan check`: validate and explain single values.
//!
//! A value is folded to ASCII (full-width digits, letters, `＋`, `（）`, `－`, ideographic
//! space), zero-width characters are dropped, and separators are removed. Then every
//! validator that fits its shape runs; the best valid interpretation wins (`cn_id` >
//! `bank_card` > `cn_mobile` > `cn_landline` > `email` > `cn_address`). An address is only
//! tried for a value that holds Han characters, and must make up the whole value. If none is
//! valid, the type its shape suggests is named with the reason its validator gave.

use serde::Serialize;
use serde_json::json;

use crate::detect::{bank_card, cn_address, cn_id, cn_landline, cn_mobile, email};
use crate::evidence::{Details, Kind};
use crate::time::Date;

/// The verdict on one value.
#[derive(Debug, Serialize, PartialEq)]
pub struct Verdict {
    /// The value as given.
    pub input: String,
    /// The best-matching type, or `None`.
    #[serde(rename = "type")]
    pub kind: Option<Kind>,
    /// Whether it is valid as that type.
    pub valid: bool,
    /// The named rejection when not valid.
    pub reason: Option<&'static str>,
    /// What validation established.
    pub details: Details,
}

/// Folds full-width forms to ASCII and drops zero-width characters.
pub fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'))
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            '\u{2010}'..='\u{2015}' => '-',
            _ => c,
        })
        .collect()
}

type Attempt = Result<(Details, String), &'static str>;

fn try_id(c: &str, today: Date) -> Attempt {
    cn_id::validate(c, today)
        .map(|i| {
            let mut d = i.details(true);
            d.insert("value", json!(i.value));
            (d, i.value)
        })
        .map_err(|r| r.name())
}

fn try_mobile(c: &str) -> Attempt {
    let body = strip_country(c).unwrap_or(c);
    let body = match body.len() {
        12 if body.starts_with("01") => &body[1..],
        _ => body,
    };
    cn_mobile::validate(body)
        .map(|seg| (cn_mobile::details(body, seg, ""), body.to_string()))
        .map_err(|r| r.name())
}

fn try_landline(c: &str) -> Attempt {
    let national = match strip_country(c) {
        Some(rest) if !rest.starts_with('0') => format!("0{rest}"),
        Some(rest) => rest.to_string(),
        None => c.to_string(),
    };
    cn_landline::validate(&national)
        .map(|a| (cn_landline::details(a, None), national.clone()))
        .map_err(|r| r.name())
}

fn try_card(c: &str) -> Attempt {
    match bank_card::validate(c) {
        Ok(info) if info.luhn => Ok((info.details(c), c.to_string())),
        Ok(_) => Err(bank_card::Rejection::Luhn.name()),
        Err(r) => Err(r.name()),
    }
}

fn try_address(c: &str) -> Attempt {
    cn_address::validate(c)
        .map(|(value, mut d)| {
            d.insert("value", json!(value));
            (d, value)
        })
        .map_err(|r| r.name())
}

/// Whether `s` holds a Han character.
fn has_han(s: &str) -> bool {
    s.chars().any(cn_address::is_han)
}

fn strip_country(c: &str) -> Option<&str> {
    c.strip_prefix("+86")
        .or_else(|| c.strip_prefix("0086"))
        .or_else(|| (c.len() == 13).then(|| c.strip_prefix("86")).flatten())
}

/// Checks one value, as `only` if given, against `today`.
pub fn check(input: &str, only: Option<Kind>, today: Date) -> Verdict {
    let folded = fold(input.trim());
    let mut compact: String = folded
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\t'))
        .collect();
    for marker in ["转", "分机", "ext", "EXT", "x", "X"] {
        // An extension is not part of a landline value.
        if compact.starts_with('0') || compact.starts_with('+') {
            if let Some(p) = compact.find(marker).filter(|p| *p >= 10) {
                compact.truncate(p);
            }
        }
    }
    let digits = compact.trim_start_matches('+');
    let all_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let id_shape = compact.len() == 18
        && compact.as_bytes()[..17].iter().all(u8::is_ascii_digit)
        && (compact.ends_with(['x', 'X']) || all_digits);
    let folded_trim = folded.trim();

    let mut tries: Vec<(Kind, Attempt)> = Vec::new();
    let wants = |k: Kind| only.is_none_or(|o| o == k);
    if wants(Kind::CnId) && (id_shape || (all_digits && compact.len() == 15) || only.is_some()) {
        tries.push((Kind::CnId, try_id(&compact, today)));
    }
    if wants(Kind::BankCard)
        && ((all_digits && (15..=19).contains(&compact.len())) || only.is_some())
    {
        tries.push((Kind::BankCard, try_card(&compact)));
    }
    if wants(Kind::CnMobile)
        && ((all_digits && (11..=15).contains(&digits.len())) || only.is_some())
    {
        tries.push((Kind::CnMobile, try_mobile(&compact)));
    }
    if wants(Kind::CnLandline)
        && ((all_digits && (compact.starts_with('0') || compact.starts_with('+')))
            || only.is_some())
    {
        tries.push((Kind::CnLandline, try_landline(&compact)));
    }
    if wants(Kind::Email) && (folded_trim.contains('@') || only.is_some()) {
        tries.push((
            Kind::Email,
            email::validate(folded_trim)
                .map(|v| (email::details(&v), v))
                .map_err(|r| r.name()),
        ));
    }

    if wants(Kind::CnAddress) && (has_han(folded_trim) || only.is_some()) {
        tries.push((Kind::CnAddress, try_address(folded_trim)));
    }

    if let Some((kind, Ok((details, _)))) = tries.iter().find(|(_, r)| r.is_ok()) {
        return Verdict {
            input: input.to_string(),
            kind: Some(*kind),
            valid: true,
            reason: None,
            details: details.clone(),
        };
    }
    // None valid: the type the shape suggests most.
    let shape_kind = |k: Kind| -> bool {
        let n = compact.len();
        match k {
            Kind::CnId => id_shape || n == 15,
            Kind::CnMobile => n == 11 && compact.starts_with('1') || compact.starts_with("+86"),
            Kind::CnLandline => compact.starts_with('0'),
            Kind::BankCard => (16..=19).contains(&n),
            Kind::Email => true,
            Kind::CnAddress => has_han(folded_trim),
        }
    };
    let pick = tries
        .iter()
        .find(|(k, _)| shape_kind(*k))
        .or_else(|| tries.first());
    match pick {
        Some((kind, Err(reason))) => Verdict {
            input: input.to_string(),
            kind: Some(*kind),
            valid: false,
            reason: Some(reason),
            details: Details::new(),
        },
        _ => Verdict {
            input: input.to_string(),
            kind: None,
            valid: false,
            reason: Some("unrecognised"),
            details: Details::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 28).unwrap()
    }

    /// Found by the `validators` fuzz target: 18 bytes whose 17th falls inside a Han
    /// character panicked on slicing.
    #[test]
    fn a_multibyte_character_at_the_check_position_is_not_a_panic() {
        let v = check("510105194911直辖", None, today());
        assert!(!v.valid);
        let v = check("51010519491100000盖", Some(Kind::CnId), today());
        assert!(!v.valid);
    }

    #[test]
    fn names_types_and_reasons() {
        let v = check("11010519491231002x", None, today());
        assert_eq!((v.kind, v.valid), (Some(Kind::CnId), true));
        assert_eq!(v.details["region"], "北京市朝阳区");
        assert_eq!(v.details["birth_date"], "1949-12-31");
        let v = check("110105194912310021", None, today());
        assert_eq!(
            (v.kind, v.reason),
            (Some(Kind::CnId), Some("check_character"))
        );
        let v = check("８６－１３８００１３８０００", None, today());
        assert_eq!((v.kind, v.valid), (Some(Kind::CnMobile), true));
        let v = check("15412345678", None, today());
        assert_eq!(v.reason, Some("unallocated_segment"));
        let v = check("(0755) 8765 4321", None, today());
        assert_eq!((v.kind, v.valid), (Some(Kind::CnLandline), true));
        let v = check("010-12345678转801", None, today());
        assert_eq!((v.kind, v.valid), (Some(Kind::CnLandline), true));
        let v = check("6226 0900 0000 0048", None, today());
        assert_eq!((v.kind, v.valid), (Some(Kind::BankCard), true));
        let v = check("Li@Example.COM", None, today());
        assert_eq!((v.kind, v.valid), (Some(Kind::Email), true));
        let v = check("hello", None, today());
        assert_eq!((v.kind, v.reason), (None, Some("unrecognised")));
    }

    #[test]
    fn addresses_only_for_han_text_and_after_the_numeric_types() {
        let v = check("广东省深圳市南山区科技园路1号", None, today());
        assert_eq!((v.kind, v.valid), (Some(Kind::CnAddress), true));
        assert_eq!(v.details["province"], "广东省");
        assert_eq!(v.details["city"], "深圳市");
        assert_eq!(v.details["district"], "南山区");
        assert_eq!(v.details["division_code"], "440305");
        // Full-width digits and an ideographic space are folded.
        let v = check("　北京市朝阳区建国路８８号　", None, today());
        assert_eq!((v.kind, v.valid), (Some(Kind::CnAddress), true));
        assert_eq!(v.details["value"], "北京市朝阳区建国路88号");
        let v = check("上海天气", None, today());
        assert_eq!(
            (v.kind, v.valid, v.reason),
            (Some(Kind::CnAddress), false, Some("divisions_only"))
        );
        let v = check("今天天气不错", None, today());
        assert_eq!(v.reason, Some("no_structure"));
        let v = check("北京市朝阳区建国路88号附近", None, today());
        assert_eq!(v.reason, Some("trailing_text"));
        // Digits keep their types first; no Han, no address.
        let v = check("13800138000", None, today());
        assert_eq!(v.kind, Some(Kind::CnMobile));
        let v = check("88号", None, today());
        assert_eq!((v.kind, v.valid), (Some(Kind::CnAddress), false));
        let v = check("hello", None, today());
        assert_eq!(v.kind, None);
        let v = check("科技园路1号", Some(Kind::CnAddress), today());
        assert_eq!((v.kind, v.valid), (Some(Kind::CnAddress), true));
        let v = check("12345", Some(Kind::CnAddress), today());
        assert_eq!(
            (v.kind, v.reason),
            (Some(Kind::CnAddress), Some("no_structure"))
        );
    }

    #[test]
    fn type_option_forces_the_validator() {
        let v = check("13800138000", Some(Kind::CnId), today());
        assert_eq!(
            (v.kind, v.valid, v.reason),
            (Some(Kind::CnId), false, Some("length"))
        );
    }
}
