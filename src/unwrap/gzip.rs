//! gzip: the decompressed stream is one member, named after the gzip header's file name.
//! Concatenated gzip members (`cat a.gz b.gz`) are one stream, as `gunzip` reads them;
//! bytes after the last member that do not start another (zero padding from tape or
//! block devices) are ignored, as `gunzip` does, and noted.

use std::io::{self, BufRead, Read};

use flate2::bufread::GzDecoder;

use super::compressed::{unpack, Decoder, Input, Names};
use super::container::{Access, Container};
use super::member_name;

/// gzip (RFC 1952), possibly several members concatenated.
pub(super) static GZIP: Container = Container {
    name: "gzip",
    magic: |head| head.starts_with(&[0x1F, 0x8B]),
    access: Access::Stream(|u, r, at, node| unpack(u, r, at, node, &NAMES, open)),
};

/// What `gunzip` would call the output: `a.csv.gz` → `a.csv`, `a.tgz` → `a.tar`; a name
/// without these suffixes is kept.
static NAMES: Names = Names {
    suffixes: &[
        (".tgz", ".tar"),
        (".gz", ""),
        (".gzip", ""),
        ("-gz", ""),
        (".z", ""),
    ],
    otherwise: "",
};

fn open(input: Input<'_>) -> Box<dyn Decoder + '_> {
    Box::new(Members::new(input))
}

impl<R: BufRead> Decoder for Members<R> {
    fn stored_name(&self) -> Option<String> {
        self.filename.as_deref().map(member_name)
    }

    fn note(&self) -> Option<&'static str> {
        self.trailing
            .then_some("trailing bytes after the gzip data were ignored")
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
        assert_eq!(NAMES.output("dir/users.csv.gz"), "users.csv");
        assert_eq!(NAMES.output("x.zip!dump.TGZ"), "dump.tar");
        assert_eq!(NAMES.output("blob"), "blob");
    }
}
