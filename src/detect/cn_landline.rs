//! Mainland landline numbers: `cn_landline`.
//!
//! Trunk `0` + area code + local number. `010` and `02x` are two-digit areas, all others
//! three digits (the codes are prefix-free, so a run of digits splits one way only). The
//! local number never starts with 0 and has the length `patterns/landline_areas.tsv`
//! gives for the area (from libphonenumber's metadata). Written forms: `010-12345678`,
//! `010 12345678`, `(010)12345678`, `（010）12345678`, `010-1234-5678`, `021 6123 4567`,
//! `+86 10 12345678`, `+86-755-12345678`, and run together as `01012345678` (low
//! confidence). Extensions (`-801`, `转801`, `ext.801`, `分机801`) are not part of the value
//! and go to `details`. Service numbers (`400`/`800`, `95xxx`) have no area code and never
//! match.

use serde_json::json;

use super::digits::{digit_at, Buf, Gap, Run, Sep};
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::tables::{LandlineArea, LANDLINE_AREAS};
use super::Details;
use super::{Candidate, Scan};

/// Mainland landline numbers: trunk 0, area code and local number.
static SPEC: KindSpec = KindSpec {
    name: "cn_landline",
    label: "固定电话",
    rank: 2,
    find: Finder::Digits(candidates),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|v| {
        let area = if v.starts_with("01") || v.starts_with("02") {
            3
        } else {
            4
        };
        (area.min(v.chars().count().saturating_sub(4)), 4)
    }),
    revealing: &[],
    check: Check {
        fits: |s| s.all_digits && (s.compact.starts_with('0') || s.compact.starts_with('+')),
        suggested: |s| s.compact.starts_with('0'),
        attempt: |s, _| {
            let national = match s.without_country() {
                Some(rest) if !rest.starts_with('0') => format!("0{rest}"),
                Some(rest) => rest.to_string(),
                None => s.compact.to_string(),
            };
            validate(&national)
                .map(|a| (details(a, None), national.clone()))
                .map_err(|r| r.name())
        },
    },
    rule: Rule {
        name: "ChineseLandlineNumber",
        short: "固定电话号码 / Landline number",
        help: "固定电话号码可能识别个人或家庭：请确认是否需要保留并脱敏。\nA landline number may identify a person or household: check whether it must be kept, and mask it.",
    },
    tier: 1,
};

/// The kind of mainland landline numbers.
pub const KIND: Kind = Kind::of(&SPEC);

/// Why a value is not a landline number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// A character other than a digit.
    Character,
    /// Does not start with the trunk 0.
    Trunk,
    /// The area code does not exist.
    AreaCode,
    /// The local number starts with 0 (a trunk prefix cannot follow an area code).
    LocalPrefix,
    /// The local number has a length the area does not use.
    LocalLength,
}

impl Rejection {
    /// The name shown by `check` and in tests.
    pub fn name(self) -> &'static str {
        match self {
            Rejection::Character => "character",
            Rejection::Trunk => "trunk_prefix",
            Rejection::AreaCode => "area_code",
            Rejection::LocalPrefix => "local_prefix",
            Rejection::LocalLength => "local_length",
        }
    }
}

/// Splits digits after the trunk 0 into a known area code and the rest.
pub fn split_area(national: &str) -> Option<(&'static LandlineArea, &str)> {
    let b = national.as_bytes();
    let n = if b.len() >= 2 && (b[0] == b'1' && b[1] == b'0' || b[0] == b'2') {
        2
    } else {
        3
    };
    let area = LANDLINE_AREAS.get(national.get(..n)?)?;
    Some((area, &national[n..]))
}

/// Validates an area (without trunk) and a local number.
pub fn validate_parts(area: &str, local: &str) -> Result<&'static LandlineArea, Rejection> {
    if !area
        .bytes()
        .chain(local.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return Err(Rejection::Character);
    }
    let a = LANDLINE_AREAS.get(area).ok_or(Rejection::AreaCode)?;
    if local.starts_with('0') {
        return Err(Rejection::LocalPrefix);
    }
    if !a.allows_len(local.len()) {
        return Err(Rejection::LocalLength);
    }
    Ok(a)
}

/// Validates a whole national number with trunk 0, e.g. `01012345678`.
pub fn validate(value: &str) -> Result<&'static LandlineArea, Rejection> {
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Rejection::Character);
    }
    let national = value.strip_prefix('0').ok_or(Rejection::Trunk)?;
    let (area, local) = split_area(national).ok_or(Rejection::AreaCode)?;
    validate_parts(area.code, local)
}

/// Details of a valid number.
pub fn details(area: &LandlineArea, extension: Option<&str>) -> Details {
    let mut m = Details::with_capacity(6);
    m.insert("area_code", json!(format!("0{}", area.code)));
    if !area.city.is_empty() {
        m.insert("city", json!(area.city));
    }
    if !area.province.is_empty() {
        m.insert("province", json!(area.province));
    }
    if let Some(ext) = extension {
        m.insert("extension", json!(ext));
    }
    m
}

/// Returns the extension digits written right after `end`, and whether a word character
/// that belongs to the extension marker (`ext`, `x`) follows.
fn extension(buf: &Buf, end: usize) -> Option<String> {
    let b = buf.bytes;
    let rest = b.get(end..)?;
    let markers: [&[u8]; 11] = [
        b"-",
        "转".as_bytes(),
        "－".as_bytes(),
        "分机".as_bytes(),
        b" ext. ",
        b" ext.",
        b" ext ",
        b"ext.",
        b"ext",
        b" x",
        b"x",
    ];
    let m = markers
        .iter()
        .find(|m| rest.len() > m.len() && rest[..m.len()].eq_ignore_ascii_case(m))?;
    let mut i = end + m.len();
    let mut digits = String::new();
    while let Some((d, l)) = digit_at(b, i) {
        digits.push(d as char);
        i += l;
        if digits.len() > 6 {
            return None;
        }
    }
    if digits.is_empty() || buf.word_after(i) {
        return None;
    }
    Some(digits)
}

#[allow(clippy::too_many_arguments)]
fn push(
    s: &mut Scan,
    buf: &Buf,
    start: usize,
    end: usize,
    area: &str,
    local: &str,
    confidence: Confidence,
) {
    if !buf.starts_clean(start) {
        return;
    }
    let ext = extension(buf, end);
    if ext.is_none() && buf.word_after(end) {
        return;
    }
    let Ok(a) = validate_parts(area, local) else {
        return;
    };
    let mut details = details(a, ext.as_deref());
    // Real local numbers start with 2-9 (1xx are service codes), yet `010-12345678`-style
    // numbers are common in forms and samples: report them, at low confidence.
    let confidence = if local.starts_with('1') {
        details.insert("note", json!("local number starts with 1"));
        Confidence::Low
    } else {
        confidence
    };
    s.out.push(Candidate {
        kind: KIND,
        start,
        end,
        value: format!("0{area}{local}"),
        confidence,
        needs_context: false,
        details,
        untrue: None,
    });
}

/// The local number starting at run `i`: one run, or 4-4 / 3-4 groups with one separator
/// (and then, after a dash, at most a short extension group: `021-6959-4446-8001`).
fn local(buf: &Buf, runs: &[Run], i: usize) -> Option<(usize, String)> {
    let r = runs.get(i)?;
    if let Some(next) = runs.get(i + 1) {
        if let Gap::Sep(sep) = buf.gap(r, next) {
            let extension_after = || {
                sep == Sep::Dash
                    && runs.get(i + 2).is_some_and(|x| {
                        buf.gap(next, x) == Gap::Sep(Sep::Dash)
                            && (1..=5).contains(&x.n)
                            && !buf.continues_after(x.end, Sep::Dash)
                    })
            };
            if (r.n == 4 || r.n == 3)
                && next.n == 4
                && (!buf.continues_after(next.end, sep) || extension_after())
            {
                return Some((next.end, format!("{}{}", r.digits(), next.digits())));
            }
        }
    }
    (7..=8)
        .contains(&r.n)
        .then(|| (r.end, r.digits().to_string()))
}

/// Finds landline candidates that begin at run `i`.
pub fn candidates(s: &mut Scan, buf: &Buf, runs: &[Run], i: usize) {
    let r = &runs[i];
    let d = r.digits();
    // 010-12345678, (0755)87654321, 021 6123 4567
    if d.starts_with('0') && (3..=4).contains(&r.n) {
        area_then_local(s, buf, runs, i, &d[1..]);
    }
    // 01012345678 / 075587654321 run together.
    if d.starts_with('0') && !d.starts_with("00") && (10..=12).contains(&r.n) {
        if let Some((area, local)) = split_area(&d[1..]) {
            push(s, buf, r.start, r.end, area.code, local, Confidence::Low);
        }
    }
    // +86 10 12345678, +86-755-12345678, 0086 21 61234567
    if d == "86" || d == "0086" {
        let Some(area_run) = runs.get(i + 1) else {
            return;
        };
        let plus = if d == "86" {
            buf.plus_before(r.start)
        } else {
            0
        };
        let mut start = r.start - plus;
        let open = buf.open_paren_before(start);
        // `+86 (21) 6123 4567`: the area code in parentheses after the country code.
        let paren = buf.open_paren_before(area_run.start);
        let sep_len = buf.sep_at(r.end).map_or(0, |(_, l)| l);
        let area_in_parens = paren > 0
            && (r.end + paren == area_run.start || r.end + sep_len + paren == area_run.start);
        match buf.gap(r, area_run) {
            Gap::Sep(_) => {}
            Gap::Close if open > 0 => start -= open,
            _ if area_in_parens => {}
            _ => return,
        }
        let ad = area_run.digits();
        let area = ad.strip_prefix('0').unwrap_or(ad);
        if !(2..=3).contains(&area.len()) || !LANDLINE_AREAS.contains_key(area) {
            return;
        }
        let Some(next) = runs.get(i + 2) else { return };
        match buf.gap(area_run, next) {
            Gap::Other => return,
            Gap::Sep(_) if area_in_parens => return,
            _ => {}
        }
        if let Some((end, local)) = local(buf, runs, i + 2) {
            push(s, buf, start, end, area, &local, Confidence::Medium);
        }
    }
}

fn area_then_local(s: &mut Scan, buf: &Buf, runs: &[Run], i: usize, area: &str) {
    let r = &runs[i];
    let Some(next) = runs.get(i + 1) else { return };
    if !LANDLINE_AREAS.contains_key(area) {
        return;
    }
    let open = buf.open_paren_before(r.start);
    let start = match buf.gap(r, next) {
        Gap::Sep(sep) => {
            // 2024-01-01 style runs are dates, not numbers; the area check removes most.
            if buf.continues_before(r.start, sep) {
                return;
            }
            r.start
        }
        Gap::Close if open > 0 => r.start - open,
        _ => return,
    };
    if let Some((end, local)) = local(buf, runs, i + 1) {
        push(s, buf, start, end, area, &local, Confidence::Medium);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_numbers() {
        assert!(validate("01012345678").is_ok());
        assert!(validate("057188888888").is_ok());
        assert_eq!(validate("01012345678a").err(), Some(Rejection::Character));
        assert_eq!(validate("1012345678").err(), Some(Rejection::Trunk));
        assert_eq!(validate("02612345678").err(), Some(Rejection::AreaCode));
        assert_eq!(validate("01002345678").err(), Some(Rejection::LocalPrefix));
        assert!(
            validate("01012345678").is_ok(),
            "starts with 1: low confidence"
        );
        assert_eq!(validate("0101234567").err(), Some(Rejection::LocalLength));
        assert_eq!(validate("05718888888").err(), Some(Rejection::LocalLength));
    }

    #[test]
    fn splits_areas_one_way() {
        assert_eq!(split_area("1012345678").unwrap().0.code, "10");
        assert_eq!(split_area("57188888888").unwrap().0.code, "571");
        assert!(split_area("2612345678").is_none());
    }

    #[test]
    fn grouped_local_numbers_take_a_dash_extension() {
        for (text, want) in [
            ("电话 021-6959-4446-8001。", Some("02169594446")),
            ("电话 0539-210-8461-801\n", Some("05392108461")),
            // Four groups of four are not a landline with an extension.
            ("6222-0200-1234-5678", None),
        ] {
            let d = crate::detect::Detector::new();
            let buf = Buf::whole(text.as_bytes());
            let fcx = d.file_context(text.as_bytes());
            let got: Vec<String> = d
                .scan(buf, 0..text.len(), &fcx)
                .into_iter()
                .filter(|c| c.kind == KIND)
                .map(|c| c.value)
                .collect();
            assert_eq!(got.first().map(String::as_str), want, "{text}");
        }
    }

    #[test]
    fn extensions() {
        let b = "0571-88888888-801 x";
        let buf = Buf::whole(b.as_bytes());
        assert_eq!(extension(&buf, 13).as_deref(), Some("801"));
        let b = "010-12345678转8001。";
        assert_eq!(
            extension(&Buf::whole(b.as_bytes()), 12).as_deref(),
            Some("8001")
        );
        let b = "010-12345678 ext.8001";
        assert_eq!(
            extension(&Buf::whole(b.as_bytes()), 12).as_deref(),
            Some("8001")
        );
        assert_eq!(extension(&Buf::whole(b"12345678xyz"), 8), None);
    }
}
