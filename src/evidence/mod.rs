//! Findings and their provenance, and the only place raw values turn into display text.
//!
//! A [`Finding`] carries the raw normalised value internally; every reporter goes through
//! [`mask`] (unless the user passed `--reveal`) and [`fingerprint`] so that no raw value can
//! reach a report, a log or an error message by accident.

pub mod counts;
pub mod fingerprint;
pub mod mask;
pub mod records;
pub mod sorted;
pub mod store;
pub mod tiers;
pub mod untrue;

use serde::Serialize;

pub use crate::detect::{Confidence, Details, Kind, KindSet};

/// One occurrence of an identifier, with the raw value (never written unmasked unless the
/// user asked for it).
#[derive(Clone, Debug)]
pub struct Finding {
    /// The kind.
    pub kind: Kind,
    /// The normalised raw value (see the report contract).
    pub value: String,
    /// The file on disk as walked (lossy display form; see `FileRecord` for bytes).
    pub path: String,
    /// Path inside a container, levels joined by `!`.
    pub member: Option<String>,
    /// Byte offset of the first byte of the written item in the raw bytes.
    pub offset: u64,
    /// Length in raw bytes of the written item.
    pub length: u32,
    /// 1-based line number.
    pub line: u64,
    /// 1-based column: characters from the start of the line (0 if unknown: UTF-16 text
    /// read from inside binary data).
    pub column: u64,
    /// How the bytes holding it were read as text (`utf-8`, `utf-16le`, `gb18030`, …).
    pub encoding: &'static str,
    /// The spreadsheet cell holding it (`B7`), for items in xlsx/xls sheets, whose
    /// `member` is the sheet and `offset` the byte offset inside the cell's text.
    pub cell: Option<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// The raw bytes around the item, decoded lossily, and the item's byte range in it.
    pub context: Context,
    /// What validation established.
    pub details: Details,
    /// True if its line carries the inline allow marker (`piiscan:allow`): it is
    /// suppressed.
    pub allowed: bool,
    /// Why the value is untrue, for a value of the shape and context of its kind that
    /// fails its checks: not a finding, but counted (see [`counts::Untrue`]). Such values
    /// travel with the findings of their input as far as the scan's collector, which
    /// takes them out before anything is reported.
    pub untrue: Option<&'static str>,
    /// Where its record starts, if not at its line (see `read::record`): the raw offset
    /// of an SQL tuple's `(` or a JSON object's `{`. Findings of one record, which the
    /// record counts group, share it (or their line, when it is `None`).
    pub record: Option<u64>,
}

/// A snippet of text around a finding, kept raw until a reporter masks it.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// Text before the item.
    pub before: String,
    /// The item as written.
    pub item: String,
    /// Text after the item.
    pub after: String,
}

/// Context snippet width on each side of an item, in bytes.
const SNIPPET: usize = 40;

impl Context {
    /// The raw text around the item at `start..end` of `b`, cut at line breaks and
    /// character boundaries.
    pub fn around(b: &[u8], start: usize, end: usize) -> Context {
        Context::around_hiding(b, start, end, &[])
    }

    /// [`Context::around`], with the characters of the other items at `hidden` (byte
    /// ranges of `b`, sorted by start) replaced by `*` even in the raw text: values that
    /// the masking of a snippet (digit runs, e-mail local parts) would not hide, such as
    /// a WeChat ID beside a QQ number.
    pub fn around_hiding(b: &[u8], start: usize, end: usize, hidden: &[(usize, usize)]) -> Context {
        let mut from = start.saturating_sub(SNIPPET);
        while from < start && (b[from] & 0xC0) == 0x80 {
            from += 1;
        }
        if let Some(nl) = memchr::memrchr(b'\n', &b[from..start]) {
            from += nl + 1;
        }
        let mut to = (end + SNIPPET).min(b.len());
        while to > end && to < b.len() && (b[to] & 0xC0) == 0x80 {
            to -= 1;
        }
        if let Some(nl) = memchr::memchr(b'\n', &b[end..to]) {
            to = end + nl;
        }
        let first = hidden.partition_point(|h| h.1 <= from);
        let near: Vec<(usize, usize)> = hidden[first..]
            .iter()
            .take_while(|h| h.0 < to)
            .filter(|h| h.1 <= start || h.0 >= end)
            .copied()
            .collect();
        let text = |lo: usize, hi: usize| -> String {
            let mut t = String::from_utf8_lossy(&b[lo..hi]).into_owned();
            // Last first: starring a multi-byte span (a name) shortens the text after it.
            for &(hs, he) in near.iter().rev().filter(|h| h.0 < hi && h.1 > lo) {
                let (a, z) = (hs.max(lo) - lo, he.min(hi) - lo);
                if t.is_char_boundary(a) && t.is_char_boundary(z) {
                    let stars = "*".repeat(t[a..z].chars().count());
                    t.replace_range(a..z, &stars);
                }
            }
            t
        };
        Context {
            before: text(from, start),
            item: String::from_utf8_lossy(&b[start..end]).into_owned(),
            after: text(end, to),
        }
    }
}

impl Finding {
    /// The deterministic sort key of reports: path, member, offset, kind.
    pub fn sort_key(&self) -> (&str, Option<&str>, u64, u64, Kind) {
        (
            &self.path,
            self.member.as_deref(),
            self.line,
            self.offset,
            self.kind,
        )
    }
}

/// What happened to one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Read to its end and scanned.
    Scanned,
    /// Listed but deliberately not read (special file, unfollowed symlink).
    Skipped,
    /// Could not be read, or reading failed part-way.
    Error,
}

/// One input the walk met, scanned or not.
#[derive(Clone, Debug)]
pub struct FileRecord {
    /// Path as walked, lossily decoded for display.
    pub path: String,
    /// Hex of the raw path bytes when the path is not valid UTF-8 (lossless).
    pub path_hex: Option<String>,
    /// Bytes read (or the size from metadata when not read).
    pub size: Option<u64>,
    /// Modification time (RFC 3339, UTC).
    pub mtime: Option<String>,
    /// SHA-256 of the bytes scanned.
    pub sha256: Option<String>,
    /// Status.
    pub status: Status,
    /// Why it was not (fully) scanned.
    pub reason: Option<String>,
    /// Number of findings reported for it.
    pub findings: u64,
    /// `text` or `binary`.
    pub content: Option<&'static str>,
    /// How a text input was read (`utf-8`, `utf-16le`, `gb18030`, `binary`).
    pub encoding: Option<&'static str>,
    /// For a container member: its path inside the outermost file, levels joined by `!`.
    pub member: Option<String>,
    /// For a container: every member at every level, in the order they were read.
    pub members: Vec<FileRecord>,
    /// True if its size or mtime changed while it was scanned.
    pub changed_during_scan: bool,
    /// For a file (not a member) with findings: the counts of the kinds it holds, filled
    /// in at the end of the scan.
    pub counts: Vec<counts::KindCount>,
}

impl FileRecord {
    /// A record for `path` with nothing known yet.
    pub fn new(path: &std::path::Path, status: Status) -> FileRecord {
        let (path, path_hex) = display_path(path);
        FileRecord {
            path,
            path_hex,
            size: None,
            mtime: None,
            sha256: None,
            status,
            reason: None,
            findings: 0,
            content: None,
            encoding: None,
            member: None,
            members: Vec::new(),
            changed_during_scan: false,
            counts: Vec::new(),
        }
    }
}

/// The display form of a path and, when it is not valid UTF-8, the hex of its raw bytes.
pub fn display_path(path: &std::path::Path) -> (String, Option<String>) {
    match path.to_str() {
        Some(s) => (s.to_string(), None),
        None => {
            #[cfg(unix)]
            let raw = {
                use std::os::unix::ffi::OsStrExt;
                path.as_os_str().as_bytes().to_vec()
            };
            #[cfg(not(unix))]
            let raw = path.to_string_lossy().as_bytes().to_vec();
            (
                path.to_string_lossy().into_owned(),
                Some(fingerprint::hex(&raw)),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_cuts_at_lines() {
        let t = "line one\n手机13800138000 ok\nnext";
        let s = t.find("138").unwrap();
        let c = Context::around(t.as_bytes(), s, s + 11);
        assert_eq!(c.before, "手机");
        assert_eq!(c.item, "13800138000");
        assert_eq!(c.after, " ok");
    }
}
