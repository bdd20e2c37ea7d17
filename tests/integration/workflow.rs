//! The CI and compliance workflow: baselines, inline markers, allowlists and the config
//! file, on inputs made per test.

use std::path::Path;

use serde_json::Value;

use crate::util::piiscan;

const KEY: &str = "workflow-test-key";

/// Runs `piiscan scan -f json -q ARGS` in `dir` with the test key; (exit code, report, stderr).
fn scan_in(dir: &Path, key: Option<&str>, args: &[&str]) -> (i32, Value, String) {
    let mut c = piiscan();
    c.current_dir(dir)
        .args(["scan", "-f", "json", "-q"])
        .args(args);
    if let Some(k) = key {
        c.env("PIISCAN_HASH_KEY", k);
    }
    let out = c.output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), report, stderr)
}

/// (path, type, line) of every finding.
fn found(report: &Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["type"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const USERS: &str =
    "姓名,手机,身份证\n张三,13800138000,11010519491231002X\n李四,13912345678,440308199901010012\n";

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "data/users.csv", USERS);
    write(d, "data/notes.txt", "联系电话 021-62345678\n");
    // Write the baseline: the scan itself still reports and exits 1.
    let (code, first, _) = scan_in(d, Some(KEY), &["--write-baseline", "base.json", "data"]);
    assert_eq!(code, 1);
    let n = found(&first).len();
    assert!(n >= 4, "{n}");
    let text = std::fs::read_to_string(d.join("base.json")).unwrap();
    let b: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(b["schema"], "piiscan.baseline/1");
    assert_eq!(b["entries"].as_array().unwrap().len(), n);
    for raw in ["13800138000", "11010519491231002X", "62345678", "\"line\""] {
        assert!(!text.contains(raw), "baseline holds {raw}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("base.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Rescan with it: nothing new, exit 0, all counted as suppressed.
    let (code, r, _) = scan_in(d, Some(KEY), &["--baseline", "base.json", "data"]);
    assert_eq!(code, 0, "{r}");
    assert!(found(&r).is_empty());
    assert_eq!(r["summary"]["suppressed"]["baseline"], n as u64);
    assert_eq!(r["summary"]["baseline_unused"], serde_json::json!([]));

    // Edits around a baselined item do not revive it (no line numbers); a new item is
    // the only one reported.
    write(
        d,
        "data/users.csv",
        &format!("# export\n{USERS}王五,13700137000,\n"),
    );
    let (code, r, _) = scan_in(d, Some(KEY), &["--baseline", "base.json", "data"]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&r),
        [
            ("data/users.csv".to_string(), "cn_name".to_string(), 5),
            ("data/users.csv".to_string(), "cn_mobile".to_string(), 5)
        ]
    );
    assert_eq!(r["findings"][0]["value"], "王*");
    assert_eq!(r["findings"][1]["value"], "137****7000");

    // An item removed from the data leaves an unused entry, reported by type and path.
    write(d, "data/notes.txt", "nothing here\n");
    let out = piiscan()
        .current_dir(d)
        .env("PIISCAN_HASH_KEY", KEY)
        .args(["scan", "-f", "text", "--baseline", "base.json", "data"])
        .output()
        .unwrap();
    let (code, r, _) = scan_in(d, Some(KEY), &["--baseline", "base.json", "data"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(code, 1);
    let unused = r["summary"]["baseline_unused"].as_array().unwrap();
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert_eq!(unused[0]["type"], "cn_landline");
    assert_eq!(unused[0]["path"], "data/notes.txt");
    assert!(
        stderr.contains("1 baseline entry matched nothing"),
        "{stderr}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1 baseline entries matched nothing"),
        "{text}"
    );
    assert!(text.contains("cn_landline data/notes.txt"), "{text}");

    // Rewriting the baseline while using it keeps the suppressed entries and drops the
    // stale one.
    let (_, _, _) = scan_in(
        d,
        Some(KEY),
        &[
            "--baseline",
            "base.json",
            "--write-baseline",
            "base2.json",
            "data",
        ],
    );
    let b2: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("base2.json")).unwrap()).unwrap();
    // n - 1 stale + 2 new (王五 and the mobile of the added row).
    assert_eq!(b2["entries"].as_array().unwrap().len(), n + 1);
    let (code, _, _) = scan_in(d, Some(KEY), &["--baseline", "base2.json", "data"]);
    assert_eq!(code, 0);
}

#[test]
fn baselines_need_the_same_fixed_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "u.csv", USERS);
    let (code, _, err) = scan_in(d, None, &["--write-baseline", "b.json", "u.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("needs a fixed fingerprint key"), "{err}");
    assert!(!d.join("b.json").exists());
    scan_in(d, Some(KEY), &["--write-baseline", "b.json", "u.csv"]);
    let (code, _, err) = scan_in(d, Some("another"), &["--baseline", "b.json", "u.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("another fingerprint key"), "{err}");
    std::fs::write(d.join("bad.json"), "not json").unwrap();
    let (code, _, err) = scan_in(d, Some(KEY), &["--baseline", "bad.json", "u.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a piiscan baseline"), "{err}");
}

#[test]
fn the_inline_marker_suppresses_its_line_only_whatever_the_windows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut text = String::new();
    for i in 0..200 {
        if i % 3 == 0 {
            text.push_str(&format!(
                "{i} 手机13800138000 身份证11010519491231002X # piiscan:allow\n"
            ));
        } else {
            text.push_str(&format!("{i} 手机13912345678\n"));
        }
    }
    write(d, "fixture.txt", &text);
    let (code, whole, _) = scan_in(d, None, &["fixture.txt"]);
    assert_eq!(code, 1);
    let lines: Vec<u64> = found(&whole).iter().map(|f| f.2).collect();
    assert_eq!(lines.len(), 133);
    assert!(lines.iter().all(|l| (l - 1) % 3 != 0), "{lines:?}");
    assert_eq!(whole["summary"]["suppressed"]["inline"], 134);
    for w in ["7", "64", "100"] {
        let (_, r, _) = scan_in(
            d,
            None,
            &[
                "--window-size",
                w,
                "--parallel-threshold",
                "0",
                "fixture.txt",
            ],
        );
        assert_eq!(found(&r), found(&whole), "window {w}");
        assert_eq!(r["summary"]["suppressed"], whole["summary"]["suppressed"]);
    }
}

#[test]
fn the_config_file_in_the_root_is_read_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "users.csv", USERS);
    write(d, "vendor/dump.txt", "手机13800138000\n");
    write(d, "fixtures/sample.txt", "手机13700137000\n");
    write(d, "pay.txt", "收款工具 6214832018989180\n");
    write(d, "notes.md", "手机13600136000\n");
    // A fingerprint to allow, taken from a report made with the key.
    let (_, r, _) = scan_in(d, Some(KEY), &["users.csv"]);
    let fp = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["type"] == "cn_id" && f["line"] == 3)
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    write(
        d,
        "piiscan.toml",
        &format!(
            "[scan]\nexclude = [\"vendor/**\"]\ninclude = [\"*.csv\", \"*.txt\"]\nmin_confidence = \"medium\"\n\
             [keywords]\nbank_card = [\"收款工具\"]\n\
             [allowlist]\npaths = [\"fixtures/**\"]\nfingerprints = [\"{fp}\"]\n"
        ),
    );
    let (code, r, err) = scan_in(d, Some(KEY), &[]);
    assert_eq!(code, 1, "{err}");
    let mut paths: Vec<String> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, ["./fixtures/sample.txt", "./pay.txt", "./users.csv"]);
    let f = found(&r);
    assert!(
        f.contains(&("./pay.txt".into(), "bank_card".into(), 1)),
        "{f:?}"
    );
    assert!(!f.iter().any(|x| x.0.contains("fixtures")));
    assert!(!f.contains(&("./users.csv".into(), "cn_id".into(), 3)));
    assert_eq!(r["summary"]["suppressed"]["path"], 1);
    assert_eq!(r["summary"]["suppressed"]["fingerprint"], 1);
    let opts = &r["scan"]["options"];
    assert_eq!(opts["min_confidence"], "medium");
    assert_eq!(opts["config_file"]["path"], "./piiscan.toml");
    assert_eq!(opts["config_file"]["sha256"].as_str().unwrap().len(), 64);
    // Flags win; --no-config ignores the file.
    let (_, r, _) = scan_in(d, Some(KEY), &["--min-confidence", "high"]);
    assert_eq!(r["scan"]["options"]["min_confidence"], "high");
    let (_, r, _) = scan_in(d, None, &["--no-config"]);
    assert_eq!(r["scan"]["options"]["config_file"], Value::Null);
    assert_eq!(r["files"].as_array().unwrap().len(), 6);
    // Allowlisted fingerprints need the key they were made with.
    let (code, _, err) = scan_in(d, None, &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("[allowlist] fingerprints needs a fixed fingerprint key"),
        "{err}"
    );
}

#[test]
fn config_errors_name_the_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.txt", "x\n");
    for (toml, want) in [
        (
            "[scan]\ncolour = 1\n",
            "line 2, column 1: unknown field `colour`",
        ),
        ("[scna]\n", "line 1, column 2: unknown field `scna`"),
        (
            "[scan]\nmin_confidence = \"hi\"\n",
            "line 2, column 18: unknown confidence 'hi'",
        ),
        ("[scan]\ngitignore = \"yes\"\n", "line 2, column 13:"),
        (
            "[scan]\ntypes = [\"cn_id\", \"passport\"]\n",
            "line 2, column 19: unknown type 'passport'",
        ),
        (
            "[scan]\nexclude = [\"a[\"]\n",
            "line 2, column 12: exclude 'a['",
        ),
        ("[limits]\nmax_ratio = -3\n", "line 2, column 13:"),
        (
            "[limits]\nmax_total_size = \"9Z\"\n",
            "line 2, column 18: bad size",
        ),
        (
            "[keywords]\npassport = [\"护照\"]\n",
            "line 2, column 12: [keywords]: unknown type 'passport'",
        ),
        (
            "[allowlist]\nfingerprints = [\"13800138000\"]\n",
            "line 2, column 17: a fingerprint is",
        ),
        ("[scan\n", "line 1, column"),
    ] {
        write(d, "piiscan.toml", toml);
        let (code, _, err) = scan_in(d, Some(KEY), &[]);
        assert_eq!(code, 2, "{toml}");
        assert!(err.contains(want), "{toml:?}: {err}");
        assert!(err.contains("piiscan.toml"), "{err}");
        assert!(
            !err.contains("13800138000"),
            "an error echoes a raw value: {err}"
        );
    }
    let (code, _, err) = scan_in(d, None, &["--config", "missing.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read config missing.toml"), "{err}");
}

#[test]
fn config_print_shows_the_effective_settings_as_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "piiscan.toml",
        "[scan]\ntypes = [\"cn_id\", \"cn_mobile\"]\nmax_filesize = \"1M\"\n[limits]\nmax_ratio = 99\n",
    );
    let print = |args: &[&str]| {
        let out = piiscan()
            .current_dir(d)
            .args(["config", "--print"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    let text = print(&["--max-members", "7"]);
    assert!(
        text.contains("config file: ./piiscan.toml (sha256 "),
        "{text}"
    );
    assert!(
        text.contains("types = [\"cn_id\", \"cn_mobile\"]"),
        "{text}"
    );
    assert!(text.contains("max_filesize = 1048576"), "{text}");
    assert!(text.contains("max_ratio = 99"), "{text}");
    assert!(text.contains("max_members = 7"), "{text}");
    assert!(text.contains("max_archive_depth = 16"), "{text}");
    // The printout is itself a config file that gives the same settings.
    write(d, "printed.toml", &text);
    let again = print(&["--config", "printed.toml"]);
    let body = |t: &str| t.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&again), body(&text));
}

#[test]
fn include_globs_pick_files_but_named_files_are_always_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a/users.csv", USERS);
    write(d, "a/b/more.csv", USERS);
    write(d, "a/notes.txt", "手机13600136000\n");
    let (_, r, _) = scan_in(
        d,
        None,
        &["--no-config", "--include", "*.csv", "a", "a/notes.txt"],
    );
    let mut paths = crate::util::file_paths(&r);
    paths.sort();
    assert_eq!(paths, ["a/b/more.csv", "a/notes.txt", "a/users.csv"]);
}
