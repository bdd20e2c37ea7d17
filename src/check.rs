//! `piiscan check`: validate and explain single values.
//!
//! A value is folded to ASCII (full-width digits, letters, `＋`, `（）`, `－`, ideographic
//! space), zero-width characters are dropped, and separators are removed. Then every
//! validator that fits its shape runs (each kind's [`crate::detect::kind::Check`]); the
//! best valid interpretation wins, in the kinds' rank (`cn_id`, `bank_card`, `cn_mobile`,
//! `cn_landline`, `email`, `cn_address`). An address is only tried for a value that
//! holds Han characters, and must make up the whole value. If none is
//! valid, the type its shape suggests is named with the reason its validator gave.
//!
//! Custom rules (`piiscan check --config FILE` or `--rules FILE`) are tried too: a value
//! is valid as `custom.<id>` if the rule's pattern matches the whole value and its
//! validator accepts it; the reason otherwise is `no_match` or the validator's name.

use serde::Serialize;

use crate::detect::custom::Rules;
use crate::detect::kind::{Attempt, Shape};
use crate::detect::{Details, Kind};
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

/// Checks one value, as `only` if given, against `today`; `rules` are the custom rules
/// loaded (their kinds are tried after the built-in ones, or before them with
/// `priority = "high"`, as in a scan).
pub fn check(input: &str, only: Option<Kind>, today: Date, rules: Option<&Rules>) -> Verdict {
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
    let shape = Shape {
        text: folded.trim(),
        compact: &compact,
        digits,
        all_digits,
        id_shape,
        only: only.is_some(),
    };

    // Every kind that fits the shape, in falling rank.
    let mut kinds: Vec<Kind> = Kind::all()
        .iter()
        .copied()
        .filter(|k| only.is_none_or(|o| o == *k))
        .collect();
    kinds.sort_by_key(|k| std::cmp::Reverse((k.spec().tier, k.spec().rank)));
    let tries: Vec<(Kind, Attempt)> = kinds
        .into_iter()
        .filter_map(|k| match rules.and_then(|r| r.attempt(k, shape.text)) {
            Some(attempt) => {
                (shape.only || rules.is_some_and(|r| r.fits(k, shape.text))).then_some((k, attempt))
            }
            None => (shape.only || (k.spec().check.fits)(&shape))
                .then(|| (k, (k.spec().check.attempt)(&shape, today))),
        })
        .collect();

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
    // A custom rule whose pattern matched all of it but whose validator refused it says
    // most; then the kind the shape suggests.
    let pick = tries
        .iter()
        .find(|(k, r)| rules.is_some_and(|x| x.holds(*k)) && *r != Err("no_match"))
        .or_else(|| {
            tries
                .iter()
                .find(|(k, _)| (k.spec().check.suggested)(&shape))
        })
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
        let v = check("510105194911直辖", None, today(), None);
        assert!(!v.valid);
        let v = check(
            "51010519491100000盖",
            Some(crate::detect::cn_id::KIND),
            today(),
            None,
        );
        assert!(!v.valid);
    }

    #[test]
    fn names_types_and_reasons() {
        let v = check("11010519491231002x", None, today(), None);
        assert_eq!((v.kind, v.valid), (Some(crate::detect::cn_id::KIND), true));
        assert_eq!(v.details["region"], "北京市朝阳区");
        assert_eq!(v.details["birth_date"], "1949-12-31");
        let v = check("110105194912310021", None, today(), None);
        assert_eq!(
            (v.kind, v.reason),
            (Some(crate::detect::cn_id::KIND), Some("check_character"))
        );
        let v = check("８６－１３８００１３８０００", None, today(), None);
        assert_eq!(
            (v.kind, v.valid),
            (Some(crate::detect::cn_mobile::KIND), true)
        );
        let v = check("15412345678", None, today(), None);
        assert_eq!(v.reason, Some("unallocated_segment"));
        let v = check("(0755) 8765 4321", None, today(), None);
        assert_eq!(
            (v.kind, v.valid),
            (Some(crate::detect::cn_landline::KIND), true)
        );
        let v = check("010-12345678转801", None, today(), None);
        assert_eq!(
            (v.kind, v.valid),
            (Some(crate::detect::cn_landline::KIND), true)
        );
        let v = check("6226 0900 0000 0048", None, today(), None);
        assert_eq!(
            (v.kind, v.valid),
            (Some(crate::detect::bank_card::KIND), true)
        );
        let v = check("Li@Example.COM", None, today(), None);
        assert_eq!((v.kind, v.valid), (Some(crate::detect::email::KIND), true));
        let v = check("hello", None, today(), None);
        assert_eq!((v.kind, v.reason), (None, Some("unrecognised")));
    }

    #[test]
    fn addresses_only_for_han_text_and_after_the_numeric_types() {
        let v = check("广东省深圳市南山区科技园路1号", None, today(), None);
        assert_eq!(
            (v.kind, v.valid),
            (Some(crate::detect::cn_address::KIND), true)
        );
        assert_eq!(v.details["province"], "广东省");
        assert_eq!(v.details["city"], "深圳市");
        assert_eq!(v.details["district"], "南山区");
        assert_eq!(v.details["division_code"], "440305");
        // Full-width digits and an ideographic space are folded.
        let v = check("　北京市朝阳区建国路８８号　", None, today(), None);
        assert_eq!(
            (v.kind, v.valid),
            (Some(crate::detect::cn_address::KIND), true)
        );
        assert_eq!(v.details["value"], "北京市朝阳区建国路88号");
        let v = check("上海天气", None, today(), None);
        assert_eq!(
            (v.kind, v.valid, v.reason),
            (
                Some(crate::detect::cn_address::KIND),
                false,
                Some("divisions_only")
            )
        );
        let v = check("今天天气不错", None, today(), None);
        assert_eq!(v.reason, Some("no_structure"));
        let v = check("北京市朝阳区建国路88号附近", None, today(), None);
        assert_eq!(v.reason, Some("trailing_text"));
        // Digits keep their types first; no Han, no address.
        let v = check("13800138000", None, today(), None);
        assert_eq!(v.kind, Some(crate::detect::cn_mobile::KIND));
        let v = check("88号", None, today(), None);
        assert_eq!(
            (v.kind, v.valid),
            (Some(crate::detect::cn_address::KIND), false)
        );
        let v = check("hello", None, today(), None);
        assert_eq!(v.kind, None);
        let v = check(
            "科技园路1号",
            Some(crate::detect::cn_address::KIND),
            today(),
            None,
        );
        assert_eq!(
            (v.kind, v.valid),
            (Some(crate::detect::cn_address::KIND), true)
        );
        let v = check(
            "12345",
            Some(crate::detect::cn_address::KIND),
            today(),
            None,
        );
        assert_eq!(
            (v.kind, v.reason),
            (Some(crate::detect::cn_address::KIND), Some("no_structure"))
        );
    }

    #[test]
    fn type_option_forces_the_validator() {
        let v = check(
            "13800138000",
            Some(crate::detect::cn_id::KIND),
            today(),
            None,
        );
        assert_eq!(
            (v.kind, v.valid, v.reason),
            (Some(crate::detect::cn_id::KIND), false, Some("length"))
        );
    }
}
