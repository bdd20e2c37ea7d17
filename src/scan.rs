//! The glue: drives the walk and the per-thread workers, merges results.
//!
//! Walker threads scan small files themselves (one parallelism model per level: the walk's
//! threads). Files of at least `parallel_threshold` bytes, and standard input, are queued
//! and scanned after the walk, one at a time, each cut into windows that rayon scans in
//! parallel. Every input ends up as one [`FileRecord`]; errors are data and never abort.

use std::fs::{File, Metadata};
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::SystemTime;

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::Config;
use crate::detect::Detector;
use crate::evidence::{FileRecord, Finding, Status};
use crate::read::ReadOptions;
use crate::time::rfc3339;
use crate::unwrap::{Node, Unwrapper};
use crate::walk::{io_reason, special_reason, walk, Input};

/// The result of a scan.
#[derive(Debug)]
pub struct Outcome {
    /// Every input, sorted by path.
    pub files: Vec<FileRecord>,
    /// Every reported finding, sorted by path, member, offset, kind.
    pub findings: Vec<Finding>,
    /// Start time.
    pub started: SystemTime,
    /// End time.
    pub finished: SystemTime,
    /// Number of roots that could not be read at all.
    pub root_errors: usize,
}

enum Msg {
    Done(FileRecord, Vec<Finding>),
    Large(PathBuf, Metadata),
}

/// Runs a scan as configured.
pub fn run(cfg: &Config) -> Outcome {
    let started = SystemTime::now();
    let det = Detector::new(cfg.reveal);
    let progress = Progress::new(cfg.quiet);
    let mut files = Vec::new();
    let mut findings = Vec::new();
    let mut root_errors = 0;
    let mut stdin_count = 0;

    let mut walk_roots = Vec::new();
    for r in &cfg.roots {
        if r.as_os_str() == "-" {
            stdin_count += 1;
            continue;
        }
        match std::fs::symlink_metadata(r) {
            Ok(_) => walk_roots.push(r.clone()),
            Err(e) => {
                root_errors += 1;
                let mut rec = FileRecord::new(r, Status::Error);
                rec.reason = Some(format!("cannot read root: {}", io_reason(&e)));
                files.push(rec);
            }
        }
    }

    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()
        .ok();
    let mut large = Vec::new();
    let (tx, rx) = mpsc::channel::<Msg>();
    std::thread::scope(|scope| {
        let det = &det;
        let progress = &progress;
        scope.spawn(move || {
            walk(&walk_roots, &cfg.walk, || {
                let tx = tx.clone();
                move |input| {
                    let msg = match input {
                        Input::File { path, meta } if meta.len() >= cfg.parallel_threshold => {
                            Msg::Large(path, meta)
                        }
                        Input::File { path, meta } => {
                            let (rec, f) = scan_file(&path, &meta, det, cfg, false, progress);
                            Msg::Done(rec, f)
                        }
                        Input::Skipped { path, reason, meta } => {
                            let mut rec = FileRecord::new(&path, Status::Skipped);
                            rec.reason = Some(reason);
                            if let Some(m) = meta {
                                rec.size = Some(m.len());
                                rec.mtime = m.modified().ok().map(rfc3339);
                            }
                            Msg::Done(rec, Vec::new())
                        }
                        Input::Error { path, reason } => {
                            let mut rec = FileRecord::new(&path, Status::Error);
                            rec.reason = Some(reason);
                            Msg::Done(rec, Vec::new())
                        }
                    };
                    let _ = tx.send(msg);
                }
            });
            drop(tx);
        });
        for msg in rx {
            match msg {
                Msg::Done(rec, f) => {
                    progress.file(f.len());
                    files.push(rec);
                    findings.extend(f);
                }
                Msg::Large(p, m) => large.push((p, m)),
            }
        }
    });

    large.sort_by(|a, b| a.0.cmp(&b.0));
    let in_pool = |f: &(dyn Fn() -> (FileRecord, Vec<Finding>) + Sync)| match &rayon_pool {
        Some(pool) => pool.install(f),
        None => f(),
    };
    for (path, meta) in large {
        let (rec, f) = in_pool(&|| scan_file(&path, &meta, &det, cfg, true, &progress));
        progress.file(f.len());
        files.push(rec);
        findings.extend(f);
    }
    for _ in 0..stdin_count {
        let (rec, f) = in_pool(&|| {
            let stdin = io::stdin();
            let on_read = |n| progress.bytes_read(n);
            let u = unwrapper(&det, cfg, true, &on_read);
            let node = u.scan_reader(&mut stdin.lock(), "-");
            finish(FileRecord::new(Path::new("-"), Status::Scanned), node)
        });
        progress.file(f.len());
        files.push(rec);
        findings.extend(f);
    }
    progress.finish();

    files.sort_by(|a, b| (&a.path, &a.path_hex).cmp(&(&b.path, &b.path_hex)));
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Outcome {
        files,
        findings,
        started,
        finished: SystemTime::now(),
        root_errors,
    }
}

fn read_options(cfg: &Config, parallel: bool) -> ReadOptions {
    ReadOptions {
        window: cfg.window,
        batch: if parallel {
            (cfg.window * cfg.threads * 2).max(crate::read::DEFAULT_BATCH)
        } else {
            crate::read::DEFAULT_BATCH
        },
        parallel,
        kinds: cfg.kinds,
        min_confidence: cfg.min_confidence,
    }
}

/// Opens a file without blocking on special files (a FIFO swapped in after the walk).
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    o.open(path)
}

/// Scans one regular file.
fn scan_file(
    path: &Path,
    meta: &Metadata,
    det: &Detector,
    cfg: &Config,
    parallel: bool,
    progress: &Progress,
) -> (FileRecord, Vec<Finding>) {
    let mut rec = FileRecord::new(path, Status::Scanned);
    rec.size = Some(meta.len());
    rec.mtime = meta.modified().ok().map(rfc3339);
    let file = match open_nonblocking(path) {
        Ok(f) => f,
        Err(e) => {
            rec.status = Status::Error;
            rec.reason = Some(format!("cannot open: {}", io_reason(&e)));
            return (rec, Vec::new());
        }
    };
    match file.metadata() {
        Ok(m) if !m.file_type().is_file() => {
            rec.status = Status::Skipped;
            rec.reason = Some(special_reason(&m.file_type()).to_string());
            return (rec, Vec::new());
        }
        Err(e) => {
            rec.status = Status::Error;
            rec.reason = Some(format!("cannot stat: {}", io_reason(&e)));
            return (rec, Vec::new());
        }
        Ok(_) => {}
    }
    let on_read = |n| progress.bytes_read(n);
    let node = unwrapper(det, cfg, parallel, &on_read).scan_file(&file, path, meta.len());
    if let Ok(after) = file.metadata() {
        if after.len() != meta.len() || after.modified().ok() != meta.modified().ok() {
            rec.changed_during_scan = true;
        }
    }
    finish(rec, node)
}

fn unwrapper<'a>(
    det: &'a Detector,
    cfg: &Config,
    parallel: bool,
    on_read: &'a (dyn Fn(u64) + Sync),
) -> Unwrapper<'a> {
    Unwrapper {
        det,
        opts: read_options(cfg, parallel),
        limits: cfg.limits,
        on_read,
    }
}

/// Fills a record from what unwrapping found, and names the findings after it.
fn finish(mut rec: FileRecord, node: Node) -> (FileRecord, Vec<Finding>) {
    rec.size = Some(node.size);
    rec.sha256 = node.sha256;
    rec.content = Some(node.format.name());
    rec.encoding = node.encoding.map(|e| e.name());
    if node.status != Status::Scanned {
        rec.status = node.status;
        rec.reason = node.reason;
    } else if let Some(note) = node.reason {
        rec.reason = Some(note);
    }
    if rec.changed_during_scan {
        let note = "changed during scan: size or mtime differs after reading";
        rec.reason = Some(match rec.reason.take() {
            Some(r) => format!("{r}; {note}"),
            None => note.to_string(),
        });
    }
    let skipped = node
        .members
        .iter()
        .filter(|m| m.status == Status::Skipped)
        .count();
    if skipped > 0 && rec.reason.is_none() {
        rec.reason = Some(format!("{skipped} members skipped at limits (see members)"));
    }
    rec.members = node
        .members
        .into_iter()
        .map(|mut m| {
            m.path = rec.path.clone();
            m.path_hex = rec.path_hex.clone();
            m
        })
        .collect();
    let findings: Vec<Finding> = node
        .findings
        .into_iter()
        .map(|mut f| {
            f.path = rec.path.clone();
            f
        })
        .collect();
    rec.findings = findings.len() as u64;
    (rec, findings)
}

/// A progress line on stderr, only when stderr is a terminal.
struct Progress {
    bar: Option<ProgressBar>,
    files: AtomicU64,
    bytes: AtomicU64,
    findings: AtomicU64,
}

impl Progress {
    fn new(quiet: bool) -> Progress {
        let bar = (!quiet && io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(200));
            b
        });
        Progress {
            bar,
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            findings: AtomicU64::new(0),
        }
    }

    /// Bytes read so far in an input still being scanned.
    fn bytes_read(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
        self.draw();
    }

    /// An input is done; its bytes were already counted by `bytes_read`.
    fn file(&self, findings: usize) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.findings.fetch_add(findings as u64, Ordering::Relaxed);
        self.draw();
    }

    fn draw(&self) {
        if let Some(b) = &self.bar {
            let bytes = self.bytes.load(Ordering::Relaxed);
            let secs = b.elapsed().as_secs_f64().max(0.001);
            b.set_message(format!(
                "files {} · {} · findings {} · {}/s",
                self.files.load(Ordering::Relaxed),
                HumanBytes(bytes),
                self.findings.load(Ordering::Relaxed),
                HumanBytes((bytes as f64 / secs) as u64)
            ));
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
