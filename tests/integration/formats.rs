//! `--format sarif`, `--format csv` and `--format html`: structure, correspondence with the JSON report,
//! masking, and a golden file with the volatile fields normalised.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::util::{piiscan, scan_json};

const INPUTS: [&str; 2] = ["testdata/prose.txt", "testdata/unwrap/bundle.zip"];

fn run(format: &str, extra: &[&str]) -> Vec<u8> {
    run_on(format, extra, &INPUTS)
}

fn run_on(format: &str, extra: &[&str], inputs: &[&str]) -> Vec<u8> {
    let out = piiscan()
        .args(["scan", "-q", "--hash-key", "golden", "-f", format])
        .args(extra)
        .args(inputs)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The raw values of every finding (from a `--reveal` JSON report).
fn raw_values() -> BTreeSet<String> {
    let mut args = vec!["--reveal"];
    args.extend(INPUTS);
    let (_, r) = scan_json(&args);
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sarif_has_a_rule_per_type_and_a_result_per_finding_with_keyed_fingerprints() {
    let sarif: Value = serde_json::from_slice(&run("sarif", &[])).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    let rules: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "cn_id",
            "cn_mobile",
            "cn_landline",
            "bank_card",
            "email",
            "cn_address",
            "cn_id_truncated",
            "bank_card_truncated",
            "cn_passport",
            "hk_id",
            "tw_id",
            "cn_uscc",
            "cn_plate",
            "mo_id",
            "cn_hmt_permit",
            "qq_number",
            "wechat_id",
            "cn_name"
        ]
    );
    let mut args = vec!["--hash-key", "golden"];
    args.extend(INPUTS);
    let (_, json) = scan_json(&args);
    let findings = json["findings"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    let artifacts = run0["artifacts"].as_array().unwrap();
    for (res, f) in results.iter().zip(findings) {
        assert_eq!(res["ruleId"], f["type"]);
        assert_eq!(
            res["partialFingerprints"]["piiscanValue/v1"],
            f["fingerprint"]
        );
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["region"]["byteOffset"], f["offset"]);
        assert_eq!(loc["region"]["startLine"], f["line"]);
        let a = &artifacts[loc["artifactLocation"]["index"].as_u64().unwrap() as usize];
        match f["member"].as_str() {
            // A member is a nested artifact inside its archive.
            Some(m) => {
                assert_eq!(a["location"]["uri"], m);
                let parent = &artifacts[a["parentIndex"].as_u64().unwrap() as usize];
                assert_eq!(parent["location"]["uri"], "testdata/unwrap/bundle.zip");
                assert!(a["hashes"]["sha-256"].is_string());
            }
            None => assert_eq!(a["location"]["uri"], "testdata/prose.txt"),
        }
    }
    let text = String::from_utf8(run("sarif", &[])).unwrap();
    for v in raw_values() {
        if !v.contains('@') {
            assert!(!text.contains(&v), "raw value {v} in SARIF");
        }
    }
}

/// A SARIF report of a nested zip, with what changes from run to run (times, command
/// line, version) blanked.
fn normalised_sarif() -> String {
    let out = run_on("sarif", &[], &["testdata/unwrap/nested.zip"]);
    let mut sarif: Value = serde_json::from_slice(&out).unwrap();
    let inv = &mut sarif["runs"][0]["invocations"][0];
    inv["startTimeUtc"] = Value::Null;
    inv["endTimeUtc"] = Value::Null;
    inv["arguments"] = Value::Null;
    sarif["runs"][0]["tool"]["driver"]["version"] = Value::Null;
    sarif["runs"][0]["tool"]["driver"]["semanticVersion"] = Value::Null;
    serde_json::to_string_pretty(&sarif).unwrap() + "\n"
}

/// Compares `got` with `tests/data/golden/NAME`; `PIISCAN_BLESS=1` rewrites the file.
fn assert_golden(name: &str, got: &str) {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/golden")
        .join(name);
    if std::env::var_os("PIISCAN_BLESS").is_some() {
        std::fs::write(&golden, got).unwrap();
    }
    let want = std::fs::read_to_string(&golden).expect("golden file (PIISCAN_BLESS=1 writes it)");
    assert!(
        got == want,
        "output differs from {} (PIISCAN_BLESS=1 to update)",
        golden.display()
    );
}

#[test]
fn sarif_matches_its_golden_file() {
    assert_golden("report.sarif", &normalised_sarif());
}

#[test]
fn csv_is_one_masked_finding_a_row() {
    let bytes = run("csv", &[]);
    assert!(bytes.starts_with("\u{FEFF}".as_bytes()), "BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "type,value,confidence,path,member,line,column,cell,offset,length,encoding,fingerprint,context"
    );
    let mut args = vec!["--hash-key", "golden"];
    args.extend(INPUTS);
    let (_, json) = scan_json(&args);
    assert_eq!(lines.len() - 1, json["findings"].as_array().unwrap().len());
    assert!(lines.iter().any(|l| l.contains(",a.txt,")), "member column");
    for v in raw_values() {
        if !v.contains('@') {
            assert!(!text.contains(&v), "raw value {v} in CSV");
        }
    }
    // --reveal shows them.
    let revealed = String::from_utf8(run("csv", &["--reveal"])).unwrap();
    assert!(raw_values().iter().all(|v| revealed.contains(v.as_str())));
}

#[test]
fn exclude_globs_max_filesize_and_exit_zero() {
    let (code, r) = scan_json(&["--exclude", "*.csv", "--exclude", "unwrap/**", "testdata"]);
    assert_eq!(code, 1);
    let paths = crate::util::file_paths(&r);
    assert!(!paths.iter().any(|p| p.ends_with(".csv")), "{paths:?}");
    assert!(
        !paths.iter().any(|p| p.contains("testdata/unwrap/")),
        "{paths:?}"
    );
    assert!(paths.iter().any(|p| p.ends_with("prose.txt")));

    let (_, r) = scan_json(&[
        "--max-filesize",
        "1K",
        "testdata/prose.txt",
        "testdata/unwrap/empty.txt",
    ]);
    let prose = &r["files"][0];
    assert_eq!(prose["status"], "skipped");
    assert!(prose["reason"].as_str().unwrap().contains("--max-filesize"));
    assert!(r["findings"].as_array().unwrap().is_empty());

    let (code, r) = scan_json(&["--exit-zero", "testdata/prose.txt"]);
    assert_eq!(code, 0, "findings, but --exit-zero");
    assert!(!r["findings"].as_array().unwrap().is_empty());

    let out = piiscan()
        .args(["scan", "--exclude", "a[", "testdata/prose.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--exclude 'a['"));
}

/// An HTML report with what changes from run to run (times, host, user, version) blanked.
fn normalised_html(inputs: &[&str]) -> String {
    let html = String::from_utf8(run_on("html", &[], inputs)).unwrap();
    let mut out = String::new();
    let mut rest = html.as_str();
    const OPEN: &str = "<span class=\"volatile\">";
    while let Some(i) = rest.find(OPEN) {
        let end = rest[i..].find("</span>").expect("closed") + i;
        out.push_str(&rest[..i + OPEN.len()]);
        out.push('…');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace(
        &format!("content=\"piiscan {}\"", env!("CARGO_PKG_VERSION")),
        "content=\"piiscan …\"",
    )
}

#[test]
fn html_matches_its_golden_file() {
    let got = normalised_html(&["testdata/unwrap/nested.zip", "testdata/bombs/zipbomb.zip"]);
    assert_golden("report.html", &got);
}

#[test]
fn html_is_self_contained_masked_and_counts_match_the_json_report() {
    let html = String::from_utf8(run("html", &[])).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    for external in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(external), "HTML loads something: {external}");
    }
    for v in raw_values() {
        assert!(!html.contains(&v), "raw value {v} in HTML");
    }
    let mut args = vec!["--hash-key", "golden"];
    args.extend(INPUTS);
    let (_, json) = scan_json(&args);
    let findings = json["findings"].as_array().unwrap();
    // One table row per finding, numbered, and one bar per type with its count.
    let table = &html[html.find("id=\"finding-table\"").unwrap()..];
    assert_eq!(
        table.matches("<tr><td class=\"num\">").count(),
        findings.len()
    );
    for (kind, n) in json["summary"]["findings"].as_object().unwrap() {
        assert!(
            html.contains(&format!("<code>{kind}</code>"))
                && html.contains(&format!(": {n}</title>")),
            "{kind}: {n}"
        );
    }
    let card = format!("<b data-count=\"{}\">", findings.len());
    assert!(html.contains(&card), "{card}");
    // Masked values appear as the JSON report shows them.
    for f in findings {
        let v = f["value"].as_str().unwrap();
        assert!(html.contains(&format!("<code>{v}</code>")), "{v}");
    }
}

#[test]
fn html_escapes_names_from_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().join("<img src=x onerror=alert(1)>&'\".txt");
    std::fs::write(&name, "手机13800138000\n").unwrap();
    let html = String::from_utf8(run_on("html", &[], &[name.to_str().unwrap()])).unwrap();
    assert!(!html.contains("<img"), "unescaped name");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;&amp;&#39;&quot;.txt"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the page's own script"
    );
}

#[test]
fn html_renders_in_headless_chromium_when_available() {
    // The browser check needs Chromium and playwright-core (installed by .ci/run);
    // without them this test says so and checks nothing more.
    let (Some(chromium), Some(node_path)) = (
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| Path::new(p).exists()),
        std::env::var_os("PIISCAN_PLAYWRIGHT"),
    ) else {
        eprintln!("skipped: set PIISCAN_PLAYWRIGHT to a node_modules holding playwright-core");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    std::fs::write(&report, run("html", &[])).unwrap();
    let out = std::process::Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/check_html.cjs"))
        .arg(&report)
        .env("NODE_PATH", node_path)
        .env("CHROMIUM", chromium)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn csv_matches_its_golden_file() {
    // Nothing in the CSV changes from run to run under a fixed key.
    let got = String::from_utf8(run_on("csv", &[], &["testdata/unwrap/nested.zip"])).unwrap();
    assert_golden("report.csv", &got);
}

#[test]
fn streamed_sarif_is_the_pretty_printed_document() {
    // The results are written one at a time into the pretty-printed document around them:
    // the bytes must be exactly what printing the whole document gives, with results and
    // without any.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "nothing to see").unwrap();
    let none = piiscan()
        .args(["scan", "-q", "-f", "sarif"])
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(0));
    for text in [run("sarif", &[]), none.stdout] {
        let doc: Value = serde_json::from_slice(&text).unwrap();
        let results = doc["runs"][0]["results"].as_array().unwrap().len();
        let again = serde_json::to_string_pretty(&doc).unwrap() + "\n";
        assert_eq!(String::from_utf8(text).unwrap(), again, "{results} results");
    }
}
