//! The document kinds of issue 22 (`cn_passport` with MRZ, `hk_id`, `tw_id`, `cn_uscc`) on
//! the fixtures of `testdata/kinds/` (prose, CSV, SQL, JSON Lines, GBK, a hotel register
//! with machine-readable zones; personal names by label, column, record and JSON key),
//! written with their truth by
//! `tests/data/generate_kinds.py`.

use std::collections::BTreeSet;

use crate::util::{findings, piiscan, scan_json};

/// (file, type, value)
type Found = BTreeSet<(String, String, String)>;

fn truth() -> Found {
    let text = include_str!("../data/kinds_truth.tsv");
    let row = |l: &str| {
        let mut f = l.split('\t').map(String::from);
        let mut next = || f.next().unwrap_or_default();
        (next(), next(), next())
    };
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(row)
        .collect()
}

#[test]
fn kinds_every_document_number_is_found_and_nothing_else() {
    let truth = truth();
    assert!(truth.len() >= 300);
    let (_, report) = scan_json(&["--reveal", "--hash-key", "k", "testdata/kinds"]);
    let found: Found = findings(&report)
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            let name = p.rsplit('/').next().unwrap().to_string();
            (
                name,
                f["type"].as_str().unwrap().into(),
                f["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    let missed: Vec<_> = truth.difference(&found).collect();
    let extra: Vec<_> = found.difference(&truth).collect();
    assert!(missed.is_empty(), "missed {missed:?}");
    assert!(extra.is_empty(), "extra {extra:?}");
}

#[test]
fn kinds_values_and_mrz_names_are_masked_without_reveal() {
    let (_, report) = scan_json(&["--hash-key", "k", "testdata/kinds"]);
    let text = report.to_string();
    // A name also stands where it is no finding (`台湾同胞孙涛的…`), and snippets mask
    // digits, not words: names are checked on their own findings' values instead.
    for (_, kind, value) in truth() {
        assert!(
            kind == "cn_name" || !text.contains(&value),
            "{value} leaked"
        );
    }
    for f in findings(&report)
        .into_iter()
        .filter(|f| f["type"] == "cn_name")
    {
        let v: Vec<char> = f["value"].as_str().unwrap().chars().collect();
        let stars = v.iter().filter(|c| **c == '*').count();
        assert!(stars >= 1 && stars >= v.len() - 2, "{v:?}");
        assert!(v[1..].iter().skip_while(|c| **c != '*').all(|c| *c == '*'));
    }
    assert!(!text.contains("ZHANG"), "an MRZ name leaked");
    let mrz: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f["details"]["mrz"] == true)
        .collect();
    assert_eq!(mrz.len(), 9);
    for f in mrz {
        assert_eq!(f["confidence"], "high");
        assert_eq!(f["details"]["mrz_name_initial"], "Z");
        assert!(f["details"]["birth_year"].is_u64());
        let v = f["value"].as_str().unwrap();
        assert!(
            v.starts_with('E') && v[1..v.len() - 1].chars().all(|c| c == '*'),
            "{v}"
        );
    }
}

#[test]
fn kinds_check_explains_values() {
    let out = piiscan()
        .args([
            "check",
            "--format",
            "json",
            "A123456(3)",
            "A123456(4)",
            "A123456789",
            "I123456789",
            "91110000600037341L",
            "92340602MA2PBMEM24",
            "91110000600037341N",
            "EA1234567",
            "11010519491231002X",
        ])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(String, bool, String)> = lines
        .iter()
        .map(|v| {
            (
                v["type"].as_str().unwrap_or("").to_string(),
                v["valid"].as_bool().unwrap(),
                v["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want = [
        ("hk_id", true, ""),
        ("hk_id", false, "bad_check"),
        ("tw_id", true, ""),
        ("tw_id", false, "bad_check"),
        ("cn_uscc", true, ""),
        ("cn_uscc", true, ""),
        ("cn_uscc", false, "bad_check"),
        ("cn_passport", true, ""),
        ("cn_id", true, ""),
    ];
    let want: Vec<(String, bool, String)> = want
        .iter()
        .map(|(t, v, r)| (t.to_string(), *v, r.to_string()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(lines[5]["details"]["personal"], true);
}
