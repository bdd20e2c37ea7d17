//! Helpers: run the real binary, parse its report, read the fixtures' ground truth.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The kinds the truth files of `testdata/` and `tests/data/` list (they predate addresses,
/// which have their own fixture and truth): tests comparing against them scan these only.
pub const TRUTH_TYPES: &str = "--types=cn_id,cn_mobile,cn_landline,bank_card,email";

/// The repository's `testdata/` folder.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// A command running the built `piiscan` binary, in `testdata/`'s parent folder.
pub fn piiscan() -> Command {
    let mut c = Command::cargo_bin("piiscan").expect("binary built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("PIISCAN_HASH_KEY");
    c
}

/// Runs `piiscan scan -f json -q ARGS` and returns (exit code, report).
pub fn scan_json(args: &[&str]) -> (i32, Value) {
    let out = piiscan()
        .args(["scan", "-f", "json", "-q"])
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "report is not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

/// Runs `piiscan scan -q -f json NAME` in `dir`, calling `meanwhile` every millisecond
/// until it exits; returns its exit status and report.
pub fn scan_json_meanwhile(
    dir: &Path,
    name: &str,
    mut meanwhile: impl FnMut(),
) -> (std::process::ExitStatus, Value) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_piiscan"))
        .current_dir(dir)
        .args(["scan", "-q", "-f", "json", name])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        meanwhile();
        std::thread::sleep(std::time::Duration::from_millis(1));
    };
    let report = serde_json::from_str(&reader.join().unwrap()).unwrap();
    (status, report)
}

/// The paths of a report's `files`, in report order.
pub fn file_paths(report: &Value) -> Vec<&str> {
    report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("a path"))
        .collect()
}

/// One expected or reported item: (file relative to testdata, member or "", type, value,
/// offset, length).
pub type Item = (String, String, String, String, u64, u64);

/// The ground truth of all of `testdata/`: `tests/data/truth.tsv` (written by
/// `tests/data/generate.py`) and `tests/data/unwrap_truth.tsv` (archives and encodings,
/// written by `tests/data/generate_unwrap.py`).
pub fn truth() -> BTreeSet<Item> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut t = read_truth(&dir.join("truth.tsv"));
    t.extend(read_truth(&dir.join("unwrap_truth.tsv")));
    t
}

/// Reads a truth file, tab-separated with `#` comments: either `file type value offset
/// length`, or `file member encoding type value offset length where`.
pub fn read_truth(path: &Path) -> BTreeSet<Item> {
    let text = std::fs::read_to_string(path).expect("truth file");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let (member, f) = if f.len() >= 7 {
                (f[1].to_string(), [f[0], f[3], f[4], f[5], f[6]])
            } else {
                (String::new(), [f[0], f[1], f[2], f[3], f[4]])
            };
            (
                f[0].to_string(),
                member,
                f[1].to_string(),
                f[2].to_string(),
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
            )
        })
        .collect()
}

/// The findings of a report as items, with paths made relative to `testdata/`.
pub fn items(report: &Value) -> BTreeSet<Item> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let rel = path
                .split_once("testdata/")
                .map(|(_, r)| r)
                .unwrap_or(path)
                .to_string();
            (
                rel,
                f["member"].as_str().unwrap_or("").to_string(),
                f["type"].as_str().unwrap().to_string(),
                f["value"].as_str().unwrap().to_string(),
                f["offset"].as_u64().unwrap(),
                f["length"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Findings with every field, minus nothing: for comparing two runs exactly.
pub fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().expect("findings").clone()
}

/// Says, where the person running the tests sees it (past the harness's capture), that
/// test `name` did not run, and why.
pub fn skipped(name: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{name} SKIPPED (not passed): {why}");
}

/// `name` in PATH or in the system folders where Debian installs programs and daemons.
pub fn find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/bin", "/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// PATH with the folder of the built `piiscan` first, for scripts that call `piiscan`.
pub fn piiscan_path() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_piiscan")).parent().unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(std::env::split_paths(&path)))
        .unwrap()
}

/// A command's standard output and error, as text.
pub fn output_text(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// Checks the merged report `reports/case.json` of a case scanned in `shards` shards with
/// `key` (the case folder holds `evidence/`): it has its digest, equals a single scan of the
/// same folder (files, findings with their keyed fingerprints, summary), passes `piiscan
/// verify` run from another folder, and no shard report holds the key.
pub fn compare_with_a_single_scan(case: &Path, key: &str, shards: u64) {
    let single = case.parent().unwrap().join("single.json");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_piiscan"))
        .current_dir(case)
        .env("PIISCAN_HASH_KEY", key)
        .args(["scan", "-q", "-o"])
        .arg(&single)
        .arg("evidence")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", output_text(&o));
    let merged = case.join("reports/case.json");
    assert!(case.join("reports/case.json.sha256").is_file());
    let read = |p: &Path| -> Value { serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap() };
    let (m, s) = (read(&merged), read(&single));
    assert!(m["findings"].as_array().unwrap().len() > 1000);
    for part in ["files", "findings", "summary"] {
        assert!(m[part] == s[part], "{part} differ");
    }
    assert_eq!(m["scan"]["options"]["shard"]["count"], shards);
    assert_eq!(m["scan"]["complete"], true);
    for k in 1..=shards {
        let shard = std::fs::read_to_string(case.join(format!("reports/shard-{k}.json"))).unwrap();
        assert!(!shard.contains(key), "the key is in shard {k}");
    }
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_piiscan"))
        .current_dir("/")
        .args(["verify", "-q"])
        .arg(&merged)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", output_text(&o));
}

/// Runs `piiscan merge` of `reports` into `out`: its exit code and standard error.
pub fn merge(reports: &[PathBuf], out: &Path) -> (i32, String) {
    let o = piiscan()
        .arg("merge")
        .args(reports)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
