//! One input: a regular file opened without blocking, read through the unwrapper, its
//! record filled from what was found.

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;

use super::progress::Progress;
use crate::config::Config;
use crate::detect::Matcher;
use crate::evidence::{FileRecord, Finding, Status};
use crate::read::{Flush, ReadOptions};
use crate::time::rfc3339;
use crate::unwrap::{Node, Unwrapper};
use crate::walk::{io_reason, special_reason};

/// How inputs are read and cut; `parallel`: a large input cut into windows scanned by
/// several threads.
pub(super) fn read_options(cfg: &Config, parallel: bool) -> ReadOptions {
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
pub(super) fn scan_input(
    path: &Path,
    meta: &Metadata,
    det: &dyn Matcher,
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

/// An unwrapper configured for this scan.
pub(super) fn unwrapper<'a>(
    det: &'a dyn Matcher,
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
pub(super) fn finish(mut rec: FileRecord, node: Node) -> (FileRecord, Vec<Finding>) {
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
