//! Report parity: every report format, for every fixture in `testdata/` and for the whole
//! folder (also with `--reveal`, `-j 1` and a spilled store), plus `check`, `merge` and
//! `verify`, gives the same bytes as the build recorded in `tests/data/golden/parity.sha256`,
//! once what changes from run to run (times, the folder the scan ran in, the build commit,
//! host and user) is blanked.
//!
//! The manifest holds the SHA-256 of each normalised output. `PIISCAN_BLESS=1` rewrites it
//! (only when the behaviour is meant to change) and leaves every output in
//! `target/parity-blessed/`; on a mismatch the outputs that differ are left in
//! `target/parity/` to diff against those.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use regex::Regex;
use sha2::{Digest, Sha256};

use crate::util::testdata;

const FORMATS: [&str; 7] = [
    "json",
    "jsonl",
    "text",
    "csv",
    "sarif",
    "html",
    "evidence-list",
];

/// What a scan of the whole folder is run with, besides the format.
const VARIANTS: [(&str, &[&str]); 5] = [
    ("default", &[]),
    ("reveal", &["--reveal"]),
    ("j1", &["-j", "1"]),
    ("spilled", &["--spill-after", "7"]),
    (
        "all",
        &[
            "--reveal",
            "-j",
            "1",
            "--spill-after",
            "3",
            "--window-size",
            "4096",
        ],
    ),
];

/// A copy of `testdata/` whose files all have one fixed mtime, so reports list the same
/// `mtime` on any checkout.
struct Fixtures {
    dir: tempfile::TempDir,
    files: Vec<String>,
}

fn fixtures() -> Fixtures {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    copy_tree(
        &testdata(),
        &dir.path().join("testdata"),
        "testdata",
        &mut files,
    );
    files.sort();
    Fixtures { dir, files }
}

fn copy_tree(from: &Path, to: &Path, rel: &str, files: &mut Vec<String>) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().into_string().unwrap();
        let (src, dst, r) = (e.path(), to.join(&name), format!("{rel}/{name}"));
        if e.file_type().unwrap().is_dir() {
            copy_tree(&src, &dst, &r, files);
        } else {
            fs::copy(&src, &dst).unwrap();
            let fixed = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
            fs::File::options()
                .write(true)
                .open(&dst)
                .unwrap()
                .set_modified(fixed)
                .unwrap();
            files.push(r);
        }
    }
}

/// One run: its name in the manifest, its arguments and standard input.
struct Case {
    name: String,
    args: Vec<String>,
    stdin: Option<String>,
    /// JSON Lines from several threads: compared as a sorted set of lines.
    unordered: bool,
    /// The file the run writes its report to (`-o`), compared instead of its stdout.
    report: Option<&'static str>,
}

fn scan_case(name: String, format: &str, extra: &[&str], inputs: &[&str]) -> Case {
    let mut args: Vec<String> = ["scan", "-q", "--hash-key", "golden", "-f", format]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if !extra.contains(&"-j") {
        // The same on machines with any number of CPUs (the report lists the threads).
        args.extend(["-j".to_string(), "2".to_string()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(inputs.iter().map(|s| s.to_string()));
    Case {
        name,
        args,
        stdin: None,
        unordered: format == "jsonl",
        report: None,
    }
}

fn cases(fx: &Fixtures) -> Vec<Case> {
    let mut out = Vec::new();
    for (variant, extra) in VARIANTS {
        for format in FORMATS {
            out.push(scan_case(
                format!("tree.{variant}.{format}"),
                format,
                extra,
                &["testdata"],
            ));
        }
    }
    for file in &fx.files {
        for format in FORMATS {
            out.push(scan_case(format!("{file}.{format}"), format, &[], &[file]));
        }
    }
    let values = check_values();
    for format in ["json", "text"] {
        out.push(Case {
            name: format!("check.{format}"),
            args: vec!["check".into(), "-f".into(), format.into(), "-".into()],
            stdin: Some(values.clone()),
            unordered: false,
            report: None,
        });
    }
    out.extend(merge_cases());
    out
}

/// Two shards of the folder, their merge, and `verify` of the merged report.
fn merge_cases() -> Vec<Case> {
    let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let shard = |k: &str, file: &'static str| {
        let mut c = scan_case(
            format!("shard{k}.json"),
            "json",
            &["--shard", &format!("{k}/2"), "-o", file],
            &["testdata"],
        );
        c.report = Some(file);
        c
    };
    let plain = |name: &str, args: Vec<String>, report| Case {
        name: name.into(),
        args,
        stdin: None,
        unordered: false,
        report,
    };
    let mut out = vec![shard("1", "shard1.json"), shard("2", "shard2.json")];
    out.push(plain(
        "merge.json",
        words(&["merge", "shard1.json", "shard2.json", "-o", "merged.json"]),
        Some("merged.json"),
    ));
    for format in ["json", "text"] {
        out.push(plain(
            &format!("verify.{format}"),
            words(&["verify", "-q", "-j", "2", "-f", format, "merged.json"]),
            None,
        ));
    }
    out
}

/// Values for `piiscan check`: every value of the truth file and each with its last
/// character changed (so every rejection reason shows), and every line of the decoys.
fn check_values() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let truth = fs::read_to_string(root.join("tests/data/truth.tsv")).unwrap();
    let mut s = String::new();
    for line in truth.lines().filter(|l| !l.starts_with('#')).step_by(7) {
        let v = line.split('\t').nth(2).unwrap();
        s.push_str(v);
        s.push('\n');
        let mut chars: Vec<char> = v.chars().collect();
        if let Some(c) = chars.last_mut() {
            *c = if *c == '7' { '3' } else { '7' };
        }
        s.extend(chars);
        s.push('\n');
    }
    s.push_str(&fs::read_to_string(testdata().join("decoys.txt")).unwrap());
    s
}

fn run(dir: &Path, case: &Case) -> Vec<u8> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_piiscan"))
        .current_dir(dir)
        .env_remove("PIISCAN_HASH_KEY")
        .args(&case.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = case.stdin.clone().unwrap_or_default();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}: {}",
        case.name,
        String::from_utf8_lossy(&out.stderr)
    );
    match case.report {
        Some(file) => fs::read(dir.join(file)).unwrap(),
        None => out.stdout,
    }
}

/// Blanks what changes between runs and machines.
struct Normaliser {
    rules: Vec<(Regex, &'static str)>,
    literals: Vec<(String, &'static str)>,
}

impl Normaliser {
    fn new(dir: &Path) -> Normaliser {
        let dir = dir.to_str().unwrap().to_string();
        let rules = [
            (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "TIME"),
            (r#""commit":\s*"[^"]*""#, r#""commit":"COMMIT""#),
            (r#""host":\s*"[^"]*""#, r#""host":"HOST""#),
            (r#""user":\s*\{[^}]*\}"#, r#""user":"USER""#),
            // The HTML report marks what changes between runs.
            (
                r#"class="volatile">[^<]*<"#,
                r#"class="volatile">VOLATILE<"#,
            ),
            // Digests of reports, which hold times.
            (
                r#""report_sha256":\s*"[0-9a-f]{64}""#,
                r#""report_sha256":"DIGEST""#,
            ),
            (
                r"\(report, sha256 [0-9a-f]{64}\)",
                "(report, sha256 DIGEST)",
            ),
        ];
        Normaliser {
            rules: rules
                .into_iter()
                .map(|(r, to)| (Regex::new(r).unwrap(), to))
                .collect(),
            literals: vec![
                (env!("CARGO_BIN_EXE_piiscan").to_string(), "BIN"),
                (dir, "WORKDIR"),
            ],
        }
    }

    fn apply(&self, case: &Case, out: &[u8]) -> Vec<u8> {
        let mut s = String::from_utf8_lossy(out).into_owned();
        for (lit, to) in &self.literals {
            s = s.replace(lit.as_str(), to);
        }
        for (re, to) in &self.rules {
            s = re.replace_all(&s, *to).into_owned();
        }
        if case.unordered {
            let mut lines: Vec<&str> = s.lines().collect();
            lines.sort_unstable();
            s = lines.join("\n") + "\n";
        }
        s.into_bytes()
    }
}

fn manifest_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden/parity.sha256")
}

fn read_manifest() -> BTreeMap<String, String> {
    fs::read_to_string(manifest_path())
        .expect("tests/data/golden/parity.sha256 (PIISCAN_BLESS=1 writes it)")
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(h, n)| (n.to_string(), h.to_string()))
        .collect()
}

#[test]
fn every_report_matches_the_recorded_build() {
    let fx = fixtures();
    let norm = Normaliser::new(fx.dir.path());
    let cases = cases(&fx);
    let kept = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/parity");
    let mut got = BTreeMap::new();
    let mut outputs = BTreeMap::new();
    for case in &cases {
        let out = norm.apply(case, &run(fx.dir.path(), case));
        let hash = format!("{:x}", Sha256::digest(&out));
        got.insert(case.name.clone(), hash);
        outputs.insert(case.name.clone(), out);
    }
    if std::env::var_os("PIISCAN_BLESS").is_some() {
        let text: String = got.iter().map(|(n, h)| format!("{h}  {n}\n")).collect();
        fs::write(manifest_path(), text).unwrap();
        let blessed = kept.with_file_name("parity-blessed");
        fs::create_dir_all(&blessed).unwrap();
        for (name, out) in &outputs {
            fs::write(blessed.join(name.replace('/', "_")), out).unwrap();
        }
    }
    let want = read_manifest();
    let mut differ = Vec::new();
    for (name, hash) in &got {
        if want.get(name) != Some(hash) {
            differ.push(name.clone());
            let p = kept.join(name.replace('/', "_"));
            fs::create_dir_all(&kept).unwrap();
            fs::write(p, &outputs[name]).unwrap();
        }
    }
    let missing: Vec<&String> = want.keys().filter(|n| !got.contains_key(*n)).collect();
    assert!(
        differ.is_empty() && missing.is_empty(),
        "{} of {} outputs differ from the recorded build (left in {}): {:?}; cases no longer run: {:?}",
        differ.len(),
        got.len(),
        kept.display(),
        differ,
        missing
    );
}
