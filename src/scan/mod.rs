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

mod channel;
mod input;
mod progress;
mod work;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant, SystemTime};

use crate::config::Config;
use crate::evidence::counts::{Counter, Counts};
use crate::evidence::store::FindingStore;
use crate::evidence::untrue::{split, Untrue};
use crate::evidence::{FileRecord, Status};
use crate::report::keys::{keys_file, write_keys, KeysFile};
use crate::report::{Outcome, Sink};
use crate::suppress::Suppressor;
use crate::walk::io_reason;
use channel::{InFlight, Msg, Outbox};
use progress::Progress;

/// How long inputs being read when a scan is interrupted may take to finish before they
/// are abandoned.
pub const GRACE: Duration = Duration::from_secs(2);

/// The reason given for an input abandoned when the scan was interrupted.
pub const ABANDONED: &str = "interrupted: abandoned while being read";
/// The reason given for a queued input never started because the scan was interrupted.
pub const NOT_STARTED: &str = "interrupted: not scanned";

/// Runs a scan as configured. `stop` interrupts it (see the module docs). Results go to
/// `sink` as they arrive and are kept in `findings` (a store the report chose: see
/// `report::write`) for the outcome.
pub fn run(
    cfg: Arc<Config>,
    stop: Arc<AtomicBool>,
    sink: &mut dyn Sink,
    findings: FindingStore,
) -> Outcome {
    let started = SystemTime::now();
    let sink_failed = sink.begin(started).is_err();
    let progress = Arc::new(Progress::new(cfg.quiet));
    let mut c = Collector {
        sink,
        suppressor: Suppressor::new(&cfg.allowlist, cfg.baseline.as_ref(), &cfg.key),
        findings,
        counter: Counter::new(cfg.key.clone(), cfg.count_limit()),
        untrue: Untrue::default(),
        files: Vec::new(),
        flushed: HashMap::new(),
        running: BTreeSet::new(),
        queued: BTreeSet::new(),
        in_flight: Arc::new(InFlight::default()),
        progress: Arc::clone(&progress),
        sink_failed,
    };
    let (walk_roots, stdin_count, root_errors) = c.roots(&cfg);
    let (tx, rx) = mpsc::channel::<Msg>();
    let tx = Outbox {
        tx,
        in_flight: Arc::clone(&c.in_flight),
    };
    {
        let cfg = Arc::clone(&cfg);
        let stop = Arc::clone(&stop);
        let progress = Arc::clone(&progress);
        std::thread::spawn(move || work::work(&cfg, &stop, &progress, walk_roots, stdin_count, tx));
    }
    let complete = c.collect(&rx, &stop, cfg.quiet);
    if !complete {
        c.not_started();
    }
    progress.finish();

    let Collector {
        mut files,
        mut findings,
        counter,
        untrue,
        suppressor,
        ..
    } = c;
    files.sort_by(|a, b| (&a.path, &a.path_hex).cmp(&(&b.path, &b.path_hex)));
    if let Err(e) = findings.finish() {
        eprintln!("piiscan: cannot write findings to the temporary spill file: {e}");
    }
    let (mut counts, keys) = count(counter, &mut files, keys_file(&cfg).as_deref());
    counts.untrue = untrue.finish();
    Outcome {
        files,
        findings,
        started,
        finished: SystemTime::now(),
        root_errors,
        complete,
        suppression: suppressor.finish(),
        counts,
        keys,
    }
}

/// The counts of the findings counted, also written into the records of their files, and
/// the keys file written at `keys` (a shard's: see [`crate::report::keys`]).
fn count(
    counter: Counter,
    files: &mut [FileRecord],
    keys: Option<&Path>,
) -> (Counts, Option<KeysFile>) {
    let (counted, keys) = match keys {
        None => (counter.finish(None), None),
        Some(path) => match write_keys(path, |w| counter.finish(Some(w))) {
            Ok((k, counts)) => (Ok(counts), Some(k)),
            Err(e) => {
                eprintln!("piiscan: cannot write keys file {}: {e}", path.display());
                (Err(e), None)
            }
        },
    };
    let mut counts = counted.unwrap_or_else(|e| {
        eprintln!("piiscan: cannot count findings: {e}");
        Counts::empty()
    });
    for f in files.iter_mut() {
        if let Some(c) = counts.files.remove(&f.path) {
            f.counts = c;
        }
    }
    (counts, keys)
}

/// The calling thread's side of a scan: takes what the workers send, suppresses, hands
/// it to the sink and keeps it for the outcome.
struct Collector<'a> {
    sink: &'a mut dyn Sink,
    suppressor: Suppressor<'a>,
    findings: FindingStore,
    /// Counts every finding reported.
    counter: Counter,
    /// Counts the untrue values met.
    untrue: Untrue,
    files: Vec<FileRecord>,
    /// Findings already received of inputs still being read.
    flushed: HashMap<PathBuf, u64>,
    /// Inputs being read.
    running: BTreeSet<PathBuf>,
    /// Inputs queued for after the walk, not started.
    queued: BTreeSet<PathBuf>,
    in_flight: Arc<InFlight>,
    progress: Arc<Progress>,
    /// True once the sink returned an error: it is given nothing more, and the scan stops.
    sink_failed: bool,
}

impl Collector<'_> {
    /// Sorts the roots: those to walk, how many are standard input, and those that cannot
    /// be read at all (recorded as errors).
    fn roots(&mut self, cfg: &Config) -> (Vec<PathBuf>, usize, Vec<FileRecord>) {
        let (mut walk, mut stdin, mut errors) = (Vec::new(), 0, Vec::new());
        for r in &cfg.roots {
            if !cfg.in_shard(r) && (r.as_os_str() == "-" || std::fs::symlink_metadata(r).is_err()) {
                // Standard input and missing roots are inputs of one shard, like any other.
                continue;
            }
            if r.as_os_str() == "-" {
                stdin += 1;
                continue;
            }
            match std::fs::symlink_metadata(r) {
                Ok(_) => walk.push(r.clone()),
                Err(e) => {
                    let mut rec = FileRecord::new(r, Status::Error);
                    rec.reason = Some(format!("cannot read root: {}", io_reason(&e)));
                    errors.push(rec.clone());
                    self.record(None, rec, Vec::new());
                }
            }
        }
        if stdin > 0 {
            self.queued.insert(PathBuf::from("-"));
        }
        (walk, stdin, errors)
    }

    /// Takes messages until the workers end, or until the scan is stopped and the inputs
    /// still running had their [`GRACE`]; false if the scan did not read every input.
    fn collect(&mut self, rx: &mpsc::Receiver<Msg>, stop: &AtomicBool, quiet: bool) -> bool {
        let mut complete = true;
        let mut deadline: Option<Instant> = None;
        loop {
            if stop.load(Ordering::SeqCst) || self.sink_failed {
                stop.store(true, Ordering::SeqCst);
                complete = false;
                let d = *deadline.get_or_insert_with(|| {
                    if !quiet {
                        self.progress.suspend(|| {
                            eprintln!(
                                "piiscan: interrupted; writing what was done \
                                 (signal again to exit at once)"
                            )
                        });
                    }
                    Instant::now() + GRACE
                });
                if Instant::now() >= d {
                    self.abandon_running();
                    return false;
                }
            }
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(Msg::End(done_all)) => return complete && done_all,
                Ok(msg) => self.take(msg),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return complete,
            }
        }
    }

    /// Takes one message of the workers (not `End`).
    fn take(&mut self, msg: Msg) {
        match msg {
            Msg::Started(p) => {
                self.queued.remove(&p);
                self.running.insert(p);
            }
            Msg::Queued(p) => {
                self.queued.insert(p);
            }
            Msg::Findings(p, mut f) => {
                self.in_flight.received(f.len());
                let name = crate::evidence::display_path(&p).0;
                for x in &mut f {
                    x.path = name.clone();
                }
                self.untrue.add(&split(&mut f));
                let f = self.suppressor.filter(f);
                self.progress.found(f.len());
                if !self.sink_failed {
                    self.sink_failed = self.sink.findings(&p, &f).is_err();
                }
                *self.flushed.entry(p).or_default() += f.len() as u64;
                self.counter.add(&f);
                self.findings.push(f);
            }
            Msg::Done(p, mut rec, mut f) => {
                self.in_flight.received(f.len());
                self.untrue.add(&split(&mut f));
                let earlier = p.as_ref().and_then(|p| self.flushed.remove(p)).unwrap_or(0);
                if let Some(p) = &p {
                    self.running.remove(p);
                }
                let f = self.suppressor.filter(f);
                rec.findings = earlier + f.len() as u64;
                self.progress.file(f.len());
                self.record(p, *rec, f);
            }
            Msg::End(_) => {}
        }
    }

    /// Hands a finished input to the sink and keeps it.
    fn record(
        &mut self,
        input: Option<PathBuf>,
        rec: FileRecord,
        findings: Vec<crate::evidence::Finding>,
    ) {
        if !self.sink_failed {
            self.sink_failed = self.sink.file(input.as_deref(), &rec, &findings).is_err();
        }
        self.files.push(rec);
        self.counter.add(&findings);
        self.findings.push(findings);
    }

    /// Lists the inputs still running as abandoned; the workers go on in the background.
    fn abandon_running(&mut self) {
        for p in std::mem::take(&mut self.running) {
            let mut rec = FileRecord::new(&p, Status::Error);
            rec.reason = Some(ABANDONED.to_string());
            self.record(None, rec, Vec::new());
        }
    }

    /// Lists the inputs queued and never started.
    fn not_started(&mut self) {
        for p in std::mem::take(&mut self.queued) {
            let mut rec = FileRecord::new(&p, Status::Skipped);
            rec.reason = Some(NOT_STARTED.to_string());
            self.record(None, rec, Vec::new());
        }
    }
}
