//! What a scan hands to the reports: results pushed as they arrive ([`Sink`]) and the
//! sorted [`Outcome`] at the end.

use std::io;
use std::path::Path;
use std::time::SystemTime;

use crate::evidence::counts::Counts;
use crate::evidence::store::FindingStore;
use crate::evidence::{FileRecord, Finding};
use crate::suppress::Suppression;

/// The result of a scan.
#[derive(Debug)]
pub struct Outcome {
    /// Every input, sorted by path.
    pub files: Vec<FileRecord>,
    /// Every reported finding, sorted by path, member, line, offset, kind (spilled to a
    /// temporary file beyond a bound, so memory does not grow with their number).
    pub findings: FindingStore,
    /// Start time.
    pub started: SystemTime,
    /// End time.
    pub finished: SystemTime,
    /// The roots that could not be read at all (their records are in `files` too).
    pub root_errors: Vec<FileRecord>,
    /// False if the scan was interrupted before it met and read every input.
    pub complete: bool,
    /// What was suppressed (inline markers, allowlists, baseline).
    pub suppression: Suppression,
    /// Exact counts of the findings: by kind over the scan (per file, they are in the
    /// records of `files`).
    pub counts: Counts,
    /// The keys file written beside the report of a shard (see [`super::keys`]).
    pub keys: Option<super::keys::KeysFile>,
}

/// Receives the results of a scan as they arrive (push model), on the calling thread.
/// An error means the sink cannot take more (its output failed): the scan then stops as
/// if interrupted, and gives the sink nothing more.
pub trait Sink {
    /// The scan starts.
    fn begin(&mut self, _started: SystemTime) -> io::Result<()> {
        Ok(())
    }
    /// Findings of an input still being read that are final (path filled in, in order):
    /// they belong before the ones [`Sink::file`] is given for the same input.
    fn findings(&mut self, _input: &Path, _findings: &[Finding]) -> io::Result<()> {
        Ok(())
    }
    /// An input is done: its record and its (remaining) findings (path filled in, not
    /// sorted). `input` is the path it was read from, if findings of it may have come
    /// earlier.
    fn file(
        &mut self,
        input: Option<&Path>,
        rec: &FileRecord,
        findings: &[Finding],
    ) -> io::Result<()>;
    /// The scan is over: completes the report from the outcome (whose finding store the
    /// sink chose) and returns the SHA-256 of what it wrote.
    fn end(self: Box<Self>, outcome: &mut Outcome) -> io::Result<String>;
}

/// A sink that ignores everything (the sorted [`Outcome`] is all that is wanted).
pub struct NoSink;

impl Sink for NoSink {
    fn file(&mut self, _: Option<&Path>, _: &FileRecord, _: &[Finding]) -> io::Result<()> {
        Ok(())
    }

    fn end(self: Box<Self>, _: &mut Outcome) -> io::Result<String> {
        Ok(String::new())
    }
}
