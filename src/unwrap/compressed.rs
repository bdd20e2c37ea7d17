//! What the compression formats (gzip, bzip2, xz, lzma, zstd) share: a compressed stream
//! whose decompressed bytes are one member, named after the stream as the format's own
//! tool names its output (`users.csv.xz` → `users.csv`, `dump.tzst` → `dump.tar`) unless
//! the stream stores a name (gzip's FNAME). A tar inside is recognised by its magic like
//! any member.
//!
//! A format's file declares its [`super::container::Container`] with
//! `Access::Stream(|u, r, at, node| unpack(u, r, at, node, &NAMES, open))`: its output
//! names and a constructor of its decoder over the compressed bytes.

use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};

use super::container::Level;
use super::limits::{Compressed, Counting};
use super::{Node, Unwrapper};

/// The compressed bytes a decoder reads (counted, for the compression ratio).
pub(super) type Input<'a> = BufReader<Counting<'a, &'a mut dyn Read>>;

/// Makes a format's decoder over its compressed bytes.
pub(super) type Open = for<'a> fn(Input<'a>) -> Box<dyn Decoder + 'a>;

/// A decoder of one compression format: its decompressed bytes, and what the stream
/// says about itself.
pub(super) trait Decoder: Read {
    /// The member's name if the stream stores one (asked after the first read).
    fn stored_name(&self) -> Option<String> {
        None
    }

    /// A note for the container's record once the stream is read (bytes ignored after
    /// the end, say).
    fn note(&self) -> Option<&'static str> {
        None
    }
}

/// How a format's tool names its output.
pub(super) struct Names {
    /// Suffixes (lower case) and what replaces them: `(".tgz", ".tar")`, `(".gz", "")`.
    pub suffixes: &'static [(&'static str, &'static str)],
    /// The suffix added to a name that has none of them (`""`: the name as it is).
    pub otherwise: &'static str,
}

impl Names {
    /// What the tool would call the output of the stream named `name` (a path, or
    /// members joined by `!`: its last part counts).
    pub fn output(&self, name: &str) -> String {
        let base = name.rsplit(['/', '!']).next().unwrap_or(name);
        let lower = base.to_ascii_lowercase();
        for (suffix, to) in self.suffixes {
            if lower.ends_with(suffix) && base.len() > suffix.len() {
                return format!("{}{to}", &base[..base.len() - suffix.len()]);
            }
        }
        format!("{base}{}", self.otherwise)
    }
}

/// Unpacks the compressed stream `r` (named `at.name`) whose one member is at
/// `at.depth`: `open` makes the format's decoder over the counted compressed bytes.
pub(super) fn unpack(
    u: &Unwrapper,
    r: &mut dyn Read,
    at: &Level,
    node: &mut Node,
    names: &Names,
    open: Open,
) {
    if !at.budget.take_member() {
        node.over_limit += 1;
        return;
    }
    let consumed = Cell::new(0u64);
    let mut dec = BufReader::new(Fused::new(open(BufReader::new(Counting::new(
        r, &consumed,
    )))));
    // The first read parses the stream's header, which may name the member: its findings
    // carry that name even when they are handed out before the member is done. (A read
    // error here comes again to the member's own first read.)
    let _ = dec.fill_buf();
    let member = dec
        .get_ref()
        .inner
        .stored_name()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| names.output(at.name));
    let child = u.scan_member(
        &mut dec,
        Compressed::Counted(&consumed),
        &member,
        at.depth,
        at.budget,
    );
    node.adopt(&member, child);
    if let Some(note) = dec.get_ref().inner.note() {
        node.reason.get_or_insert(note.into());
    }
}

/// A decoder that is not asked again once it failed: every later read gives its error
/// again. (A decoder left in a broken state may not return at all: lzma-rust2's, asked
/// again after corrupt data, loops.)
pub(super) struct Fused<R> {
    pub inner: R,
    failed: Option<(io::ErrorKind, String)>,
}

impl<R> Fused<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        Fused {
            inner,
            failed: None,
        }
    }
}

impl<R: Read> Read for Fused<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some((kind, msg)) = &self.failed {
            return Err(io::Error::new(*kind, msg.clone()));
        }
        self.inner.read(buf).inspect_err(|e| {
            self.failed = Some((e.kind(), e.to_string()));
        })
    }
}

/// The archive file, counting the bytes read from it (the compressed side).
pub(super) struct CountingSeek<'a, R> {
    pub(super) inner: R,
    pub(super) count: &'a Cell<u64>,
}

impl<R: Read> Read for CountingSeek<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

impl<R: Seek> Seek for CountingSeek<'_, R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails once, then would loop forever if asked again.
    struct Trap(bool);

    impl Read for Trap {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            assert!(!self.0, "asked again after failing");
            self.0 = true;
            Err(io::Error::new(io::ErrorKind::InvalidData, "corrupt"))
        }
    }

    #[test]
    fn a_failed_decoder_is_not_asked_again() {
        let mut f = Fused::new(Trap(false));
        let mut buf = [0u8; 4];
        assert_eq!(f.read(&mut buf).unwrap_err().to_string(), "corrupt");
        let again = f.read(&mut buf).unwrap_err();
        assert_eq!(
            (again.kind(), again.to_string()),
            (io::ErrorKind::InvalidData, "corrupt".into())
        );
    }
}
