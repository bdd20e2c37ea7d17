//! Record counts (issue 18): exact distinct values per kind and per file, on fixtures with
//! known answers (`testdata/counts/`, made by `tests/data/make_counts.py`) and against the
//! fingerprints of the findings a report lists.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::util::{merge, piiscan, scan_json};

/// (findings, distinct) of `kind` in a `{kind: {findings, distinct}}` object.
fn pair(counts: &Value, kind: &str) -> (u64, u64) {
    let c = &counts[kind];
    (
        c["findings"].as_u64().unwrap_or(0),
        c["distinct"].as_u64().unwrap_or(0),
    )
}

/// The per-file `counts` of the file at `path` in a report.
fn file_counts<'a>(report: &'a Value, path: &str) -> &'a Value {
    let f = report["files"].as_array().unwrap().iter();
    let mut f = f.filter(|f| f["path"] == path);
    &f.next().unwrap_or_else(|| panic!("{path} listed"))["counts"]
}

#[test]
fn counts_same_id_in_three_files_and_two_members_once() {
    for spill in ["16384", "1"] {
        let (code, r) = scan_json(&["--spill-after", spill, "testdata/counts"]);
        assert_eq!(code, 1);
        let by = &r["summary"]["counts"]["by_type"];
        assert_eq!(pair(by, "cn_id"), (7, 2), "spill after {spill}");
        assert_eq!(by["cn_id"]["repeats"], 5);
        assert_eq!(pair(by, "cn_mobile"), (4, 2));
        assert_eq!(by["cn_mobile"]["repeats"], 2);
        assert_eq!(pair(by, "bank_card"), (0, 0));
        // ID3 is suppressed by its marker: not a finding, not counted.
        assert_eq!(r["summary"]["suppressed_total"], 1);
        let a = file_counts(&r, "testdata/counts/a.txt");
        assert_eq!(pair(a, "cn_id"), (1, 1));
        assert_eq!(pair(a, "cn_mobile"), (2, 1));
        assert_eq!(
            pair(file_counts(&r, "testdata/counts/b.csv"), "cn_id"),
            (2, 2)
        );
        let c = file_counts(&r, "testdata/counts/c.log");
        assert_eq!(pair(c, "cn_id"), (1, 1));
        assert!(c.get("cn_mobile").is_none(), "only kinds found: {c}");
        let zip = file_counts(&r, "testdata/counts/members.zip");
        assert_eq!(pair(zip, "cn_id"), (3, 2));
    }
}

/// The counts a report must give for the findings it lists: per kind and per file, the
/// findings and their distinct fingerprints.
fn expected(report: &Value) -> BTreeMap<(String, String), (u64, BTreeSet<String>)> {
    let mut want: BTreeMap<(String, String), (u64, BTreeSet<String>)> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let kind = f["type"].as_str().unwrap().to_string();
        let fp = f["fingerprint"].as_str().unwrap().to_string();
        for scope in [String::new(), f["path"].as_str().unwrap().to_string()] {
            let e = want.entry((scope, kind.clone())).or_default();
            e.0 += 1;
            e.1.insert(fp.clone());
        }
    }
    want
}

/// Checks a report's counts against its findings.
fn check_against_findings(r: &Value, what: &str) {
    let want = expected(r);
    let by = r["summary"]["counts"]["by_type"].as_object().unwrap();
    for (kind, c) in by {
        let (n, set) = want
            .get(&(String::new(), kind.clone()))
            .map(|(n, s)| (*n, s.len() as u64))
            .unwrap_or((0, 0));
        assert_eq!(
            (
                c["findings"].as_u64().unwrap(),
                c["distinct"].as_u64().unwrap()
            ),
            (n, set),
            "{what}: {kind}"
        );
    }
    for f in r["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        let got = f.get("counts").and_then(Value::as_object);
        let kinds: Vec<&String> = got.map(|o| o.keys().collect()).unwrap_or_default();
        let mine: Vec<_> = want.keys().filter(|(p, _)| p == path).collect();
        assert_eq!(kinds.len(), mine.len(), "{what}: kinds of {path}");
        for (_, kind) in mine {
            let (n, set) = &want[&(path.to_string(), kind.clone())];
            assert_eq!(
                pair(&f["counts"], kind),
                (*n, set.len() as u64),
                "{what}: {path} {kind}"
            );
        }
    }
}

#[test]
fn counts_agree_with_the_fingerprints_of_the_findings_listed() {
    for args in [
        vec!["testdata"],
        vec!["--spill-after", "1", "testdata"],
        vec!["--min-confidence", "high", "--spill-after", "2", "testdata"],
    ] {
        let (_, r) = scan_json(&args);
        check_against_findings(&r, &args.join(" "));
    }
}

#[test]
fn counts_table_heads_the_text_report() {
    let out = piiscan()
        .args(["scan", "-q", "-f", "text", "testdata/counts"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("counts (distinct by keyed fingerprint):\n"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("cn_id"))
        .unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells, ["cn_id", "7", "2", "5", "0"]);
    assert!(text.contains("records holding findings: "), "{text}");
    // Untrue values: their column and a line per reason.
    let out = piiscan()
        .args(["scan", "-q", "-f", "text", "testdata/records/ids.csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let row = text.lines().find(|l| l.trim_start().starts_with("cn_id"));
    let cells: Vec<&str> = row.unwrap().split_whitespace().collect();
    assert_eq!(cells, ["cn_id", "10", "10", "0", "22"]);
    assert!(text.contains("untrue cn_id (bad_check): 17"), "{text}");
    assert!(text.contains("records holding findings: 32 (32 distinct, 10 with a resident ID)"));
}

#[test]
fn counts_tiers_default_and_from_the_config_file() {
    let (_, r) = scan_json(&["testdata/counts"]);
    let counts = &r["summary"]["counts"];
    assert!(counts["note"]
        .as_str()
        .unwrap()
        .contains("for the examiner's assessment"));
    let tiers = counts["categories"].as_array().unwrap();
    let tier: Vec<u64> = tiers.iter().map(|t| t["tier"].as_u64().unwrap()).collect();
    assert_eq!(tier, [50, 500, 5000]);
    assert_eq!(tiers[0]["types"], serde_json::json!(["bank_card"]));
    assert_eq!(
        tiers[2]["distinct"], 6,
        "2 IDs, 2 mobiles and 2 names: other"
    );
    assert_eq!(tiers[2]["threshold_reached"], Value::Null);
    assert_eq!(counts["by_type"]["bank_card"]["category"], "property");

    // The examiner reads IDs as lodging and mobiles as property.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("piiscan.toml");
    std::fs::write(
        &cfg,
        "[counts.categories]\ncn_id = \"lodging\"\ncn_mobile = \"property\"\n",
    )
    .unwrap();
    let (_, r) = scan_json(&["--config", cfg.to_str().unwrap(), "testdata/counts"]);
    let tiers = &r["summary"]["counts"]["categories"];
    assert_eq!(tiers[0]["distinct"], 2);
    assert_eq!(
        tiers[0]["types"],
        serde_json::json!(["cn_mobile", "bank_card"])
    );
    assert_eq!(tiers[1]["types"], serde_json::json!(["cn_id"]));
    assert_eq!(tiers[1]["categories"], serde_json::json!(["lodging"]));
    assert_eq!(tiers[2]["distinct"], 2, "the 2 names");
    assert_eq!(
        r["summary"]["counts"]["by_type"]["cn_id"]["category"],
        "lodging"
    );

    std::fs::write(&cfg, "[counts.categories]\ncn_id = \"secret\"\n").unwrap();
    let out = piiscan()
        .args(["scan", "-q", "--config"])
        .arg(&cfg)
        .arg("testdata/counts")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2, column 9") && err.contains("unknown category 'secret'"),
        "{err}"
    );
}

#[test]
fn counts_thresholds_reached_are_stated() {
    // 60 distinct cards: tier 50 reached once; 500 would reach it ten times.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("卡号\n");
    let mut n = 0;
    let mut body = 6_222_020_000_000_000u64;
    while n < 60 {
        let digits = body.to_string();
        let sum: u32 = digits
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let d = c.to_digit(10).unwrap() * if i % 2 == 1 { 2 } else { 1 };
                if d > 9 {
                    d - 9
                } else {
                    d
                }
            })
            .sum();
        if sum % 10 == 0 {
            text.push_str(&format!("银行卡号 {digits}\n"));
            n += 1;
        }
        body += 1;
    }
    std::fs::write(dir.path().join("cards.txt"), text).unwrap();
    let (_, r) = scan_json(&[dir.path().to_str().unwrap()]);
    let cards = r["summary"]["counts"]["by_type"]["bank_card"]["distinct"]
        .as_u64()
        .unwrap();
    let tier = &r["summary"]["counts"]["categories"][0];
    assert_eq!(tier["distinct"], cards);
    let want = if cards >= 500 {
        10
    } else if cards >= 50 {
        1
    } else {
        0
    };
    assert!(cards >= 50, "{cards} cards found");
    assert_eq!(tier["threshold_reached"], want);
}

#[test]
fn counts_findings_none_gives_the_counts_and_files_of_a_full_report() {
    let key = ["--hash-key", "counts"];
    let (code, full) = scan_json(&[key[0], key[1], "testdata"]);
    for spill in ["16384", "1"] {
        let (c, none) = scan_json(&[
            key[0],
            key[1],
            "--findings",
            "none",
            "--spill-after",
            spill,
            "testdata",
        ]);
        assert_eq!(c, code);
        assert_eq!(none["findings"], serde_json::json!([]));
        assert_eq!(none["files"], full["files"]);
        assert_eq!(none["summary"], full["summary"]);
        assert_eq!(none["scan"]["options"]["findings"], "none");
    }
    // JSON Lines: file records and the end record's summary, no finding records.
    let out = piiscan()
        .args([
            "scan",
            "-q",
            "-f",
            "jsonl",
            "--findings",
            "none",
            "testdata/counts",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(records.iter().all(|r| r["record"] != "finding"));
    assert_eq!(records.iter().filter(|r| r["record"] == "file").count(), 4);
    let end = records.last().unwrap();
    assert_eq!(end["summary"]["counts"]["by_type"]["cn_id"]["distinct"], 2);
    // Text: the table, no findings.
    let out = piiscan()
        .args([
            "scan",
            "-q",
            "-f",
            "text",
            "--findings",
            "none",
            "testdata/counts",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("counts (") && !text.contains("110105"),
        "{text}"
    );
    let refused = piiscan()
        .args([
            "scan",
            "-q",
            "-f",
            "csv",
            "--findings",
            "none",
            "testdata/counts",
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn counts_merged_shards_without_findings_count_distinct_from_their_keys_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    for k in 1..=2 {
        let p = dir.path().join(format!("s{k}.json"));
        let shard = format!("{k}/2");
        let args = [
            "scan",
            "-q",
            "-f",
            "json",
            "--findings",
            "none",
            "--shard",
            &shard,
        ];
        piiscan()
            .args(args)
            .args(["--hash-key", "m", "-o"])
            .arg(&p)
            .arg("testdata/counts")
            .output()
            .unwrap();
        reports.push(p);
    }
    let merged = dir.path().join("merged.json");
    let (code, err) = merge(&reports, &merged);
    assert_eq!(code, 1, "{err}");
    let m: Value = serde_json::from_slice(&std::fs::read(&merged).unwrap()).unwrap();
    let single = piiscan()
        .args([
            "scan",
            "-q",
            "-f",
            "json",
            "--hash-key",
            "m",
            "testdata/counts",
        ])
        .output()
        .unwrap();
    let single: Value = serde_json::from_slice(&single.stdout).unwrap();
    // Exact, as a single run: distinct values and records from the shards' keys files.
    assert_eq!(m["summary"]["counts"], single["summary"]["counts"]);
    assert_eq!(m["summary"]["counts"]["by_type"]["cn_id"]["findings"], 7);
    // Each shard's digest lists its keys file after the report; its report names it.
    let s1: Value = serde_json::from_slice(&std::fs::read(&reports[0]).unwrap()).unwrap();
    let keys = &s1["summary"]["counts"]["keys"];
    assert_eq!(keys["file"], "s1.json.keys");
    let digest = std::fs::read_to_string(dir.path().join("s1.json.sha256")).unwrap();
    let lines: Vec<&str> = digest.lines().collect();
    assert_eq!(lines.len(), 2, "{digest}");
    assert_eq!(
        lines[1],
        format!("{}  s1.json.keys", keys["sha256"].as_str().unwrap())
    );
    // A keys file changed after the scan: merge refuses the shards.
    let k1 = dir.path().join("s1.json.keys");
    let mut bytes = std::fs::read(&k1).unwrap();
    bytes[16] ^= 0xff;
    std::fs::write(&k1, &bytes).unwrap();
    let (code, err) = merge(&reports, &dir.path().join("again.json"));
    assert_eq!(code, 2);
    assert!(
        err.contains("s1.json.keys") && err.contains("SHA-256 differs"),
        "{err}"
    );
}
