//! Custom rules (issue 19): `tests/data/rules.toml` over the fixtures of `tests/data/rules/`
//! (every encoding and container, items straddling window edges), and rules written per
//! test: context, validators, precedence, config errors, `piiscan rules test`.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::util::{findings, output_text, piiscan, scan_json};

const RULES: &str = "tests/data/rules.toml";
const FIXTURES: &str = "tests/data/rules";

/// (file name, member, value, offset) of each item `rules_truth.tsv` lists; offset -1
/// when it is not checked (spreadsheet cells, database rows).
fn truth() -> BTreeSet<(String, String, String, i64)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rules_truth.tsv");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].into(), f[1].into(), f[2].into(), f[3].parse().unwrap())
        })
        .collect()
}

/// The items of a report as the truth lists them (offsets of truth rows at -1 blanked).
fn items(
    report: &Value,
    truth: &BTreeSet<(String, String, String, i64)>,
) -> BTreeSet<(String, String, String, i64)> {
    // The names of the fixtures' 姓名 columns are `cn_name` findings (kinds.rs tests them).
    findings(report)
        .iter()
        .filter(|f| f["type"] != "cn_name")
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let name = Path::new(path).file_name().unwrap().to_str().unwrap();
            let member = f["member"].as_str().unwrap_or("").to_string();
            let value = f["value"].as_str().unwrap().to_string();
            let mut offset = f["offset"].as_i64().unwrap();
            if truth.contains(&(name.into(), member.clone(), value.clone(), -1)) {
                offset = -1;
            }
            (name.to_string(), member, value, offset)
        })
        .collect()
}

#[test]
fn rules_find_their_items_in_every_encoding_and_container_at_the_right_offsets() {
    let truth = truth();
    for window in ["1000000000", "4096", "64"] {
        let (code, r) = scan_json(&[
            "--config",
            RULES,
            "--reveal",
            "--window-size",
            window,
            "--parallel-threshold",
            "0",
            FIXTURES,
        ]);
        assert_eq!(code, 1, "findings: exit 1");
        assert_eq!(items(&r, &truth), truth, "window {window}");
        for f in findings(&r).iter().filter(|f| f["type"] != "cn_name") {
            assert!(
                f["type"].as_str().unwrap().starts_with("custom.acme_"),
                "{f}"
            );
        }
    }
    // Every encoding and container the issue names is among them.
    let files: BTreeSet<&str> = truth.iter().map(|t| t.0.as_str()).collect();
    for f in [
        "utf8.txt",
        "gbk.txt",
        "utf16le.txt",
        "members.zip",
        "book.xlsx",
        "staff.db",
        "straddle.txt",
    ] {
        assert!(files.contains(f), "{f}");
    }
}

#[test]
fn rule_values_are_masked_without_reveal() {
    let (_, r) = scan_json(&["--config", RULES, FIXTURES]);
    let rules = &r["scan"]["options"]["custom_rules"];
    assert_eq!(rules[0]["type"], "custom.acme_employee", "{rules}");
    assert_eq!(rules[1]["require_context"], true, "{rules}");
    let text = r.to_string();
    for (_, _, value, _) in truth() {
        assert!(!text.contains(&value), "raw {value} in the report");
    }
    let f = findings(&r);
    let utf8: Vec<&Value> = f
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with("utf8.txt"))
        .collect();
    // keep_start = 4, keep_end = 2 for employees; the default 2 and 2 for members.
    let shown: Vec<&str> = utf8.iter().map(|f| f["value"].as_str().unwrap()).collect();
    assert_eq!(shown, ["EMP-****17", "EMP0***16", "HY******01"]);
}

#[test]
fn keywords_raise_confidence_and_require_context_drops_bare_matches() {
    let (_, r) = scan_json(&["--config", RULES, "--reveal", FIXTURES]);
    let conf = |file: &str, value: &str| -> Option<String> {
        findings(&r)
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(file) && f["value"] == value)
            .map(|f| f["confidence"].as_str().unwrap().to_string())
    };
    // 工号 and `employee` before it: medium + 1; no keyword (straddle.txt): medium.
    assert_eq!(conf("utf8.txt", "EMP-000117").as_deref(), Some("high"));
    assert_eq!(conf("utf8.txt", "EMP000216").as_deref(), Some("high"));
    assert_eq!(
        conf("straddle.txt", "EMP-005009").as_deref(),
        Some("medium")
    );
    // The column emp_no of a spreadsheet and of a table is context.
    assert_eq!(conf("book.xlsx", "EMP-000505").as_deref(), Some("high"));
    assert_eq!(conf("staff.db", "EMP-000604").as_deref(), Some("high"));
    // require_context: 会员号 before it (low + 1), the bare one not at all.
    assert_eq!(conf("utf8.txt", "HY20240001").as_deref(), Some("medium"));
    assert_eq!(conf("utf8.txt", "HY20250001"), None);
}

/// A scan of `text` (in a file of a fresh folder) with the rules `toml`: exit code,
/// stderr and report.
fn scan_with(toml: &str, text: &str, extra: &[&str]) -> (i32, String, Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.toml"), toml).unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::write(dir.path().join("in/a.txt"), text).unwrap();
    let out = piiscan()
        .current_dir(dir.path())
        .args([
            "scan",
            "-q",
            "-f",
            "json",
            "--reveal",
            "--config",
            "rules.toml",
            "in",
        ])
        .args(extra)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        report,
    )
}

/// (type, value) of each finding.
fn found(r: &Value) -> Vec<(String, String)> {
    findings(r)
        .iter()
        .map(|f| {
            (
                f["type"].as_str().unwrap().into(),
                f["value"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn the_luhn_validator_rejects_a_bad_check_digit() {
    let toml = "[[rules]]\nid = \"card\"\nregex = '''M\\d{8}'''\nvalidator = \"luhn\"\n";
    let (code, err, r) = scan_with(toml, "M79927398 M79927390 M12345674\n", &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        found(&r),
        [
            ("custom.card".into(), "M79927398".into()),
            ("custom.card".into(), "M12345674".into())
        ]
    );
}

#[test]
fn built_in_kinds_win_overlaps_unless_the_rule_has_high_priority() {
    let rule = "[[rules]]\nid = \"staff_phone\"\nregex = '''1\\d{10}'''\n";
    let (_, _, r) = scan_with(rule, "电话 13800138000\n", &[]);
    assert_eq!(found(&r), [("cn_mobile".into(), "13800138000".into())]);
    let high = format!("{rule}priority = \"high\"\n");
    let (_, _, r) = scan_with(&high, "电话 13800138000\n", &[]);
    assert_eq!(
        found(&r),
        [("custom.staff_phone".into(), "13800138000".into())]
    );
    // --types takes custom types.
    let (code, _, r) = scan_with(&high, "电话 13800138000\n", &["--types", "cn_id"]);
    assert_eq!((code, found(&r)), (0, vec![]));
}

#[test]
fn a_failing_example_is_a_config_error_naming_its_line() {
    let toml = "[[rules]]\nid = \"emp\"\nregex = '''EMP-\\d{6}'''\n\
                examples = [\"EMP-123456\",\n  \"EMP-12345\"]\n";
    let (code, err, _) = scan_with(toml, "x\n", &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("rules.toml: line 5, column 3"), "{err}");
    assert!(err.contains("example \"EMP-12345\" is not found"), "{err}");
    let toml =
        "[[rules]]\nid = \"emp\"\nregex = '''EMP-\\d{6}'''\ncounterexamples = [\"EMP-123456\"]\n";
    let (code, err, _) = scan_with(toml, "x\n", &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("line 4, column 20") && err.contains("counterexample"),
        "{err}"
    );
}

#[test]
fn empty_matching_oversized_and_broken_patterns_are_refused() {
    for (pattern, says, column) in [
        (r"\d*", "can match the empty string", 9),
        (r"(?:EMP)?", "can match the empty string", 9),
        (r"\w{2000}", "too big", 9),
        (r"EMP-(\d{6}", "does not compile", 9),
    ] {
        let toml = format!("[[rules]]\nid = \"x\"\nregex = '''{pattern}'''\n");
        let (code, err, _) = scan_with(&toml, "x\n", &[]);
        assert_eq!(code, 2, "{pattern}: {err}");
        assert!(err.contains(says), "{pattern}: {err}");
        assert!(
            err.contains(&format!("line 3, column {column}")),
            "{pattern}: {err}"
        );
    }
    let (code, err, _) = scan_with(
        "[[rules]]\nid = \"x\"\nregex = 'a'\nvalidator = \"crc\"\n",
        "x\n",
        &[],
    );
    assert!(
        code == 2 && err.contains("line 4") && err.contains("luhn"),
        "{err}"
    );
}

#[test]
fn rule_files_join_the_config_and_an_id_defined_twice_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("a.toml"),
        "[[rules]]\nid = \"emp\"\nregex = 'EMP-[0-9]{6}'\n",
    )
    .unwrap();
    std::fs::write(
        d.join("b.toml"),
        "[[rules]]\nid = \"mem\"\nregex = 'HY[0-9]{8}'\n",
    )
    .unwrap();
    std::fs::write(d.join("cfg.toml"), "rule_files = [\"a.toml\"]\n").unwrap();
    std::fs::write(d.join("x.txt"), "EMP-123456 HY20240001\n").unwrap();
    let run = |args: &[&str]| {
        piiscan()
            .current_dir(d)
            .args(["scan", "-q", "-f", "json", "--reveal"])
            .args(args)
            .arg("x.txt")
            .output()
            .unwrap()
    };
    let out = run(&["--config", "cfg.toml", "--rules", "b.toml"]);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        found(&r),
        [
            ("custom.emp".into(), "EMP-123456".into()),
            ("custom.mem".into(), "HY20240001".into())
        ]
    );
    let out = run(&["--config", "cfg.toml", "--rules", "a.toml"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("rule id 'emp' is defined twice") && err.contains("line 2, column 6"),
        "{err}"
    );
}

#[test]
fn rules_test_prints_a_table_and_fails_on_a_failing_example() {
    let out = piiscan().args(["rules", "test", RULES]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("acme_employee  counterexample  ok      \"EMP-000118\""),
        "{text}"
    );
    assert!(text.contains("7 cases, 0 failed"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[rules]]\nid = \"emp\"\nregex = 'EMP-[0-9]{6}'\nexamples = [\"EMP-1\"]\n",
    )
    .unwrap();
    let out = piiscan()
        .args(["rules", "test"])
        .arg(&bad)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("FAIL") && text.contains("line 4, column 13"),
        "{text}"
    );
    let out = piiscan()
        .args(["rules", "test", "--rules"])
        .arg(dir.path().join("none.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sarif_has_one_rule_per_custom_rule() {
    let out = piiscan()
        .args(["scan", "-q", "-f", "sarif", "--config", RULES, FIXTURES])
        .output()
        .unwrap();
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = s["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"custom.acme_employee") && rules.contains(&"custom.acme_member"),
        "{rules:?}"
    );
    let results = s["runs"][0]["results"].as_array().unwrap();
    let custom = results.iter().filter(|r| r["ruleId"] != "cn_name");
    assert_eq!(custom.count(), truth().len());
}

#[test]
fn the_readme_rules_pass_their_own_examples() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("### Custom rules").expect("README section")..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("readme.toml");
    std::fs::write(&path, block).unwrap();
    let out = piiscan()
        .args(["rules", "test"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("9 cases, 0 failed"), "{text}");
}

#[test]
fn config_print_shows_the_rules_and_its_output_is_a_valid_config() {
    let out = piiscan()
        .args(["config", "--config", RULES])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("[[rules]]") && text.contains("acme_member"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let printed = dir.path().join("printed.toml");
    std::fs::write(&printed, &text).unwrap();
    let again = piiscan()
        .args(["config", "--config"])
        .arg(&printed)
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let again = String::from_utf8_lossy(&again.stdout);
    // The same settings, but for the first line (which names the file read).
    assert_eq!(
        text.split_once('\n').unwrap().1,
        again.split_once('\n').unwrap().1
    );
}

#[test]
fn check_tries_the_custom_rules_of_the_config_given() {
    let run = |args: &[&str]| {
        let out = piiscan().arg("check").args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // Without the config, the rule's kind is unknown and its values invalid.
    let (code, text) = run(&["EMP-000117"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("\tinvalid: ") && !text.contains("custom."),
        "{text}"
    );
    let (code, text) = run(&["--config", RULES, "EMP-000117", "EMP000216"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("EMP-000117\tcustom.acme_employee\tvalid\trule=acme_employee validator=luhn"),
        "{text}"
    );
    // A bad check digit is named as the validator's; a value holding more than a match
    // is not one.
    let (code, text) = run(&["--config", RULES, "EMP-000118", "EMP-0001170"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("EMP-000118\tcustom.acme_employee\tinvalid: luhn"),
        "{text}"
    );
    assert!(
        !text.contains("EMP-0001170\tcustom.acme_employee\tvalid"),
        "{text}"
    );
    // Built-in kinds keep precedence; `--type` names a custom kind once the rules load.
    let (_, text) = run(&[
        "--config",
        RULES,
        "--type",
        "custom.acme_member",
        "HY20240001",
    ]);
    assert!(
        text.contains("HY20240001\tcustom.acme_member\tvalid"),
        "{text}"
    );
    let (_, text) = run(&["--config", RULES, "13800138000"]);
    assert!(text.contains("\tcn_mobile\tvalid"), "{text}");
    let (code, _) = run(&["--type", "custom.acme_member", "HY20240001"]);
    assert_eq!(code, Some(2));
}

#[test]
fn merged_shards_order_and_count_custom_kinds_as_a_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Runs piiscan with `args`, which must exit 1 (findings).
    let run = |args: &[&std::ffi::OsStr]| {
        let o = piiscan().args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", output_text(&o));
    };
    let scan = |out: &Path, extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = ["scan", "-q", "-f", "json", "--config", RULES]
            .iter()
            .chain(&["--hash-key", "rules-merge", FIXTURES])
            .chain(extra)
            .map(std::ffi::OsStr::new)
            .collect();
        args.extend([std::ffi::OsStr::new("-o"), out.as_os_str()]);
        run(&args);
    };
    let read = |p: &Path| -> Value { serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap() };
    let whole = d.join("whole.json");
    scan(&whole, &[]);
    let mut shards = Vec::new();
    for k in 1..=3 {
        let p = d.join(format!("shard{k}.json"));
        scan(&p, &["--shard", &format!("{k}/3")]);
        shards.push(p);
    }
    let merged = d.join("merged.json");
    let mut args: Vec<&std::ffi::OsStr> = vec!["merge".as_ref(), "-o".as_ref(), merged.as_ref()];
    args.extend(shards.iter().map(|p| p.as_os_str()));
    run(&args);
    let (w, m) = (read(&whole), read(&merged));
    assert_eq!(m["findings"], w["findings"]);
    let counts = &w["summary"]["counts"]["by_type"]["custom.acme_employee"];
    assert!(counts["distinct"].as_u64().unwrap() > 0, "{counts}");
    assert_eq!(m["summary"], w["summary"]);
}
