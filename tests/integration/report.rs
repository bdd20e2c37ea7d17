//! The report contract: fields, masking, hashes, exit codes, formats, file permissions.

use sha2::{Digest, Sha256};

use crate::util::{piiscan, scan_json, testdata, truth};

#[test]
fn contract_fields_are_present() {
    let (code, r) = scan_json(&["--case-id", "A-1", "--examiner", "Li", "testdata/prose.txt"]);
    assert_eq!(code, 1);
    assert_eq!(r["schema"], "piiscan.report/1");
    assert_eq!(r["tool"]["name"], "piiscan");
    for k in [
        "started_at",
        "finished_at",
        "command_line",
        "roots",
        "complete",
    ] {
        assert!(!r["scan"][k].is_null(), "scan.{k}");
    }
    assert!(r["scan"]["started_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(r["scan"]["case"]["id"], "A-1");
    let file = &r["files"][0];
    for k in ["path", "size", "mtime", "sha256", "status", "findings"] {
        assert!(!file[k].is_null(), "files[].{k}");
    }
    let f = &r["findings"][0];
    for k in [
        "type",
        "value",
        "fingerprint",
        "path",
        "offset",
        "length",
        "line",
        "confidence",
        "context",
        "details",
    ] {
        assert!(!f[k].is_null(), "findings[].{k}");
    }
    assert_eq!(
        r["summary"]["findings_total"].as_u64().unwrap(),
        r["findings"].as_array().unwrap().len() as u64
    );
}

#[test]
fn file_hashes_are_sha256_of_the_bytes() {
    let (_, r) = scan_json(&["testdata"]);
    let files = r["files"].as_array().unwrap();
    assert!(files.len() >= 8);
    for f in files {
        let bytes = std::fs::read(f["path"].as_str().unwrap()).unwrap();
        let want = format!("{:x}", Sha256::digest(&bytes));
        assert_eq!(f["sha256"].as_str().unwrap(), want, "{}", f["path"]);
        assert_eq!(f["size"].as_u64().unwrap(), bytes.len() as u64);
    }
}

#[test]
fn no_raw_value_without_reveal() {
    let out = piiscan()
        .args(["scan", "-f", "json", "-q", "testdata"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for (_, _, _, value, _, _) in truth() {
        if value.contains('@') {
            continue;
        }
        assert!(!text.contains(&value), "raw value {value} in masked report");
    }
    let out = piiscan()
        .args(["scan", "-f", "text", "-q", "testdata"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("findings"));
    for (_, _, _, value, _, _) in truth() {
        assert!(!text.contains(&value), "raw value {value} in text report");
    }
}

#[test]
fn reveal_shows_values_and_keyed_fingerprints_correlate() {
    let (_, a) = scan_json(&["--reveal", "--hash-key", "case", "testdata/prose.txt"]);
    let (_, b) = scan_json(&["--hash-key", "case", "testdata/prose.txt"]);
    let (_, c) = scan_json(&["--hash-key", "other", "testdata/prose.txt"]);
    let fa = &a["findings"][0];
    assert!(!fa["value"].as_str().unwrap().contains('*'));
    assert!(b["findings"][0]["value"].as_str().unwrap().contains('*'));
    assert_eq!(fa["fingerprint"], b["findings"][0]["fingerprint"]);
    assert_ne!(fa["fingerprint"], c["findings"][0]["fingerprint"]);
    let cl = a["scan"]["command_line"].to_string();
    assert!(!cl.contains("\"case\""), "hash key leaked: {cl}");
}

#[test]
fn exit_codes() {
    let (code, _) = scan_json(&["testdata/prose.txt"]);
    assert_eq!(code, 1);
    let (code, _) = scan_json(&["testdata/decoys.txt"]);
    assert_eq!(code, 0);
    let (code, r) = scan_json(&["testdata/prose.txt", "no/such/root"]);
    assert_eq!(code, 2, "unreadable root");
    assert!(r["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["status"] == "error" && f["path"] == "no/such/root"));
    let out = piiscan()
        .args(["scan", "--types", "passport", "testdata"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn types_and_min_confidence_filter() {
    let (_, r) = scan_json(&["--types", "cn_id", "testdata/users.csv"]);
    let f = r["findings"].as_array().unwrap();
    assert!(!f.is_empty());
    assert!(f.iter().all(|x| x["type"] == "cn_id"));
    let (_, r) = scan_json(&["--min-confidence", "high", "testdata"]);
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["confidence"] == "high"));
}

#[test]
fn output_file_is_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let st = piiscan()
        .args([
            "scan",
            "-q",
            "-o",
            out.to_str().unwrap(),
            "testdata/prose.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(1));
    assert!(st.stdout.is_empty());
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(r["schema"], "piiscan.report/1");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn standard_input_is_scanned_as_dash() {
    let bytes = std::fs::read(testdata().join("prose.txt")).unwrap();
    let out = piiscan()
        .args(["scan", "-f", "json", "-q", "--reveal", "-"])
        .write_stdin(bytes.clone())
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["files"][0]["path"], "-");
    assert_eq!(
        r["files"][0]["sha256"].as_str().unwrap(),
        format!("{:x}", Sha256::digest(&bytes))
    );
    let (_, file) = scan_json(&["--reveal", "testdata/prose.txt"]);
    let vals = |r: &serde_json::Value| -> Vec<(String, u64)> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["value"].as_str().unwrap().into(),
                    f["offset"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(vals(&r), vals(&file));
}

#[test]
fn findings_are_sorted() {
    let (_, r) = scan_json(&["testdata"]);
    let keys: Vec<(String, String, u64, u64)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["member"].as_str().unwrap_or("").into(),
                f["line"].as_u64().unwrap(),
                f["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

mod round_trip {
    use crate::util::scan_json;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Whatever the file name and content, the report is one valid JSON document whose
        /// path, snippets and values read back exactly as written.
        #[test]
        fn reports_round_trip_through_json(
            name in "[^/\\x00]{1,40}",
            noise in "\\PC{0,60}",
            quote in "[\"\\\\\\n\\t\\u{1b}\\u{2028}]{0,4}",
        ) {
            prop_assume!(name != "." && name != "..");
            let dir = tempfile::tempdir().unwrap();
            let body = format!("{noise}{quote} 手机13800138000 {quote}{noise}\n");
            std::fs::write(dir.path().join(&name), &body).unwrap();
            let (code, r) = scan_json(&["--reveal", dir.path().to_str().unwrap()]);
            prop_assert_eq!(code, 1);
            let f = &r["files"][0];
            let want = dir.path().join(&name);
            prop_assert_eq!(f["path"].as_str().unwrap(), want.to_str().unwrap());
            let found: Vec<&str> = r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x["type"] == "cn_mobile")
                .map(|x| x["value"].as_str().unwrap())
                .collect();
            prop_assert!(found.contains(&"13800138000"), "{:?}", found);
            // Serialising the parsed report again gives the same document.
            let again: serde_json::Value =
                serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
            prop_assert_eq!(&again, &r);
        }
    }
}

#[test]
fn findings_spilled_to_disk_give_the_same_reports() {
    // --spill-after 0 sends every input's findings through the temporary spill file.
    for format in ["json", "text", "csv", "html", "sarif", "evidence-list"] {
        let run = |extra: &[&str]| {
            let out = piiscan()
                .args(["scan", "-q", "--hash-key", "k", "-f", format])
                .args(extra)
                .args(["testdata/users.csv", "testdata/dump.sql", "testdata/unwrap"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1));
            let text = String::from_utf8(out.stdout).unwrap();
            // Times differ between runs; everything else must not.
            // Times differ between runs, and the flag is in the command line; nothing
            // else may differ.
            text.lines()
                .filter(|l| !l.contains("_at\"") && !l.contains("Time") && !l.contains("volatile"))
                .filter(|l| !l.contains("--spill-after") && l.trim() != "\"0\",")
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
        };
        let kept = run(&[]);
        let spilled = run(&["--spill-after", "0"]);
        assert!(kept.len() > 20, "{format}");
        let diff = kept.iter().zip(&spilled).position(|(a, b)| a != b);
        assert!(
            kept.len() == spilled.len() && diff.is_none(),
            "{format}: first difference at line {diff:?}"
        );
        if format == "json" {
            // A JSON report keeps only the records it writes, unless a baseline is written
            // from the findings: both ways give the same findings.
            let dir = tempfile::tempdir().unwrap();
            let baseline = dir.path().join("b.json");
            let b = baseline.to_str().unwrap();
            for spill in ["0", "100000"] {
                let with = run(&["--write-baseline", b, "--spill-after", spill]);
                let findings = |lines: &[String]| {
                    lines
                        .iter()
                        .skip_while(|l| !l.contains("\"findings\": ["))
                        .take_while(|l| !l.contains("\"summary\""))
                        .cloned()
                        .collect::<Vec<_>>()
                };
                assert!(findings(&kept).len() > 20);
                assert_eq!(findings(&with), findings(&kept), "spill after {spill}");
            }
        }
    }
}

#[test]
fn findings_handed_out_early_give_the_same_report_every_way() {
    // 20,000 findings in 1.4 MB: more than are held before they are handed to the
    // collector, from a small file (walker), a large one (pool), standard input, one
    // thread, and windows of every size.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..10_000u32 {
        text.push_str(&format!(
            "{i},张三,1380013{:04},li{i}@example.com,备注 piiscan\n",
            i % 10_000
        ));
        if i % 1000 == 7 {
            text.push_str("13900139000 piiscan:allow\n");
        }
    }
    let path = dir.path().join("dense.csv");
    std::fs::write(&path, &text).unwrap();
    let p = path.to_str().unwrap();
    let findings = |args: &[&str], stdin: bool| -> Vec<serde_json::Value> {
        let mut cmd = piiscan();
        cmd.args(["scan", "-q", "-f", "json", "--hash-key", "k"])
            .args(args);
        if stdin {
            cmd.arg("-").write_stdin(text.clone());
        } else {
            cmd.arg(p);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(r["summary"]["suppressed"]["inline"], 10, "{args:?}");
        let mut v = r["findings"].as_array().unwrap().clone();
        for f in &mut v {
            f.as_object_mut().unwrap().remove("path");
        }
        v
    };
    let want = findings(&[], false);
    assert_eq!(want.len(), 20_000);
    for args in [
        &["--parallel-threshold", "0"][..],
        &["-j", "1"],
        &["--window-size", "4096"],
        &["--parallel-threshold", "0", "--window-size", "1000000"],
    ] {
        assert!(findings(args, false) == want, "{args:?}");
    }
    assert!(findings(&[], true) == want, "standard input");
}

#[test]
fn a_report_file_written_as_the_scan_goes_equals_the_report_written_at_the_end() {
    // With -o, a JSON report takes findings as they come while they come in report order
    // (one file: all of them) and is written anew at the end otherwise (two inputs read in
    // the reverse of report order); on standard output it is always written at the end.
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let r = report.to_str().unwrap();
    let cases: [&[&str]; 3] = [
        &["testdata/dump.sql"],
        &["-j", "1", "testdata/users.csv", "testdata/dump.sql"],
        &["testdata"],
    ];
    for inputs in cases {
        let run = |to_file: bool| {
            let mut args = vec!["scan", "-q", "-f", "json", "--hash-key", "k"];
            if to_file {
                args.extend(["-o", r]);
            }
            args.extend(inputs);
            let out = piiscan().args(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{inputs:?}");
            let text = match to_file {
                true => std::fs::read_to_string(&report).unwrap(),
                false => String::from_utf8(out.stdout).unwrap(),
            };
            // The `scan` line differs (times, the command line); nothing else may.
            let lines: Vec<String> = text
                .lines()
                .filter(|l| !l.starts_with("  \"scan\": "))
                .map(String::from)
                .collect();
            (text, lines)
        };
        let (text, streamed) = run(true);
        let (_, written) = run(false);
        assert!(streamed.len() > 20, "{inputs:?}");
        assert!(streamed == written, "{inputs:?}: the reports differ");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(v["findings"].as_array().unwrap().len() > 10);
        let digest = std::fs::read_to_string(dir.path().join("r.json.sha256")).unwrap();
        assert_eq!(
            digest[..64],
            format!("{:x}", Sha256::digest(text.as_bytes()))
        );
        assert!(!dir.path().join("r.json.partial").exists());
        let verify = piiscan().args(["verify", "-q", r]).output().unwrap();
        assert_eq!(verify.status.code(), Some(0), "{inputs:?}");
    }
}

#[test]
fn the_report_being_written_is_not_an_input_of_its_own_scan() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(testdata().join("dump.sql"), dir.path().join("dump.sql")).unwrap();
    let d = dir.path().to_str().unwrap();
    let report = dir.path().join("report.json");
    let out = piiscan()
        .args([
            "scan",
            "-q",
            "-f",
            "json",
            "-o",
            report.to_str().unwrap(),
            d,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let paths = crate::util::file_paths(&r);
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(paths[0].ends_with("dump.sql"), "{paths:?}");
}
