//! The categories of personal information of the 2017 interpretation on the crime of
//! infringing citizens' personal information (法释〔2017〕10号), and which kinds fall in
//! which, so that a report can state each tier's distinct count beside its thresholds.
//!
//! Art. 5 makes the offence "serious" at 50 items of whereabouts, communication content,
//! credit or property information, 500 items of lodging, communication records, health or
//! transaction information, and 5,000 items of other personal information; art. 6 makes it
//! "especially serious" at ten times these. Which kind is which category is a legal
//! reading that belongs to the examiner: the default maps `bank_card` to property and
//! every other kind to other, and `[counts.categories]` in `piiscan.toml` changes it. A
//! report says which threshold a count reaches *for the examiner's assessment*, never a
//! legal conclusion.

use super::counts::Counts;
use super::Kind;

/// A category of the interpretation.
#[derive(Debug, PartialEq, Eq)]
pub struct Category {
    /// Its name in `piiscan.toml` and reports.
    pub name: &'static str,
    /// Its name in the interpretation.
    pub label: &'static str,
    /// Items at which art. 5 applies (ten times as many: art. 6).
    pub tier: u64,
}

/// The categories, by tier.
pub const CATEGORIES: &[Category] = &[
    Category {
        name: "whereabouts",
        label: "行踪轨迹信息",
        tier: 50,
    },
    Category {
        name: "communication_content",
        label: "通信内容",
        tier: 50,
    },
    Category {
        name: "credit",
        label: "征信信息",
        tier: 50,
    },
    Category {
        name: "property",
        label: "财产信息",
        tier: 50,
    },
    Category {
        name: "lodging",
        label: "住宿信息",
        tier: 500,
    },
    Category {
        name: "communication_records",
        label: "通信记录",
        tier: 500,
    },
    Category {
        name: "health",
        label: "健康生理信息",
        tier: 500,
    },
    Category {
        name: "transaction",
        label: "交易信息",
        tier: 500,
    },
    Category {
        name: "other",
        label: "其他公民个人信息",
        tier: 5000,
    },
];

/// The tiers, from the lowest threshold.
pub const TIERS: [u64; 3] = [50, 500, 5000];

/// The category of every kind not mapped otherwise.
const OTHER: &str = "other";

/// The words every statement of thresholds carries.
pub const ASSESSMENT: &str = "for the examiner's assessment";

/// The default mapping, where it is not [`OTHER`].
fn default_category(kind: Kind) -> &'static str {
    if kind == crate::detect::bank_card::KIND {
        "property"
    } else {
        OTHER
    }
}

/// The category of a name, if it is one.
pub fn category_named(name: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.name == name)
}

/// Which category each kind is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Categories {
    /// In [`Kind::all()`] order.
    of: Vec<&'static Category>,
}

impl Default for Categories {
    fn default() -> Self {
        let of = Kind::all()
            .iter()
            .map(|k| category_named(default_category(*k)).expect("a category"))
            .collect();
        Categories { of }
    }
}

impl Categories {
    /// The category of `kind`.
    pub fn of(&self, kind: Kind) -> &'static Category {
        self.of[kind.index()]
    }

    /// Puts `kind` in `category`.
    pub fn set(&mut self, kind: Kind, category: &'static Category) {
        self.of[kind.index()] = category;
    }

    /// The kinds not in their default category, with theirs.
    pub fn changed(&self) -> Vec<(Kind, &'static str)> {
        Kind::all()
            .iter()
            .filter(|k| self.of(**k).name != default_category(**k))
            .map(|k| (*k, self.of(*k).name))
            .collect()
    }
}

/// One tier's count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierCount {
    /// Items at which art. 5 applies.
    pub tier: u64,
    /// The categories of the tier that some kind is in.
    pub categories: Vec<&'static str>,
    /// The kinds in the tier.
    pub kinds: Vec<Kind>,
    /// Distinct values of those kinds.
    pub distinct: u64,
}

impl TierCount {
    /// The multiple of the tier its distinct count reaches: 10 (art. 6), 1 (art. 5), or
    /// none.
    pub fn reached(&self) -> Option<u64> {
        reached(self.tier, self.distinct)
    }
}

/// The multiple of `tier` that `distinct` reaches: 10, 1, or none.
pub fn reached(tier: u64, distinct: u64) -> Option<u64> {
    [10, 1].into_iter().find(|m| distinct >= tier * m)
}

/// Every tier's count, from the lowest threshold.
pub fn tier_counts(counts: &Counts, categories: &Categories) -> Vec<TierCount> {
    TIERS
        .iter()
        .map(|&tier| {
            let mut t = TierCount {
                tier,
                categories: Vec::new(),
                kinds: Vec::new(),
                distinct: 0,
            };
            for c in &counts.by_kind {
                let cat = categories.of(c.kind);
                if cat.tier != tier {
                    continue;
                }
                t.kinds.push(c.kind);
                t.distinct += c.distinct;
                if !t.categories.contains(&cat.name) {
                    t.categories.push(cat.name);
                }
            }
            t
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{bank_card, cn_id};

    #[test]
    fn categories_are_unique_and_in_the_tiers() {
        for (i, c) in CATEGORIES.iter().enumerate() {
            assert!(TIERS.contains(&c.tier), "{}", c.name);
            assert!(CATEGORIES[..i].iter().all(|d| d.name != c.name));
        }
        assert!(category_named(OTHER).is_some());
    }

    #[test]
    fn default_maps_cards_to_property_and_the_rest_to_other() {
        let mut cats = Categories::default();
        assert_eq!(cats.of(bank_card::KIND).name, "property");
        assert_eq!(cats.of(cn_id::KIND).tier, 5000);
        assert!(cats.changed().is_empty());
        cats.set(cn_id::KIND, category_named("lodging").unwrap());
        assert_eq!(cats.changed(), vec![(cn_id::KIND, "lodging")]);
        let mut counts = Counts::empty();
        counts.by_kind[bank_card::KIND.index()].distinct = 500;
        counts.by_kind[cn_id::KIND.index()].distinct = 499;
        let t = tier_counts(&counts, &cats);
        assert_eq!(t[0].kinds, vec![bank_card::KIND]);
        assert_eq!((t[0].distinct, t[0].reached()), (500, Some(10)));
        assert_eq!((t[1].distinct, t[1].reached()), (499, None));
        assert_eq!(t[1].categories, vec!["lodging"]);
        assert_eq!(reached(5000, 5000), Some(1));
        assert_eq!(reached(5000, 49_999), Some(1));
        assert_eq!(reached(5000, 50_000), Some(10));
    }
}
