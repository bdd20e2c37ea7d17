//! Recall and precision against the ground truth of `tests/data/truth.tsv`.

use std::collections::BTreeSet;

use crate::util::{items, scan_json, truth, Item, TRUTH_TYPES};

fn scan_testdata() -> BTreeSet<Item> {
    let (code, report) = scan_json(&[TRUTH_TYPES, "--reveal", "--hash-key", "t", "testdata"]);
    assert_eq!(code, 1, "findings → exit 1");
    items(&report)
}

#[test]
fn every_true_item_is_found_and_nothing_else() {
    let truth = truth();
    assert!(truth.len() > 500, "truth has {} rows", truth.len());
    // The formats of testdata/unwrap/ are checked in detail in tests/integration/unwrap.rs,
    // the counts of testdata/counts/ and testdata/records/ in tests/integration/counts.rs and
    // records.rs.
    let found: BTreeSet<Item> = scan_testdata()
        .into_iter()
        .filter(|i| {
            !i.0.starts_with("unwrap/")
                && !i.0.starts_with("encoded/")
                && !i.0.starts_with("counts/")
                && !i.0.starts_with("records/")
        })
        .collect();
    let truth: BTreeSet<Item> = truth
        .into_iter()
        .filter(|i| !i.0.starts_with("unwrap/") && !i.0.starts_with("encoded/"))
        .collect();
    let missed: Vec<_> = truth.difference(&found).collect();
    let extra: Vec<_> = found.difference(&truth).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed {} of {}: {:#?}\nextra {}: {:#?}",
        missed.len(),
        truth.len(),
        &missed[..missed.len().min(30)],
        extra.len(),
        &extra[..extra.len().min(30)]
    );
}

#[test]
fn decoys_alone_give_no_findings_and_exit_0() {
    let (code, report) = scan_json(&["testdata/decoys.txt"]);
    let f = report["findings"].as_array().unwrap();
    assert!(f.is_empty(), "decoys reported: {f:#?}");
    assert_eq!(code, 0);
    assert_eq!(report["files"][0]["status"], "scanned");
}

#[test]
fn offsets_point_at_the_item_and_lines_count_newlines() {
    let (_, report) = scan_json(&[TRUTH_TYPES, "--reveal", "testdata"]);
    for f in report["findings"].as_array().unwrap() {
        // Members and decoded text have their own offset test (tests/integration/unwrap.rs).
        if f.get("member").is_some() || f["encoding"] != "utf-8" {
            continue;
        }
        let path = f["path"].as_str().unwrap();
        let bytes = std::fs::read(path).unwrap();
        let off = f["offset"].as_u64().unwrap() as usize;
        let len = f["length"].as_u64().unwrap() as usize;
        let raw = String::from_utf8_lossy(&bytes[off..off + len]);
        let value = f["value"].as_str().unwrap().to_ascii_lowercase();
        if path.ends_with(".rtf") {
            // Control words may stand between an item's characters: RTF offsets and
            // lengths are checked against rtf_truth.tsv (tests/integration/unwrap.rs).
        } else if f["type"] == "email" {
            assert_eq!(raw.to_ascii_lowercase(), value, "{path}@{off}");
        } else {
            // The written item, folded and stripped of separators, holds the value.
            let folded: String = piiscan::check::fold(&raw)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            let core = value.trim_start_matches('0');
            assert!(
                folded.contains(core),
                "{path}@{off}: {raw:?} does not hold {value}"
            );
        }
        let line = 1 + bytes[..off].iter().filter(|b| **b == b'\n').count() as u64;
        assert_eq!(f["line"].as_u64().unwrap(), line, "{path}@{off}");
    }
}
