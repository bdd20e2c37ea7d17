//! gzip: the decompressed stream is one member, named after the gzip header's file name.
//! Concatenated gzip members (`cat a.gz b.gz`) are one stream, as `gunzip` reads them;
//! bytes after the last member that do not start another (zero padding from tape or
//! block devices) are ignored, as `gunzip` does, and noted.

use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Read};

use flate2::bufread::GzDecoder;

use super::container::{Access, Container, Level};
use super::limits::{Compressed, Counting};
use super::{member_name, Node, Unwrapper};

/// gzip (RFC 1952), possibly several members concatenated.
pub(super) static GZIP: Container = Container {
    name: "gzip",
    magic: |head| head.starts_with(&[0x1F, 0x8B]),
    access: Access::Stream(unpack),
};

/// Unpacks the gzip stream `r` (named `at.name`) whose member is at `at.depth`.
fn unpack(u: &Unwrapper, r: &mut dyn Read, at: &Level, node: &mut Node) {
    let Level {
        name,
        depth,
        budget,
    } = *at;
    if !budget.take_member() {
        node.over_limit += 1;
        return;
    }
    let consumed = Cell::new(0u64);
    let mut dec = BufReader::new(Members::new(BufReader::new(Counting::new(r, &consumed))));
    // The first read parses the header, which may name the member: its findings carry that
    // name even when they are handed out before the member is done. (A read error here
    // comes again to the member's own first read.)
    let _ = dec.fill_buf();
    let member = dec
        .get_ref()
        .filename
        .as_ref()
        .filter(|f| !f.is_empty())
        .map(|f| member_name(f))
        .unwrap_or_else(|| default_name(name));
    let counted = Compressed::Counted(&consumed);
    let child = u.scan_member(&mut dec, counted, &member, depth, budget);
    node.adopt(&member, child);
    if dec.get_ref().trailing {
        node.reason
            .get_or_insert("trailing bytes after the gzip data were ignored".into());
    }
}

/// The decompressed bytes of consecutive gzip members.
struct Members<R: BufRead> {
    dec: Option<GzDecoder<R>>,
    /// The first member's stored file name.
    filename: Option<Vec<u8>>,
    /// True if bytes that are not a gzip member followed the last one.
    trailing: bool,
}

impl<R: BufRead> Members<R> {
    fn new(r: R) -> Self {
        Members {
            dec: Some(GzDecoder::new(r)),
            filename: None,
            trailing: false,
        }
    }
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(dec) = &mut self.dec else {
                return Ok(0);
            };
            let n = dec.read(buf)?;
            if self.filename.is_none() {
                self.filename = dec.header().and_then(|h| h.filename()).map(<[u8]>::to_vec);
            }
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // This member is done: another one, or the end.
            let mut rest = self.dec.take().expect("checked above").into_inner();
            let next = rest.fill_buf()?;
            if next.starts_with(&[0x1F, 0x8B]) {
                self.dec = Some(GzDecoder::new(rest));
            } else {
                self.trailing = !next.is_empty();
                return Ok(0);
            }
        }
    }
}

/// What `gunzip` would call the output: `a.csv.gz` → `a.csv`, `a.tgz` → `a.tar`.
fn default_name(name: &str) -> String {
    let base = name.rsplit(['/', '!']).next().unwrap_or(name);
    let lower = base.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix(".tgz").map(|_| &base[..base.len() - 4]) {
        return format!("{stem}.tar");
    }
    for suffix in [".gz", ".gzip", "-gz", ".z"] {
        if lower.ends_with(suffix) && base.len() > suffix.len() {
            return base[..base.len() - suffix.len()].to_string();
        }
    }
    base.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gz(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn concatenated_members_are_one_stream_and_padding_is_ignored() {
        let mut bytes = gz(b"first ");
        bytes.extend(gz(b"second"));
        bytes.extend([0u8; 512]);
        let mut m = Members::new(&bytes[..]);
        let mut out = String::new();
        m.read_to_string(&mut out).unwrap();
        assert_eq!(out, "first second");
        assert!(m.trailing);
    }

    #[test]
    fn default_names_follow_gunzip() {
        assert_eq!(default_name("dir/users.csv.gz"), "users.csv");
        assert_eq!(default_name("x.zip!dump.TGZ"), "dump.tar");
        assert_eq!(default_name("blob"), "blob");
    }
}
