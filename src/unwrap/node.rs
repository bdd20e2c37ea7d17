//! What unwrapping one input or member found: a [`Node`] holds its size, hash, status,
//! findings and the records of its members at every level, and adopts its members' nodes
//! as a container is read.

use std::path::Path;

use super::limits::Limits;
use crate::evidence::{FileRecord, Finding, Status};
use crate::read::encoding::Encoding;
use crate::read::Scanned;

/// The content of text data.
pub const TEXT: &str = "text";
/// The content of binary data (scanned byte for byte).
pub const BINARY: &str = "binary";

/// The result of scanning one input or member, with everything found below it.
#[derive(Debug)]
pub struct Node {
    /// Bytes of this input or member (decompressed for a member).
    pub size: u64,
    /// SHA-256 of those bytes, if all of them were read.
    pub sha256: Option<String>,
    /// Scanned, skipped (a limit) or error (damaged, unreadable).
    pub status: Status,
    /// Why it is not simply `scanned`.
    pub reason: Option<String>,
    /// What it turned out to be: `text`, `binary`, or a container's name (see
    /// [`super::container`]).
    pub content: &'static str,
    /// Its text encoding, for text and binary data.
    pub encoding: Option<Encoding>,
    /// Findings in it and in its members, `member` relative to it.
    pub findings: Vec<Finding>,
    /// Its members at every level, `member` relative to it.
    pub members: Vec<FileRecord>,
    /// Members not read because the member limit was reached.
    pub over_limit: u64,
    /// Findings in it and in its members handed out before it was done (see
    /// [`Unwrapper::flush`]); counted in its record, not held in `findings`.
    pub flushed: u64,
}

impl Node {
    /// A node of `content` with nothing read yet.
    pub(super) fn new(content: &'static str) -> Node {
        Node {
            size: 0,
            sha256: None,
            status: Status::Scanned,
            reason: None,
            content,
            encoding: None,
            findings: Vec::new(),
            members: Vec::new(),
            over_limit: 0,
            flushed: 0,
        }
    }

    /// Notes members left out for the member limit, once a container is done.
    pub(super) fn settle(&mut self, limits: &Limits) {
        if self.over_limit > 0 && self.status == Status::Scanned {
            self.status = Status::Skipped;
            self.reason = Some(format!(
                "limit: {} members beyond the first {} were not read (--max-members)",
                self.over_limit, limits.max_members
            ));
        }
    }

    /// A node for text or binary data that `scan_stream` read.
    pub(super) fn from_scanned(s: Scanned) -> Node {
        let enc = s.encoding;
        let mut n = Node::new(if enc == Encoding::Binary {
            BINARY
        } else {
            TEXT
        });
        n.size = s.size;
        n.sha256 = s.sha256;
        n.encoding = Some(enc);
        n.findings = s.findings;
        if let Some(e) = s.error {
            n.fail(e);
        }
        n
    }

    /// Marks the node damaged (the first reason is kept).
    pub(super) fn fail(&mut self, reason: String) {
        if self.status != Status::Error {
            self.status = Status::Error;
            self.reason = Some(reason);
        }
    }

    /// Marks the node cut short by a limit (the cause of any read error it records);
    /// its hash would be of part of it only.
    pub(super) fn limit(&mut self, reason: String, read: u64) {
        self.sha256 = None;
        self.status = Status::Skipped;
        self.reason = Some(format!("{reason}; stopped after {read} bytes"));
    }

    /// Takes in a member named `name`: its record, its own members and its findings.
    pub(super) fn adopt(&mut self, name: &str, child: Node) {
        if child.status == Status::Error {
            self.fail(format!(
                "member {name}: {}",
                child.reason.as_deref().unwrap_or("error")
            ));
        }
        let mut rec = FileRecord::new(Path::new(""), child.status);
        rec.member = Some(name.to_string());
        rec.size = Some(child.size);
        rec.sha256 = child.sha256;
        rec.reason = child.reason;
        rec.content = Some(child.content);
        rec.encoding = child.encoding.map(Encoding::name);
        rec.findings = crate::evidence::untrue::findings_in(&child.findings) + child.flushed;
        self.flushed += child.flushed;
        self.members.push(rec);
        for mut m in child.members {
            m.member = Some(join(name, m.member.as_deref()));
            self.members.push(m);
        }
        for mut f in child.findings {
            f.member = Some(join(name, f.member.as_deref()));
            self.findings.push(f);
        }
    }

    /// Records a member that was not read at all.
    pub(super) fn not_read(
        &mut self,
        name: &str,
        size: Option<u64>,
        status: Status,
        reason: String,
    ) {
        let mut rec = FileRecord::new(Path::new(""), status);
        rec.member = Some(name.to_string());
        rec.size = size;
        rec.reason = Some(reason);
        self.members.push(rec);
    }
}

/// `outer!inner`.
fn join(outer: &str, inner: Option<&str>) -> String {
    match inner {
        Some(i) => format!("{outer}!{i}"),
        None => outer.to_string(),
    }
}

/// A member name from raw bytes: UTF-8 if valid, else GB18030 (Chinese Windows archives
/// store names that way), else with replacement characters.
pub fn member_name(raw: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(raw) {
        return s.to_string();
    }
    if let Some(s) = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(raw) {
        return s.into_owned();
    }
    String::from_utf8_lossy(raw).into_owned()
}
