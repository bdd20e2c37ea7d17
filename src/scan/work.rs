//! The workers: the walk's threads scan small files themselves; large files and standard
//! input are queued and scanned after the walk, one at a time, in parallel windows.
//! Every result goes to the collector through the [`Outbox`], and `End` last.

use std::fs::Metadata;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::channel::{Msg, Outbox};
use super::input::{finish, scan_input, unwrapper};
use super::progress::Progress;
use crate::config::Config;
use crate::detect::Detector;
use crate::evidence::{FileRecord, Finding, Status};
use crate::read::Flush;
use crate::time::rfc3339;
use crate::walk::{walk_until, Input};

/// What the workers share.
struct Workers<'a> {
    cfg: &'a Config,
    stop: &'a AtomicBool,
    progress: &'a Progress,
    det: Detector,
    tx: Outbox,
    /// True if some input met was not scanned because the scan stopped.
    stopped_early: AtomicBool,
    /// Large files met by the walk, scanned after it.
    large: Mutex<Vec<(PathBuf, Metadata)>>,
}

/// Runs the workers: the walk, then the large files and standard input (`stdin_count`
/// times `-`). Sends every result to the collector, and `End` last.
pub(super) fn work(
    cfg: &Config,
    stop: &AtomicBool,
    progress: &Progress,
    walk_roots: Vec<PathBuf>,
    stdin_count: usize,
    tx: Outbox,
) {
    // Context labels: the config's, and the custom rules' keywords and columns.
    let mut labels = cfg.keywords.clone();
    if let Some(r) = &cfg.rules {
        labels.extend(r.labels());
    }
    let w = Workers {
        cfg,
        stop,
        progress,
        det: Detector::with_keywords(&labels)
            .with_kinds(cfg.kinds)
            .with_rules(cfg.rules.clone()),
        tx,
        stopped_early: AtomicBool::new(false),
        large: Mutex::new(Vec::new()),
    };
    walk_until(&walk_roots, &cfg.walk, stop, || {
        let w = &w;
        move |input| w.walked(input)
    });
    if stop.load(Ordering::SeqCst) {
        // The walk may have quit before meeting every input.
        w.stopped_early.store(true, Ordering::SeqCst);
    }
    let done_all = w.after_walk(stdin_count);
    w.tx.send(Msg::End(
        done_all && !w.stopped_early.load(Ordering::SeqCst),
    ));
}

impl Workers<'_> {
    /// Takes one input the walk met (on a walker thread).
    fn walked(&self, input: Input) {
        let cfg = self.cfg;
        let path = match &input {
            Input::File { path, .. } | Input::Skipped { path, .. } | Input::Error { path, .. } => {
                path
            }
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
                self.tx.send(Msg::Queued(path.clone()));
                self.large.lock().expect("not poisoned").push((path, meta));
                return;
            }
            Input::File { path, meta } => {
                if self.stop.load(Ordering::SeqCst) {
                    self.stopped_early.store(true, Ordering::SeqCst);
                    return;
                }
                // A small file can still hold many findings: they go to the collector as
                // they become final, as for a large one.
                self.scan_regular(path, &meta, false, &|f| f())
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
        self.tx.send(msg);
    }

    /// Announces and scans the regular file at `path` (run by `within`: on this thread or
    /// in the window pool); its findings go to the collector as they become final.
    fn scan_regular(&self, path: PathBuf, meta: &Metadata, parallel: bool, within: &Within) -> Msg {
        self.tx.send(Msg::Started(path.clone()));
        let send = |f: Vec<Finding>| {
            self.tx.send(Msg::Findings(path.clone(), f));
        };
        let flush: Option<Flush> = Some(&send);
        let (cfg, det, progress) = (self.cfg, &self.det, self.progress);
        let (rec, f) = within(&|| scan_input(&path, meta, det, cfg, parallel, progress, flush));
        Msg::Done(Some(path), Box::new(rec), f)
    }

    /// Scans the large files, then standard input, in a pool of the configured threads;
    /// false if the scan stopped before all were read.
    fn after_walk(&self, stdin_count: usize) -> bool {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.cfg.threads)
            .build()
            .ok();
        let in_pool = |f: &(dyn Fn() -> (FileRecord, Vec<Finding>) + Sync)| match &pool {
            Some(pool) => pool.install(f),
            None => f(),
        };
        let mut large = std::mem::take(&mut *self.large.lock().expect("not poisoned"));
        large.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, meta) in large {
            if self.stop.load(Ordering::SeqCst) {
                return false;
            }
            let msg = self.scan_regular(path, &meta, true, &in_pool);
            self.tx.send(msg);
        }
        for _ in 0..stdin_count {
            if self.stop.load(Ordering::SeqCst) {
                return false;
            }
            let msg = self.scan_stdin(&in_pool);
            self.tx.send(msg);
        }
        true
    }

    /// Announces and scans standard input.
    fn scan_stdin(&self, within: &Within) -> Msg {
        let dash = PathBuf::from("-");
        self.tx.send(Msg::Started(dash.clone()));
        let send = |f: Vec<Finding>| {
            self.tx.send(Msg::Findings(PathBuf::from("-"), f));
        };
        let (rec, f) = within(&|| {
            let stdin = io::stdin();
            let on_read = |n| self.progress.bytes_read(n);
            let u = unwrapper(&self.det, self.cfg, true, &on_read, Some(&send));
            let node = u.scan_reader(&mut stdin.lock(), "-");
            finish(FileRecord::new(Path::new("-"), Status::Scanned), node)
        });
        Msg::Done(Some(dash), Box::new(rec), f)
    }
}

/// Runs a scan of one input: on the calling thread, or inside the window pool.
type Within<'a> =
    dyn Fn(&(dyn Fn() -> (FileRecord, Vec<Finding>) + Sync)) -> (FileRecord, Vec<Finding>) + 'a;
