//! Unwrap: containers and text encodings.
//!
//! An input is recognised by its first bytes, never by its name: gzip, zip (and the
//! office files that are zips of XML: xlsx, docx), tar, xls, SQLite, or else text or
//! binary data. Containers are unpacked member by member, recursively, each member read
//! as a stream of its decompressed bytes, hashed, and scanned like a file; findings in a
//! member carry `member` (levels joined by `!`) and the offset in the decompressed member.
//! Text is decoded according to its detected [`encoding`], with offsets mapped back to
//! the raw bytes. Unpacking stays within [`limits`]; a member that hits one is recorded as
//! `skipped` with the limit as reason, and a container that is damaged is recorded as
//! `error` while every member that can still be read is scanned.

mod gzip;
pub mod limits;
mod office;
mod sqlite;
mod tar;
mod zip;

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::detect::Detector;
use crate::evidence::{FileRecord, Finding, Status};
use crate::read::encoding::Encoding;
use crate::read::{
    scan_file_flushing, scan_stream, scan_stream_flushing, Flush, ReadOptions, Scanned,
};
pub(crate) use crate::sys::read_at;
use limits::{Budget, Compressed, Hashing, Limited, Limits};

/// What an input turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Text, in the encoding recorded beside it.
    Text,
    /// Binary data: scanned byte for byte.
    Binary,
    /// gzip (RFC 1952), possibly several members concatenated.
    Gzip,
    /// zip, including zip64.
    Zip,
    /// POSIX/GNU tar.
    Tar,
    /// An Excel 2007+ workbook (a zip of XML).
    Xlsx,
    /// An Excel 97-2003 workbook (OLE2).
    Xls,
    /// A Word 2007+ document (a zip of XML).
    Docx,
    /// An SQLite 3 database.
    Sqlite,
    /// An SQLite write-ahead log (`-wal`): pages not yet written into the database.
    SqliteWal,
}

impl Format {
    /// The name used in reports (`content`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Binary => "binary",
            Format::Gzip => "gzip",
            Format::Zip => "zip",
            Format::Tar => "tar",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Docx => "docx",
            Format::Sqlite => "sqlite",
            Format::SqliteWal => "sqlite-wal",
        }
    }

    /// True for formats that hold members.
    pub fn is_container(self) -> bool {
        matches!(
            self,
            Format::Gzip | Format::Zip | Format::Tar | Format::Xlsx | Format::Xls | Format::Docx
        )
    }
}

/// How many leading bytes [`sniff`] needs.
pub const HEAD: usize = 8192;

/// Recognises a container or database by its magic bytes (`Text` for anything else).
pub fn sniff(head: &[u8]) -> Format {
    if head.starts_with(&[0x1F, 0x8B]) {
        Format::Gzip
    } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Format::Zip
    } else if head.len() >= 262 && &head[257..262] == b"ustar" {
        Format::Tar
    } else if head.starts_with(b"SQLite format 3\0") {
        Format::Sqlite
    } else if head.starts_with(&[0x37, 0x7F, 0x06, 0x82])
        || head.starts_with(&[0x37, 0x7F, 0x06, 0x83])
    {
        Format::SqliteWal
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Format::Xls
    } else {
        Format::Text
    }
}

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
    /// What it turned out to be.
    pub format: Format,
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
    fn new(format: Format) -> Node {
        Node {
            size: 0,
            sha256: None,
            status: Status::Scanned,
            reason: None,
            format,
            encoding: None,
            findings: Vec::new(),
            members: Vec::new(),
            over_limit: 0,
            flushed: 0,
        }
    }

    /// Notes members left out for the member limit, once a container is done.
    fn settle(&mut self, limits: &Limits) {
        if self.over_limit > 0 && self.status == Status::Scanned {
            self.status = Status::Skipped;
            self.reason = Some(format!(
                "limit: {} members beyond the first {} were not read (--max-members)",
                self.over_limit, limits.max_members
            ));
        }
    }

    /// A node for text or binary data that `scan_stream` read.
    fn from_scanned(s: Scanned) -> Node {
        let enc = s.encoding;
        let mut n = Node::new(if enc == Encoding::Binary {
            Format::Binary
        } else {
            Format::Text
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
    fn fail(&mut self, reason: String) {
        if self.status != Status::Error {
            self.status = Status::Error;
            self.reason = Some(reason);
        }
    }

    /// Marks the node cut short by a limit (the cause of any read error it records);
    /// its hash would be of part of it only.
    fn limit(&mut self, reason: String, read: u64) {
        self.sha256 = None;
        self.status = Status::Skipped;
        self.reason = Some(format!("{reason}; stopped after {read} bytes"));
    }

    /// Takes in a member named `name`: its record, its own members and its findings.
    fn adopt(&mut self, name: &str, child: Node) {
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
        rec.content = Some(child.format.name());
        rec.encoding = child.encoding.map(Encoding::name);
        rec.findings = child.findings.len() as u64 + child.flushed;
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
    fn not_read(&mut self, name: &str, size: Option<u64>, status: Status, reason: String) {
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

/// Scans inputs, unpacking containers.
pub struct Unwrapper<'a> {
    /// The detectors.
    pub det: &'a Detector,
    /// How to read and cut text.
    pub opts: ReadOptions,
    /// Unpacking limits.
    pub limits: Limits,
    /// Told how many raw bytes of the input were read (for progress).
    pub on_read: &'a (dyn Fn(u64) + Sync),
    /// Takes the findings of text or binary data (a top-level input, or an archive member,
    /// with `member` set) as they become final, so a huge input's findings are not all held
    /// (see [`crate::read::scan_stream_flushing`]).
    pub flush: Option<Flush<'a>>,
    /// The names of the members being read, outermost first (their findings' `member`).
    pub within: RefCell<Vec<String>>,
}

/// Reports raw bytes read to a progress callback.
struct Progressing<'a, R> {
    inner: R,
    on_read: &'a (dyn Fn(u64) + Sync),
}

impl<R: Read> Read for Progressing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.on_read)(n as u64);
        Ok(n)
    }
}

impl Unwrapper<'_> {
    /// Scans a regular file of `size` bytes (as seen by the walk), at `path`.
    pub fn scan_file(&self, file: &File, path: &Path, size: u64) -> Node {
        let mut head = vec![0u8; HEAD];
        let n = read_at(file, &mut head, 0);
        head.truncate(n);
        let budget = Budget::new(self.limits, size);
        let progress = |r| Progressing {
            inner: r,
            on_read: self.on_read,
        };
        match sniff(&head) {
            Format::Text | Format::Binary => Node::from_scanned(scan_file_flushing(
                file,
                size,
                self.det,
                self.opts,
                self.on_read,
                self.flush,
            )),
            f @ (Format::Sqlite | Format::SqliteWal) => {
                let mut node =
                    Node::from_scanned(scan_stream(file, self.det, self.opts, self.on_read));
                node.format = f;
                sqlite::scan(self, path, &mut node);
                node
            }
            Format::Zip | Format::Xls => {
                // Random access: hash the file in one pass, then read its directory.
                let (hash, read) = Hashing::new(progress(file)).finish();
                let mut node = Node::new(Format::Zip);
                node.size = read;
                match hash {
                    Ok(hash) => node.sha256 = Some(hash),
                    Err(e) => {
                        node.fail(format!("read error: {e}"));
                        return node;
                    }
                }
                if sniff(&head) == Format::Xls {
                    node.format = Format::Xls;
                    if !office::scan_xls(self, file, &budget, &mut node) {
                        // Another OLE2 document (doc, ppt, msg): its raw bytes.
                        return self.raw(file, node);
                    }
                } else {
                    zip::scan_archive(self, file, 1, &budget, &mut node);
                }
                node.settle(&self.limits);
                if node.members.is_empty() && node.status == Status::Error {
                    self.salvage(file, &mut node);
                }
                node
            }
            f @ (Format::Gzip | Format::Tar) => {
                let mut h = Hashing::new(progress(file));
                let mut node = Node::new(f);
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                self.unpack_stream(f, &mut h, &name, 1, &budget, &mut node);
                let (hash, read) = h.finish();
                node.size = read;
                match hash {
                    Ok(hash) => node.sha256 = Some(hash),
                    Err(e) => node.fail(format!("read error: {e}")),
                }
                node
            }
            Format::Xlsx | Format::Docx => unreachable!("sniff reports these as zip"),
        }
    }

    /// Scans a stream that cannot be sought (standard input): text is scanned as it
    /// comes; a container is unpacked as a member would be.
    pub fn scan_reader(&self, r: &mut dyn Read, name: &str) -> Node {
        let mut head = Vec::with_capacity(HEAD);
        let mut progressing = Progressing {
            inner: r,
            on_read: self.on_read,
        };
        if let Err(e) = (&mut progressing).take(HEAD as u64).read_to_end(&mut head) {
            let mut n = Node::new(Format::Binary);
            n.fail(format!("read error: {e}"));
            return n;
        }
        let format = sniff(&head);
        let mut stream = head.as_slice().chain(&mut progressing);
        if !format.is_container() && !matches!(format, Format::Sqlite | Format::SqliteWal) {
            return Node::from_scanned(scan_stream_flushing(
                &mut stream,
                self.det,
                self.opts,
                &|_| {},
                self.flush,
            ));
        }
        // A container on standard input is read as a member is, within the same limits.
        let budget = Budget::new(self.limits, u64::MAX / 2);
        self.scan_member(&mut stream, Compressed::None, name, 0, &budget)
    }

    /// A container from which nothing could be read: scan its raw bytes, so that what
    /// is stored uncompressed in it is not lost.
    fn salvage(&self, file: &File, node: &mut Node) {
        use std::io::Seek;
        let mut f = file;
        if f.seek(io::SeekFrom::Start(0)).is_ok() {
            let s = scan_stream(f, self.det, self.opts, &|_| {});
            node.findings.extend(s.findings);
            if let Some(r) = &mut node.reason {
                r.push_str("; its raw bytes were scanned instead");
            }
        }
    }

    /// Scans a file that turned out not to be the container its magic suggested, as
    /// binary data; `node` has its size and hash already.
    fn raw(&self, file: &File, node: Node) -> Node {
        use std::io::Seek;
        let mut f = file;
        let _ = f.seek(io::SeekFrom::Start(0));
        let mut n = Node::from_scanned(scan_stream(f, self.det, self.opts, &|_| {}));
        n.size = node.size;
        if n.sha256.is_none() || node.sha256.is_some() {
            n.sha256 = node.sha256;
        }
        n
    }

    /// Unpacks a streamed container (gzip or tar) read from `r`, at `depth`.
    fn unpack_stream(
        &self,
        f: Format,
        r: &mut dyn Read,
        name: &str,
        depth: u32,
        budget: &Budget,
        node: &mut Node,
    ) {
        match f {
            Format::Gzip => gzip::unpack(self, r, name, depth, budget, node),
            Format::Tar => tar::unpack(self, r, depth, budget, node),
            _ => unreachable!("only streamed formats"),
        }
        node.settle(&self.limits);
    }

    /// Scans one member: `r` gives its decompressed bytes. `depth` is its own level
    /// (1 for a member of a file on disk).
    fn scan_member(
        &self,
        r: &mut dyn Read,
        compressed: Compressed,
        name: &str,
        depth: u32,
        budget: &Budget,
    ) -> Node {
        // What its findings' `member` will be once every container has adopted it.
        let path = {
            let mut within = self.within.borrow_mut();
            within.push(name.to_string());
            within.join("!")
        };
        let node = self.scan_member_at(r, compressed, &path, name, depth, budget);
        self.within.borrow_mut().pop();
        node
    }

    /// [`Unwrapper::scan_member`] of the member at `path` (within the top-level input).
    fn scan_member_at(
        &self,
        r: &mut dyn Read,
        compressed: Compressed,
        path: &str,
        name: &str,
        depth: u32,
        budget: &Budget,
    ) -> Node {
        let mut lim = Limited::new(r, budget, compressed);
        let mut head = Vec::with_capacity(HEAD);
        if let Err(e) = (&mut lim).take(HEAD as u64).read_to_end(&mut head) {
            // Damaged or cut short within its first bytes: scan what was read.
            let mut n =
                Node::from_scanned(scan_stream(head.as_slice(), self.det, self.opts, &|_| {}));
            n.sha256 = None;
            match lim.tripped.take() {
                Some(t) => n.limit(t, head.len() as u64),
                None => n.fail(format!("read error at offset {}: {e}", head.len())),
            }
            return n;
        }
        let format = sniff(&head);
        let mut stream = head.as_slice().chain(&mut lim);
        let mut node = if format.is_container() && depth >= self.limits.max_depth {
            let mut n = Node::new(format);
            let (hash, size) = Hashing::new(&mut stream).finish();
            n.size = size;
            n.sha256 = hash.ok();
            n.status = Status::Skipped;
            n.reason = Some(format!(
                "limit: archive depth {} reached (--max-archive-depth); not unpacked",
                self.limits.max_depth
            ));
            n
        } else {
            match format {
                Format::Text | Format::Binary => {
                    // Findings handed out early carry the member's path.
                    let flushed = AtomicU64::new(0);
                    let outer = self.flush;
                    let to_outer = |mut f: Vec<Finding>| {
                        for x in &mut f {
                            x.member = Some(path.to_string());
                        }
                        flushed.fetch_add(f.len() as u64, Ordering::Relaxed);
                        if let Some(outer) = outer {
                            outer(f);
                        }
                    };
                    let flush: Option<Flush> = outer.map(|_| &to_outer as Flush);
                    let scanned =
                        scan_stream_flushing(&mut stream, self.det, self.opts, &|_| {}, flush);
                    let mut n = Node::from_scanned(scanned);
                    n.flushed = flushed.into_inner();
                    n
                }
                Format::Gzip | Format::Tar => {
                    let mut h = Hashing::new(&mut stream);
                    let mut n = Node::new(format);
                    self.unpack_stream(format, &mut h, name, depth + 1, budget, &mut n);
                    let (hash, size) = h.finish();
                    n.size = size;
                    match hash {
                        Ok(hash) => n.sha256 = Some(hash),
                        Err(e) => n.fail(format!("read error: {e}")),
                    }
                    n
                }
                Format::Zip
                | Format::Xls
                | Format::Sqlite
                | Format::SqliteWal
                | Format::Xlsx
                | Format::Docx => self.scan_spooled(format, &mut stream, depth, budget),
            }
        };
        if let Some(t) = lim.tripped.take() {
            node.limit(t, lim.bytes_read());
        }
        node
    }

    /// A member that needs random access (zip, xls, SQLite): copied to a temporary file
    /// first (hashed on the way), then opened from there.
    fn scan_spooled(&self, format: Format, r: &mut dyn Read, depth: u32, budget: &Budget) -> Node {
        let mut node = Node::new(format);
        let mut tmp = match tempfile::NamedTempFile::new() {
            Ok(t) => t,
            Err(e) => {
                node.fail(format!(
                    "cannot create a temporary file to unpack into: {e}"
                ));
                return node;
            }
        };
        let mut h = Hashing::new(r);
        let copied = io::copy(&mut h, tmp.as_file_mut());
        let (hash, size) = h.finish();
        node.size = size;
        match (copied, hash) {
            (Ok(_), Ok(hash)) => node.sha256 = Some(hash),
            (Err(e), _) | (_, Err(e)) => {
                node.fail(format!("read error: {e}"));
                return node;
            }
        }
        let file = match tmp.reopen() {
            Ok(f) => f,
            Err(e) => {
                node.fail(format!("cannot reopen the unpacked member: {e}"));
                return node;
            }
        };
        match format {
            Format::Sqlite | Format::SqliteWal => {
                let s = scan_stream(&file, self.det, self.opts, &|_| {});
                let enc = s.encoding;
                let mut n = Node::from_scanned(s);
                n.format = format;
                n.encoding = Some(enc);
                n.sha256 = node.sha256.take();
                sqlite::scan(self, tmp.path(), &mut n);
                return n;
            }
            Format::Xls => {
                if !office::scan_xls(self, &file, budget, &mut node) {
                    return self.raw(&file, node);
                }
            }
            _ => zip::scan_archive(self, &file, depth + 1, budget, &mut node),
        }
        node.settle(&self.limits);
        node
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_magic_bytes() {
        assert_eq!(sniff(&[0x1F, 0x8B, 8, 0]), Format::Gzip);
        assert_eq!(sniff(b"PK\x03\x04rest"), Format::Zip);
        assert_eq!(sniff(b"SQLite format 3\0..."), Format::Sqlite);
        let mut tar = vec![0u8; 512];
        tar[257..263].copy_from_slice(b"ustar\0");
        assert_eq!(sniff(&tar), Format::Tar);
        assert_eq!(sniff(b"PK but not a zip"), Format::Text);
        assert_eq!(sniff(b""), Format::Text);
    }

    mod damaged_containers {
        use super::*;
        use proptest::prelude::*;
        use std::io::Write;

        const FIXTURES: &[&[u8]] = &[
            include_bytes!("../../testdata/unwrap/bundle.zip"),
            include_bytes!("../../testdata/unwrap/dump.tar.gz"),
            include_bytes!("../../testdata/unwrap/book.xlsx"),
            include_bytes!("../../testdata/unwrap/letter.docx"),
            include_bytes!("../../testdata/unwrap/nested.zip"),
            include_bytes!("../../testdata/unwrap/plain.tar"),
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(120))]
            /// Damaged containers (bytes changed, or cut short) are survived: no panic,
            /// and every finding lies inside its file or member.
            #[test]
            fn any_damage_is_survived(
                which in 0..FIXTURES.len(),
                flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..40),
                cut in any::<prop::sample::Index>(),
                truncate in any::<bool>(),
            ) {
                let mut bytes = FIXTURES[which].to_vec();
                for (i, b) in flips {
                    let i = i.index(bytes.len());
                    bytes[i] = b;
                }
                if truncate {
                    bytes.truncate(cut.index(bytes.len()));
                }
                let mut tmp = tempfile::NamedTempFile::new().unwrap();
                tmp.write_all(&bytes).unwrap();
                let det = Detector::new(false);
                let u = Unwrapper {
                    det: &det,
                    opts: ReadOptions::default(),
                    limits: Limits::default(),
                    on_read: &|_| {},
                    flush: None,
                    within: Default::default(),
                };
                let file = tmp.reopen().unwrap();
                let node = u.scan_file(&file, tmp.path(), bytes.len() as u64);
                prop_assert_eq!(node.size, bytes.len() as u64);
                for f in &node.findings {
                    prop_assert!(f.length > 0);
                }
            }
        }
    }

    #[test]
    fn member_names_in_gbk_are_decoded() {
        let gbk = encoding_rs::GB18030.encode("客户/名单.csv").0.into_owned();
        assert_eq!(member_name(&gbk), "客户/名单.csv");
        assert_eq!(member_name("a/b.txt".as_bytes()), "a/b.txt");
    }
}
