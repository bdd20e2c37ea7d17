//! Repeated findings folded into one: a log's copies of a page, frame after frame, and
//! the stale copies of live rows that deleted or moved cells leave in free space.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::wal;
use crate::evidence::{Finding, Kind};

/// Page splits, rebalancing and vacuum-less deletes leave stale copies of live rows in
/// free space. A deleted or unplaced value that a live row of the same database also
/// holds says nothing new: it is counted on the live finding (`stale_copies`) instead
/// of being reported again. Deleted values no live row holds are all reported.
pub(super) fn fold_stale_copies(findings: Vec<Finding>) -> Vec<Finding> {
    let live = |f: &Finding| {
        f.details.get("sqlite").is_some_and(|d| {
            d.get("column").is_some()
                && d.get("deleted").is_none()
                && d.get("unallocated").is_none()
        })
    };
    let mut first: HashMap<(Kind, String), usize> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if live(f) {
            first.entry((f.kind, f.value.clone())).or_insert(i);
        }
    }
    let mut copies = vec![0u64; findings.len()];
    let mut keep = vec![true; findings.len()];
    for (i, f) in findings.iter().enumerate() {
        if !live(f) {
            if let Some(&j) = first.get(&(f.kind, f.value.clone())) {
                copies[j] += 1;
                keep[i] = false;
            }
        }
    }
    findings
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep[*i])
        .map(|(i, mut f)| {
            if copies[i] > 0 {
                if let Some(Value::Object(d)) = f.details.get_mut("sqlite") {
                    d.insert("stale_copies".into(), json!(copies[i]));
                }
            }
            f
        })
        .collect()
}

/// A log holds a version of a page in every frame that wrote it, so the same value at
/// the same place of the same page repeats frame after frame. Keeps the copy in the
/// latest frame, with the number of frames that hold it (`wal_copies`). `frame` is the
/// length of a frame; `findings` are in offset order.
pub(super) fn latest_wal_copies(findings: Vec<Finding>, frame: u64) -> Vec<Finding> {
    let page_of = |f: &Finding| {
        f.details
            .get("sqlite")
            .and_then(|d| d.get("page"))
            .and_then(Value::as_u64)
    };
    let mut best: HashMap<(u64, u64, Kind, String), (usize, u64)> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        let within = (f.offset.saturating_sub(wal::HEADER)) % frame;
        let key = (
            page_of(f).unwrap_or(u64::MAX),
            within,
            f.kind,
            f.value.clone(),
        );
        let e = best.entry(key).or_insert((i, 0));
        e.0 = i; // findings are in offset order: the later frame wins
        e.1 += 1;
    }
    let mut keep: Vec<(usize, u64)> = best.into_values().collect();
    keep.sort_unstable();
    let mut findings: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    keep.into_iter()
        .filter_map(|(i, copies)| {
            let mut f = findings[i].take()?;
            if let Some(Value::Object(d)) = f.details.get_mut("sqlite") {
                d.insert("wal_copies".into(), json!(copies));
            }
            Some(f)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_copies_of_live_values_are_counted_not_repeated() {
        let f = |value: &str, offset: u64, d: Value| Finding {
            kind: crate::detect::cn_mobile::KIND,
            value: value.into(),
            path: String::new(),
            member: None,
            offset,
            length: 11,
            line: 0,
            column: 0,
            encoding: "binary",
            cell: None,
            confidence: crate::evidence::Confidence::High,
            context: Default::default(),
            details: [("sqlite".to_string(), d)].into_iter().collect(),
            allowed: false,
            untrue: None,
            record: None,
        };
        let live = json!({"page": 2, "table": "t", "column": "m"});
        let stale = json!({"page": 9, "unallocated": true, "deleted": true});
        let out = fold_stale_copies(vec![
            f("13800138000", 10, stale.clone()),
            f("13800138000", 20, live.clone()),
            f("13900139000", 30, stale.clone()),
            f(
                "13800138000",
                40,
                json!({"page": 2, "table": "t", "column": "m", "deleted": true}),
            ),
        ]);
        let kept: Vec<u64> = out.iter().map(|f| f.offset).collect();
        assert_eq!(kept, [20, 30], "the deleted value no live row holds stays");
        assert_eq!(out[0].details["sqlite"]["stale_copies"], 2);
    }
}
