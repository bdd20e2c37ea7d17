//! The data tables of `patterns/`, embedded at build time and parsed once on first use.
//!
//! Each table is a tab-separated file with a `#` header line; see `patterns/README.md` for
//! sources, versions and licences. Parsing is strict: a malformed row is a build defect and
//! is caught by the table tests below, so the accessors here never fail at scan time.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::Kind;

static DIVISIONS_TSV: &str = include_str!("../../patterns/divisions.tsv");
static MOBILE_TSV: &str = include_str!("../../patterns/mobile_segments.tsv");
static LANDLINE_TSV: &str = include_str!("../../patterns/landline_areas.tsv");
static BINS_TSV: &str = include_str!("../../patterns/bins.tsv");
static KEYWORDS_TSV: &str = include_str!("../../patterns/keywords.tsv");
static NATIONALITIES_TSV: &str = include_str!("../../patterns/nationalities.tsv");
static SURNAMES_TSV: &str = include_str!("../../patterns/surnames.tsv");

fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

/// One administrative division code of GB/T 2260, current or retired.
#[derive(Debug, Clone)]
pub struct Division {
    /// The six-digit code.
    pub code: u32,
    /// Its own (short) name, e.g. `朝阳区`.
    pub name: &'static str,
    /// First year the code was listed.
    pub first_year: u16,
    /// Last year the code was listed; `None` while it is current.
    pub last_year: Option<u16>,
}

/// All division codes, indexed by code.
pub struct Divisions {
    by_code: HashMap<u32, Division>,
}

impl Divisions {
    /// Looks a code up.
    pub fn get(&self, code: u32) -> Option<&Division> {
        self.by_code.get(&code)
    }

    /// Every division, in code order.
    pub fn iter(&self) -> impl Iterator<Item = &Division> {
        let mut v: Vec<&Division> = self.by_code.values().collect();
        v.sort_by_key(|d| d.code);
        v.into_iter()
    }

    /// Number of codes in the table.
    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    /// Returns true if and only if the table is empty.
    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    /// The full name of a code: province, prefecture and county names joined, skipping
    /// placeholder names such as `市辖区` and repeated levels, e.g. `北京市朝阳区`.
    pub fn full_name(&self, code: u32) -> String {
        let mut out = String::new();
        let levels = [code / 10_000 * 10_000, code / 100 * 100, code];
        let mut last = u32::MAX;
        for level in levels {
            if level == last {
                continue;
            }
            last = level;
            if let Some(d) = self.get(level) {
                if is_placeholder_name(d.name) {
                    continue;
                }
                out.push_str(d.name);
            }
        }
        out
    }
}

/// Returns true if and only if `name` is a placeholder of the standard rather than a place
/// (`市辖区`, `市区`, `县`, `省直辖县级行政区划`, `…单位`).
pub fn is_placeholder_name(name: &str) -> bool {
    matches!(name, "市辖区" | "市区" | "县" | "郊区")
        || name.contains("直辖")
        || name.ends_with("单位")
}

/// The division code table.
pub static DIVISIONS: LazyLock<Divisions> = LazyLock::new(|| {
    let mut by_code = HashMap::new();
    for r in rows(DIVISIONS_TSV) {
        let code: u32 = r[0].parse().expect("division code");
        let first_year = r.get(2).and_then(|s| s.parse().ok()).unwrap_or(1980);
        let last_year = r.get(3).and_then(|s| s.trim().parse().ok());
        by_code.insert(
            code,
            Division {
                code,
                name: r.get(1).copied().unwrap_or(""),
                first_year,
                last_year,
            },
        );
    }
    Divisions { by_code }
});

/// One mobile number segment (a prefix of 3 to 5 digits).
#[derive(Debug, Clone)]
pub struct MobileSegment {
    /// The prefix digits.
    pub prefix: &'static str,
    /// The carrier that was allocated the segment (number portability means the
    /// prefix no longer proves the carrier).
    pub carrier: &'static str,
    /// False for segments that do not identify a person (emergency, Inmarsat, …).
    pub personal: bool,
    /// Free text, e.g. `data card`.
    pub note: &'static str,
}

/// Mobile segments, longest prefix wins.
pub static MOBILE_SEGMENTS: LazyLock<HashMap<&'static str, MobileSegment>> = LazyLock::new(|| {
    rows(MOBILE_TSV)
        .map(|r| {
            let seg = MobileSegment {
                prefix: r[0],
                carrier: r.get(1).copied().unwrap_or(""),
                personal: r.get(2).is_none_or(|p| *p != "no"),
                note: r.get(3).copied().unwrap_or(""),
            };
            (r[0], seg)
        })
        .collect()
});

/// Returns the segment of an 11-digit mobile number by longest prefix, if allocated.
pub fn mobile_segment(number: &str) -> Option<&'static MobileSegment> {
    (3..=5)
        .rev()
        .filter_map(|n| number.get(..n))
        .find_map(|p| MOBILE_SEGMENTS.get(p))
}

/// A landline area code with the lengths its local numbers take.
#[derive(Debug, Clone)]
pub struct LandlineArea {
    /// Area code without the trunk `0`, e.g. `10`, `571`.
    pub code: &'static str,
    /// Bit set of allowed local number lengths (bit 7 for 7 digits, bit 8 for 8).
    pub lengths: u16,
    /// City name.
    pub city: &'static str,
    /// Province name.
    pub province: &'static str,
}

impl LandlineArea {
    /// Returns true if and only if local numbers of `len` digits exist in this area.
    pub fn allows_len(&self, len: usize) -> bool {
        len < 16 && self.lengths & (1 << len) != 0
    }
}

/// Landline area codes keyed by the code without trunk `0`.
pub static LANDLINE_AREAS: LazyLock<HashMap<&'static str, LandlineArea>> = LazyLock::new(|| {
    rows(LANDLINE_TSV)
        .map(|r| {
            let lengths = r
                .get(1)
                .map(|s| {
                    s.split(',')
                        .filter_map(|n| n.trim().parse::<u16>().ok())
                        .filter(|n| *n < 16)
                        .fold(0u16, |acc, n| acc | (1 << n))
                })
                .unwrap_or(0);
            let area = LandlineArea {
                code: r[0],
                lengths,
                city: r.get(2).copied().unwrap_or(""),
                province: r.get(3).copied().unwrap_or(""),
            };
            (r[0], area)
        })
        .collect()
});

/// A card issuer prefix (BIN).
#[derive(Debug, Clone)]
pub struct Bin {
    /// The prefix digits.
    pub prefix: &'static str,
    /// Card lengths issued under this prefix; empty when unknown.
    pub lengths: Vec<u8>,
    /// Issuing bank.
    pub bank: &'static str,
    /// `debit`, `credit`, … or empty.
    pub card_type: &'static str,
    /// Card network.
    pub network: &'static str,
}

/// Card issuer prefixes keyed by prefix.
pub static BINS: LazyLock<HashMap<&'static str, Bin>> = LazyLock::new(|| {
    rows(BINS_TSV)
        .map(|r| {
            let bin = Bin {
                prefix: r[0],
                lengths: r
                    .get(1)
                    .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
                    .unwrap_or_default(),
                bank: r.get(2).copied().unwrap_or(""),
                card_type: r.get(3).copied().unwrap_or(""),
                network: r.get(4).copied().unwrap_or(""),
            };
            (r[0], bin)
        })
        .collect()
});

/// Longest BIN prefix of `digits` whose length list admits a card of this length.
pub fn bin_lookup(digits: &str) -> Option<&'static Bin> {
    (2..=10.min(digits.len()))
        .rev()
        .filter_map(|n| BINS.get(&digits[..n]))
        .find(|b| b.lengths.is_empty() || b.lengths.contains(&(digits.len() as u8)))
}

/// ISO 3166-1 numeric codes as assigned, with their alpha-3 codes (`840` → `USA`).
pub static NATIONALITIES: LazyLock<HashMap<u32, &'static str>> = LazyLock::new(|| {
    rows(NATIONALITIES_TSV)
        .map(|r| (r[0].parse().expect("numeric code"), r[1]))
        .collect()
});

/// Labels of numbers that are not personal (`订单号`, `order`, `IMEI`, …).
pub static DECOY_KEYWORDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    rows(KEYWORDS_TSV)
        .filter(|r| r[0] == "decoy")
        .filter_map(|r| r.get(1).copied())
        .collect()
});

/// The surnames of `cn_name`: single and compound, simplified and traditional.
pub static SURNAMES: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| rows(SURNAMES_TSV).map(|r| r[0]).collect());

/// Context keywords: `(kind, keyword)` pairs.
pub static KEYWORDS: LazyLock<Vec<(Kind, &'static str)>> = LazyLock::new(|| {
    rows(KEYWORDS_TSV)
        .filter_map(|r| Some((Kind::from_name(r[0])?, *r.get(1)?)))
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    fn check_sorted_unique(name: &str, tsv: &str) {
        let keys: Vec<&str> = tsv
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        for w in keys.windows(2) {
            assert!(
                w[0] < w[1],
                "{name}: {} then {} (unsorted or duplicate)",
                w[0],
                w[1]
            );
        }
    }

    #[test]
    fn tables_are_sorted_and_unique() {
        check_sorted_unique("divisions", DIVISIONS_TSV);
        check_sorted_unique("mobile_segments", MOBILE_TSV);
        check_sorted_unique("landline_areas", LANDLINE_TSV);
        check_sorted_unique("bins", BINS_TSV);
        check_sorted_unique("nationalities", NATIONALITIES_TSV);
        assert_eq!(NATIONALITIES.len(), 249);
        assert_eq!(NATIONALITIES.get(&840), Some(&"USA"));
        assert!(!NATIONALITIES.contains_key(&983), "user-assigned");
    }

    #[test]
    fn division_rows_are_well_formed() {
        for r in rows(DIVISIONS_TSV) {
            assert_eq!(r[0].len(), 6, "{r:?}");
            assert!(r[0].bytes().all(|b| b.is_ascii_digit()), "{r:?}");
            assert!(!r[1].is_empty(), "{r:?}");
        }
        assert!(DIVISIONS.get(110105).is_some());
        assert!(
            DIVISIONS.get(440524).is_some(),
            "retired 潮阳县 must be kept"
        );
        assert_eq!(DIVISIONS.full_name(110105), "北京市朝阳区");
    }

    #[test]
    fn keyword_rows_name_known_kinds() {
        for r in rows(KEYWORDS_TSV) {
            assert!(Kind::from_name(r[0]).is_some() || r[0] == "decoy", "{r:?}");
            assert!(!r[1].is_empty());
        }
        assert!(KEYWORDS
            .iter()
            .any(|(k, w)| *k == crate::detect::cn_id::KIND && *w == "身份证"));
    }

    #[test]
    fn landline_and_bin_rows_are_well_formed() {
        for r in rows(LANDLINE_TSV) {
            assert!((2..=3).contains(&r[0].len()), "{r:?}");
            assert!(r[0].bytes().all(|b| b.is_ascii_digit()) && !r[0].starts_with('0'));
            assert!(LANDLINE_AREAS[r[0]].lengths != 0, "{r:?}");
        }
        for r in rows(BINS_TSV) {
            assert!(r[0].bytes().all(|b| b.is_ascii_digit()), "{r:?}");
            assert!(!r[2].is_empty(), "{r:?}");
        }
        assert!(bin_lookup("6222021234567890123").is_some());
        assert!(mobile_segment("13800138000").is_some());
        assert!(LANDLINE_AREAS["10"].allows_len(8));
        assert!(!LANDLINE_AREAS["571"].allows_len(7));
    }
}
