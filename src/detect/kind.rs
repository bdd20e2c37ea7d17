//! Kinds of identifier: each detector declares everything about its kind in one
//! [`KindSpec`] (its name, rank in conflicts, how `piiscan check` tries a value, how its
//! values are masked, its SARIF rule and its label in the evidence list), and the rest of
//! the program reads the registry [`super::KINDS`] of these specs instead of matching on
//! kinds.
//!
//! Adding a kind is one new detector file that declares `static SPEC: KindSpec` and
//! `pub const KIND: Kind`, one line in the registry, and its context keywords in
//! `patterns/keywords.tsv`.

use std::hash::{Hash, Hasher};

use std::sync::OnceLock;

use serde::{Serialize, Serializer};

use super::digits::{Buf, Run};
use super::{Details, Scan};
use crate::time::Date;

/// Everything the program knows about one kind of identifier.
pub struct KindSpec {
    /// The name used in reports, on the command line and as the SARIF rule id.
    pub name: &'static str,
    /// Its category in the Chinese evidence list (类别).
    pub label: &'static str,
    /// Rank in conflicts between overlapping candidates of equal length (higher wins);
    /// `piiscan check` also tries kinds in falling rank.
    pub rank: u8,
    /// How its candidates are found.
    pub find: Finder,
    /// True if its finder is costly and runs only when the kind is asked for; the other
    /// kinds are always looked for, so they win conflicts even when they are not reported.
    pub optional: bool,
    /// The highest confidence its findings get (context raises them no further): `Low`
    /// for kinds whose values are evidence of an identifier but not one (a number cut
    /// to 15 digits).
    pub ceiling: Confidence,
    /// How values are masked for display.
    pub mask: Mask,
    /// Details that reveal part of the value, and what reports show of them without
    /// `--reveal`.
    pub revealing: &'static [Revealing],
    /// How `piiscan check` tries a value as this kind.
    pub check: Check,
    /// Its SARIF rule.
    pub rule: Rule,
    /// Its tier in conflicts, decided before lengths and ranks (higher wins): 1 for the
    /// built-in kinds, 0 for custom rules (they give way to built-in kinds), 2 for custom
    /// rules with `priority = "high"`.
    pub tier: u8,
}

/// Tries the written forms of an item that start at digit run `i` of `runs`.
pub type DigitsFinder = fn(&mut Scan, &Buf, &[Run], usize);
/// Tries an item around the byte at `at`.
pub type AroundFinder = fn(&mut Scan, &Buf, usize);
/// Reads the range `lo..hi` of a buffer.
pub type RangeFinder = fn(&mut Scan, &Buf, usize, usize);

/// How a kind's candidates are found in a buffer; each pushes the validated candidates
/// into the [`Scan`].
#[derive(Clone, Copy)]
pub enum Finder {
    /// Tries the written forms of an item that start at digit run `i` (numbers).
    Digits(DigitsFinder),
    /// Tries an item around each occurrence of a byte in the scanned range (`@`).
    Around(u8, AroundFinder),
    /// Reads the scanned range `lo..hi` itself (text such as addresses).
    Range(RangeFinder),
    /// Reads a value after each label of the kind, and in each cell of a column of its own
    /// (kinds reported only with context: see [`super::labelled`]).
    Labelled(super::labelled::ValueReader),
}

/// How a value of a kind is masked (applied by `evidence::mask`, the one place values
/// become display text).
pub enum Mask {
    /// Keep this many leading and trailing characters of the value (given the value),
    /// stars between.
    Ends(fn(&str) -> (usize, usize)),
    /// An e-mail address: the first character of the local part and the domain.
    Email,
    /// A postal address: divisions and names stay, numbers of roads, buildings and rooms go.
    Address,
    /// Keep this many leading and trailing characters, stars between (a custom rule's
    /// `mask`).
    Keep(usize, usize),
}

/// A detail that reveals part of a value (a birth date in an ID number): without
/// `--reveal`, reports show `shown(value)` under the key `shown_as` in its place.
pub struct Revealing {
    /// The detail's key.
    pub key: &'static str,
    /// The key of what is shown instead.
    pub shown_as: &'static str,
    /// What is shown instead.
    pub shown: fn(&serde_json::Value) -> serde_json::Value,
}

/// The SARIF rule of a kind.
pub struct Rule {
    /// The rule's name (`ChineseResidentIdNumber`).
    pub name: &'static str,
    /// Its short description, in Chinese and English.
    pub short: &'static str,
    /// Its full description and help, in Chinese and English.
    pub help: &'static str,
}

/// A value given to `piiscan check`, folded and cut into the shapes validators look at.
pub struct Shape<'a> {
    /// The folded value, trimmed.
    pub text: &'a str,
    /// The folded value without separators (spaces, dashes, dots, parentheses) and
    /// without a landline extension.
    pub compact: &'a str,
    /// `compact` without a leading `+`.
    pub digits: &'a str,
    /// True if `digits` is all ASCII digits (and not empty).
    pub all_digits: bool,
    /// True if `compact` is 17 digits and a digit or `X`.
    pub id_shape: bool,
    /// True if the user asked for this kind only (`--type`): every kind tries any shape.
    pub only: bool,
}

impl Shape<'_> {
    /// The compact value without a country code (`+86`, `0086`, or `86` before 11
    /// digits), if it has one.
    pub fn without_country(&self) -> Option<&str> {
        let c = self.compact;
        c.strip_prefix("+86")
            .or_else(|| c.strip_prefix("0086"))
            .or_else(|| (c.len() == 13).then(|| c.strip_prefix("86")).flatten())
    }
}

/// What `piiscan check` makes of a value as one kind: its details and normalised value,
/// or the named reason it is not valid.
pub type Attempt = Result<(Details, String), &'static str>;

/// How `piiscan check` tries a value as one kind.
pub struct Check {
    /// Returns true if and only if the value has a shape worth trying as this kind.
    pub fits: fn(&Shape) -> bool,
    /// Returns true if and only if the shape suggests this kind even when it is not
    /// valid (the kind named with the reason when no kind accepts the value).
    pub suggested: fn(&Shape) -> bool,
    /// Validates the value as this kind, given today's date.
    pub attempt: fn(&Shape, Date) -> Attempt,
}

/// The registry with custom kinds, once they are registered.
static REGISTRY: OnceLock<&'static [Kind]> = OnceLock::new();

/// A kind of identifier: a handle on its [`KindSpec`] in the registry.
#[derive(Clone, Copy)]
pub struct Kind(&'static KindSpec);

impl Kind {
    /// The kind declared by `spec` (a `static` of its detector).
    pub const fn of(spec: &'static KindSpec) -> Kind {
        Kind(spec)
    }

    /// Every kind, in report order: the built-in registry [`super::KINDS`], then the kinds
    /// of custom rules once [`Kind::register`] added them.
    pub fn all() -> &'static [Kind] {
        REGISTRY.get().copied().unwrap_or(super::KINDS)
    }

    /// Adds `extra` kinds (custom rules, built once from the config) after the built-in
    /// ones, for the rest of the process. A process registers at most once: a second call
    /// with other kinds is an error, as are more kinds than a [`KindSet`] holds and a name
    /// already taken.
    pub fn register(extra: Vec<&'static KindSpec>) -> Result<(), String> {
        if super::KINDS.len() + extra.len() > MAX_KINDS {
            return Err(format!(
                "too many rules: at most {} custom rules",
                MAX_KINDS - super::KINDS.len()
            ));
        }
        let mut all: Vec<Kind> = super::KINDS.to_vec();
        for spec in extra {
            if all.iter().any(|k| k.name() == spec.name) {
                return Err(format!("the type '{}' is defined twice", spec.name));
            }
            all.push(Kind(spec));
        }
        if let Some(had) = REGISTRY.get() {
            let same =
                had.len() == all.len() && had.iter().zip(&all).all(|(a, b)| a.name() == b.name());
            return if same {
                Ok(())
            } else {
                Err("custom rules were already registered in this process".into())
            };
        }
        let _ = REGISTRY.set(Vec::leak(all));
        Ok(())
    }

    /// Everything about this kind.
    pub fn spec(self) -> &'static KindSpec {
        self.0
    }

    /// The name used in reports and on the command line.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// Parses a kind name.
    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::all().iter().copied().find(|k| k.name() == s)
    }

    /// Its position in report order.
    pub fn index(self) -> usize {
        Kind::all()
            .iter()
            .position(|k| std::ptr::eq(k.0, self.0))
            .expect("every kind is in the registry")
    }
}

impl PartialEq for Kind {
    fn eq(&self, other: &Kind) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Kind {}

impl Hash for Kind {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(self.0, state);
    }
}

impl PartialOrd for Kind {
    fn partial_cmp(&self, other: &Kind) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Report order.
impl Ord for Kind {
    fn cmp(&self, other: &Kind) -> std::cmp::Ordering {
        if self == other {
            return std::cmp::Ordering::Equal;
        }
        self.index().cmp(&other.index())
    }
}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Words of a [`KindSet`].
const WORDS: usize = 4;
/// The most kinds a registry may hold: one bit of a [`KindSet`] is the decoy mark.
pub const MAX_KINDS: usize = WORDS * 64 - 1;

/// A set of kinds, and a mark for decoy labels (order, transaction, device numbers) that
/// context sets beside them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindSet([u64; WORDS]);

impl KindSet {
    /// The set holding only the decoy mark.
    pub const DECOY: KindSet = {
        let mut w = [0; WORDS];
        w[WORDS - 1] = 1 << 63;
        KindSet(w)
    };

    /// The set of every kind.
    pub fn all() -> KindSet {
        Kind::all()
            .iter()
            .fold(KindSet::default(), |s, k| s.with(*k))
    }

    /// The set of `kind` alone.
    pub fn of(kind: Kind) -> KindSet {
        KindSet::default().with(kind)
    }

    /// The set with `kind` added.
    pub fn with(mut self, kind: Kind) -> KindSet {
        self.insert(kind);
        self
    }

    /// Returns true if and only if `kind` is in the set.
    pub fn contains(self, kind: Kind) -> bool {
        let i = kind.index();
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    /// Returns true if and only if the set holds no kind and no mark.
    pub fn is_empty(self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// Returns true if and only if the set holds the decoy mark.
    pub fn has_decoy(self) -> bool {
        self.0[WORDS - 1] & (1 << 63) != 0
    }

    /// Adds a kind.
    pub fn insert(&mut self, kind: Kind) {
        let i = kind.index();
        self.0[i / 64] |= 1 << (i % 64);
    }

    /// Removes a kind.
    pub fn remove(&mut self, kind: Kind) {
        let i = kind.index();
        self.0[i / 64] &= !(1 << (i % 64));
    }

    /// Adds every kind (and mark) of `other`.
    pub fn union_with(&mut self, other: KindSet) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
    }

    /// Removes every kind (and mark) of `other`.
    pub fn subtract(&mut self, other: KindSet) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a &= !b;
        }
    }
}

/// How sure piiscan is that a finding is a real identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Shape and semantics fit, but nothing else supports it.
    Low,
    /// Validated, without a checksum or without supporting context.
    Medium,
    /// Checksum-validated, or validated with supporting context.
    High,
}

impl Confidence {
    /// Parses `low`, `medium` or `high`.
    pub fn from_name(s: &str) -> Option<Confidence> {
        match s {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }

    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// One step up, saturating at `High`.
    pub fn raise(self) -> Confidence {
        match self {
            Confidence::Low => Confidence::Medium,
            _ => Confidence::High,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_names_each_kind_once_and_fits_a_kind_set() {
        assert!(Kind::all().len() <= MAX_KINDS);
        for (i, k) in Kind::all().iter().enumerate() {
            assert_eq!(k.index(), i);
            assert_eq!(Kind::from_name(k.name()), Some(*k));
            assert!(!k.spec().label.is_empty() && !k.spec().rule.name.is_empty());
        }
        let ranks: std::collections::BTreeSet<u8> =
            Kind::all().iter().map(|k| k.spec().rank).collect();
        assert_eq!(ranks.len(), Kind::all().len(), "ranks are a strict order");
    }

    #[test]
    fn a_kind_set_holds_kinds_and_the_decoy_mark_apart() {
        let mut s = KindSet::default();
        for k in Kind::all() {
            assert!(!s.contains(*k));
            s.insert(*k);
            assert!(s.contains(*k) && !s.has_decoy());
        }
        assert_eq!(s, KindSet::all());
        s.union_with(KindSet::DECOY);
        assert!(s.has_decoy());
        s.subtract(KindSet::DECOY);
        assert_eq!(s, KindSet::all());
        s.remove(Kind::all()[0]);
        assert!(!s.contains(Kind::all()[0]) && s.contains(Kind::all()[1]));
    }
}
