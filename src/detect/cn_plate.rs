//! Motor vehicle plates (GA 36-2018): `cn_plate`.
//!
//! A province abbreviation (京, 沪, 粤, …), the issuing authority's letter (`A`-`Z` but `I`
//! and `O`), an optional separator (`·`, `•`, `.`, a space) and the serial: five of
//! `[A-HJ-NP-Z0-9]` (ordinary), `[DF]` + one of them + four digits (new-energy, small),
//! five digits + `[DF]` (new-energy, large), or four of them + 学 警 挂 港 澳 领 (special).
//! Without a checksum a plate is medium, high under a label (车牌, 号牌, plate) or in a
//! column of its own. Issued ordinary serials hold at most two letters and the later
//! new-energy series (`A`-`E`, `G`, `H`, `J`, `K` first) are not confirmed: those only with
//! context. A plate does not sit inside a longer run: no ASCII letter, digit or `_`
//! before the province character or after the serial. Candidates come from the shared
//! token pass ([`super::alnum`]: the letter-and-digit runs right after a Han character),
//! so prose costs no extra pass. The value has no separator: `京A12345`.

use serde_json::json;

use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::Details;
use super::{Candidate, Scan};

/// Motor vehicle plates.
static SPEC: KindSpec = KindSpec {
    name: "cn_plate",
    label: "车牌号",
    rank: 13,
    find: Finder::Range(candidates),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|_| (2, 1)),
    revealing: &[],
    check: Check {
        fits: |s| s.compact.chars().next().is_some_and(|c| province(c).is_some()),
        suggested: |s| s.compact.chars().next().is_some_and(|c| province(c).is_some()),
        attempt: |s, _| {
            let v: String = s
                .compact
                .chars()
                .filter(|c| !matches!(c, '·' | '•'))
                .collect();
            match validate(&v) {
                Ok(p) => Ok((p.details(), v)),
                Err(r) => Err(r.name()),
            }
        },
    },
    rule: Rule {
        name: "ChineseVehiclePlate",
        short: "机动车号牌 / Vehicle licence plate",
        help: "机动车号牌可关联到车主：请删除、脱敏或加密。\nA vehicle licence plate links to its owner: remove, mask or encrypt it.",
    },
    tier: 1,
};

/// The kind of vehicle plates.
pub const KIND: Kind = Kind::of(&SPEC);

pub use super::alnum::Rejection;

/// The province abbreviations and their provinces.
const PROVINCES: [(char, &str); 31] = [
    ('京', "北京"),
    ('津', "天津"),
    ('沪', "上海"),
    ('渝', "重庆"),
    ('冀', "河北"),
    ('豫', "河南"),
    ('云', "云南"),
    ('辽', "辽宁"),
    ('黑', "黑龙江"),
    ('湘', "湖南"),
    ('皖', "安徽"),
    ('鲁', "山东"),
    ('新', "新疆"),
    ('苏', "江苏"),
    ('浙', "浙江"),
    ('赣', "江西"),
    ('鄂', "湖北"),
    ('桂', "广西"),
    ('甘', "甘肃"),
    ('晋', "山西"),
    ('蒙', "内蒙古"),
    ('陕', "陕西"),
    ('吉', "吉林"),
    ('闽', "福建"),
    ('贵', "贵州"),
    ('粤', "广东"),
    ('青', "青海"),
    ('藏', "西藏"),
    ('川', "四川"),
    ('宁', "宁夏"),
    ('琼', "海南"),
];

/// The suffixes of special plates.
const SPECIAL: &str = "学警挂港澳领";

/// The province of an abbreviation.
fn province(c: char) -> Option<&'static str> {
    PROVINCES.iter().find(|(p, _)| *p == c).map(|(_, n)| *n)
}

/// Returns true if and only if `c` may stand in a serial (`A`-`Z` but `I` and `O`, digits).
fn serial_char(c: u8) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase() && !matches!(c, b'I' | b'O')
}

/// What a valid plate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plate {
    /// Its province.
    pub province: &'static str,
    /// `ordinary`, `new_energy_small`, `new_energy_large` or `special`.
    pub series: &'static str,
    /// True if it is reported only with context (3+ letters, a later new-energy series).
    pub needs_context: bool,
}

impl Plate {
    /// What validation established.
    pub fn details(&self) -> Details {
        let mut d = Details::with_capacity(2);
        d.insert("province", json!(self.province));
        d.insert("series", json!(self.series));
        d
    }
}

/// Validates a plate without separator (`京A12345`, `粤BD12345`, `沪A1234学`).
pub fn validate(value: &str) -> Result<Plate, Rejection> {
    let mut chars = value.chars();
    let province = chars.next().and_then(province).ok_or(Rejection::Shape)?;
    let rest = chars.as_str().as_bytes();
    let Some((&letter, serial)) = rest.split_first() else {
        return Err(Rejection::Shape);
    };
    if !letter.is_ascii_uppercase() || matches!(letter, b'I' | b'O') {
        return Err(Rejection::Shape);
    }
    let (series, needs_context) = serial_series(serial).ok_or(Rejection::Shape)?;
    Ok(Plate {
        province,
        series,
        needs_context,
    })
}

/// The series of a serial, and whether it needs context.
fn serial_series(s: &[u8]) -> Option<(&'static str, bool)> {
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    match s.len() {
        5 if s.iter().all(|c| serial_char(*c)) => {
            let letters = s.iter().filter(|c| c.is_ascii_uppercase()).count();
            Some(("ordinary", letters > 2))
        }
        6 if serial_char(s[1]) && digits(&s[2..]) && matches!(s[0], b'D' | b'F') => {
            Some(("new_energy_small", false))
        }
        6 if digits(&s[..5]) && matches!(s[5], b'D' | b'F') => Some(("new_energy_large", false)),
        6 if serial_char(s[1])
            && digits(&s[2..])
            && matches!(s[0], b'A'..=b'E' | b'G' | b'H' | b'J' | b'K') =>
        {
            Some(("new_energy_small", true))
        }
        _ => {
            let (serial, suffix) = (s.get(..4)?, std::str::from_utf8(s.get(4..)?).ok()?);
            let special = suffix.chars().count() == 1 && SPECIAL.contains(suffix);
            (special && serial.iter().all(|c| serial_char(*c))).then_some(("special", false))
        }
    }
}

/// The length of a separator between the letter and the serial at the start of `b`.
fn separator(b: &[u8]) -> usize {
    for sep in ["·", "•", ".", " "] {
        if b.starts_with(sep.as_bytes()) {
            return sep.len();
        }
    }
    0
}

/// Finds plates after the Han characters that start letter-and-digit runs in `lo..hi`.
pub fn candidates(s: &mut Scan, buf: &Buf, lo: usize, hi: usize) {
    let b = buf.bytes;
    let pass = s.tokens(buf, lo, hi);
    for t in pass.han_led.iter() {
        let p = t.start - 3;
        let Some(c) = std::str::from_utf8(&b[p..t.start])
            .ok()
            .and_then(|h| h.chars().next())
        else {
            continue;
        };
        if province(c).is_none() || buf.word_before(p) {
            continue;
        }
        // The serial: the rest of the run, or the run after a separator.
        let (from, mut end) = if t.end - t.start == 1 {
            let sep = separator(&b[t.end..]);
            let from = t.end + sep;
            if sep == 0 || !b.get(from).is_some_and(u8::is_ascii_alphanumeric) {
                continue;
            }
            (
                from,
                from + b[from..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .count(),
            )
        } else {
            (t.start + 1, t.end)
        };
        if buf.word_after(end) || end - from > 6 {
            continue;
        }
        // A special plate's Han suffix.
        if end - from == 4 {
            if let Some(h) = b
                .get(end..end + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
            {
                if SPECIAL.contains(h) {
                    end += 3;
                }
            }
        }
        let mut value = String::with_capacity(end - p);
        value.push(c);
        value.push(char::from(b[t.start]));
        value.push_str(std::str::from_utf8(&b[from..end]).unwrap_or_default());
        let Ok(plate) = validate(&value) else {
            continue;
        };
        s.out.push(Candidate {
            kind: KIND,
            start: p,
            end,
            value,
            confidence: Confidence::Medium,
            needs_context: plate.needs_context,
            details: plate.details(),
            untrue: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn found(text: &str) -> Vec<(String, Confidence)> {
        crate::detect::alnum::found(KIND, text)
    }

    fn values(text: &str) -> Vec<String> {
        found(text).into_iter().map(|(v, _)| v).collect()
    }

    #[test]
    fn vectors() {
        for v in [
            "京A12345",
            "粤BD12345",
            "粤B12345D",
            "沪A1234学",
            "粤Z1234港",
            "京AB1234",
        ] {
            assert!(validate(v).is_ok(), "{v}");
        }
        for v in [
            "京I12345",
            "京A1234",
            "京A123456",
            "沪AO1234",
            "中A12345",
            "京a12345",
        ] {
            assert_eq!(validate(v), Err(Rejection::Shape), "{v}");
        }
        assert!(validate("京ABCD12").unwrap().needs_context, "3 letters");
        assert!(
            validate("京AA12345").unwrap().needs_context,
            "a later series"
        );
    }

    #[test]
    fn found_in_prose() {
        assert_eq!(
            found("车辆京A12345驶入"),
            [("京A12345".into(), Confidence::Medium)]
        );
        assert_eq!(
            found("车牌号：京A·12345"),
            [("京A12345".into(), Confidence::High)]
        );
        assert_eq!(
            values("粤BD12345，粤B12345D；沪A1234学 粤Z1234港"),
            ["粤BD12345", "粤B12345D", "沪A1234学", "粤Z1234港"]
        );
        assert!(values("京A123456").is_empty(), "a longer run");
        assert!(values("京A12345678").is_empty());
        assert!(values("苏E12345A").is_empty());
        assert!(values("x京A12345").is_empty(), "glued before");
        assert!(
            values("型号 ABC12345、XYZ-2000、新款A1234B").is_empty(),
            "model numbers"
        );
        assert!(values("京ABCD12").is_empty(), "3 letters, no context");
        assert_eq!(values("车牌 京ABCD12"), ["京ABCD12"]);
    }

    #[test]
    fn prose_is_linear() {
        let text = "京A".repeat(20_000) + &"新款".repeat(20_000);
        let t = std::time::Instant::now();
        assert!(values(&text).is_empty());
        assert!(t.elapsed().as_secs() < 5);
    }

    proptest! {
        #[test]
        fn every_ordinary_plate_is_found(p in 0usize..31, l in "[A-HJ-NP-Z]", serial in "[0-9]{3}[A-HJ-NP-Z0-9]{2}") {
            let v = format!("{}{l}{serial}", PROVINCES[p].0);
            prop_assert_eq!(values(&format!("停车记录：{v}，入场")), vec![v]);
        }
    }
}
