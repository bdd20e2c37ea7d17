//! Unwrap: containers, recognised by their first bytes and unpacked within limits.
//!
//! An input is recognised by its first bytes, never by its name: one of the formats of the
//! [`container`] registry (gzip, bzip2, xz, lzma, zstd, 7z, zip and the office files that
//! are zips of XML, tar, xls, SQLite, RTF and PDF documents, e-mail messages and mboxes; RAR is recognised but not unpacked), or else text or
//! binary data, which [`crate::read`] scans. Containers are unpacked member by member,
//! recursively, each member read as a stream of its decompressed bytes, hashed, and
//! scanned like a file; findings in a member carry `member` (levels joined by `!`) and the
//! offset in the decompressed member. Unpacking stays within [`limits`]; a member that
//! hits one is recorded as `skipped` with the limit as reason, and a container that is
//! damaged is recorded as `error` while every member that can still be read is scanned.

mod bzip2;
mod compressed;
pub mod container;
mod email;
mod gzip;
pub mod limits;
mod node;
mod office;
mod pdf;
mod pgdump;
mod rar;
mod rtf;
mod sevenz;
mod sqlite;
mod tar;
mod xz;
mod zip;
mod zstd;

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::detect::Matcher;
use crate::evidence::{Finding, Status};
use crate::read::{scan_file_flushing, scan_stream, scan_stream_flushing, Flush, ReadOptions};
pub(crate) use crate::sys::read_at;
use container::{sniff, Access, Container, Level, Unpack, HEAD};
use limits::{Budget, Compressed, Hashing, Limited, Limits};
pub use node::{member_name, Node, BINARY, TEXT};

/// Scans inputs, unpacking containers. Built with [`Unwrapper::new`] and its setters.
pub struct Unwrapper<'a> {
    det: &'a dyn Matcher,
    opts: ReadOptions,
    limits: Limits,
    on_read: &'a (dyn Fn(u64) + Sync),
    flush: Option<Flush<'a>>,
    /// The names of the members being read, outermost first (their findings' `member`).
    within: RefCell<Vec<String>>,
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

impl<'a> Unwrapper<'a> {
    /// An unwrapper scanning with `det`, with default read options and limits, no
    /// progress callback and nothing handed out early.
    pub fn new(det: &'a dyn Matcher) -> Unwrapper<'a> {
        Unwrapper {
            det,
            opts: ReadOptions::default(),
            limits: Limits::default(),
            on_read: &|_| {},
            flush: None,
            within: RefCell::default(),
        }
    }

    /// How text is read and cut (default: [`ReadOptions::default`]).
    pub fn options(mut self, opts: ReadOptions) -> Self {
        self.opts = opts;
        self
    }

    /// The unpacking limits (default: [`Limits::default`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Told how many raw bytes of the input were read, for progress (default: nothing).
    pub fn on_read(mut self, on_read: &'a (dyn Fn(u64) + Sync)) -> Self {
        self.on_read = on_read;
        self
    }

    /// Takes the findings of text or binary data (a top-level input, or an archive member,
    /// with `member` set) as they become final, so a huge input's findings are not all
    /// held (see [`crate::read::scan_stream_flushing`]). Default: none, every finding is
    /// in the node.
    pub fn flush(mut self, flush: Option<Flush<'a>>) -> Self {
        self.flush = flush;
        self
    }
}

impl Unwrapper<'_> {
    /// Scans a regular file of `size` bytes (as seen by the walk), at `path`.
    pub fn scan_file(&self, file: &File, path: &Path, size: u64) -> Node {
        let mut head = vec![0u8; HEAD];
        let n = read_at(file, &mut head, 0);
        head.truncate(n);
        let Some(c) = sniff(&head) else {
            return Node::from_scanned(scan_file_flushing(
                file,
                size,
                self.det,
                self.opts,
                self.on_read,
                self.flush,
            ));
        };
        let budget = Budget::new(self.limits, size);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let at = Level {
            name: &name,
            depth: 1,
            budget: &budget,
        };
        let mut read = Progressing {
            inner: file,
            on_read: self.on_read,
        };
        match c.access {
            Access::Database(records) => {
                let mut node =
                    Node::from_scanned(scan_stream(file, self.det, self.opts, self.on_read));
                node.content = c.name;
                records(self, path, &mut node);
                node
            }
            Access::Seek(open) => {
                // Random access: hash the file in one pass, then read its directory.
                let (hash, read) = Hashing::new(read).finish();
                let mut node = Node::new(c.name);
                node.size = read;
                match hash {
                    Ok(hash) => node.sha256 = Some(hash),
                    Err(e) => {
                        node.fail(format!("read error: {e}"));
                        return node;
                    }
                }
                if !open(self, file, &at, &mut node) {
                    return self.raw(file, node);
                }
                node.settle(&self.limits);
                if node.members.is_empty() && node.status == Status::Error {
                    self.salvage(file, &mut node);
                }
                node
            }
            Access::Stream(unpack) => self.unpack_hashed(c.name, unpack, &mut read, &at),
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
            let mut n = Node::new(BINARY);
            n.fail(format!("read error: {e}"));
            return n;
        }
        let container = sniff(&head);
        let mut stream = head.as_slice().chain(&mut progressing);
        if container.is_none() {
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

    /// Unpacks the streamed container `name` (gzip, tar) read from `r` with `unpack`,
    /// hashing its bytes on the way; its members are at `at`.
    fn unpack_hashed(
        &self,
        name: &'static str,
        unpack: Unpack,
        r: &mut dyn Read,
        at: &Level,
    ) -> Node {
        let mut h = Hashing::new(r);
        let mut node = Node::new(name);
        unpack(self, &mut h, at, &mut node);
        node.settle(&self.limits);
        let (hash, size) = h.finish();
        node.size = size;
        match hash {
            Ok(hash) => node.sha256 = Some(hash),
            Err(e) => node.fail(format!("read error: {e}")),
        }
        node
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
        let container = sniff(&head);
        let mut stream = head.as_slice().chain(&mut lim);
        let mut node = match container {
            None => self.scan_member_text(&mut stream, path),
            Some(c) if c.has_members() && depth >= self.limits.max_depth => {
                let mut n = Node::new(c.name);
                let (hash, size) = Hashing::new(&mut stream).finish();
                n.size = size;
                n.sha256 = hash.ok();
                n.status = Status::Skipped;
                n.reason = Some(format!(
                    "limit: archive depth {} reached (--max-archive-depth); not unpacked",
                    self.limits.max_depth
                ));
                n
            }
            Some(c) => {
                let at = Level {
                    name,
                    depth: depth + 1,
                    budget,
                };
                match c.access {
                    Access::Stream(unpack) => self.unpack_hashed(c.name, unpack, &mut stream, &at),
                    Access::Seek(_) | Access::Database(_) => self.scan_spooled(c, &mut stream, &at),
                }
            }
        };
        if let Some(t) = lim.tripped.take() {
            node.limit(t, lim.bytes_read());
        }
        node
    }

    /// Scans a member that is text or binary data; its findings handed out early carry
    /// the member's `path`.
    fn scan_member_text(&self, stream: &mut dyn Read, path: &str) -> Node {
        let flushed = AtomicU64::new(0);
        let outer = self.flush;
        let to_outer = |mut f: Vec<Finding>| {
            for x in &mut f {
                x.member = Some(path.to_string());
            }
            flushed.fetch_add(crate::evidence::untrue::findings_in(&f), Ordering::Relaxed);
            if let Some(outer) = outer {
                outer(f);
            }
        };
        let flush: Option<Flush> = outer.map(|_| &to_outer as Flush);
        let scanned = scan_stream_flushing(stream, self.det, self.opts, &|_| {}, flush);
        let mut n = Node::from_scanned(scanned);
        n.flushed = flushed.into_inner();
        n
    }

    /// A member that needs random access (zip, xls, SQLite): copied to a temporary file
    /// first (hashed on the way), then opened from there; its members are at `at`.
    fn scan_spooled(&self, c: &'static Container, r: &mut dyn Read, at: &Level) -> Node {
        let mut node = Node::new(c.name);
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
        match c.access {
            Access::Database(records) => {
                let s = scan_stream(&file, self.det, self.opts, &|_| {});
                let enc = s.encoding;
                let mut n = Node::from_scanned(s);
                n.content = c.name;
                n.encoding = Some(enc);
                n.sha256 = node.sha256.take();
                records(self, tmp.path(), &mut n);
                return n;
            }
            Access::Seek(open) => {
                if !open(self, &file, at, &mut node) {
                    return self.raw(&file, node);
                }
            }
            Access::Stream(_) => unreachable!("streamed containers are not spooled"),
        }
        node.settle(&self.limits);
        node
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;

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
            include_bytes!("../../testdata/unwrap/users.csv.xz"),
            include_bytes!("../../testdata/unwrap/users.csv.lzma"),
            include_bytes!("../../testdata/unwrap/users.csv.zst"),
            include_bytes!("../../testdata/unwrap/dump.tar.xz"),
            include_bytes!("../../testdata/unwrap/dump.tar.zst"),
            include_bytes!("../../testdata/unwrap/bundle.7z"),
            include_bytes!("../../testdata/unwrap/ppmd.7z"),
            include_bytes!("../../testdata/unwrap/one_encrypted.7z"),
            include_bytes!("../../testdata/unwrap/secret_header.7z"),
            include_bytes!("../../testdata/unwrap/sample.rar"),
            include_bytes!("../../testdata/unwrap/numbers.ods"),
            include_bytes!("../../testdata/unwrap/numbers.xls"),
            include_bytes!("../../testdata/unwrap/mail_utf8.eml"),
            include_bytes!("../../testdata/unwrap/mail_broken.eml"),
            include_bytes!("../../testdata/unwrap/mail.mbox"),
            include_bytes!("../../testdata/unwrap/shop.pgdump"),
            include_bytes!("../../tests/data/pgdump/shop_piped.pgdump"),
            include_bytes!("../../tests/data/pgdump/shop_piped_plain.pgdump"),
            include_bytes!("../../testdata/unwrap/word_gbk.rtf"),
            include_bytes!("../../testdata/unwrap/lo_table.rtf"),
            include_bytes!("../../testdata/unwrap/writer.pdf"),
            include_bytes!("../../testdata/unwrap/writer_cairo.pdf"),
            include_bytes!("../../testdata/unwrap/writer_open.pdf"),
            include_bytes!("../../testdata/unwrap/writer_locked.pdf"),
            include_bytes!("../../testdata/unwrap/writer_cut.pdf"),
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(240))]
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
                let det = Detector::new();
                let u = Unwrapper::new(&det);
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
