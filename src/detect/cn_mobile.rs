//! Mainland mobile numbers: `cn_mobile`.
//!
//! 11 digits, `1` + network code + 8 digits, in an allocated segment of
//! `patterns/mobile_segments.tsv` (longest prefix wins; segments that do not identify a
//! person, such as emergency-service numbers, are rejected). Written forms: plain, 3-4-4
//! groups with one kind of separator, `+86`/`0086`/`86-`/`(+86)` prefixes, a trunk `0`,
//! carrier-select prefixes `17951`/`12593`, full-width digits.

use serde_json::json;

use super::digits::{Buf, Gap, Run};
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::tables::{mobile_segment, MobileSegment};
use super::Details;
use super::{Candidate, Scan};

/// Mainland mobile numbers, 11 digits.
static SPEC: KindSpec = KindSpec {
    name: "cn_mobile",
    label: "手机号",
    rank: 4,
    find: Finder::Digits(candidates),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|_| (3, 4)),
    revealing: &[],
    check: Check {
        fits: |s| s.all_digits && (11..=15).contains(&s.digits.len()),
        suggested: |s| {
            s.compact.len() == 11 && s.compact.starts_with('1') || s.compact.starts_with("+86")
        },
        attempt: |s, _| {
            let body = s.without_country().unwrap_or(s.compact);
            let body = match body.len() {
                12 if body.starts_with("01") => &body[1..],
                _ => body,
            };
            validate(body)
                .map(|seg| (details(body, seg, ""), body.to_string()))
                .map_err(|r| r.name())
        },
    },
    rule: Rule {
        name: "ChineseMobileNumber",
        short: "手机号码 / Mobile phone number",
        help: "手机号码是可识别自然人的个人信息：请删除、脱敏或加密。\nA mobile number identifies a person: remove, mask or encrypt it.",
    },
    tier: 1,
};

/// The kind of mainland mobile numbers.
pub const KIND: Kind = Kind::of(&SPEC);

/// Why a value is not a mobile number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not 11 digits.
    Length,
    /// A character other than a digit.
    Character,
    /// Does not start with 1.
    Prefix,
    /// The segment is not allocated.
    UnallocatedSegment,
    /// The segment does not identify a person (emergency service, Inmarsat, …).
    NonPersonalSegment,
}

impl Rejection {
    /// The name shown by `check` and in tests.
    pub fn name(self) -> &'static str {
        match self {
            Rejection::Length => "length",
            Rejection::Character => "character",
            Rejection::Prefix => "prefix",
            Rejection::UnallocatedSegment => "unallocated_segment",
            Rejection::NonPersonalSegment => "non_personal_segment",
        }
    }

    /// Why a value of a mobile number's shape is untrue (see [`Candidate::untrue`]): a
    /// prefix or segment no mobile number has; a non-personal segment is not untrue.
    pub fn untrue(self) -> Option<&'static str> {
        match self {
            Rejection::Prefix | Rejection::UnallocatedSegment => Some("unallocated_segment"),
            _ => None,
        }
    }
}

/// Published test numbers, reported and labelled.
pub const KNOWN_TEST_VALUES: &[&str] = &["13800138000"];

/// Validates 11 ASCII digits.
pub fn validate(digits: &str) -> Result<&'static MobileSegment, Rejection> {
    if digits.len() != 11 {
        return Err(Rejection::Length);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Rejection::Character);
    }
    if !digits.starts_with('1') {
        return Err(Rejection::Prefix);
    }
    let seg = mobile_segment(digits).ok_or(Rejection::UnallocatedSegment)?;
    if !seg.personal {
        return Err(Rejection::NonPersonalSegment);
    }
    Ok(seg)
}

/// Details of a valid number.
pub fn details(digits: &str, seg: &MobileSegment, form: &str) -> Details {
    // Exactly the room needed: a dense table holds hundreds of thousands of these at once.
    let test = KNOWN_TEST_VALUES.contains(&digits);
    let n = 1
        + usize::from(!seg.carrier.is_empty())
        + usize::from(!seg.note.is_empty())
        + usize::from(!form.is_empty())
        + usize::from(test);
    let mut m = Details::with_capacity(n);
    m.insert("segment", json!(seg.prefix));
    if !seg.carrier.is_empty() {
        m.insert("carrier_allocated", json!(seg.carrier));
    }
    if !seg.note.is_empty() {
        m.insert("segment_note", json!(seg.note));
    }
    if !form.is_empty() {
        m.insert("prefix", json!(form));
    }
    if test {
        m.insert("test_value", json!(true));
    }
    m
}

#[allow(clippy::too_many_arguments)]
fn push(
    s: &mut Scan,
    buf: &Buf,
    start: usize,
    end: usize,
    digits: &str,
    form: &str,
    confidence: Confidence,
) {
    if !buf.starts_clean(start) || buf.word_after(end) {
        return;
    }
    let seg = match validate(digits) {
        Ok(seg) => seg,
        Err(r) => return s.untrue(KIND, (start, end), digits, r.untrue()),
    };
    s.out.push(Candidate {
        kind: KIND,
        start,
        end,
        value: digits.to_string(),
        confidence,
        needs_context: false,
        details: details(digits, seg, form),
        untrue: None,
    });
}

/// The body of a mobile number starting at run `i`: plain 11 digits or 3-4-4 groups.
/// Returns the end offset, the digits and the index of the last run used.
fn body(buf: &Buf, runs: &[Run], i: usize) -> Option<(usize, String, usize)> {
    let r = runs.get(i)?;
    if r.n == 11 {
        return Some((r.end, r.digits().to_string(), i));
    }
    if r.n != 3 {
        return None;
    }
    let (b, c) = (runs.get(i + 1)?, runs.get(i + 2)?);
    let sep = buf.gap(r, b).sep()?;
    if buf.gap(b, c) != Gap::Sep(sep) || b.n != 4 || c.n != 4 {
        return None;
    }
    if buf.continues_after(c.end, sep) {
        return None;
    }
    Some((
        c.end,
        format!("{}{}{}", r.digits(), b.digits(), c.digits()),
        i + 2,
    ))
}

/// Finds mobile candidates that begin at run `i`.
pub fn candidates(s: &mut Scan, buf: &Buf, runs: &[Run], i: usize) {
    let r = &runs[i];
    let d = r.digits();
    // Plain or grouped body without a prefix.
    if d.starts_with('1') && (r.n == 11 || r.n == 3) {
        let grouped_inside = r.n == 3
            && i > 0
            && buf
                .gap(&runs[i - 1], r)
                .sep()
                .is_some_and(|sep| buf.continues_before(r.start, sep));
        if !grouped_inside {
            if let Some((end, digits, _)) = body(buf, runs, i) {
                push(s, buf, r.start, end, &digits, "", Confidence::Medium);
            }
        }
    }
    match r.n {
        // +8613800138000 / 8613800138000
        13 if d.starts_with("86") => {
            let plus = buf.plus_before(r.start);
            let conf = if plus > 0 {
                Confidence::Medium
            } else {
                Confidence::Low
            };
            push(s, buf, r.start - plus, r.end, &d[2..], "+86", conf);
        }
        // 008613800138000
        15 if d.starts_with("0086") => {
            push(s, buf, r.start, r.end, &d[4..], "0086", Confidence::Medium);
        }
        // 013800138000: trunk 0 in old data.
        12 if d.starts_with("01") => {
            push(s, buf, r.start, r.end, &d[1..], "0", Confidence::Low);
        }
        // 1795113800138000: carrier-select prefix.
        16 if d.starts_with("17951") || d.starts_with("12593") => {
            push(s, buf, r.start, r.end, &d[5..], &d[..5], Confidence::Low);
        }
        2 | 4 | 5 if d == "86" || d == "0086" || d == "17951" || d == "12593" => {
            prefixed(s, buf, runs, i)
        }
        _ => {}
    }
}

/// `+86 138 0013 8000`, `(+86)13800138000`, `0086-138-0013-8000`, `86-13800138000`,
/// `17951 13800138000`.
fn prefixed(s: &mut Scan, buf: &Buf, runs: &[Run], i: usize) {
    let r = &runs[i];
    let Some(next) = runs.get(i + 1) else { return };
    let mut start = r.start;
    let plus = if r.digits() == "86" {
        buf.plus_before(r.start)
    } else {
        0
    };
    start -= plus;
    let open = buf.open_paren_before(start);
    match buf.gap(r, next) {
        Gap::Sep(_) => {}
        Gap::Close if open > 0 => start -= open,
        _ => return,
    }
    if !next.digits().starts_with('1') {
        return;
    }
    let Some((end, digits, _)) = body(buf, runs, i + 1) else {
        return;
    };
    let form = if plus > 0 {
        "+86".to_string()
    } else {
        r.digits().to_string()
    };
    push(s, buf, start, end, &digits, &form, Confidence::Medium);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_md_vectors() {
        for ok in [
            "13800138000",
            "19212345678",
            "16512345678",
            "17012345678",
            "14912345678",
        ] {
            assert!(validate(ok).is_ok(), "{ok}");
        }
        let bad = [
            ("12345678901", Rejection::UnallocatedSegment),
            ("15412345678", Rejection::UnallocatedSegment),
            ("17912345678", Rejection::UnallocatedSegment),
            ("19412345678", Rejection::UnallocatedSegment),
            ("1380013800", Rejection::Length),
            ("1380013800a", Rejection::Character),
            ("23800138000", Rejection::Prefix),
            ("17406123456", Rejection::NonPersonalSegment),
            ("17490123456", Rejection::NonPersonalSegment),
        ];
        for (v, why) in bad {
            assert_eq!(validate(v).err(), Some(why), "{v}");
        }
        assert!(validate("17400123456").is_ok(), "satellite segment");
    }

    #[test]
    fn details_name_segment_and_test_value() {
        let seg = validate("13800138000").unwrap();
        let d = details("13800138000", seg, "+86");
        assert_eq!(d["segment"], "138");
        assert_eq!(d["prefix"], "+86");
        assert_eq!(d["test_value"], true);
    }
}
