//! `piiscan verify REPORT`: proves that a report and the evidence it lists are unchanged.
//!
//! 1. The report's digest file (`REPORT.sha256`, written beside every report saved with
//!    `-o`) is checked against the report's bytes: `ok`, `tampered` (no match, or not in
//!    `sha256sum` format) or `missing` (no digest file: shown, but not a failure, since a
//!    report written to standard output has none).
//! 2. Every input the report lists with a SHA-256 is hashed again, in parallel: `ok`,
//!    `changed` (other bytes, or another size), `missing` (gone), `error` (cannot be read);
//!    standard input (`-`) cannot be read again and is `skipped`.
//!
//! Relative paths are resolved against a root folder ([`Root`]): `--root DIR` when given,
//! else the folder the scan ran in as the report records it (`scan.working_directory`; a
//! merged report written before it kept that field: its shards' common one) when that
//! folder exists here, else the current folder. The root used is part of the result. The
//! report may be the JSON report or a JSON Lines stream (its `begin` and `file` records).

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::evidence::fingerprint::hex;
use crate::report::output::{digest_path, parse_sha256sum_line};
use crate::report::text::escape;

/// An input as the report lists it.
#[derive(Debug, Deserialize)]
struct Listed {
    path: Option<String>,
    path_hex: Option<String>,
    size: Option<u64>,
    sha256: Option<String>,
}

#[derive(Deserialize)]
struct JsonReport {
    files: Vec<Listed>,
    #[serde(default)]
    scan: Ran,
}

/// Where a scan ran, as its report records it.
#[derive(Debug, Default, Deserialize)]
struct Ran {
    working_directory: Option<String>,
    /// A merged report's shards.
    #[serde(default)]
    shards: Vec<Ran>,
}

impl Ran {
    /// The recorded folder: the scan's, or the one every shard ran in. `Err` names why
    /// there is none.
    fn folder(&self) -> Result<&str, &'static str> {
        if let Some(d) = &self.working_directory {
            return Ok(d);
        }
        let mut shards = self.shards.iter().map(|s| s.working_directory.as_deref());
        match shards.next() {
            Some(Some(first)) if shards.all(|d| d == Some(first)) => Ok(first),
            Some(_) => Err("its shards ran in different folders"),
            None => Err("the report does not record the folder the scan ran in"),
        }
    }
}

/// Where a report's relative paths were resolved, and why there.
#[derive(Debug, Serialize)]
pub struct Root {
    /// The folder.
    pub path: PathBuf,
    /// `option` (`--root`), `report` (the folder the scan ran in) or `current` (the
    /// current folder).
    pub from: &'static str,
    /// Why the current folder was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Root {
    /// The root for a report that records `ran`: `given` (`--root`), else the recorded
    /// folder if it is a folder here, else the current one.
    fn choose(given: Option<&Path>, ran: &Ran) -> Root {
        if let Some(g) = given {
            return Root {
                path: g.to_path_buf(),
                from: "option",
                note: None,
            };
        }
        let note = match ran.folder() {
            Ok(d) if Path::new(d).is_dir() => {
                return Root {
                    path: PathBuf::from(d),
                    from: "report",
                    note: None,
                }
            }
            Ok(d) => format!("the folder the scan ran in, {d}, is not here"),
            Err(why) => why.to_string(),
        };
        Root {
            path: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            from: "current",
            note: Some(note),
        }
    }

    /// One line for the text output.
    fn describe(&self) -> String {
        let why = match (self.from, &self.note) {
            ("option", _) => "given with --root".to_string(),
            ("report", _) => "the folder the scan ran in, from the report".to_string(),
            (_, Some(n)) => format!("the current folder: {n}; give --root DIR"),
            _ => "the current folder".to_string(),
        };
        format!("{} ({why})", escape(&self.path.to_string_lossy()))
    }
}

/// What re-hashing an input found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Same bytes.
    Ok,
    /// Other bytes or another size.
    Changed,
    /// The file is gone.
    Missing,
    /// The file could not be read.
    Error,
    /// Cannot be checked (standard input).
    Skipped,
}

impl State {
    /// The label of the text output.
    pub fn label(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Changed => "CHANGED",
            State::Missing => "MISSING",
            State::Error => "ERROR",
            State::Skipped => "SKIPPED",
        }
    }
}

/// The check of one input.
#[derive(Debug, Serialize)]
pub struct Checked {
    /// Path as the report lists it.
    pub path: String,
    /// Hex of the raw path when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_hex: Option<String>,
    /// The result.
    pub status: State,
    /// SHA-256 in the report.
    pub expected_sha256: String,
    /// SHA-256 now, when the file could be read.
    pub actual_sha256: Option<String>,
    /// Size in the report.
    pub expected_size: Option<u64>,
    /// Size now.
    pub actual_size: Option<u64>,
    /// Why it could not be checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The check of the report's own digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DigestState {
    /// REPORT.sha256 matches the report.
    Ok,
    /// REPORT.sha256 does not match, or is not a `sha256sum` line.
    Tampered,
    /// There is no REPORT.sha256.
    Missing,
}

/// The result of `piiscan verify`.
#[derive(Debug)]
pub struct Verification {
    /// The report checked.
    pub report: PathBuf,
    /// SHA-256 of the report's bytes.
    pub report_sha256: String,
    /// The digest check.
    pub digest: DigestState,
    /// The folder relative paths were resolved against.
    pub root: Root,
    /// Every input with a SHA-256, in report order.
    pub files: Vec<Checked>,
}

impl Verification {
    /// Returns true if and only if the digest is not tampered with and every input that
    /// can be checked is unchanged.
    pub fn passed(&self) -> bool {
        self.digest != DigestState::Tampered
            && self
                .files
                .iter()
                .all(|f| matches!(f.status, State::Ok | State::Skipped))
    }

    fn count(&self, s: State) -> usize {
        self.files.iter().filter(|f| f.status == s).count()
    }

    /// The result as one JSON object: `report`, `digest`, `files`, `summary`, `verified`.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "report": self.report.to_string_lossy(),
            "report_sha256": self.report_sha256,
            "digest": self.digest,
            "root": self.root,
            "files": self.files,
            "summary": {
                "total": self.files.len(),
                "ok": self.count(State::Ok),
                "changed": self.count(State::Changed),
                "missing": self.count(State::Missing),
                "error": self.count(State::Error),
                "skipped": self.count(State::Skipped),
            },
            "verified": self.passed(),
        })
    }

    /// The result as text: the digest, one line per input, and the counts.
    pub fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let digest = match self.digest {
            DigestState::Ok => "OK",
            DigestState::Tampered => "TAMPERED",
            DigestState::Missing => "MISSING-DIGEST",
        };
        writeln!(
            out,
            "{digest:<8} {} (report, sha256 {})",
            escape(&self.report.to_string_lossy()),
            self.report_sha256
        )?;
        writeln!(out, "{:<8} {}", "ROOT", self.root.describe())?;
        for f in &self.files {
            write!(out, "{:<8} {}", f.status.label(), escape(&f.path))?;
            match (f.status, &f.reason) {
                (State::Changed, _) => writeln!(
                    out,
                    " (sha256 {} now {}; size {} now {})",
                    f.expected_sha256,
                    f.actual_sha256.as_deref().unwrap_or("-"),
                    f.expected_size.map_or("-".into(), |s| s.to_string()),
                    f.actual_size.map_or("-".into(), |s| s.to_string()),
                )?,
                (_, Some(r)) => writeln!(out, " ({r})")?,
                _ => writeln!(out)?,
            }
        }
        writeln!(
            out,
            "\n{} files: {} ok, {} changed, {} missing, {} unreadable, {} not checkable; report digest {}",
            self.files.len(),
            self.count(State::Ok),
            self.count(State::Changed),
            self.count(State::Missing),
            self.count(State::Error),
            self.count(State::Skipped),
            digest.to_lowercase(),
        )?;
        writeln!(
            out,
            "{}",
            if self.passed() {
                "verified"
            } else {
                "NOT verified"
            }
        )
    }
}

/// Reads the inputs a JSON report or a JSON Lines stream lists, and where its scan ran.
fn listed(bytes: &[u8]) -> Result<(Vec<Listed>, Ran), String> {
    match serde_json::from_slice::<JsonReport>(bytes) {
        Ok(r) => Ok((r.files, r.scan)),
        Err(json_err) => {
            // A JSON Lines stream: its `begin` and `file` records.
            let mut files = Vec::new();
            let mut ran = Ran::default();
            let mut began = false;
            for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_slice(line)
                    .map_err(|_| format!("not a piiscan report: {json_err}"))?;
                match v["record"].as_str() {
                    Some("begin") if i == 0 => {
                        began = true;
                        ran = serde_json::from_value(v["scan"].clone()).unwrap_or_default();
                    }
                    Some("file") => files.push(
                        serde_json::from_value(v).map_err(|e| format!("line {}: {e}", i + 1))?,
                    ),
                    _ => {}
                }
            }
            if !began {
                return Err(format!("not a piiscan report: {json_err}"));
            }
            Ok((files, ran))
        }
    }
}

fn raw_path(l: &Listed) -> PathBuf {
    #[cfg(unix)]
    if let Some(h) = &l.path_hex {
        use std::os::unix::ffi::OsStrExt;
        let bytes: Vec<u8> = (0..h.len() / 2)
            .filter_map(|i| u8::from_str_radix(h.get(2 * i..2 * i + 2)?, 16).ok())
            .collect();
        return PathBuf::from(std::ffi::OsStr::from_bytes(&bytes));
    }
    PathBuf::from(l.path.clone().unwrap_or_default())
}

/// SHA-256 and size of a file, telling `progress` about every block read.
fn hash_file(path: &Path, progress: &dyn Fn(u64)) -> io::Result<(String, u64)> {
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                h.update(&buf[..n]);
                size += n as u64;
                progress(n as u64);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((hex(&h.finalize()), size))
}

/// The SHA-256 of a report's `bytes` and how it compares with `REPORT.sha256`.
pub fn digest_state(report: &Path, bytes: &[u8]) -> (String, DigestState) {
    let report_sha256 = hex(&Sha256::digest(bytes));
    let digest = match std::fs::read(digest_path(report)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => DigestState::Missing,
        Err(_) => DigestState::Tampered,
        Ok(d) => match d
            .split(|&b| b == b'\n')
            .next()
            .and_then(parse_sha256sum_line)
        {
            Some((sha, _)) if sha == report_sha256 => DigestState::Ok,
            _ => DigestState::Tampered,
        },
    };
    (report_sha256, digest)
}

/// Verifies `report`, resolving its relative paths against `root` when given (see
/// [`Root`]). `Err` when the report cannot be read or is not a piiscan report.
pub fn verify(
    report: &Path,
    root: Option<&Path>,
    threads: usize,
    quiet: bool,
) -> Result<Verification, String> {
    let bytes = std::fs::read(report).map_err(|e| format!("{}: {e}", report.display()))?;
    let (report_sha256, digest) = digest_state(report, &bytes);
    let (all, ran) = listed(&bytes)?;
    let files: Vec<Listed> = all.into_iter().filter(|l| l.sha256.is_some()).collect();
    let root = Root::choose(root, &ran);
    let total: u64 = files.iter().filter_map(|l| l.size).sum();
    let bar = (!quiet && io::stderr().is_terminal()).then(|| {
        let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    });
    let on_read = |n: u64| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    };
    let check = |l: &Listed| -> Checked {
        let expected = l.sha256.clone().unwrap_or_default().to_ascii_lowercase();
        let mut c = Checked {
            path: l.path.clone().unwrap_or_default(),
            path_hex: l.path_hex.clone(),
            status: State::Ok,
            expected_sha256: expected.clone(),
            actual_sha256: None,
            expected_size: l.size,
            actual_size: None,
            reason: None,
        };
        if c.path == "-" && l.path_hex.is_none() {
            c.status = State::Skipped;
            c.reason = Some("standard input cannot be read again".into());
            return c;
        }
        let mut p = raw_path(l);
        if p.is_relative() {
            p = root.path.join(p);
        }
        match hash_file(&p, &on_read) {
            Ok((sha, size)) => {
                c.status = if sha == expected && l.size.is_none_or(|s| s == size) {
                    State::Ok
                } else {
                    State::Changed
                };
                c.actual_sha256 = Some(sha);
                c.actual_size = Some(size);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => c.status = State::Missing,
            Err(e) => {
                c.status = State::Error;
                c.reason = Some(crate::walk::io_reason(&e));
            }
        }
        c
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| e.to_string())?;
    let checked: Vec<Checked> = pool.install(|| files.par_iter().map(check).collect());
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(Verification {
        report: report.to_path_buf(),
        report_sha256,
        digest,
        root,
        files: checked,
    })
}
