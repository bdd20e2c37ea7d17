//! Chain of custody: run metadata, atomic private reports with digests, the `sha256sum`
//! manifest, `verify`, the evidence list, the JSON Lines stream and interrupted scans.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::util::{piiscan, scan_json_meanwhile, testdata, truth};

/// A fresh folder holding a copy of the text fixtures under `evidence/`.
fn evidence_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("evidence");
    std::fs::create_dir_all(ev.join("sub")).unwrap();
    for name in ["prose.txt", "users.csv", "app.log", "decoys.txt"] {
        std::fs::copy(testdata().join(name), ev.join(name)).unwrap();
    }
    std::fs::copy(
        testdata().join("unwrap/bundle.zip"),
        ev.join("sub/bundle.zip"),
    )
    .unwrap();
    std::fs::copy(testdata().join("unwrap/gbk.csv"), ev.join("sub/gbk.csv")).unwrap();
    dir
}

/// The raw values of the fixtures copied by [`evidence_tree`] (e-mail addresses aside: a
/// masked address keeps its domain).
fn raw_values() -> Vec<String> {
    let files = ["prose.txt", "users.csv", "app.log"];
    let vals: Vec<String> = truth()
        .into_iter()
        .filter(|(f, _, _, v, _, _)| files.contains(&f.as_str()) && !v.contains('@'))
        .map(|(_, _, _, v, _, _)| v)
        .collect();
    assert!(vals.len() > 100);
    vals
}

fn assert_no_raw_value(what: &str, text: &str) {
    for v in raw_values() {
        assert!(!text.contains(&v), "raw value {v} in {what}");
    }
}

#[cfg(unix)]
fn assert_private(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(p).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{}", p.display());
}
#[cfg(not(unix))]
fn assert_private(_: &Path) {}

/// Runs `piiscan ARGS` in `dir`; returns (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = piiscan().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn verify_json(dir: &Path, report: &str) -> (i32, Value) {
    let (code, out, err) = run_in(dir, &["verify", "-q", "--format", "json", report]);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    (code, v)
}

fn file_status<'a>(v: &'a Value, path: &str) -> &'a str {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in {v}"))["status"]
        .as_str()
        .unwrap()
}

fn sha256sum_installed() -> bool {
    Process::new("sha256sum")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn report_carries_run_metadata() {
    let dir = evidence_tree();
    let (code, out, _) = run_in(
        dir.path(),
        &[
            "scan",
            "-q",
            "-f",
            "json",
            "--case-id",
            "C-9",
            "--examiner",
            "Wang",
            "--note",
            "n",
            "--types",
            "cn_id,cn_mobile",
            "--max-ratio",
            "99",
            "evidence",
        ],
    );
    assert_eq!(code, 1);
    let r: Value = serde_json::from_str(&out).unwrap();
    assert!(!r["tool"]["version"].as_str().unwrap().is_empty());
    let commit = r["tool"]["commit"].as_str().unwrap();
    assert!(
        commit == "unknown" || commit.chars().all(|c| c.is_ascii_hexdigit()),
        "{commit}"
    );
    let scan = &r["scan"];
    assert!(!scan["host"].as_str().unwrap().is_empty());
    assert!(!scan["user"]["name"].as_str().unwrap().is_empty());
    assert_eq!(scan["case"]["id"], "C-9");
    assert_eq!(scan["case"]["examiner"], "Wang");
    assert_eq!(scan["case"]["note"], "n");
    assert_eq!(scan["complete"], true);
    assert_eq!(scan["roots"][0], "evidence");
    assert!(scan["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "--examiner"));
    let o = &scan["options"];
    assert_eq!(o["types"], serde_json::json!(["cn_id", "cn_mobile"]));
    assert_eq!(o["min_confidence"], "low");
    assert_eq!(o["format"], "json");
    assert_eq!(o["limits"]["max_ratio"], 99);
    for k in ["threads", "window_size", "parallel_threshold"] {
        assert!(o[k].as_u64().unwrap() > 0, "options.{k}");
    }
    // Per input: size, mtime, hash of the bytes; nothing changed while it was read.
    for f in r["files"].as_array().unwrap() {
        let bytes = std::fs::read(dir.path().join(f["path"].as_str().unwrap())).unwrap();
        assert_eq!(f["size"].as_u64().unwrap(), bytes.len() as u64);
        assert_eq!(
            f["sha256"].as_str().unwrap(),
            format!("{:x}", Sha256::digest(&bytes))
        );
        assert!(f["mtime"].as_str().unwrap().ends_with('Z'));
        assert!(f.get("changed_during_scan").is_none());
    }
}

#[test]
fn a_file_growing_while_it_is_read_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("growing.log");
    let line = "2026-01-01 user phone 13912345678 ok\n".repeat(1 << 10);
    std::fs::write(&path, line.repeat(512)).unwrap(); // 38 MiB: read in parallel windows
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    let (_, r) = scan_json_meanwhile(dir.path(), "growing.log", || {
        f.write_all(b"more\n").unwrap();
    });
    let rec = &r["files"][0];
    assert_eq!(rec["changed_during_scan"], true, "{rec}");
    assert!(rec["reason"]
        .as_str()
        .unwrap()
        .contains("changed during scan"));
}

#[test]
fn verify_passes_untouched_and_detects_change_deletion_and_tampering() {
    let dir = evidence_tree();
    let d = dir.path();
    let (code, out, _) = run_in(
        d,
        &[
            "scan",
            "-q",
            "-o",
            "report.json",
            "--manifest",
            "manifest.sha256",
            "evidence",
        ],
    );
    assert_eq!(code, 1);
    assert!(out.is_empty(), "the report goes to the file only");
    for f in ["report.json", "report.json.sha256", "manifest.sha256"] {
        assert_private(&d.join(f));
    }
    assert!(!d.join("report.json.partial").exists());
    let digest = std::fs::read_to_string(d.join("report.json.sha256")).unwrap();
    let report = std::fs::read(d.join("report.json")).unwrap();
    assert_eq!(
        digest,
        format!("{:x}  report.json\n", Sha256::digest(&report))
    );
    assert_no_raw_value("the report", &String::from_utf8_lossy(&report));
    let manifest = std::fs::read_to_string(d.join("manifest.sha256")).unwrap();
    assert_eq!(manifest.lines().count(), 6, "{manifest}");
    assert!(manifest.contains("  evidence/sub/bundle.zip\n"));

    let (code, v) = verify_json(d, "report.json");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["verified"], true);
    assert_eq!(v["digest"], "ok");
    assert_eq!(v["summary"]["ok"], 6);
    let (code, text, _) = run_in(d, &["verify", "-q", "report.json"]);
    assert_eq!(code, 0);
    assert!(text.contains("OK       evidence/prose.txt"), "{text}");
    assert_no_raw_value("verify output", &text);

    // One changed byte, one deleted file.
    let target = d.join("evidence/users.csv");
    let mut bytes = std::fs::read(&target).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&target, bytes).unwrap();
    std::fs::remove_file(d.join("evidence/sub/gbk.csv")).unwrap();
    let (code, v) = verify_json(d, "report.json");
    assert_eq!(code, 1);
    assert_eq!(v["verified"], false);
    assert_eq!(file_status(&v, "evidence/users.csv"), "changed");
    assert_eq!(file_status(&v, "evidence/sub/gbk.csv"), "missing");
    assert_eq!(file_status(&v, "evidence/prose.txt"), "ok");
    assert_eq!(v["summary"]["changed"], 1);
    assert_eq!(v["summary"]["missing"], 1);
    let (_, text, _) = run_in(d, &["verify", "-q", "report.json"]);
    assert!(text.contains("CHANGED  evidence/users.csv"), "{text}");
    assert!(text.contains("MISSING  evidence/sub/gbk.csv"), "{text}");
    if sha256sum_installed() {
        let st = Process::new("sha256sum")
            .current_dir(d)
            .args(["-c", "--quiet", "manifest.sha256"])
            .output()
            .unwrap();
        assert!(!st.status.success(), "sha256sum -c notices the change too");
    }

    // A tampered report: same length, still JSON, one digit changed.
    let text = std::fs::read_to_string(d.join("report.json")).unwrap();
    let at = text
        .find("\"size\": ")
        .or_else(|| text.find("\"size\":"))
        .unwrap();
    let digit = text[at..].find(|c: char| c.is_ascii_digit()).unwrap() + at;
    let mut tampered = text.into_bytes();
    tampered[digit] = if tampered[digit] == b'9' {
        b'8'
    } else {
        tampered[digit] + 1
    };
    std::fs::write(d.join("report.json"), &tampered).unwrap();
    let (code, v) = verify_json(d, "report.json");
    assert_eq!(code, 1);
    assert_eq!(v["digest"], "tampered");
    let (_, text, _) = run_in(d, &["verify", "-q", "report.json"]);
    assert!(text.starts_with("TAMPERED"), "{text}");

    // Without its digest file the report is checked all the same, and says so.
    std::fs::remove_file(d.join("report.json.sha256")).unwrap();
    let (_, text, _) = run_in(d, &["verify", "-q", "report.json"]);
    assert!(text.starts_with("MISSING-DIGEST"), "{text}");

    // A report that cannot be read.
    let (code, _, err) = run_in(d, &["verify", "no-such-report.json"]);
    assert_eq!(code, 2, "{err}");
    std::fs::write(d.join("junk.json"), "not json").unwrap();
    let (code, _, _) = run_in(d, &["verify", "junk.json"]);
    assert_eq!(code, 2);
}

#[test]
fn verify_resolves_relative_paths_against_the_folder_the_scan_ran_in() {
    let dir = evidence_tree();
    let d = dir.path();
    let (_, _, _) = run_in(d, &["scan", "-q", "-o", "r.json", "evidence"]);
    let report = d.join("r.json");
    let elsewhere = Path::new(env!("CARGO_MANIFEST_DIR"));
    // From anywhere: the recorded folder, and it says so.
    let (code, out, _) = run_in(elsewhere, &["verify", "-q", report.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let folder = d.canonicalize().unwrap();
    let root_line = out.lines().nth(1).unwrap();
    assert!(
        root_line.starts_with("ROOT     ")
            && root_line.contains(folder.to_str().unwrap())
            && root_line.contains("the folder the scan ran in"),
        "{out}"
    );
    let (code, v) = verify_json(elsewhere, report.to_str().unwrap());
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["root"]["from"], "report");
    // --root (and its old name --base) wins.
    for flag in ["--root", "--base"] {
        let (code, out, _) = run_in(
            elsewhere,
            &[
                "verify",
                "-q",
                flag,
                d.to_str().unwrap(),
                report.to_str().unwrap(),
            ],
        );
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("(given with --root)"), "{out}");
    }
    let (code, out, _) = run_in(
        elsewhere,
        &["verify", "-q", "--root", "/", report.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{out}");
    // The case moved: the recorded folder is gone, the current one is used and named.
    let moved = tempfile::tempdir().unwrap();
    let case = moved.path().join("case");
    std::fs::rename(d, &case).unwrap();
    let (code, v) = verify_json(&case, "r.json");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["root"]["from"], "current");
    assert!(
        v["root"]["note"].as_str().unwrap().contains("is not here"),
        "{v}"
    );
    let (code, out, _) = run_in(moved.path(), &["verify", "-q", "case/r.json"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("give --root DIR"), "{out}");
    std::fs::rename(&case, d).unwrap();
}

#[test]
#[cfg(unix)]
fn sha256sum_accepts_the_manifest_with_awkward_names() {
    let dir = evidence_tree();
    let d = dir.path();
    let prose = std::fs::read(testdata().join("prose.txt")).unwrap();
    for name in [
        "back\\slash.txt",
        "new\nline.txt",
        "sp ace.txt",
        "cr\rname.txt",
    ] {
        std::fs::write(d.join("evidence").join(name), &prose).unwrap();
    }
    {
        use std::os::unix::ffi::OsStrExt;
        let raw = std::ffi::OsStr::from_bytes(b"gbk-\xc9\xed\xb7\xdd.txt");
        std::fs::write(d.join("evidence").join(raw), &prose).unwrap();
    }
    let (code, _, err) = run_in(
        d,
        &["scan", "-q", "-o", "r.json", "--manifest", "m", "evidence"],
    );
    assert_eq!(code, 1, "{err}");
    let manifest = std::fs::read(d.join("m")).unwrap();
    let text = String::from_utf8_lossy(&manifest);
    assert_eq!(text.matches('\n').count(), 11, "{text}");
    assert!(text.contains("  evidence/back\\\\slash.txt\n"), "{text}");
    assert!(text.contains("  evidence/new\\nline.txt\n"), "{text}");
    let (code, out, _) = run_in(d, &["verify", "-q", "r.json"]);
    assert_eq!(code, 0, "{out}");
    if !sha256sum_installed() {
        eprintln!("sha256sum not installed: manifest not checked with it");
        return;
    }
    let st = Process::new("sha256sum")
        .current_dir(d)
        .args(["-c", "--strict", "m"])
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&st.stdout),
        String::from_utf8_lossy(&st.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&st.stdout).matches(": OK").count(),
        11
    );
}

/// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "last line ends with CRLF"
    );
    rows
}

#[test]
fn evidence_list_is_a_csv_with_the_required_columns() {
    let dir = evidence_tree();
    let d = dir.path();
    std::fs::write(d.join("evidence/a,\"b\".txt"), "手机 13912345678\n").unwrap();
    let (code, _, err) = run_in(
        d,
        &[
            "scan",
            "-q",
            "-f",
            "evidence-list",
            "-o",
            "list.csv",
            "evidence",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert_private(&d.join("list.csv"));
    assert_private(&d.join("list.csv.sha256"));
    let bytes = std::fs::read(d.join("list.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 byte order mark");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert_no_raw_value("the evidence list", text);
    let rows = parse_csv(text);
    assert_eq!(
        rows[0],
        [
            "序号",
            "文件名/路径",
            "类别",
            "数量（条/去重）",
            "文件格式",
            "大小",
            "完整性校验值",
            "校验算法"
        ]
    );
    let rows = &rows[1..];
    assert_eq!(rows.len(), 7);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), 8, "{r:?}");
        assert_eq!(r[0], (i + 1).to_string());
        assert_eq!(r[7], "SHA-256");
        let bytes = std::fs::read(d.join(&r[1])).unwrap();
        assert_eq!(r[5], bytes.len().to_string());
        assert_eq!(r[6], format!("{:x}", Sha256::digest(&bytes)));
    }
    let row = |p: &str| {
        rows.iter()
            .find(|r| r[1] == p)
            .unwrap_or_else(|| panic!("{p}"))
    };
    assert_eq!(row("evidence/a,\"b\".txt")[2], "手机号");
    assert_eq!(row("evidence/decoys.txt")[2], "");
    assert_eq!(row("evidence/decoys.txt")[3], "");
    // Per kind: findings / distinct values.
    let phones = &row("evidence/a,\"b\".txt")[3];
    let (found, distinct) = phones
        .strip_prefix("手机号 ")
        .unwrap()
        .split_once('/')
        .unwrap();
    assert!(
        found.parse::<u64>().unwrap() >= distinct.parse::<u64>().unwrap(),
        "{phones}"
    );
    assert!(distinct.parse::<u64>().unwrap() > 0, "{phones}");
    let users = row("evidence/users.csv");
    assert!(
        users[2].contains("身份证号") && users[2].contains("手机号"),
        "{users:?}"
    );
    assert!(users[4].starts_with("text"), "{users:?}");
    assert_eq!(row("evidence/sub/gbk.csv")[4], "text (gb18030)");
    assert_eq!(row("evidence/sub/bundle.zip")[4], "zip");
}

/// Starts `piiscan ARGS` in `dir` with standard input held open (the scan reads `-` last,
/// so it cannot finish until the test lets it), and standard output piped.
fn start_held(dir: &Path, args: &[&str]) -> Child {
    Process::new(env!("CARGO_BIN_EXE_piiscan"))
        .current_dir(dir)
        .args(args)
        .env_remove("PIISCAN_HASH_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Writes 1 MiB of text to the child's standard input and returns the pipe, still open.
/// Once 1 MiB went through the 64 KiB pipe, the scan is reading standard input, which it
/// reads last: the walk is done, the other inputs are scanned, the handlers in place.
fn feed_stdin(child: &mut Child) -> std::process::ChildStdin {
    let mut stdin = child.stdin.take().unwrap();
    let prose = std::fs::read(testdata().join("prose.txt")).unwrap();
    let mut sent = 0;
    while sent < 1 << 20 {
        stdin.write_all(&prose).unwrap();
        sent += prose.len();
    }
    stdin
}

fn terminate(child: &Child) {
    // SAFETY: kill has no memory-safety preconditions; the pid is our own child's.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(rc, 0);
}

#[test]
#[cfg(unix)]
fn interrupted_jsonl_stream_is_valid_and_incomplete() {
    let dir = evidence_tree();
    let mut child = start_held(dir.path(), &["scan", "-q", "-f", "jsonl", "evidence", "-"]);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let begin: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(begin["record"], "begin");
    assert_eq!(begin["schema"], "piiscan.stream/1");
    assert!(begin["scan"]["command_line"].is_array());
    let reader = std::thread::spawn(move || {
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        rest
    });
    let stdin = feed_stdin(&mut child);
    terminate(&child);
    let rest = reader.join().unwrap();
    let status = child.wait().unwrap();
    drop(stdin);
    assert_eq!(status.code(), Some(143), "128 + SIGTERM");
    assert_no_raw_value("the stream", &rest);
    let records: Vec<Value> = rest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let end = records.last().unwrap();
    assert_eq!(end["record"], "end");
    assert_eq!(end["complete"], false);
    let files: Vec<&Value> = records.iter().filter(|r| r["record"] == "file").collect();
    let findings = records.iter().filter(|r| r["record"] == "finding").count();
    assert_eq!(files.len(), 7, "six files and standard input");
    assert_eq!(end["summary"]["files"]["total"], 7);
    assert_eq!(end["summary"]["findings_total"], findings);
    let stdin = files.iter().find(|f| f["path"] == "-").unwrap();
    assert_eq!(stdin["status"], "error");
    assert!(stdin["reason"].as_str().unwrap().starts_with("interrupted"));
    assert!(stdin["sha256"].is_null());
    assert!(records
        .iter()
        .filter(|r| r["record"] == "finding")
        .all(|f| f["value"].as_str().unwrap().contains('*')));
}

#[test]
#[cfg(unix)]
fn interrupted_scan_writes_a_valid_incomplete_report() {
    let dir = evidence_tree();
    let d = dir.path();
    let mut child = start_held(d, &["scan", "-q", "-o", "report.json", "evidence", "-"]);
    let stdin = feed_stdin(&mut child);
    terminate(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(143));
    drop(stdin);
    let path: PathBuf = d.join("report.json");
    assert_private(&path);
    assert_private(&d.join("report.json.sha256"));
    let text = std::fs::read_to_string(&path).unwrap();
    let r: Value = serde_json::from_str(&text).expect("a whole JSON document");
    assert_no_raw_value("the interrupted report", &text);
    assert_eq!(r["scan"]["complete"], false);
    assert!(r["scan"]["finished_at"].is_string());
    let files = r["files"].as_array().unwrap();
    assert_eq!(files.len(), 7);
    assert_eq!(
        files.iter().filter(|f| f["status"] == "scanned").count(),
        6,
        "the walk finished before the signal"
    );
    let stdin_rec = files.iter().find(|f| f["path"] == "-").unwrap();
    assert_eq!(stdin_rec["status"], "error");
    assert_eq!(
        r["summary"]["findings_total"].as_u64().unwrap(),
        r["findings"].as_array().unwrap().len() as u64
    );
    // What was done is verifiable.
    let (code, v) = verify_json(d, "report.json");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["ok"], 6);
}

#[test]
fn jsonl_stream_matches_the_json_report() {
    let dir = evidence_tree();
    let d = dir.path();
    let (code, out, _) = run_in(
        d,
        &[
            "scan",
            "-q",
            "-f",
            "jsonl",
            "--hash-key",
            "k",
            "-o",
            "s.jsonl",
            "evidence",
        ],
    );
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_private(&d.join("s.jsonl"));
    let stream = std::fs::read_to_string(d.join("s.jsonl")).unwrap();
    assert_no_raw_value("the stream", &stream);
    let records: Vec<Value> = stream
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records[0]["record"], "begin");
    assert_eq!(records.last().unwrap()["record"], "end");
    assert_eq!(records.last().unwrap()["complete"], true);
    let (_, out, _) = run_in(
        d,
        &["scan", "-q", "-f", "json", "--hash-key", "k", "evidence"],
    );
    let r: Value = serde_json::from_str(&out).unwrap();
    let strip = |f: &Value| {
        let mut f = f.clone();
        f.as_object_mut().unwrap().retain(|k, _| k != "record");
        f
    };
    let key = |f: &Value| {
        (
            f["path"].to_string(),
            f["offset"].as_u64(),
            f["type"].to_string(),
        )
    };
    let mut streamed: Vec<Value> = records
        .iter()
        .filter(|x| x["record"] == "finding")
        .map(strip)
        .collect();
    let mut reported: Vec<Value> = r["findings"].as_array().unwrap().clone();
    streamed.sort_by_key(key);
    reported.sort_by_key(key);
    assert_eq!(streamed.len(), reported.len());
    assert!(streamed == reported, "same findings, same fields");
    // verify reads a stream too.
    let (code, v) = verify_json(d, "s.jsonl");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["ok"], 6);
}

#[test]
#[cfg(unix)]
fn a_second_signal_exits_at_once_and_leaves_no_truncated_report() {
    let dir = evidence_tree();
    let d = dir.path();
    let mut child = start_held(d, &["scan", "-q", "-o", "report.json", "evidence", "-"]);
    let stdin = feed_stdin(&mut child);
    let t = std::time::Instant::now();
    terminate(&child);
    std::thread::sleep(std::time::Duration::from_millis(200));
    terminate(&child);
    let status = child.wait().unwrap();
    assert!(
        t.elapsed() < piiscan::scan::GRACE,
        "did not wait for the abandoned input"
    );
    assert_eq!(status.code(), Some(143));
    drop(stdin);
    assert!(!d.join("report.json").exists(), "no report under its name");
    assert!(!d.join("report.json.sha256").exists());
}

#[test]
#[cfg(unix)]
fn interrupted_text_report_says_incomplete() {
    let dir = evidence_tree();
    let mut child = start_held(dir.path(), &["scan", "-q", "-f", "text", "evidence", "-"]);
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let stdin = feed_stdin(&mut child);
    terminate(&child);
    let text = reader.join().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(143));
    drop(stdin);
    assert!(text.contains("INCOMPLETE"), "{text}");
    assert!(
        text.contains("interrupted: abandoned while being read"),
        "{text}"
    );
    assert_no_raw_value("the text report", &text);
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_fifo_is_written_into_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: c is a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let out = piiscan()
        .args(["scan", "-q", "-f", "json", "-o"])
        .arg(&fifo)
        .arg("testdata/prose.txt")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&reader.join().unwrap()).unwrap();
    assert!(report["findings"].as_array().unwrap().len() > 10);
    // Still a FIFO (as /dev/null must stay a device), and no digest file beside it.
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(!dir.path().join("report.pipe.sha256").exists());
    assert!(!dir.path().join("report.pipe.partial").exists());
}

#[test]
fn a_large_input_streams_its_findings_after_its_file_record_in_bounded_memory() {
    // 12 MiB holding 30,000 mobile numbers: the input spans batches, so its findings are
    // handed out before it is done, and their records (about 13 MB) outgrow the part held
    // in memory. They must still all follow the file record, in order, as in the JSON report.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let filler = "x".repeat(400);
    let mut text = String::new();
    for i in 0..30_000u32 {
        text.push_str(&format!("{filler} 1380013{:04}\n", i % 10_000));
    }
    std::fs::write(d.join("big.txt"), &text).unwrap();
    let (code, out, err) = run_in(
        d,
        &["scan", "-q", "-f", "jsonl", "--hash-key", "k", "big.txt"],
    );
    assert_eq!(code, 1, "{err}");
    let records: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = records
        .iter()
        .map(|r| r["record"].as_str().unwrap())
        .collect();
    assert_eq!(kinds[..2], ["begin", "file"]);
    assert_eq!(kinds[kinds.len() - 1], "end");
    assert!(kinds[2..kinds.len() - 1].iter().all(|k| *k == "finding"));
    assert_eq!(records[1]["findings"], 30_000);
    let offsets: Vec<u64> = records[2..records.len() - 1]
        .iter()
        .map(|r| r["offset"].as_u64().unwrap())
        .collect();
    let want: Vec<u64> = (0..30_000u64).map(|i| i * 413 + 401).collect();
    assert_eq!(offsets, want);
    let (_, json, _) = run_in(
        d,
        &["scan", "-q", "-f", "json", "--hash-key", "k", "big.txt"],
    );
    let r: Value = serde_json::from_str(&json).unwrap();
    let reported: Vec<Value> = r["findings"].as_array().unwrap().clone();
    let streamed: Vec<Value> = records[2..records.len() - 1]
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f.as_object_mut().unwrap().remove("record");
            f
        })
        .collect();
    assert!(
        streamed == reported,
        "same findings, same fields, same order"
    );
}
