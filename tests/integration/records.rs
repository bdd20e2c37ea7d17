//! Record and untrue-value counts (issue 18): records (SQL tuples, JSON objects, rows),
//! distinct records and records with an ID, and the values proven untrue by their checks,
//! on fixtures with known answers (`testdata/records/`, made by
//! `tests/data/make_records.py`), whatever the spill, the window, the report or the shards.

use serde_json::{json, Value};

use crate::util::{merge, piiscan, scan_json};

/// The untrue values of a report's counts as (type, reason, count, places listed).
fn untrue(report: &Value) -> Vec<(String, String, u64, usize)> {
    let list = report["summary"]["counts"]["untrue"].as_array().unwrap();
    list.iter()
        .map(|u| {
            (
                u["type"].as_str().unwrap().to_string(),
                u["reason"].as_str().unwrap().to_string(),
                u["count"].as_u64().unwrap(),
                u["sample"].as_array().unwrap().len(),
            )
        })
        .collect()
}

#[test]
fn records_and_untrue_values_of_known_fixtures() {
    let want_untrue = vec![
        ("cn_id".to_string(), "bad_check".to_string(), 17, 17),
        ("cn_id".to_string(), "bad_date".to_string(), 5, 5),
    ];
    // Spilled or not, whole inputs or windows of 4 KiB scanned in parallel.
    let runs: [&[&str]; 3] = [
        &[],
        &["--spill-after", "1"],
        &["--window-size", "4096", "--parallel-threshold", "1"],
    ];
    for extra in runs {
        let mut args = extra.to_vec();
        args.push("testdata/records");
        let (code, r) = scan_json(&args);
        assert_eq!(code, 1);
        let counts = &r["summary"]["counts"];
        assert_eq!(
            counts["records"],
            json!({"total": 1072, "distinct": 672, "with_id": 850}),
            "{extra:?}"
        );
        assert_eq!(untrue(&r), want_untrue, "{extra:?}");
        let by = &counts["by_type"]["cn_id"];
        assert_eq!(by["untrue"], json!({"bad_check": 17, "bad_date": 5}));
        // Untrue values are not findings, nor reported as another kind.
        assert_eq!(by["findings"], 850);
        assert_eq!(counts["by_type"]["bank_card"]["findings"], 0);
        let csv = r["files"].as_array().unwrap().iter();
        let csv = csv.filter(|f| f["path"] == "testdata/records/ids.csv");
        assert_eq!(csv.map(|f| f["findings"].as_u64()).next(), Some(Some(74)));
    }
}

#[test]
fn untrue_places_are_listed_masked_in_report_order() {
    let (_, r) = scan_json(&["testdata/records/ids.csv"]);
    let list = r["summary"]["counts"]["untrue"].as_array().unwrap();
    let places = list[0]["sample"].as_array().unwrap();
    let lines: Vec<u64> = places.iter().map(|p| p["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, (12..=28).collect::<Vec<u64>>());
    for p in places {
        assert_eq!(p["path"], "testdata/records/ids.csv");
        let v = p["value"].as_str().unwrap();
        assert!(v.starts_with("110105") && v.contains("********"), "{v}");
    }
    // The bytes at the offset listed are the untrue value's first.
    let text = std::fs::read("testdata/records/ids.csv").unwrap();
    let at = places[0]["offset"].as_u64().unwrap() as usize;
    assert_eq!(&text[at..at + 6], b"110105");
    assert_eq!(text[at - 1], b',');
}

#[test]
fn eight_merged_shards_count_the_records_and_untrue_values_of_a_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let key = ["--hash-key", "records"];
    let (_, single) = scan_json(&[key[0], key[1], "testdata/records"]);
    for findings in ["all", "none"] {
        let mut reports = Vec::new();
        for k in 1..=8 {
            let p = dir.path().join(format!("{findings}-{k}.json"));
            let shard = format!("{k}/8");
            let out = piiscan()
                .args(["scan", "-q", "--findings", findings, "--shard", &shard])
                .args(key)
                .arg("-o")
                .arg(&p)
                .arg("testdata/records")
                .output()
                .unwrap();
            assert!(out.status.code().unwrap() < 2);
            reports.push(p);
        }
        let merged = dir.path().join(format!("{findings}.json"));
        let (code, err) = merge(&reports, &merged);
        assert_eq!(code, 1, "{err}");
        let m: Value = serde_json::from_slice(&std::fs::read(&merged).unwrap()).unwrap();
        let (mc, sc) = (&m["summary"]["counts"], &single["summary"]["counts"]);
        assert_eq!(mc["untrue"], sc["untrue"], "{findings}");
        assert_eq!(
            mc["by_type"]["cn_id"]["untrue"],
            sc["by_type"]["cn_id"]["untrue"]
        );
        // Exact either way: from the findings' fingerprints, or from the shards' keys
        // files when they list no findings.
        assert_eq!(mc, sc, "{findings}");
        let r = &mc["records"];
        assert_eq!(
            (&r["total"], &r["distinct"], &r["with_id"]),
            (&json!(1072), &json!(672), &json!(850))
        );
    }
}
