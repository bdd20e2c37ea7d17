//! The glue: drives the walk and the per-thread workers, merges results.
//!
//! Walker threads scan small files themselves (one parallelism model per level: the walk's
//! threads). Files of at least `parallel_threshold` bytes, and standard input, are queued
//! and scanned after the walk, one at a time, each cut into windows that rayon scans in
//! parallel. Every input ends up as one [`FileRecord`]; errors are data and never abort.
//!
//! The work runs on background threads; the calling thread collects results from a
//! channel and hands each finished input to a [`Sink`] as it arrives (the JSON Lines
//! reporter streams them), then returns the sorted [`Outcome`].
//!
//! **Interruption.** A stop flag (set by SIGINT/SIGTERM in the binary) is checked by the
//! walker, which quits, and before every input is opened, so no new input is started.
//! Inputs already being read get [`GRACE`] to finish; any still running then (a huge file,
//! a blocked standard input) is abandoned: listed as `error` with reason
//! `interrupted: abandoned while being read`, without a hash. Queued inputs never started
//! are listed as `skipped` (`interrupted: not scanned`). The outcome then says
//! `complete: false`. Abandoned work goes on in the background until the process exits,
//! which the binary does right after writing the report.

use std::collections::BTreeSet;
use std::fs::{File, Metadata};
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::Format;
use crate::config::Config;
use crate::detect::Detector;
use crate::evidence::store::{FindingStore, Stream};
use crate::evidence::{FileRecord, Finding, Status};
use crate::read::{Flush, ReadOptions};
use crate::report::{Outcome, Sink};
use crate::suppress::Suppressor;
use crate::time::rfc3339;
use crate::unwrap::{Node, Unwrapper};
use crate::walk::{io_reason, special_reason, walk_until, Input};

/// How long inputs being read when a scan is interrupted may take to finish before they
/// are abandoned.
pub const GRACE: Duration = Duration::from_secs(2);

/// The reason given for an input abandoned when the scan was interrupted.
pub const ABANDONED: &str = "interrupted: abandoned while being read";
/// The reason given for a queued input never started because the scan was interrupted.
pub const NOT_STARTED: &str = "interrupted: not scanned";

/// Findings sent to the collector and not yet taken: a fast scan of an input dense with
/// items waits for the collector rather than queueing findings without end.
#[derive(Default)]
struct InFlight {
    count: Mutex<usize>,
    taken: std::sync::Condvar,
}

/// Findings that may wait for the collector at once (a message is let through alone
/// whatever its size).
const IN_FLIGHT: usize = 32 * 1024;

impl InFlight {
    fn sent(&self, n: usize) {
        let mut c = self.count.lock().expect("not poisoned");
        while *c > 0 && *c + n > IN_FLIGHT {
            c = self.taken.wait(c).expect("not poisoned");
        }
        *c += n;
    }

    fn received(&self, n: usize) {
        let mut c = self.count.lock().expect("not poisoned");
        *c = c.saturating_sub(n);
        self.taken.notify_all();
    }
}

/// The workers' end of the channel to the collector, counting findings in flight.
#[derive(Clone)]
struct Outbox {
    tx: mpsc::Sender<Msg>,
    in_flight: Arc<InFlight>,
}

impl Outbox {
    fn send(&self, msg: Msg) {
        let n = match &msg {
            Msg::Done(_, _, f) | Msg::Findings(_, f) => f.len(),
            _ => 0,
        };
        if n > 0 {
            self.in_flight.sent(n);
        }
        let _ = self.tx.send(msg);
    }
}

enum Msg {
    /// An input is about to be opened.
    Started(PathBuf),
    /// An input is done (`Some(path)` when it was announced by `Started`).
    Done(Option<PathBuf>, Box<FileRecord>, Vec<Finding>),
    /// A large input was queued for after the walk.
    Queued(PathBuf),
    /// Findings of an input still being read that are final (its path, not yet named).
    Findings(PathBuf, Vec<Finding>),
    /// The workers are done; false if they stopped early.
    End(bool),
}

/// Runs a scan as configured. `stop` interrupts it (see the module docs). A JSON report
/// file whose opening is written (of that many bytes) may be given as `stream`: findings
/// are written there as they come while they come in report order (see
/// [`FindingStore::streaming`]).
pub fn run(
    cfg: Arc<Config>,
    stop: Arc<AtomicBool>,
    sink: &mut dyn Sink,
    stream: Option<(Box<dyn Stream>, u64)>,
) -> Outcome {
    let started = SystemTime::now();
    sink.begin(started);
    let progress = Arc::new(Progress::new(cfg.quiet));
    let mut files = Vec::new();
    // A JSON report only writes each finding's record, and a JSON Lines report has written
    // them as the scan went: unless a baseline is written from the findings, keep just that.
    let render = || crate::report::json::renderer(cfg.clone());
    let mut findings = match (cfg.format, cfg.write_baseline.is_some(), stream) {
        (Format::Json, false, Some((out, written))) => {
            FindingStore::streaming(cfg.spill_after, render(), out, written)
        }
        (Format::Json, false, None) => FindingStore::rendering(cfg.spill_after, render()),
        (Format::Jsonl, false, _) => FindingStore::counting(),
        _ => FindingStore::new(cfg.spill_after),
    };
    let mut root_errors = 0;
    let mut stdin_count = 0;
    let mut suppressor = Suppressor::new(&cfg.allowlist, cfg.baseline.as_ref(), &cfg.key);
    // Findings already received of inputs still being read.
    let mut flushed: std::collections::HashMap<PathBuf, u64> = Default::default();

    let mut walk_roots = Vec::new();
    for r in &cfg.roots {
        if !cfg.in_shard(r) && (r.as_os_str() == "-" || std::fs::symlink_metadata(r).is_err()) {
            // Standard input and missing roots are inputs of one shard, like any other.
            continue;
        }
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
                sink.file(None, &rec, &[]);
                files.push(rec);
            }
        }
    }

    let (tx, rx) = mpsc::channel::<Msg>();
    let queued_findings = Arc::new(InFlight::default());
    let tx = Outbox {
        tx,
        in_flight: Arc::clone(&queued_findings),
    };
    {
        let cfg = Arc::clone(&cfg);
        let stop = Arc::clone(&stop);
        let progress = Arc::clone(&progress);
        std::thread::spawn(move || work(&cfg, &stop, &progress, walk_roots, stdin_count, tx));
    }

    let mut in_flight: BTreeSet<PathBuf> = BTreeSet::new();
    let mut queued: BTreeSet<PathBuf> = BTreeSet::new();
    if stdin_count > 0 {
        queued.insert(PathBuf::from("-"));
    }
    let mut complete = true;
    let mut deadline: Option<Instant> = None;
    loop {
        if stop.load(Ordering::SeqCst) || sink.failed() {
            stop.store(true, Ordering::SeqCst);
            complete = false;
            let d = *deadline.get_or_insert_with(|| {
                if !cfg.quiet {
                    progress.suspend(|| {
                        eprintln!(
                            "piiscan: interrupted; writing what was done \
                             (signal again to exit at once)"
                        )
                    });
                }
                Instant::now() + GRACE
            });
            if Instant::now() >= d {
                // Abandon what is still running; the workers go on in the background.
                for p in std::mem::take(&mut in_flight) {
                    let mut rec = FileRecord::new(&p, Status::Error);
                    rec.reason = Some(ABANDONED.to_string());
                    sink.file(None, &rec, &[]);
                    files.push(rec);
                }
                break;
            }
        }
        let msg = match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(m) => m,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        match msg {
            Msg::Started(p) => {
                queued.remove(&p);
                in_flight.insert(p);
            }
            Msg::Queued(p) => {
                queued.insert(p);
            }
            Msg::Findings(p, mut f) => {
                queued_findings.received(f.len());
                let name = crate::evidence::display_path(&p).0;
                for x in &mut f {
                    x.path = name.clone();
                }
                let f = suppressor.filter(f);
                progress.found(f.len());
                sink.findings(&p, &f);
                *flushed.entry(p).or_default() += f.len() as u64;
                findings.push(f);
            }
            Msg::Done(p, mut rec, f) => {
                queued_findings.received(f.len());
                let earlier = p.as_ref().and_then(|p| flushed.remove(p)).unwrap_or(0);
                if let Some(p) = &p {
                    in_flight.remove(p);
                }
                let f = suppressor.filter(f);
                rec.findings = earlier + f.len() as u64;
                progress.file(f.len());
                sink.file(p.as_deref(), &rec, &f);
                files.push(*rec);
                findings.push(f);
            }
            Msg::End(done_all) => {
                complete &= done_all;
                break;
            }
        }
    }
    if !complete {
        for p in queued {
            let mut rec = FileRecord::new(&p, Status::Skipped);
            rec.reason = Some(NOT_STARTED.to_string());
            sink.file(None, &rec, &[]);
            files.push(rec);
        }
    }
    progress.finish();

    files.sort_by(|a, b| (&a.path, &a.path_hex).cmp(&(&b.path, &b.path_hex)));
    if let Err(e) = findings.finish() {
        eprintln!("piiscan: cannot write findings to the temporary spill file: {e}");
    }
    Outcome {
        files,
        findings,
        started,
        finished: SystemTime::now(),
        root_errors,
        complete,
        suppression: suppressor.finish(),
    }
}

/// The workers: the walk (scanning small files on its threads), then the large files and
/// standard input. Sends every result to the collector, and `End` last.
fn work(
    cfg: &Config,
    stop: &AtomicBool,
    progress: &Progress,
    walk_roots: Vec<PathBuf>,
    stdin_count: usize,
    tx: Outbox,
) {
    let det = Detector::with_keywords(cfg.reveal, &cfg.keywords).with_kinds(cfg.kinds);
    let det = &det;
    let stopped_early = AtomicBool::new(false);
    let large = Mutex::new(Vec::new());
    walk_until(&walk_roots, &cfg.walk, stop, || {
        let tx = tx.clone();
        let large = &large;
        let stopped_early = &stopped_early;
        move |input| {
            let path = match &input {
                Input::File { path, .. }
                | Input::Skipped { path, .. }
                | Input::Error { path, .. } => path,
            };
            if !cfg.in_shard(path) {
                return;
            }
            let msg = match input {
                Input::File { path, meta } if cfg.max_filesize.is_some_and(|m| meta.len() > m) => {
                    let mut rec = FileRecord::new(&path, Status::Skipped);
                    rec.reason = Some(format!(
                        "limit: larger than {} bytes (--max-filesize)",
                        cfg.max_filesize.unwrap_or(0)
                    ));
                    rec.size = Some(meta.len());
                    rec.mtime = meta.modified().ok().map(rfc3339);
                    Msg::Done(None, Box::new(rec), Vec::new())
                }
                Input::File { path, meta } if meta.len() >= cfg.parallel_threshold => {
                    tx.send(Msg::Queued(path.clone()));
                    large.lock().expect("not poisoned").push((path, meta));
                    return;
                }
                Input::File { path, meta } => {
                    if stop.load(Ordering::SeqCst) {
                        stopped_early.store(true, Ordering::SeqCst);
                        return;
                    }
                    tx.send(Msg::Started(path.clone()));
                    // A small file can still hold many findings: they go to the collector
                    // as they become final, as for a large one.
                    let send = |f: Vec<Finding>| {
                        tx.send(Msg::Findings(path.clone(), f));
                    };
                    let flush: Option<Flush> = Some(&send);
                    let (rec, f) = scan_file(&path, &meta, det, cfg, false, progress, flush);
                    Msg::Done(Some(path), Box::new(rec), f)
                }
                Input::Skipped { path, reason, meta } => {
                    let mut rec = FileRecord::new(&path, Status::Skipped);
                    rec.reason = Some(reason);
                    if let Some(m) = meta {
                        rec.size = Some(m.len());
                        rec.mtime = m.modified().ok().map(rfc3339);
                    }
                    Msg::Done(None, Box::new(rec), Vec::new())
                }
                Input::Error { path, reason } => {
                    let mut rec = FileRecord::new(&path, Status::Error);
                    rec.reason = Some(reason);
                    Msg::Done(None, Box::new(rec), Vec::new())
                }
            };
            tx.send(msg);
        }
    });
    if stop.load(Ordering::SeqCst) {
        // The walk may have quit before meeting every input.
        stopped_early.store(true, Ordering::SeqCst);
    }

    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()
        .ok();
    let in_pool = |f: &(dyn Fn() -> (FileRecord, Vec<Finding>) + Sync)| match &rayon_pool {
        Some(pool) => pool.install(f),
        None => f(),
    };
    let mut large = large.into_inner().expect("not poisoned");
    large.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, meta) in large {
        if stop.load(Ordering::SeqCst) {
            tx.send(Msg::End(false));
            return;
        }
        tx.send(Msg::Started(path.clone()));
        // Findings of a large input go to the collector as they become final, so they
        // can be spilled.
        let send = |f: Vec<Finding>| {
            tx.send(Msg::Findings(path.clone(), f));
        };
        let flush: Option<Flush> = Some(&send);
        let (rec, f) = in_pool(&|| scan_file(&path, &meta, det, cfg, true, progress, flush));
        tx.send(Msg::Done(Some(path), Box::new(rec), f));
    }
    for _ in 0..stdin_count {
        if stop.load(Ordering::SeqCst) {
            tx.send(Msg::End(false));
            return;
        }
        tx.send(Msg::Started(PathBuf::from("-")));
        let send = |f: Vec<Finding>| {
            tx.send(Msg::Findings(PathBuf::from("-"), f));
        };
        let (rec, f) = in_pool(&|| {
            let stdin = io::stdin();
            let on_read = |n| progress.bytes_read(n);
            let u = unwrapper(det, cfg, true, &on_read, Some(&send));
            let node = u.scan_reader(&mut stdin.lock(), "-");
            finish(FileRecord::new(Path::new("-"), Status::Scanned), node)
        });
        tx.send(Msg::Done(Some(PathBuf::from("-")), Box::new(rec), f));
    }
    tx.send(Msg::End(!stopped_early.load(Ordering::SeqCst)));
}

fn read_options(cfg: &Config, parallel: bool) -> ReadOptions {
    ReadOptions {
        window: cfg.window,
        batch: if parallel {
            (cfg.window * cfg.threads * 2).max(crate::read::DEFAULT_BATCH)
        } else {
            crate::read::DEFAULT_BATCH
        },
        // With one thread, a large input is read, hashed and scanned on it alone.
        parallel: parallel && cfg.threads > 1,
        kinds: cfg.kinds,
        min_confidence: cfg.min_confidence,
        map: cfg.map,
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
    flush: Option<Flush>,
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
    let node = unwrapper(det, cfg, parallel, &on_read, flush).scan_file(&file, path, meta.len());
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
    flush: Option<Flush<'a>>,
) -> Unwrapper<'a> {
    Unwrapper::new(det)
        .options(read_options(cfg, parallel))
        .limits(cfg.limits)
        .on_read(on_read)
        .flush(flush)
}

/// Fills a record from what unwrapping found, and names the findings after it.
fn finish(mut rec: FileRecord, node: Node) -> (FileRecord, Vec<Finding>) {
    rec.size = Some(node.size);
    rec.sha256 = node.sha256;
    rec.content = Some(node.content);
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
        self.found(findings);
    }

    /// Findings of an input still being read.
    fn found(&self, findings: usize) {
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

    /// Runs `f` with the bar hidden, so a message on stderr does not mix with it.
    fn suspend(&self, f: impl FnOnce()) {
        match &self.bar {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }
}
