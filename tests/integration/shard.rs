//! Scale-out: `--shard K/N` and `piiscan merge`.

use std::path::Path;

use serde_json::Value;

use crate::util::{merge, piiscan};

/// Runs a JSON scan of `testdata/` with `extra` flags, writing the report to `out`.
fn scan_to(out: &Path, extra: &[&str]) -> i32 {
    piiscan()
        .args(["scan", "-q", "-f", "json", "--hash-key", "shard-test", "-o"])
        .arg(out)
        .args(extra)
        .arg("testdata")
        .output()
        .unwrap()
        .status
        .code()
        .unwrap_or(-1)
}

fn read(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn eight_merged_shards_equal_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let whole = d.join("whole.json");
    assert_eq!(scan_to(&whole, &[]), 1);
    let mut shards = Vec::new();
    let mut sizes = Vec::new();
    for k in (1..=8).rev() {
        let p = d.join(format!("shard{k}.json"));
        scan_to(&p, &["--shard", &format!("{k}/8")]);
        sizes.push(read(&p)["files"].as_array().unwrap().len());
        shards.push(p);
    }
    // Every shard got a share, and none got everything.
    let total: usize = sizes.iter().sum();
    assert!(sizes.iter().all(|n| *n > 0 && *n < total), "{sizes:?}");

    let merged = d.join("merged.json");
    let (code, err) = merge(&shards, &merged);
    assert_eq!(code, 1, "{err}");
    assert!(d.join("merged.json.sha256").exists());
    let (w, m) = (read(&whole), read(&merged));
    assert_eq!(m["files"], w["files"]);
    assert_eq!(m["findings"], w["findings"]);
    assert_eq!(m["summary"], w["summary"]);
    assert_eq!(m["tool"], w["tool"]);
    assert_eq!(m["scan"]["roots"], w["scan"]["roots"]);
    assert_eq!(m["scan"]["complete"], true);
    assert_eq!(m["scan"]["options"]["shard"]["count"], 8);
    let listed = m["scan"]["shards"].as_array().unwrap();
    assert_eq!(listed.len(), 8);
    assert_eq!(listed[0]["index"], 1);
    assert_eq!(listed[0]["report_sha256"].as_str().unwrap().len(), 64);
    // The merged report is itself verifiable evidence.
    let v = piiscan()
        .args(["verify", "-q"])
        .arg(&merged)
        .output()
        .unwrap();
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
}

#[test]
fn merge_refuses_missing_duplicate_foreign_and_tampered_shards() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shard = |k: u32, n: u32, extra: &[&str]| {
        let p = d.join(format!("s{k}of{n}{}.json", extra.len()));
        scan_to(&p, &[&["--shard", &format!("{k}/{n}")], extra].concat());
        p
    };
    let (s1, s2, s3) = (shard(1, 3, &[]), shard(2, 3, &[]), shard(3, 3, &[]));
    let out = d.join("m.json");
    let (code, err) = merge(&[s1.clone(), s3.clone()], &out);
    assert_eq!(code, 2);
    assert!(err.contains("shards missing: 2/3"), "{err}");
    let (code, err) = merge(&[s1.clone(), s2.clone(), s2.clone(), s3.clone()], &out);
    assert_eq!(code, 2);
    assert!(err.contains("shard 2/3 is given twice"), "{err}");
    let other = shard(2, 3, &["--types", "cn_id"]);
    let (code, err) = merge(&[s1.clone(), other, s3.clone()], &out);
    assert_eq!(code, 2);
    assert!(
        err.contains("not shards of the same scan") && err.contains("types"),
        "{err}"
    );
    let (code, err) = merge(&[s1.clone(), shard(2, 4, &[]), s3.clone()], &out);
    assert_eq!(code, 2);
    assert!(err.contains("of 3 shards"), "{err}");
    // A shard changed after it was written is refused by its digest.
    let mut text = std::fs::read_to_string(&s2).unwrap();
    text = text.replacen("\"complete\":true", "\"complete\":false", 1);
    std::fs::write(&s2, text).unwrap();
    let (code, err) = merge(&[s1.clone(), s2, s3.clone()], &out);
    assert_eq!(code, 2);
    assert!(err.contains("digest file does not match"), "{err}");
    // A report of an unsharded scan is not a shard.
    let whole = d.join("whole.json");
    scan_to(&whole, &[]);
    let (code, err) = merge(&[whole], &out);
    assert_eq!(code, 2);
    assert!(err.contains("not a shard"), "{err}");
    assert!(!out.exists());
}

#[test]
fn bad_shard_specs_are_refused() {
    for spec in ["0/4", "5/4", "x/4", "3", "1/0"] {
        let o = piiscan()
            .args(["scan", "-q", "--shard", spec, "testdata/prose.txt"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{spec}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("K/N"), "{spec}");
    }
}

/// Rewrites a report's digest file to match it (as if the shard had been written so).
fn redigest(report: &Path) {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(report).unwrap();
    let name = report.file_name().unwrap().to_str().unwrap();
    let line = format!("{:x}  {name}\n", Sha256::digest(&bytes));
    std::fs::write(format!("{}.sha256", report.display()), line).unwrap();
}

#[test]
fn merge_exit_codes_and_the_folder_the_shards_ran_in() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shards: Vec<_> = (1..=2)
        .map(|k| {
            let p = d.join(format!("s{k}.json"));
            scan_to(&p, &["--shard", &format!("{k}/2")]);
            p
        })
        .collect();
    // Findings: 1, or 0 with --exit-zero; the report's folders are created.
    let out = d.join("case/reports/merged.json");
    let (code, err) = merge(&shards, &out);
    assert_eq!(code, 1, "{err}");
    let o = piiscan()
        .arg("merge")
        .arg("--exit-zero")
        .args(&shards)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let m = read(&out);
    assert_eq!(
        m["scan"]["working_directory"],
        env!("CARGO_MANIFEST_DIR"),
        "the shards' common folder"
    );
    // An interrupted shard: the merged report is written, incomplete, and merge fails,
    // --exit-zero or not.
    let text = std::fs::read_to_string(&shards[1]).unwrap();
    let text = text.replacen("\"complete\":true", "\"complete\":false", 1);
    std::fs::write(&shards[1], text).unwrap();
    redigest(&shards[1]);
    let o = piiscan()
        .args(["merge", "--exit-zero"])
        .args(&shards)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("interrupted"));
    assert_eq!(read(&out)["scan"]["complete"], false);
}

#[test]
fn reports_manifests_and_baselines_create_their_folders() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = piiscan()
        .current_dir(d)
        .args(["scan", "-q", "--hash-key", "k", "-o", "a/b/r.json"])
        .args(["--manifest", "c/m.sha256", "--write-baseline", "e/f/b.json"])
        .arg(crate::util::testdata().join("prose.txt"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for f in [
        "a/b/r.json",
        "a/b/r.json.sha256",
        "c/m.sha256",
        "e/f/b.json",
    ] {
        let p = d.join(f);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{f}");
        }
        assert!(p.is_file(), "{f}");
    }
}
