//! Untrue values, counted: the evidence that items of a batch are not genuine.
//!
//! A value that has the shape of a kind and stands where that kind belongs (after its
//! label, in its column) but fails the kind's checks — an ID column's value with a wrong
//! check character or an impossible birth date, a card column's number failing Luhn, a
//! mobile column's number in no allocated segment — is *untrue* (法释〔2017〕10号 art. 11
//! counts items "except those proven untrue or repeated"). Such values are not findings:
//! they are counted by kind and reason, and the first [`SAMPLE`] of each, in report order,
//! are listed with their place so the examiner can check them.
//!
//! ```
//! use piiscan::evidence::untrue::Untrue;
//! let u = Untrue::default();
//! assert!(u.finish().is_empty());
//! ```

use std::collections::{BTreeMap, BinaryHeap};

use super::{Finding, Kind};

/// Places listed per kind and reason.
pub const SAMPLE: usize = 100;

/// Where an untrue value stands, with its raw value (masked when reported).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    /// The file, as reports show it.
    pub path: String,
    /// The member of a container, if any.
    pub member: Option<String>,
    /// 1-based line.
    pub line: u64,
    /// Offset of its first raw byte.
    pub offset: u64,
    /// The raw normalised value.
    pub value: String,
}

/// The untrue values of one kind that failed for one reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UntrueCount {
    /// The kind whose shape and context the values have.
    pub kind: Kind,
    /// Why they are untrue (`bad_check`, `bad_date`, `unknown_division`, `luhn`, …).
    pub reason: &'static str,
    /// How many were met.
    pub count: u64,
    /// The first [`SAMPLE`] of them in report order (path, member, line, offset).
    pub sample: Vec<Place>,
}

/// Counts untrue values as they come.
#[derive(Debug, Default)]
pub struct Untrue {
    /// By kind index and reason: the count, and the first places met so far (a max-heap
    /// holding at most [`SAMPLE`]).
    tally: BTreeMap<(usize, &'static str), (u64, BinaryHeap<Place>)>,
}

impl Untrue {
    /// Counts the untrue values among `found` (those whose `untrue` is set).
    pub fn add(&mut self, found: &[Finding]) {
        for f in found {
            let Some(reason) = f.untrue else { continue };
            let (count, sample) = self.tally.entry((f.kind.index(), reason)).or_default();
            *count += 1;
            let place = Place {
                path: f.path.clone(),
                member: f.member.clone(),
                line: f.line,
                offset: f.offset,
                value: f.value.clone(),
            };
            if sample.len() < SAMPLE {
                sample.push(place);
            } else if sample.peek().is_some_and(|last| place < *last) {
                sample.pop();
                sample.push(place);
            }
        }
    }

    /// The counts, by kind (in registry order) and reason.
    pub fn finish(self) -> Vec<UntrueCount> {
        let kinds = Kind::all();
        self.tally
            .into_iter()
            .filter_map(|((k, reason), (count, sample))| {
                Some(UntrueCount {
                    kind: *kinds.get(k)?,
                    reason,
                    count,
                    sample: sample.into_sorted_vec(),
                })
            })
            .collect()
    }
}

/// Takes the untrue values out of `found`, leaving the findings.
pub fn split(found: &mut Vec<Finding>) -> Vec<Finding> {
    if found.iter().all(|f| f.untrue.is_none()) {
        return Vec::new();
    }
    let (untrue, findings): (Vec<Finding>, Vec<Finding>) = std::mem::take(found)
        .into_iter()
        .partition(|f| f.untrue.is_some());
    *found = findings;
    untrue
}

/// How many of `found` are findings (not untrue values).
pub fn findings_in(found: &[Finding]) -> u64 {
    found.iter().filter(|f| f.untrue.is_none()).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{cn_id, Confidence};

    fn untrue(path: &str, offset: u64, reason: &'static str) -> Finding {
        Finding {
            kind: cn_id::KIND,
            value: "110105194912310021".into(),
            path: path.into(),
            member: None,
            offset,
            length: 18,
            line: 1,
            column: 1,
            encoding: "utf-8",
            cell: None,
            confidence: Confidence::Low,
            context: Default::default(),
            details: Default::default(),
            allowed: false,
            untrue: Some(reason),
            record: None,
        }
    }

    #[test]
    fn counts_by_kind_and_reason_and_keeps_the_first_places_in_report_order() {
        let mut u = Untrue::default();
        // Offsets met out of order, across two adds, more than the sample holds.
        let n = SAMPLE as u64 + 50;
        let mut found: Vec<Finding> = (0..n).rev().map(|i| untrue("b", i, "bad_check")).collect();
        found.push(untrue("a", 7, "bad_date"));
        let mut plain = untrue("a", 1, "bad_check");
        plain.untrue = None;
        found.push(plain);
        u.add(&found[..60]);
        u.add(&found[60..]);
        let counts = u.finish();
        assert_eq!(counts.len(), 2);
        let (check, date) = (&counts[0], &counts[1]);
        assert_eq!((check.reason, check.count), ("bad_check", n));
        assert_eq!(check.sample.len(), SAMPLE);
        let offsets: Vec<u64> = check.sample.iter().map(|p| p.offset).collect();
        assert_eq!(offsets, (0..SAMPLE as u64).collect::<Vec<_>>());
        assert_eq!(
            (date.reason, date.count, date.sample.len()),
            ("bad_date", 1, 1)
        );
    }

    #[test]
    fn split_leaves_the_findings() {
        let mut found = vec![untrue("a", 1, "bad_check"), untrue("a", 2, "bad_date")];
        found[1].untrue = None;
        assert_eq!(findings_in(&found), 1);
        let out = split(&mut found);
        assert_eq!((out.len(), found.len()), (1, 1));
        assert_eq!(found[0].offset, 2);
        assert!(split(&mut found).is_empty());
    }
}
